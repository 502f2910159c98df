"""The labelled questions both refusal calibrations work on (eval.calibration.refusal for the lexical gate,
eval.calibration.answerability for the learned check), and how a cross-validated choice is reported."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.refusal.gate import RefusalFeatures

TARGET_FALSE_REFUSALS = 0.05  # the most answerable questions a calibration may refuse, on the left-out sets


@dataclass(frozen=True)
class Sample:
    qid: str
    question: str
    features: RefusalFeatures
    out_of_scope: bool
    group: str = ""  # the question file: cross-validation leaves one dev file out at a time
    standalone: str = ""  # the condensed query the gate saw (embedded for the learned check)
    hit_docs: tuple[str, ...] = ()  # the document titles of the retrieved units the gate read


@dataclass(frozen=True)
class CrossValidated:
    """Refusals counted only on the dev set the threshold was not calibrated on, every dev set left out once."""

    uncovered_weight: float
    out_refused: int
    n_out: int
    answerable_refused: int
    n_answerable: int
    budget: float = TARGET_FALSE_REFUSALS

    def summary(self) -> str:
        return (f"budget={self.budget:.0%} uncovered_weight={self.uncovered_weight:g}: out_of_scope refused "
                f"{self.out_refused}/{self.n_out}"
                f" ({self.out_refused / max(self.n_out, 1):.0%}), answerable refused {self.answerable_refused}/"
                f"{self.n_answerable} ({self.answerable_refused / max(self.n_answerable, 1):.1%})")
