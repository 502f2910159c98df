"""Each unit's sentences, embedded one by one in a second collection beside the units.

A long article's vector averages all of its 款 and 项, so a question about one of them can sit far from the whole
article while sitting close to the sentence that answers it. Retrieval ranks units by their best sentence as one
more list in its fusion (assistant/query/retrieval.py). Measured in docs/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from ingest.models import Unit
from ingest.sentences import Sentence, split_sentences

SUFFIX = "-sentences"
# Shorter sentences (item numbers, "第五条", a bare heading) say too little to be matched on their own.
MIN_SENTENCE_CHARS = 8
_PAGE = 2000
T = TypeVar("T")


def embedded_sentences(text: str) -> list[Sentence] | None:
    """The sentences of a unit's text that records `#0`, `#1`… hold, in order; None when the unit is one record,
    embedded whole."""
    sentences = [s for s in split_sentences(text) if len(s.text) >= MIN_SENTENCE_CHARS]
    return sentences if len(sentences) > 1 else None


def sentence_passages(unit: Unit) -> list[str]:
    """What is embedded for a unit: its title with each sentence. A unit of one sentence is embedded as its
    own context text, which the unit collection already holds, so the embedding cache answers it."""
    sentences = embedded_sentences(unit.text)
    if sentences is None:
        return [unit.context_text()]
    return [f"{unit.doc_title}\n{s.text}" for s in sentences]


class SentenceStore:
    """The sentence collection of one unit collection; records are keyed `unit id#n`."""

    def __init__(self, chroma: Chroma, call: Callable[[Callable[[], Any]], Any]) -> None:
        self.chroma = chroma
        self._call = call  # the unit store's error translation (an unreachable server gets one clear message)

    @classmethod
    def open(cls, client: Any, collection: str, embeddings: Embeddings, metadata: dict[str, str],
             call: Callable[[Callable[[], Any]], Any]) -> SentenceStore:
        chroma = Chroma(collection_name=collection + SUFFIX, embedding_function=embeddings, client=client,
                        collection_metadata=metadata, collection_configuration={"hnsw": {"space": "cosine"}})
        return cls(chroma, call)

    def replace(self, units: Sequence[Unit]) -> int:
        """Drop the units' old sentences and embed their current ones; returns how many were written."""
        if not units:
            return 0
        self.delete_units([u.id for u in units])
        texts: list[str] = []
        metas: list[dict[str, str]] = []
        ids: list[str] = []
        for u in units:
            for n, passage in enumerate(sentence_passages(u)):
                texts.append(passage)
                metas.append({"unit_id": u.id, "doc_id": u.doc_id})
                ids.append(f"{u.id}#{n}")
        self._call(lambda: self.chroma.add_texts(texts, metadatas=metas, ids=ids))
        return len(texts)

    def delete_units(self, unit_ids: Iterable[str]) -> None:
        ids = list(unit_ids)
        for i in range(0, len(ids), _PAGE):
            chunk = ids[i:i + _PAGE]
            self._call(lambda chunk=chunk: self.chroma._collection.delete(where={"unit_id": {"$in": chunk}}))

    def unit_ids(self) -> set[str]:
        """The units that have sentences stored (read from the record ids, which name their unit)."""
        return {unit_of_sentence(record_id) for page in pages(self.chroma._collection, self._call, [])
                for record_id in page["ids"]}

    def vectors(self) -> tuple[list[str], np.ndarray]:
        """Every sentence's record id (`unit id#n`) and stored vector."""
        return read_vectors(self.chroma._collection, self._call)


def pages(collection: Any, call: Callable[[Callable[[], Any]], Any], include: list[str]) -> Iterator[dict]:
    """A Chroma collection's records, _PAGE at a time: one HTTP response to a Chroma server stays small."""
    offset = 0
    while True:
        page = call(lambda offset=offset: collection.get(limit=_PAGE, offset=offset, include=include))
        yield page
        if len(page["ids"]) < _PAGE:
            return
        offset += _PAGE


def read_vectors(collection: Any, call: Callable[[Callable[[], Any]], Any]) -> tuple[list[str], np.ndarray]:
    """A collection's record ids and vectors, rows in id order (so equal scores rank the same way on every
    build)."""
    ids: list[str] = []
    rows: list[np.ndarray] = []
    for page in pages(collection, call, ["embeddings"]):
        ids.extend(page["ids"])
        if len(page["ids"]):
            rows.append(np.asarray(page["embeddings"], dtype=np.float32))
    if not ids:
        return [], np.zeros((0, 0), dtype=np.float32)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    return [ids[i] for i in order], np.concatenate(rows)[order]


def unit_of_sentence(record_id: str) -> str:
    """The unit a sentence record belongs to: its id is `unit id#n`."""
    return record_id.rsplit("#", 1)[0]
