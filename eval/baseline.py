"""The way most people build this, measured beside ours with the same embedding model.

(a) `dense`: LangChain's tutorial recipe — RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    over the raw corpus text, dense retrieval only, the question alone (no conversation history).
(b) `naive_hybrid`: the same chunks; BM25 (bm25s) over plain jieba tokens fused with the dense ranking by
    reciprocal rank fusion (k=60); no domain dictionary, no cross-lingual expansion, no history.

Both keep their vectors in memory (numpy; the embeddings are L2-normalised, so a dot product is the cosine).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
RRF_K = 60  # the constant from Cormack et al. (2009); the usual untuned choice
_KEEP_TOKEN = re.compile(r"\w", re.UNICODE)


def split_raw(text: str) -> list[str]:
    """The tutorial splitter with its default separators, over the raw (uncleaned) text."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return splitter.split_text(text)


@dataclass
class DenseIndex:
    """Chunks and their vectors, searched by dot product."""

    chunks: list[str]
    vectors: np.ndarray
    build_seconds: float = 0.0

    @classmethod
    def build(cls, chunks: list[str], embeddings: Embeddings) -> DenseIndex:
        t0 = time.perf_counter()
        vectors = np.asarray(embeddings.embed_documents(chunks), dtype=np.float32)
        return cls(chunks, vectors, time.perf_counter() - t0)

    def rank(self, query_vector: np.ndarray, k: int) -> list[int]:
        scores = self.vectors @ query_vector
        top = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in top]


@dataclass
class _Bm25:
    """bm25s over plain jieba tokens (default dictionary, search mode) — the naive setup."""

    chunks: list[str]
    _tokenizer: object = field(default=None, repr=False)
    _model: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        import bm25s
        import jieba

        # A private Tokenizer: the default dictionary only, and jieba's global state is left alone.
        self._tokenizer = jieba.Tokenizer()
        self._model = bm25s.BM25()
        self._model.index([self.tokens(c) for c in self.chunks], show_progress=False)

    def tokens(self, text: str) -> list[str]:
        words = self._tokenizer.lcut_for_search(text)
        return [w.lower() for w in words if _KEEP_TOKEN.search(w)] or ["∅"]

    def rank(self, query: str, k: int) -> list[int]:
        scores = self._model.get_scores(self.tokens(query))
        top = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in top if scores[i] > 0]


def rrf(rankings: list[list[int]], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion of several rankings of the same items."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(fused, key=lambda i: (-fused[i], i))


@dataclass
class Baselines:
    """Both baselines over one chunking; `search(name, question, k)` returns chunk texts best first."""

    dense: DenseIndex
    bm25: _Bm25
    embeddings: Embeddings
    chunk_chars: int = 0

    NAMES = ("dense", "naive_hybrid")

    @classmethod
    def build(cls, corpus_file: Path, embeddings: Embeddings) -> Baselines:
        text = corpus_file.read_text(encoding="utf-8")
        chunks = split_raw(text)
        log.info("baseline: %d chunks of <=%d chars from %s", len(chunks), CHUNK_SIZE, corpus_file.name)
        dense = DenseIndex.build(chunks, embeddings)
        return cls(dense=dense, bm25=_Bm25(chunks), embeddings=embeddings, chunk_chars=len(text))

    def query_vector(self, question: str) -> np.ndarray:
        return np.asarray(self.embeddings.embed_query(question), dtype=np.float32)

    def search(self, name: str, question: str, k: int = 10, query_vector: np.ndarray | None = None) -> list[str]:
        qv = self.query_vector(question) if query_vector is None else query_vector
        if name == "dense":
            ids = self.dense.rank(qv, k)
        elif name == "naive_hybrid":
            depth = max(k, 50)  # fuse deeper lists than we return, as hybrid setups usually do
            ids = rrf([self.dense.rank(qv, depth), self.bm25.rank(question, depth)])[:k]
        else:
            raise ValueError(f"unknown baseline {name!r}; one of {self.NAMES}")
        return [self.dense.chunks[i] for i in ids]
