"""Metric definitions on hand-made rankings and answers (pure functions: exact expected values)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.types import Turn
from eval.baseline import CHUNK_SIZE, rrf, split_raw
from eval.bench_scale import BenchOnlyReplicaEmbeddings, replica_text, skeleton
from eval.metrics import percentiles, refusal_metrics, score_answer, score_ranking
from eval.questions import DEFAULT_CORPUS_FILE, EvalQuestion, GoldRef, norm_fact

SPAN_A = "由7年缩短为5年"
SPAN_B = "持股比例不低于10%"


def q(type_: str = "single", gold=(SPAN_A,), facts=(), title="T") -> EvalQuestion:
    return EvalQuestion(id="x", question="?", lang="zh", type=type_, history=(Turn("user", "hi"),),
                        gold=tuple(GoldRef(title, "一、", s) for s in gold), facts=tuple(facts))


def test_relevance_ignores_whitespace_and_width():
    s = score_ranking([SPAN_A], ["无关", "可以由 7 年缩短为 5 年。"])
    assert s.recall == {1: 0.0, 3: 1.0, 5: 1.0, 10: 1.0}
    assert s.mrr == 0.5


def test_multi_gold_recall_is_a_fraction_and_ndcg_capped():
    s = score_ranking([SPAN_A, SPAN_B], ["x", "y", SPAN_B, "z", "w", "v", SPAN_A])
    assert s.recall[3] == 0.5 and s.recall[5] == 0.5 and s.recall[10] == 1.0
    assert s.mrr == pytest.approx(1 / 3)
    both = score_ranking([SPAN_A, SPAN_B], [SPAN_A + SPAN_B])
    assert both.ndcg == 1.0 and both.recall[1] == 1.0


def test_nothing_found_scores_zero():
    s = score_ranking([SPAN_A], ["a"] * 10)
    assert (s.mrr, s.ndcg, s.budget_recall, s.recall[10]) == (0.0, 0.0, 0.0, 0.0)


def test_context_budget_counts_characters_before_the_span():
    assert score_ranking([SPAN_A], ["字" * 1490, SPAN_A]).budget_recall == 1.0  # ends at 1498
    assert score_ranking([SPAN_A], ["字" * 1493, SPAN_A]).budget_recall == 0.0  # ends at 1501
    assert score_ranking([SPAN_A], ["字" * 1493 + SPAN_A]).budget_recall == 0.0  # ends at 1501


def test_score_answer_citations_facts_validity():
    question = q(type_="validity", facts=["status:expired", "2025年11月30日", "5年"])
    cits = [("……可以由 7 年缩短为 5 年……", "缩短为5年", True), ("别的条款", "别的", False)]
    s = score_answer(question, "有效期至2025-11-30，可缩短为 5 年。", False, cits, [("T", "expired")])
    assert s.citation_precision == 0.5 and s.citation_recall == 1.0
    assert s.fact_coverage == 1.0  # the Chinese date matches the ISO date
    assert s.quotes == 2 and s.quotes_verified == 1
    assert s.validity_correct is True
    wrong = score_answer(question, "已失效", False, cits, [("T", "no_end_date")])
    assert wrong.validity_correct is False and wrong.missing_facts == ["2025年11月30日", "5年"]


def test_refused_answer_gets_no_citation_scores():
    s = score_answer(q(), "这些政策未涉及", True, [], [])
    assert s.refused and s.citation_precision is None and s.fact_coverage is None


def test_refusal_metrics():
    qs = [q(), q(), q("out_of_scope", gold=()), q("out_of_scope", gold=())]
    m = refusal_metrics(qs, [True, False, True, False])
    assert m["refusal_precision"] == 0.5 and m["refusal_recall"] == 0.5 and m["answerable_refused_rate"] == 0.5


def test_percentiles_nearest_rank():
    p = percentiles([float(i) for i in range(1, 101)])
    assert p["p50"] == 50.5 and p["p95"] == 95.0
    assert math.isnan(percentiles([])["p50"])


def test_norm_fact_dates_and_case():
    assert norm_fact("2022年10月26日") == norm_fact("2022-10-26")
    assert norm_fact("REITs") == norm_fact("reits")


def test_baseline_splitter_and_rrf():
    chunks = split_raw(DEFAULT_CORPUS_FILE.read_text(encoding="utf-8"))
    assert len(chunks) > 100 and max(len(c) for c in chunks) <= CHUNK_SIZE
    assert rrf([[1, 2, 3], [3, 2, 1]]) == [1, 3, 2]  # 1/61+1/63 > 2/62; ties broken by id
    assert rrf([[7, 8], [7, 9]])[0] == 7


class FakeEmbeddings:
    """A fake embedder (named so): 4-d vectors from text length; counts calls."""

    model_id = "fake-4d"

    def __init__(self) -> None:
        self.calls = 0

    def embed_documents(self, texts):
        self.calls += len(texts)
        return [[float(len(t)), 1.0, 0.0, 0.0] for t in texts]

    def embed_query(self, text):
        return [1.0, 0.0, 0.0, 0.0]


def test_bench_only_replica_embeddings_reuse_original_vectors():
    original = "关于X的办法\n一、\n投资额 500 万元及以上,由 7 年缩短为 5 年"
    replica = replica_text("关于X的办法", "一、\n投资额 500 万元及以上,由 7 年缩短为 5 年", 3)
    assert "（合成副本3）" in replica and "503" in replica and "10 年" in replica
    assert skeleton(replica) == skeleton(original)
    fake = FakeEmbeddings()
    base = np.array([0.6, 0.8, 0.0, 0.0], dtype=np.float32)
    emb = BenchOnlyReplicaEmbeddings(fake, {skeleton(original): base})
    tagged = "关于X的办法（合成副本3）\n一、\n投资额 503 万元及以上,由 10 年缩短为 8 年"
    v_rep, v_orig, v_new = emb.embed_documents([tagged, original, "完全不同的文本"])
    assert v_orig == pytest.approx(base.tolist())
    assert np.dot(v_rep, base) > 0.95 and np.linalg.norm(v_rep) == pytest.approx(1.0, abs=1e-5)
    assert v_rep != pytest.approx(base.tolist())  # noise makes replica vectors distinct
    assert fake.calls == 1 and emb.really_embedded == 1 and v_new[0] == len("完全不同的文本")
    assert emb.embed_documents([tagged])[0] == v_rep  # seeded: deterministic
