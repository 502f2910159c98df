"""Retrieval and answer metrics. Pure functions over texts, so any chunking can be scored the same way.

Relevance is judged by text, not by ids: a retrieved unit (or chunk) is relevant to a gold entry when the gold
span (a short verbatim corpus span) is contained in it after whitespace/NFKC normalisation. That lets our
clause units and a baseline's 500-character chunks be compared on one scale.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from eval.questions import EvalQuestion, norm, norm_fact

KS = (1, 3, 5, 10)
CONTEXT_BUDGET = 1500  # characters (normalised) of concatenated ranked units a reader/LLM is shown


@dataclass
class RetrievalScores:
    """Scores of one ranked list for one question."""

    recall: dict[int, float]  # k -> fraction of gold spans found in the top k
    mrr: float  # 1 / rank of the first unit containing any gold span (0 if none in the top 10)
    ndcg: float
    budget_recall: float  # fraction of gold spans ending within the first CONTEXT_BUDGET chars


_VERSION = re.compile(r"（\d{4}年\d{1,2}月\d{1,2}日版）$")  # a replaced version's title, as answers cite it


def _first_rank(span: str, ranked_norm: Sequence[str]) -> int | None:
    """1-based rank of the first unit containing the span, or None."""
    s = norm(span)
    return next((i for i, t in enumerate(ranked_norm, 1) if s in t), None)


def score_ranking(spans: Sequence[str], ranked_texts: Sequence[str], budget: int = CONTEXT_BUDGET) -> RetrievalScores:
    """Score one ranked list (best first, at least the top 10) against the gold spans of one question.

    nDCG@10 uses as gain the number of gold spans a unit covers that no better-ranked unit covered, and as
    ideal every gold span in its own unit at the top; it is capped at 1 (a unit holding several spans at
    rank 1 is as good as it gets).
    """
    if not spans:
        raise ValueError("score_ranking needs at least one gold span")
    ranked = [norm(t) for t in ranked_texts[:10]]
    ranks = [_first_rank(s, ranked) for s in spans]
    n = len(spans)
    recall = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    found = [r for r in ranks if r is not None]
    mrr = 1.0 / min(found) if found else 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r in found)
    idcg = sum(1.0 / math.log2(i + 1) for i in range(1, min(n, 10) + 1))
    ndcg = min(1.0, dcg / idcg)
    # context budget: offsets in the concatenation of the ranked units (all of them, not just the top 10)
    all_norm = [norm(t) for t in ranked_texts]
    in_budget = 0
    for span in spans:
        s, offset = norm(span), 0
        for text in all_norm:
            if offset >= budget:
                break
            pos = text.find(s)
            if pos >= 0:
                in_budget += offset + pos + len(s) <= budget
                break
            offset += len(text)
    return RetrievalScores(recall=recall, mrr=mrr, ndcg=ndcg, budget_recall=in_budget / n)


def mean_scores(scores: Sequence[RetrievalScores]) -> dict[str, float]:
    """Average over questions → {"R@1":…, "R@3":…, "R@5":…, "R@10":…, "MRR@10":…, "nDCG@10":…, "R@1500c":…, "n":…}."""
    if not scores:
        return {"n": 0}
    out = {f"R@{k}": statistics.fmean(s.recall[k] for s in scores) for k in KS}
    out["MRR@10"] = statistics.fmean(s.mrr for s in scores)
    out["nDCG@10"] = statistics.fmean(s.ndcg for s in scores)
    out[f"R@{CONTEXT_BUDGET}c"] = statistics.fmean(s.budget_recall for s in scores)
    out["n"] = len(scores)
    return out


# --- answers --------------------------------------------------------------------------------------------
@dataclass
class AnswerScores:
    """Scores of one answer for one question (None = not applicable to this question)."""

    refused: bool
    citation_precision: float | None = None
    citation_recall: float | None = None
    fact_coverage: float | None = None  # facts found in the answer text
    fact_coverage_with_quotes: float | None = None  # facts found in the answer text or its quotes
    quotes: int = 0
    quotes_verified: int = 0
    # Quotes found in their source file as read before cleaning (ingest.provenance). `quotes_verified` checks a
    # quote against the unit it was cut from, which an extractive quote passes by construction; this doesn't.
    quotes_in_source: int = 0
    validity_correct: bool | None = None
    missing_facts: list[str] = field(default_factory=list)


def score_answer(q: EvalQuestion, answer_text: str, refused: bool,
                 citations: Sequence[tuple[str, str, bool]], validity: Sequence[tuple[str, str]]) -> AnswerScores:
    """`citations` = (unit_text, quote, verified) per citation; `validity` = (doc_title, status) per cited policy.

    A citation is correct when its unit contains a gold span. Citation metrics and fact coverage are computed
    only for answerable questions that were answered (refusals are counted by the refusal metrics instead).
    """
    scores = AnswerScores(refused=refused)
    quoted = [c for c in citations if c[1].strip()]
    scores.quotes = len(quoted)
    scores.quotes_verified = sum(1 for c in quoted if c[2])
    if not q.answerable or refused:
        return scores
    spans = [norm(g.span) for g in q.gold]
    units = [norm(c[0]) for c in citations]
    if units:
        scores.citation_precision = sum(1 for u in units if any(s in u for s in spans)) / len(units)
    else:
        scores.citation_precision = 0.0
    scores.citation_recall = sum(1 for s in spans if any(s in u for u in units)) / len(spans)
    facts = q.text_facts
    if facts:
        text = norm_fact(answer_text)
        with_quotes = norm_fact(answer_text + "".join(c[1] for c in citations))
        scores.missing_facts = [f for f in facts if norm_fact(f) not in text]
        scores.fact_coverage = 1 - len(scores.missing_facts) / len(facts)
        scores.fact_coverage_with_quotes = sum(1 for f in facts if norm_fact(f) in with_quotes) / len(facts)
    expected = q.expected_status
    if expected:
        gold_titles = {norm(g.doc_title) for g in q.gold}
        matched = [(title, status) for title, status in validity if norm(_VERSION.sub("", title)) in gold_titles]
        statuses = [status for _, status in matched]
        if len({title for title, _ in matched}) > 1:  # several versions of the title: the one asked about
            scores.validity_correct = expected in statuses
        else:
            scores.validity_correct = bool(statuses) and all(s == expected for s in statuses)
    return scores


def refusal_metrics(questions: Sequence[EvalQuestion], refused: Sequence[bool]) -> dict[str, float]:
    """Refusal as the positive class: precision, recall, and the share of answerable questions refused."""
    oos = [r for q, r in zip(questions, refused, strict=True) if not q.answerable]
    ans = [r for q, r in zip(questions, refused, strict=True) if q.answerable]
    tp = sum(oos)
    n_refused = tp + sum(ans)
    return {
        "refusal_precision": tp / n_refused if n_refused else 0.0,
        "refusal_recall": tp / len(oos) if oos else 0.0,
        "answerable_refused_rate": sum(ans) / len(ans) if ans else 0.0,
        "n_out_of_scope": len(oos),
        "n_answerable": len(ans),
    }


def mean_answer_scores(scores: Sequence[AnswerScores]) -> dict[str, float | int]:
    def avg(values: list[float]) -> float | None:
        return statistics.fmean(values) if values else None

    quotes = sum(s.quotes for s in scores)
    validity = [s.validity_correct for s in scores if s.validity_correct is not None]
    return {
        "citation_precision": avg([s.citation_precision for s in scores if s.citation_precision is not None]),
        "citation_recall": avg([s.citation_recall for s in scores if s.citation_recall is not None]),
        "fact_coverage": avg([s.fact_coverage for s in scores if s.fact_coverage is not None]),
        "fact_coverage_with_quotes": avg([s.fact_coverage_with_quotes for s in scores
                                          if s.fact_coverage_with_quotes is not None]),
        "quote_verification_rate": sum(s.quotes_verified for s in scores) / quotes if quotes else None,
        "quotes": quotes,
        "quote_source_rate": sum(s.quotes_in_source for s in scores) / quotes if quotes else None,
        "quotes_in_source": sum(s.quotes_in_source for s in scores),
        "validity_correct": avg([1.0 if v else 0.0 for v in validity]),
        "n_validity": len(validity),
    }


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    """p50/p95 (nearest-rank on the sorted sample) and mean, in ms."""
    if not values_ms:
        return {"p50": float("nan"), "p95": float("nan"), "mean": float("nan"), "n": 0}
    v = sorted(values_ms)

    def rank(p: float) -> float:
        return v[min(len(v) - 1, max(0, math.ceil(p / 100 * len(v)) - 1))]

    return {"p50": statistics.median(v), "p95": rank(95), "mean": statistics.fmean(v), "n": len(v)}
