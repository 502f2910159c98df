"""When to say "these policies don't cover that", and how.

The gate asks whether one *passage* of the retrieved units — at most PASSAGE_SENTENCES consecutive sentences
of one of the top PASSAGE_HITS units, read with its document title and locator — contains enough of the
question's topic concepts (cross-lingually expanded, question words left out). That is what an answer would
quote: a question whose words are only scattered across several clauses (上海 here, 条件 there, 社保 in a
third) has no passage to rest on. A topic word that no policy uses at all (公积金, "unemployment") counts
heavily against the answer, and is named to the visitor either way. When the learned check
(assistant/refusal/answerability.py) applies to the live index, its verdict — which takes this gate's support as one
input — decides instead; this gate is the fallback for other corpora and embedding models. Thresholds are calibrated on the eval set by `calibrate()` (run:
`policy-assistant calibrate-refusal`); the values below are that command's output, not guesses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.query.crosslingual import ExpandedQuery
from assistant.query.details import asked_details, unstated
from assistant.query.matching import concept_in, informative_concepts, text_tokens
from assistant.query.textproc import (
    EN_FUNCTION_WORDS,
    NON_TOPIC_TAGS,
    ZH_QUESTION_WORDS,
    TextProcessor,
    default_processor,
)
from assistant.types import SearchHit
from ingest.sentences import normalize, split_sentences

COVERAGE_HITS = 3  # the units whose text counts toward (unit-level) coverage, used for hedging
PASSAGE_HITS = 5  # the units whose passages compete for the gate (settings.top_k is 5)
DETAIL_PASSAGE_SHARE = 0.75  # passages with ≥ this share of the best one's concept weight may state the detail
PASSAGE_SENTENCES = 2  # a clause and the sentence that qualifies it (conditions often follow: 其中/但/同时…)

# The gate scores passage coverage, with each uncovered word and unstated detail counted as an unmatched concept
# of UNCOVERED_WEIGHT; the two constants were chosen by leave-one-dev-set-out cross-validation at a 2% false-refusal
# budget (`policy-assistant calibrate-refusal`; what was measured and tried: docs/refusal-calibration.md).
MIN_PASSAGE = 0.2311
UNCOVERED_WEIGHT = 2.0
CALIBRATION = ("min_passage=0.2311 uncovered_weight=2 (eval + five dev sets, 564 questions, calibrated at a 2% "
               "budget; leave-one-dev-set-out: 46/190 out_of_scope refused at 8/190 answerable refused)")
# Answers that pass the gate are hedged ("may not answer this exactly; ask …") when the top units hold less than
# this share of the question's concepts that the policies use at all (`known_coverage`). Coverage barely tells
# answerable from out-of-scope questions among those that pass (`python -m eval.hedges`, all labelled sets:
# below 0.55, 8.6% of answered answerable questions against 13.5% of answered out-of-scope ones), so the hedge is
# kept for the clearest gaps: the largest threshold that hedges at most 2% of answered answerable questions
# (0.43: 12/688 hedged; 0.44 would hedge 14). It depends on which units retrieval puts first, so
# it is re-derived whenever retrieval changes.
HEDGE_COVERAGE = 0.43


@dataclass(frozen=True)
class RefusalFeatures:
    coverage: float  # share of the question's concept weight found anywhere in the top COVERAGE_HITS units
    top_score: float  # the retriever's (fused, rank-based) score of the best unit: recorded, not gated on
    n_concepts: int
    dense_top: float | None = None  # cosine similarity of the best unit to the question: recorded, not gated on
    passage_coverage: float = 0.0  # best share of concept weight found in one passage (see module doc)
    uncovered: tuple[str, ...] = ()  # topic words no indexed unit uses (assistant/query/lexicon.py)
    concept_weight: float = 0.0  # total weight of the topic concepts (the denominator of passage_coverage)
    unstated: tuple[str, ...] = ()  # details asked for (amount, rate, time_limit) that the best passages lack
    # The learned check (assistant/refusal/answerability.py), when its model applies to the live index: P(out of scope)
    # and the threshold it refuses at. None = the lexical threshold decides.
    out_of_scope_p: float | None = None
    learned_threshold: float | None = None
    # `coverage` leaving out the words no indexed unit uses: what the clauses hold of what they *could* hold
    # (for hedging only; the gate reads `coverage`, uncovered words counted against it).
    known_coverage: float = 0.0

    def support(self, uncovered_weight: float) -> float:
        """Passage coverage with each uncovered word, and each asked detail no good passage states, counted as
        a concept of `uncovered_weight` that no passage contains: 公积金贷款最多能贷多少 finds 贷款 in a clause,
        but 公积金 is nowhere in the policies; 养狗一年多少钱 finds 上海, but no clause names a sum."""
        extra = uncovered_weight * (len(self.uncovered) + len(self.unstated))
        if not extra:
            return self.passage_coverage
        return self.passage_coverage * self.concept_weight / (self.concept_weight + extra)


@dataclass(frozen=True)
class Thresholds:
    min_passage: float = MIN_PASSAGE
    uncovered_weight: float = UNCOVERED_WEIGHT


# Every compiled policy is Shanghai's: a question whose only topic word is "上海" (在上海养狗要办狗证吗: 狗 is a
# single character, dropped) names nothing the policies could answer. Such a question counts as having no topic
# concepts. (Dropping 上海 from every question's concepts instead was measured, 2026-12-02: cross-validated
# 29/90 refused at 11/234, against 44/90 at 6/234 — the word also anchors answerable questions' passages.)
CORPUS_WIDE_WORDS = frozenset({"上海", "上海市", "本市", "沪", "在沪", "shanghai", "shanghai's"})


def _topic_concepts(expanded: ExpandedQuery) -> list:
    out = []
    processor = default_processor()
    for c in informative_concepts(expanded.concepts):
        src = c.source.lower()
        if c.origin == "zh" and (len(src) < 2 or src in ZH_QUESTION_WORDS or _zh_tag(processor, src) in NON_TOPIC_TAGS):
            continue
        if c.origin in ("latin", "cedict") and src in EN_FUNCTION_WORDS:
            continue
        out.append(c)
    return out


@lru_cache(maxsize=8192)
def _zh_tag(processor: TextProcessor, word: str) -> str:
    return processor.word_tag(word)


@lru_cache(maxsize=8192)
def _view(text: str) -> tuple[str, frozenset[str]]:
    """(normalised lowercase text, jieba tokens) of a unit's sentence or heading. Units don't change between
    queries, so each sentence is segmented once per process, not once per question (keeps the gate < 1 ms)."""
    return normalize(text).lower(), text_tokens(text)


@lru_cache(maxsize=2048)
def _sentence_views(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    views = tuple(_view(s.text) for s in split_sentences(text) if s.text.strip())
    return views or (_view(text),)


def _passages(concepts: Sequence, hits: Sequence[SearchHit]) -> list[tuple[float, str]]:
    """(concept weight found, normalised text) of every passage: ≤ PASSAGE_SENTENCES consecutive sentences of
    one of the top PASSAGE_HITS units, read with the unit's title and locator."""
    out = []
    for h in hits[:PASSAGE_HITS]:
        head_norm, head_toks = _view(h.doc_title + "\n" + h.locator)
        sents = _sentence_views(h.text)
        for i in range(len(sents)):
            window = sents[i:i + PASSAGE_SENTENCES]
            norm = head_norm + "".join(n for n, _ in window)
            toks = head_toks.union(*(t for _, t in window))
            out.append((sum(c.weight for c in concepts if concept_in(c, norm, toks)), norm))
    return out


