"""Hybrid, cross-lingual retrieval over the unit index: dense + BM25 (on an expanded query), fused by weighted RRF.

Lists fused (weighted reciprocal rank fusion, score = sum of w / (RRF_K + rank)):
- `dense`: the question as given, embedded by the store's model (e5 'query:' prefix);
- `dense_sentences`: every unit's sentences, each unit ranked by its best sentence (a long article's own vector
  blurs the one 款 a question is about), against the Chinese question or the Chinese rendering of another one;
- `dense_zh`: for English/mixed questions, the Chinese rendering of the expanded query (crosslingual.py);
- `bm25`: BM25 (bm25s, jieba tokens of each unit's context text) scored on the expanded query: each concept
  scores as the max over its Chinese alternatives, concepts summed with their weights.
An optional cross-encoder (settings.reranker_model) reorders the fused top candidates.

Weights measured on eval/data/questions.jsonl (see `RetrievalWeights` for the numbers).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.query.crosslingual import CrossLingualExpander, ExpandedQuery
from assistant.query.dense import DenseIndex
from assistant.query.lexicon import CorpusLexicon
from assistant.query.named import named_documents
from assistant.query.search_options import RetrievalWeights, SearchFilters, in_force
from assistant.query.textproc import TextProcessor, default_processor
from assistant.query.token_cache import TokenCache
from assistant.query.topics import TopicIndex
from assistant.query.versions import asks_about_versions
from assistant.settings import Settings
from assistant.types import SearchHit
from ingest.eligibility.rulebook import RULES_FILE, RuleBook
from ingest.embed import embed_queries
from ingest.records import Successor, replacements
from ingest.staff_marks import load_marks

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from ingest.models import Unit
    from ingest.store import DocumentInfo, UnitStore

log = logging.getLogger(__name__)


@dataclass
class _Index:
    """Everything derived from one snapshot of the store; a search uses one snapshot from start to end."""

    units: list[Unit]
    by_id: dict[str, int]
    docs: dict[str, DocumentInfo]
    bm25: Any
    df: dict[str, int]
    expander: CrossLingualExpander
    lexicon: CorpusLexicon
    rules: RuleBook  # the eligibility rules read out of these units at ingest
    replaced_by: dict[str, Successor]  # doc_id of each replaced document → its successor
    topics: TopicIndex  # which documents each indexed word points to (follow-up detection)
    dense: DenseIndex  # the units' and their sentences' vectors
    checked_rules: frozenset[str] = frozenset()  # keys of the rules staff checked (ingest.staff_marks.rule_key)
    token_scores: dict[str, np.ndarray] = field(default_factory=dict)  # BM25 score vector per token

    def replaced_title(self, doc_id: str) -> str | None:
        """The title of the document staff marked `doc_id` as replacing, if any."""
        old = [o for o, s in self.replaced_by.items() if s.by_staff and s.doc.doc_id == doc_id and o in self.docs]
        return self.docs[old[0]].title if old else None

    @property
    def cache_cap(self) -> int:
        return max(256, 64_000_000 // (4 * max(1, len(self.units))))  # ~64 MB of score vectors


class HybridRetriever:
    """Built once per process from the store's units; `search` is thread-safe."""

    def __init__(self, settings: Settings, store: UnitStore, embeddings: Embeddings,
                 weights: RetrievalWeights | None = None, processor: TextProcessor | None = None) -> None:
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.weights = weights or RetrievalWeights()
        self.processor = processor or default_processor()
        self._lock = threading.Lock()
        self.refresh()
        self.reranker = self._load_reranker(settings.reranker_model) if settings.reranker_model else None

    def refresh(self) -> None:
        """(Re)build the BM25 index and the corpus glossary from the store, e.g. after an ingest. Searches running
        meanwhile keep using the previous index (swapped in one assignment)."""
        import bm25s

        # bm25s sets its own logger to DEBUG when imported: keep its index-building chatter out of our output.
        logging.getLogger("bm25s").setLevel(max(logging.WARNING, logging.getLogger().getEffectiveLevel()))
        units = self.store.all_units()
        tokens = TokenCache(self.settings.data_dir / "bm25-tokens.json", self.processor).tokens(units)
        df: dict[str, int] = {}
        for toks in tokens:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if units:
            bm25.index(tokens, show_progress=False)
        expander = CrossLingualExpander(self.processor, df)
        lexicon = CorpusLexicon(self.processor, "\n".join(f"{u.doc_title}\n{u.text}" for u in units), df, expander,
                                self.settings.data_dir / "lexicon-evidence.json")
        rules = RuleBook.load_or_build(self.settings.data_dir / RULES_FILE, units)
        documents = self.store.documents()
        marks = load_marks(self.settings.data_dir)
        self.index = _Index(units, {u.id: i for i, u in enumerate(units)}, {d.doc_id: d for d in documents},
                            bm25, df, expander, lexicon, rules, replacements(documents, marks.replaced),
                            TopicIndex([u.doc_id for u in units], tokens, expander, self.processor),
                            DenseIndex.of(self.store.vectors(), self.store.sentence_vectors(),
                                          {u.id: u.doc_id for u in units}),
                            frozenset(marks.checked_rules))
        log.info("retriever ready: %d units, %d BM25 terms, %d CC-CEDICT keys", len(units), len(df),
                 len(expander.cedict))

    def apply_staff_marks(self) -> None:
        """Re-read what staff marked (replacements, checked rules) without rebuilding the index."""
        idx = self.index
        marks = load_marks(self.settings.data_dir)
        self.index = dataclasses.replace(idx, replaced_by=replacements(idx.docs.values(), marks.replaced),
                                         checked_rules=frozenset(marks.checked_rules))

    @property
    def expander(self) -> CrossLingualExpander:
        return self.index.expander

    @property
    def rules(self) -> RuleBook:
        return self.index.rules

    def uncovered_terms(self, query: str) -> tuple[str, ...]:
        """The query's topic words that no indexed unit uses (see assistant/query/lexicon.py)."""
        return self.index.lexicon.uncovered(query)

    def term_share(self, term: str) -> float:
        """The share of indexed units that hold the term (its rarest token): 企业 is in most units of a plan,
        二级节点 in one."""
        idx = self.index
        tokens = self.processor.tokenize(term, drop_stopwords=False) or [term.lower()]
        return min(idx.df.get(t, 0) for t in tokens) / max(1, len(idx.units))

    # --- pieces ------------------------------------------------------------------------------------
    @staticmethod
    def _load_reranker(name: str) -> Any:
        from sentence_transformers import CrossEncoder

        return CrossEncoder(name, device="cpu")

    def _token_vector(self, idx: _Index, token: str) -> np.ndarray:
        vec = idx.token_scores.get(token)
        if vec is None:
            if token in idx.df:
                vec = np.asarray(idx.bm25.get_scores([token]), dtype=np.float32)
            else:
                vec = np.zeros(len(idx.units), dtype=np.float32)
            with self._lock:
                if len(idx.token_scores) >= idx.cache_cap:
                    idx.token_scores.clear()  # bounded: at x100 scale a vector is 50 KB
                idx.token_scores[token] = vec
        return vec

    def _term_vector(self, idx: _Index, term: str) -> np.ndarray:
        toks = self.processor.tokenize(term, drop_stopwords=False) or [term.lower()]
        out = np.zeros(len(idx.units), dtype=np.float32)
        for t in dict.fromkeys(toks):
            out += self._token_vector(idx, t)
        return out

    def bm25_scores(self, expanded: ExpandedQuery, idx: _Index | None = None) -> np.ndarray:
        """Weighted sum over concepts of the max BM25 score over each concept's alternatives."""
        idx = idx or self.index
        total = np.zeros(len(idx.units), dtype=np.float32)
        for c in expanded.concepts:
            best = None
            for term in c.terms:
                v = self._term_vector(idx, term)
                best = v if best is None else np.maximum(best, v)
            if best is not None:
                total += c.weight * best
        return total

    def _allowed(self, idx: _Index, filters: SearchFilters | None, query: str = "",
                 named: frozenset[str] = frozenset()) -> set[str] | None:
        """Doc ids a search may return (None = all)."""
        filters = filters or SearchFilters()
        include_replaced = filters.include_replaced
        if include_replaced is None:
            include_replaced = asks_about_versions(query)
        hide = set() if include_replaced else set(idx.replaced_by) - named
        if filters.doc_ids is None and not filters.in_force_only and not hide:
            return None
        ids = set(idx.docs) if filters.doc_ids is None else set(filters.doc_ids) & set(idx.docs)
        ids -= hide
        if filters.in_force_only:
            today = filters.today or self.settings.effective_today()
            ids = {i for i in ids if in_force(idx.docs[i], today)}
        return ids

    def _dense(self, idx: _Index, vec: list[float], allowed: set[str] | None,
               by_sentence: bool = False) -> dict[str, list[str]]:
        """Units nearest to a query vector, and (by_sentence) units ranked by their nearest sentence."""
        if allowed is not None and not allowed:
            return {}
        k = self.weights.candidates
        out = {"units": idx.dense.nearest_units(vec, k, allowed)}
        if by_sentence:
            out["sentences"] = idx.dense.nearest_units_by_sentence(vec, k, allowed)
        return out

    # --- search ------------------------------------------------------------------------------------
    def ranked_lists(self, query: str, filters: SearchFilters | None = None,
                     idx: _Index | None = None) -> dict[str, list[str]]:
        """The unit-id rankings that get fused (exposed for evaluation of each list on its own)."""
        return self._ranked(query, filters, idx or self.index)[0]

    def _ranked(self, query: str, filters: SearchFilters | None,
                idx: _Index) -> tuple[dict[str, list[str]], list[float]]:
        """The rankings, and the question's own vector."""
        named = named_documents(query, idx.docs.values())
        allowed = self._allowed(idx, filters, query, named)
        expanded = idx.expander.expand(query)
        # Sentences are matched in Chinese: the small model pairs an English question with a whole article far
        # better than with one short Chinese sentence, so a question in another language sends its Chinese
        # rendering there.
        rendered = expanded.lang != "zh" and bool(expanded.chinese.strip())
        vectors = embed_queries(self.embeddings, [query, expanded.chinese] if rendered else [query])
        dense = self._dense(idx, vectors[0], allowed, by_sentence=not rendered)
        lists: dict[str, list[str]] = {"dense": dense.get("units", [])}
        if rendered:
            dense_zh = self._dense(idx, vectors[1], allowed, by_sentence=True)
            lists["dense_zh"] = dense_zh.get("units", [])
            lists["dense_sentences"] = dense_zh.get("sentences", [])
        else:
            lists["dense_sentences"] = dense.get("sentences", [])
        if not lists["dense_sentences"]:
            del lists["dense_sentences"]
        scores = self.bm25_scores(expanded, idx)
        if allowed is not None:
            mask = np.array([u.doc_id in allowed for u in idx.units])
            scores = np.where(mask, scores, 0.0)
        order = np.argsort(-scores, kind="stable")[: self.weights.candidates]
        lists["bm25"] = [idx.units[i].id for i in order if scores[i] > 0]
        if named:
            ranked = np.argsort(-scores, kind="stable")
            lists["title"] = [idx.units[i].id for i in ranked if idx.units[i].doc_id in named
                              and (allowed is None or idx.units[i].doc_id in allowed)][: self.weights.candidates]
        return lists, vectors[0]

    def fuse(self, lists: dict[str, list[str]], idx: _Index | None = None) -> list[tuple[str, float]]:
        by_id = (idx or self.index).by_id
        w = self.weights
        fused: dict[str, float] = {}
        for name, ids in lists.items():
            weight = getattr(w, name)
            for rank, uid in enumerate(ids, 1):
                fused[uid] = fused.get(uid, 0.0) + weight / (w.rrf_k + rank)
        return sorted(fused.items(), key=lambda kv: (-kv[1], by_id.get(kv[0], 0)))

    def unit_hit(self, uid: str) -> SearchHit | None:
        """An indexed unit as a hit (score 0), for a clause an answer rests on that the search ranked lower."""
        idx = self.index
        return self._hit(idx, uid, 0.0) if uid in idx.by_id else None

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[SearchHit]:
        """Best-first units for a question (any language). Empty question or empty index -> []."""
        idx = self.index  # one snapshot for the whole search, even if refresh() swaps it meanwhile
        if not query or not query.strip() or not idx.units or k <= 0:
            return []
        lists, vector = self._ranked(query, filters, idx)
        ranked = self.fuse(lists, idx)
        ranked = [(uid, s) for uid, s in ranked if uid in idx.by_id]  # e.g. units ingested after the snapshot
        if self.reranker is not None and ranked:
            ranked = self._rerank(idx, query, ranked[: max(k, self.weights.rerank_depth)])
        return [self._hit(idx, uid, score, vector) for uid, score in ranked[:k]]

    def _rerank(self, idx: _Index, query: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Cross-encoder order; the hit score becomes the cross-encoder's (its predict() output: for a one-label
        model a sigmoid in 0..1, higher = better), so scores stay descending."""
        units = [idx.units[idx.by_id[uid]] for uid, _ in ranked]
        scores = self.reranker.predict([(query, u.context_text()) for u in units], show_progress_bar=False)
        scored = [(u.id, float(x)) for u, x in zip(units, scores, strict=True)]
        return sorted(scored, key=lambda kv: -kv[1])

    @staticmethod
    def _hit(idx: _Index, uid: str, score: float, vector: list[float] | None = None) -> SearchHit:
        u = idx.units[idx.by_id[uid]]
        d = idx.docs.get(u.doc_id)
        newer = idx.replaced_by.get(u.doc_id)
        title = u.doc_title
        if newer and not newer.by_staff and d and d.version:  # the replaced version of a title is cited as such
            title = f"{title}（{d.version.year}年{d.version.month}月{d.version.day}日版）"
        return SearchHit(id=u.id, doc_id=u.doc_id, doc_title=title, locator=u.locator, text=u.text,
                         score=float(score), issuer=d.issuer if d else None,
                         effective=d.effective if d else None, expires=d.expires if d else None,
                         kind=d.kind if d else "normative", version=d.version if d else None,
                         replaced_by=newer.on if newer else None,
                         replaced_by_title=newer.doc.title if newer and newer.by_staff else None,
                         replaces_title=idx.replaced_title(u.doc_id),
                         sentence_similarity=idx.dense.sentence_similarity(vector, u.id, u.text) if vector is not None else ())
