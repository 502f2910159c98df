"""Exact nearest neighbours over the vectors the store holds, computed in memory.

Chroma's HNSW graph is approximate, and the graph it builds depends on the order its threads insert vectors in:
two ingests of the same files ranked some questions differently, and the refusal checks calibrated on one index
did not hold on the other. A few thousand vectors of 384 dimensions are one matrix product per query (well under a
millisecond here), so every build of the same files ranks every question the same way, and exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.sentence_store import embedded_sentences, unit_of_sentence
from ingest.sentences import split_sentences


@dataclass(frozen=True)
class _Groups:
    """Vectors grouped by unit (a unit's own vector, or its sentences); a unit scores as its best row."""

    matrix: np.ndarray  # rows normalised, grouped by unit
    starts: np.ndarray  # first row of each group
    units: list[str]  # unit id of each group
    docs: np.ndarray  # doc id of each group
    records: list[str]  # record id of each row
    group_of: dict[str, int]  # unit id -> its group

    @classmethod
    def of(cls, record_ids: Sequence[str], matrix: np.ndarray, unit_of_record: Mapping[str, str],
           doc_of_unit: Mapping[str, str]) -> _Groups:
        keep = sorted((i for i, r in enumerate(record_ids) if unit_of_record.get(r) in doc_of_unit),
                      key=lambda i: unit_of_record[record_ids[i]])  # stable: a unit's rows stay in id order
        units_of_rows = [unit_of_record[record_ids[i]] for i in keep]
        rows = matrix[keep] if keep else np.zeros((0, matrix.shape[1] if matrix.ndim == 2 else 0), np.float32)
        norms = np.linalg.norm(rows, axis=1, keepdims=True) if len(rows) else np.ones((0, 1), np.float32)
        starts = [i for i, u in enumerate(units_of_rows) if i == 0 or u != units_of_rows[i - 1]]
        units = [units_of_rows[i] for i in starts]
        return cls((rows / np.maximum(norms, 1e-12)).astype(np.float32), np.asarray(starts, dtype=np.int64), units,
                   np.asarray([doc_of_unit[u] for u in units], dtype=object), [record_ids[i] for i in keep],
                   {u: g for g, u in enumerate(units)})

    def rows_of(self, unit_id: str) -> range:
        g = self.group_of.get(unit_id)
        if g is None:
            return range(0)
        return range(int(self.starts[g]), int(self.starts[g + 1]) if g + 1 < len(self.starts) else len(self.records))

    def nearest(self, vec: np.ndarray, k: int, allowed: set[str] | None) -> list[str]:
        if not self.units or k <= 0:
            return []
        scores = np.maximum.reduceat(self.matrix @ vec, self.starts)
        if allowed is not None:
            scores = np.where(np.isin(self.docs, list(allowed)), scores, -np.inf)
        # Stable on the negated scores: equal scores keep the groups' id order.
        order = np.argsort(-scores, kind="stable")[:k]
        return [self.units[i] for i in order if np.isfinite(scores[i])]


@dataclass(frozen=True)
class DenseIndex:
    """Every unit's vector and every sentence's vector of one snapshot of the store."""

    by_unit: _Groups
    by_sentence: _Groups

    @classmethod
    def of(cls, unit_vectors: tuple[list[str], np.ndarray], sentence_vectors: tuple[list[str], np.ndarray],
           doc_of_unit: Mapping[str, str]) -> DenseIndex:
        unit_ids, unit_matrix = unit_vectors
        sentence_ids, sentence_matrix = sentence_vectors
        return cls(_Groups.of(unit_ids, unit_matrix, {u: u for u in unit_ids}, doc_of_unit),
                   _Groups.of(sentence_ids, sentence_matrix, {r: unit_of_sentence(r) for r in sentence_ids},
                              doc_of_unit))

    def nearest_units(self, vec: Sequence[float], k: int, allowed: set[str] | None = None) -> list[str]:
        """The k units whose own vector is most similar (cosine) to `vec`, best first, among `allowed` documents."""
        return self.by_unit.nearest(_normalised(vec), k, allowed)

    def nearest_units_by_sentence(self, vec: Sequence[float], k: int, allowed: set[str] | None = None) -> list[str]:
        """The k units ranked by their most similar sentence, best first; none where no sentences are stored."""
        return self.by_sentence.nearest(_normalised(vec), k, allowed)

    def record_similarity(self, vec: Sequence[float], unit_id: str) -> dict[str, float]:
        """Cosine of `vec` with each stored sentence record of one unit, by record id (`unit id#n`)."""
        rows = self.by_sentence.rows_of(unit_id)
        if not rows:
            return {}
        scores = self.by_sentence.matrix[rows.start:rows.stop] @ _normalised(vec)
        return {self.by_sentence.records[i]: float(x) for i, x in zip(rows, scores, strict=True)}

    def sentence_similarity(self, vec: Sequence[float], unit_id: str, text: str) -> tuple[tuple[int, float], ...]:
        """(start offset in `text`, cosine with `vec`) of each sentence of the unit that has a stored vector; a
        unit stored as one record gives that record's cosine to all of its sentences."""
        by_record = self.record_similarity(vec, unit_id)
        if not by_record:
            return ()
        sentences = embedded_sentences(text)
        if sentences is None:
            whole = by_record.get(f"{unit_id}#0")
            return () if whole is None else tuple((s.start, whole) for s in split_sentences(text))
        return tuple((s.start, by_record[f"{unit_id}#{n}"]) for n, s in enumerate(sentences)
                     if f"{unit_id}#{n}" in by_record)


def _normalised(vec: Sequence[float]) -> np.ndarray:
    v = np.asarray(vec, dtype=np.float32)
    return v / max(float(np.linalg.norm(v)), 1e-12)
