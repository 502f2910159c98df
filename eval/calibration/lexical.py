"""Calibrating the lexical gate's support threshold on labelled questions: the threshold that refuses the most
out-of-scope questions within a false-refusal budget."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.refusal.gate import UNCOVERED_WEIGHT, RefusalFeatures, Thresholds, should_refuse


@dataclass(frozen=True)
class CalibrationResult:
    thresholds: Thresholds
    refused_out_of_scope: float  # recall of refusal on out_of_scope questions
    refused_answerable: float  # share of answerable questions wrongly refused
    precision: float  # of all refusals, the share that were out of scope
    n_out: int
    n_answerable: int
    n_out_refused: int = 0
    n_answerable_refused: int = 0

    def summary(self) -> str:
        return (f"min_passage={self.thresholds.min_passage:.4f} uncovered_weight="
                f"{self.thresholds.uncovered_weight:g}: out_of_scope refused "
                f"{self.refused_out_of_scope:.1%} ({self.n_out_refused}/{self.n_out}), answerable refused "
                f"{self.refused_answerable:.1%} ({self.n_answerable_refused}/{self.n_answerable}), "
                f"refusal precision {self.precision:.1%}")


def evaluate(samples: Sequence[tuple[RefusalFeatures, bool]], t: Thresholds) -> CalibrationResult:
    """samples: (features, is_out_of_scope)."""
    out = [f for f, oos in samples if oos]
    ans = [f for f, oos in samples if not oos]
    r_out = sum(should_refuse(f, t) for f in out)
    r_ans = sum(should_refuse(f, t) for f in ans)
    return CalibrationResult(t, r_out / max(len(out), 1), r_ans / max(len(ans), 1),
                             r_out / max(r_out + r_ans, 1), len(out), len(ans), r_out, r_ans)


def calibrate(samples: Sequence[tuple[RefusalFeatures, bool]], max_false_refusals: float = 0.05,
              uncovered_weight: float = UNCOVERED_WEIGHT) -> CalibrationResult:
    """The threshold that refuses the most out-of-scope questions while wrongly refusing at most
    `max_false_refusals` of answerable ones; ties go to the lowest threshold (fewest refusals)."""
    best: CalibrationResult | None = None
    for m in _midpoints(round(f.support(uncovered_weight), 4) for f, _ in samples):
        r = evaluate(samples, Thresholds(m, uncovered_weight))
        if r.refused_answerable > max_false_refusals:
            continue
        if best is None or (r.n_out_refused, -r.n_answerable_refused) > (best.n_out_refused,
                                                                          -best.n_answerable_refused):
            best = r
    return best or evaluate(samples, Thresholds(0.0, uncovered_weight))


def _midpoints(values: Iterable[float]) -> list[float]:
    """Candidate thresholds halfway between observed values, so a threshold never sits on a sample."""
    v = sorted(set(values))
    return [0.0] + [round((a + b) / 2, 4) for a, b in zip(v, v[1:], strict=False)]