def passage_coverage(concepts: Sequence, hits: Sequence[SearchHit]) -> float:
    """The best share of the concepts' weight that one passage contains."""
    total = sum(c.weight for c in concepts)
    passages = _passages(concepts, hits) if total else []
    return min(1.0, max(w for w, _ in passages) / total) if passages else 0.0


def _unstated_details(question: str, passages: list[tuple[float, str]]) -> tuple[str, ...]:
    """Asked details (assistant/query/details.py) that no passage close to the best one states."""
    asked = asked_details(question)
    if not asked or not passages:
        return asked
    best = max(w for w, _ in passages)
    return unstated(asked, (text for w, text in passages if w > 0 and w >= DETAIL_PASSAGE_SHARE * best))


def features(expanded: ExpandedQuery, hits: Sequence[SearchHit], dense_top: float | None = None,
             uncovered: Sequence[str] = (), question: str = "") -> RefusalFeatures:
    """The gate's inputs; `question` (the standalone query) is read for the detail it asks for."""
    concepts = _topic_concepts(expanded)
    weight = sum(c.weight for c in concepts)
    if all(c.source.lower() in CORPUS_WIDE_WORDS for c in concepts):
        concepts, weight = [], 0.0
    if not hits:
        return RefusalFeatures(0.0, 0.0, len(concepts), dense_top, 0.0, tuple(uncovered), weight,
                               asked_details(question))
    views = [_view(h.doc_title + "\n" + h.locator + "\n" + h.text) for h in hits[:COVERAGE_HITS]]
    norm = "".join(n for n, _ in views)  # == normalize() of the joined texts: normalize drops all whitespace
    toks = frozenset().union(*(t for _, t in views))
    found = [c for c in concepts if concept_in(c, norm, toks)]
    got = sum(c.weight for c in found)
    passages = _passages(concepts, hits)
    best = max((w for w, _ in passages), default=0.0)
    absent = {w.lower() for w in uncovered}
    known = sum(c.weight for c in concepts if c.source.lower() not in absent)
    return RefusalFeatures(got / weight if weight else 0.0, float(hits[0].score), len(concepts), dense_top,
                           min(1.0, best / weight) if weight else 0.0, tuple(uncovered), weight,
                           _unstated_details(question, passages), known_coverage=min(1.0, got / known) if known else 0.0)


def should_refuse(f: RefusalFeatures, t: Thresholds | None = None) -> bool:
    """No topic concept: refuse. Then the learned check when it applies (its inputs include the support), else
    the lexical support threshold."""
    t = t or Thresholds()
    if f.n_concepts == 0:
        return True
    if f.out_of_scope_p is not None and f.learned_threshold is not None:
        return f.out_of_scope_p >= f.learned_threshold
    return f.support(t.uncovered_weight) < t.min_passage


def lexical_only(f: RefusalFeatures) -> RefusalFeatures:
    """The features without the learned check's verdict (what the lexical gate is calibrated on)."""
    return replace(f, out_of_scope_p=None, learned_threshold=None)
