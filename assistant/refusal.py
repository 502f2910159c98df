"""When to say "these policies don't cover that", and how.

The gate looks at two signals of the retrieved units: how much of the question's (expanded) concept weight
they contain, and the retriever's score of the best unit. Thresholds are calibrated on the eval set's
answerable vs out_of_scope questions by `calibrate()` (run: `policy-assistant calibrate-refusal`); the values
below are that command's output, not guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.citations import normalize
from assistant.crosslingual import ExpandedQuery
from assistant.extractive import AnswerLang, _informative, _tokens, concept_in
from assistant.prompts import PromptLibrary
from assistant.types import Answer, SearchHit

COVERAGE_HITS = 3  # the units whose text counts toward coverage (the ones an answer would quote)

# Calibrated thresholds — see `calibrate()` and the note in CALIBRATION below.
MIN_COVERAGE = 0.5
MIN_DENSE = 0.0
CALIBRATION = "not yet calibrated"


@dataclass(frozen=True)
class RefusalFeatures:
    coverage: float  # share of the question's informative concept weight found in the top units
    top_score: float  # the retriever's (fused, rank-based) score of the best unit: recorded, not gated on
    n_concepts: int
    dense_top: float | None = None  # cosine similarity of the best unit to the question (embedding model)


@dataclass(frozen=True)
class Thresholds:
    min_coverage: float = MIN_COVERAGE
    min_dense: float = MIN_DENSE


def features(expanded: ExpandedQuery, hits: Sequence[SearchHit], dense_top: float | None = None,
             ) -> RefusalFeatures:
    concepts = _informative(expanded.concepts)
    if not hits:
        return RefusalFeatures(0.0, 0.0, len(concepts), dense_top)
    texts = [h.doc_title + "\n" + h.locator + "\n" + h.text for h in hits[:COVERAGE_HITS]]
    norm = normalize("\n".join(texts)).lower()
    toks = frozenset().union(*(_tokens(t) for t in texts))
    total = sum(c.weight for c in concepts)
    got = sum(c.weight for c in concepts if concept_in(c, norm, toks))
    return RefusalFeatures(got / total if total else 0.0, float(hits[0].score), len(concepts), dense_top)


def should_refuse(f: RefusalFeatures, t: Thresholds | None = None) -> bool:
    t = t or Thresholds()
    low_dense = f.dense_top is not None and f.dense_top < t.min_dense
    return f.n_concepts == 0 or f.coverage < t.min_coverage or low_dense


def department_of(hits: Sequence[SearchHit], lang: AnswerLang) -> str:
    """The issuer of the closest document, or a generic pointer when it isn't known."""
    issuer = next((h.issuer for h in hits if h.issuer), None)
    if issuer:
        return issuer if lang == "zh" else f"the issuing department, {issuer}"
    return "相关政策主管部门或12345市民服务热线" if lang == "zh" else "the responsible department or the 12345 citizen hotline"


def refusal_answer(lang: AnswerLang, hits: Sequence[SearchHit], prompts: PromptLibrary,
                   mode: str = "extractive", notice: str | None = None, standalone_query: str = "",
                   timings: dict[str, float] | None = None) -> Answer:
    """Say the compiled policies don't cover it and name whom to ask (prompts/refusal.md)."""
    text = prompts.render("refusal", language=lang, closest_title=hits[0].doc_title if hits else "",
                          department=department_of(hits, lang))
    return Answer(answer=text, citations=[], refused=True, validity=[], mode=mode,  # type: ignore[arg-type]
                  notice=notice, standalone_query=standalone_query, timings_ms=dict(timings or {}))


@dataclass(frozen=True)
class CalibrationResult:
    thresholds: Thresholds
    refused_out_of_scope: float  # recall of refusal on out_of_scope questions
    refused_answerable: float  # share of answerable questions wrongly refused
    precision: float  # of all refusals, the share that were out of scope
    n_out: int
    n_answerable: int

    def summary(self) -> str:
        t = self.thresholds
        return (f"min_coverage={t.min_coverage:.3f} min_dense={t.min_dense:.4f}: "
                f"out_of_scope refused {self.refused_out_of_scope:.1%} (n={self.n_out}), "
                f"answerable refused {self.refused_answerable:.1%} (n={self.n_answerable}), "
                f"refusal precision {self.precision:.1%}")


def evaluate(samples: Sequence[tuple[RefusalFeatures, bool]], t: Thresholds) -> CalibrationResult:
    """samples: (features, is_out_of_scope)."""
    out = [f for f, oos in samples if oos]
    ans = [f for f, oos in samples if not oos]
    r_out = sum(should_refuse(f, t) for f in out)
    r_ans = sum(should_refuse(f, t) for f in ans)
    return CalibrationResult(t, r_out / max(len(out), 1), r_ans / max(len(ans), 1),
                             r_out / max(r_out + r_ans, 1), len(out), len(ans))


def calibrate(samples: Sequence[tuple[RefusalFeatures, bool]], max_false_refusals: float = 0.05,
              ) -> CalibrationResult:
    """Grid search: the thresholds that refuse the most out-of-scope questions while wrongly refusing at
    most `max_false_refusals` of answerable ones; ties go to the lowest thresholds (fewest refusals)."""
    cov_grid = sorted({0.0, *(round(f.coverage, 4) for f, _ in samples)})
    score_grid = sorted({0.0, *(round(f.dense_top, 4) for f, _ in samples if f.dense_top is not None)})
    best: CalibrationResult | None = None
    for c in _midpoints(cov_grid):
        for s in _midpoints(score_grid):
            r = evaluate(samples, Thresholds(c, s))
            if r.refused_answerable > max_false_refusals:
                continue
            key = (r.refused_out_of_scope, -r.refused_answerable, -c, -s)
            if best is None or key > (best.refused_out_of_scope, -best.refused_answerable,
                                      -best.thresholds.min_coverage, -best.thresholds.min_dense):
                best = r
    return best or evaluate(samples, Thresholds(0.0, 0.0))


def _midpoints(values: Iterable[float]) -> list[float]:
    """Candidate thresholds halfway between observed values, so a threshold never sits on a sample."""
    v = sorted(set(values))
    return [0.0] + [(a + b) / 2 for a, b in zip(v, v[1:], strict=False)]
