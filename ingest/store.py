"""The unit index: langchain-chroma over an embedded PersistentClient or a Chroma server (HttpClient).

Everything the app needs at query time (unit text, locator, the document's title, dates and issuer) lives in
Chroma's per-unit metadata, so several app replicas can share one Chroma server with no local files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from ingest.models import PolicyDocument, Unit
from ingest.records import DocumentInfo, doc_info, unit_from_record, unit_metadata
from ingest.sentence_store import SentenceStore, read_vectors
from ingest.settings import IndexSettings

log = logging.getLogger(__name__)

MODEL_KEY = "embedding_model"
VERSION_KEY = "index_version"  # changes with every ingest; see UnitStore.refresh()
_PAGE = 2000  # rows per `get` page: keeps one HTTP response to a Chroma server small
T = TypeVar("T")


class StoreError(Exception):
    """Base of the store's user-facing errors (the message says what to do)."""


class StoreUnavailable(StoreError):
    """The Chroma server can't be reached."""


class EmbeddingModelMismatch(StoreError):
    """The index was built with a different embedding model than the one configured."""


class IndexNotFound(StoreError):
    """No index exists yet in this data dir / collection."""


def _is_connection_error(e: BaseException) -> bool:
    import httpx

    return isinstance(e, httpx.TransportError | ConnectionError) or "Could not connect" in str(e)


class UnitStore:
    """Citable units in one Chroma collection, with the embedding model recorded on the collection."""

    def __init__(self, chroma: Chroma, embeddings: Embeddings, where: str, remote: bool,
                 settings: IndexSettings | None = None, client: Any = None) -> None:
        self.chroma = chroma
        self.embeddings = embeddings
        self.where = where  # "host:port" or the directory, for messages
        self.remote = remote
        self.settings = settings
        self.client = client
        self._version = self._read_version() if client is not None else ""
        self.sentences = (SentenceStore.open(client, chroma._collection.name, embeddings,
                                             {MODEL_KEY: self.model_id}, self._call)
                          if client is not None else None)

    # --- opening -------------------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: IndexSettings, embeddings: Embeddings, create: bool = True) -> UnitStore:
        """Open (or create) the collection; raises StoreUnavailable / EmbeddingModelMismatch / IndexNotFound."""
        import chromadb

        model_id = embeddings.model_id  # type: ignore[attr-defined]
        remote = bool(settings.chroma_host)
        where = f"{settings.chroma_host}:{settings.chroma_port}" if remote else str(settings.chroma_dir)
        try:
            if remote:
                client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port)
            else:
                if not create and not (settings.chroma_dir / "chroma.sqlite3").exists():
                    raise IndexNotFound(f"no index in {settings.data_dir} yet; run `policy-assistant ingest` first")
                settings.chroma_dir.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(settings.chroma_dir))
            names = {c if isinstance(c, str) else c.name for c in client.list_collections()}
            if settings.collection in names:
                # embedding_function=None: Chroma's default one would try to download a model.
                existing = client.get_collection(settings.collection, embedding_function=None)
                found = (existing.metadata or {}).get(MODEL_KEY)
                if found and found != model_id:
                    raise EmbeddingModelMismatch(
                        f"the index at {where} (collection '{settings.collection}') was built with embedding model "
                        f"'{found}', but the configured model is '{model_id}'. Vectors from different models can't "
                        f"be compared: re-ingest into a fresh data dir (or another collection), or set the "
                        f"embedding model back to '{found}'.")
            elif not create:
                raise IndexNotFound(f"no index at {where} (collection '{settings.collection}') yet; "
                                    "run `policy-assistant ingest` first")
            chroma = Chroma(collection_name=settings.collection, embedding_function=embeddings, client=client,
                            collection_metadata={MODEL_KEY: model_id},
                            collection_configuration={"hnsw": {"space": "cosine"}})
        except StoreError:
            raise
        except Exception as e:
            if remote and _is_connection_error(e):
                raise StoreUnavailable(_unreachable(where)) from e
            raise
        return cls(chroma, embeddings, where, remote, settings, client)

    # --- staying current while another process ingests ------------------------------------------------
    def _read_version(self) -> str:
        name = self.chroma._collection.name
        col = self._call(lambda: self.client.get_collection(name, embedding_function=None))
        return str((col.metadata or {}).get(VERSION_KEY, ""))

    def mark_updated(self, version: str) -> None:
        """Record a new index version on the collection (the pipeline calls this after each ingest)."""
        col = self.chroma._collection
        self._call(lambda: col.modify(metadata={**(col.metadata or {}), MODEL_KEY: self.model_id,
                                                VERSION_KEY: version}))
        self._version = version

    def is_stale(self) -> bool:
        """True if an ingest changed the index since this store was opened (one cheap metadata read)."""
        return self.client is not None and self._read_version() != self._version

    def refresh(self) -> bool:
        """True if an ingest (maybe in another process) changed the index since this store was opened.

        An embedded Chroma client keeps the vector index it loaded, so it is closed and reopened here; with a
        Chroma server the server is always current. Callers rebuild their own caches (e.g. BM25) on True.
        """
        if self.client is None or self.settings is None or self._read_version() == self._version:
            return False
        if not self.remote:
            # Close first: Chroma shares one in-memory index per path among the process's open clients.
            # Call this between requests, not while other threads are querying this store.
            self.close()
            fresh = UnitStore.open(self.settings, self.embeddings, create=False)
            self.chroma, self.client, self.sentences = fresh.chroma, fresh.client, fresh.sentences
        self._version = self._read_version()
        return True

    def close(self) -> None:
        """Release the Chroma client (embedded: the last close frees its in-memory index)."""
        if self.client is not None and hasattr(self.client, "close"):
            self.client.close()

    def _call(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except Exception as e:
            if self.remote and _is_connection_error(e):
                raise StoreUnavailable(_unreachable(self.where)) from e
            raise

    @property
    def model_id(self) -> str:
        return self.embeddings.model_id  # type: ignore[attr-defined]

    # --- writing -------------------------------------------------------------------------------------
    def upsert_units(self, units: list[Unit], docs_by_id: dict[str, PolicyDocument],
                     doc_order: dict[str, int] | None = None) -> int:
        """Embed (through the cache) and upsert units with their sentences; returns how many units were written."""
        if not units:
            return 0
        order = doc_order or {}
        texts = [u.context_text() for u in units]
        metas = [unit_metadata(u, docs_by_id.get(u.doc_id), order.get(u.doc_id, 0)) for u in units]
        ids = [u.id for u in units]
        self._call(lambda: self.chroma.add_texts(texts, metadatas=metas, ids=ids))
        if self.sentences is not None:
            self.sentences.replace(units)
        return len(units)

    def delete_ids(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        for i in range(0, len(ids), _PAGE):
            chunk = ids[i:i + _PAGE]
            self._call(lambda chunk=chunk: self.chroma.delete(ids=chunk))
        if self.sentences is not None:
            self.sentences.delete_units(ids)
        return len(ids)

    def without_sentences(self, units: list[Unit]) -> list[Unit]:
        """The stored units that have no sentences yet: an index built before sentences were stored, or an ingest
        stopped half-way."""
        if self.sentences is None:
            return []
        have = self.sentences.unit_ids()
        return [u for u in units if u.id not in have]

    def add_sentences(self, units: list[Unit]) -> int:
        return self.sentences.replace(units) if self.sentences is not None else 0

    # --- reading -------------------------------------------------------------------------------------
    def _get_all(self, where: dict | None = None, include: list[str] | None = None) -> dict[str, list]:
        out: dict[str, list] = {"ids": [], "documents": [], "metadatas": []}
        offset = 0
        while True:
            page = self._call(lambda offset=offset: self.chroma.get(where=where, limit=_PAGE, offset=offset,
                                                                    include=include or ["metadatas"]))
            for key in out:
                out[key].extend(page.get(key) or [])
            if len(page["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def count(self) -> int:
        return self._call(lambda: self.chroma._collection.count())

    def ids_for_source(self, source: str) -> dict[str, str]:
        """Ids stored for a source file -> their record hash (what `upsert_units` stored)."""
        res = self._get_all(where={"source": source})
        return {i: (m or {}).get("record_hash", "") for i, m in zip(res["ids"], res["metadatas"], strict=True)}

    def sources(self) -> dict[str, int]:
        """Source name -> number of units stored."""
        counts: dict[str, int] = {}
        for m in self._get_all()["metadatas"]:
            counts[m.get("source", "")] = counts.get(m.get("source", ""), 0) + 1
        return counts

    def all_units(self) -> list[Unit]:
        res = self._get_all(include=["documents", "metadatas"])
        units = [unit_from_record(i, d, m) for i, d, m in
                 zip(res["ids"], res["documents"], res["metadatas"], strict=True)]
        units.sort(key=lambda u: (u.source, u.doc_id, u.order))
        return units

    def similarity_search(self, query: str, k: int = 10, where: dict | None = None) -> list[tuple[Unit, float]]:
        """Top-k units by cosine similarity (higher = more similar)."""
        vec = self.embeddings.embed_query(query)
        return self.similarity_search_by_vector(vec, k, where)

    def similarity_search_by_vector(self, vec: list[float], k: int = 10,
                                    where: dict | None = None) -> list[tuple[Unit, float]]:
        if k <= 0:
            return []
        # Chroma returns fewer hits when the collection (or the filter) holds fewer than k.
        hits = self._call(lambda: self.chroma.similarity_search_by_vector_with_relevance_scores(
            vec, k=k, filter=where))
        # Cosine space: Chroma returns distance = 1 - cosine similarity.
        return [(unit_from_record(doc.id or "", doc.page_content, doc.metadata), 1.0 - float(dist))
                for doc, dist in hits]

    def vectors(self) -> tuple[list[str], np.ndarray]:
        """Every unit's id and stored vector, rows in id order."""
        return read_vectors(self.chroma._collection, self._call)

    def sentence_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every sentence's record id (`unit id#n`) and stored vector; none for a store without sentences."""
        return self.sentences.vectors() if self.sentences is not None else ([], np.zeros((0, 0), dtype=np.float32))

    def documents(self) -> list[DocumentInfo]:
        """Indexed documents in source order, with their unit counts."""
        seen: dict[str, tuple[dict, int]] = {}
        for m in self._get_all()["metadatas"]:
            meta, n = seen.get(m["doc_id"], (m, 0))
            seen[m["doc_id"]] = (meta, n + 1)
        docs = [(m.get("source", ""), int(m.get("doc_order", 0)), doc_info(m, n)) for m, n in seen.values()]
        docs.sort(key=lambda t: (t[0], t[1], t[2].title))
        return [d for _, _, d in docs]

    def get_document_meta(self, doc_id: str) -> DocumentInfo | None:
        res = self._get_all(where={"doc_id": doc_id})
        return doc_info(res["metadatas"][0], len(res["ids"])) if res["ids"] else None


def _unreachable(where: str) -> str:
    return (f"the Chroma server at {where} is unreachable. Start it (`chroma run --path DIR --port PORT`) or "
            "check POLICY_ASSISTANT_CHROMA_HOST / POLICY_ASSISTANT_CHROMA_PORT; unset CHROMA_HOST to use the "
            "embedded store in the data dir.")


__all__ = ["DocumentInfo", "EmbeddingModelMismatch", "IndexNotFound", "StoreError", "StoreUnavailable",
           "UnitStore"]
