"""`calibrate-refusal`: choose the refusal gate's parameters on the eval set, honestly.

Two parameters: how much a word the policies never use (or an asked detail no passage states) counts against
an answer (`uncovered_weight`, from a short grid) and the support threshold (`min_passage`). Calibration uses
the eval set together with the dev sets: eval/refusal_dev.jsonl (60 colloquial visitor questions by a helper
who never saw the gate) and eval/refusal_dev2.jsonl (80 more: the blind hold-out of 2026-12-02 stop 8, scored
once — 23/40 out of scope refused at 14/40 answerable refused — and then moved here, so its misses could be
studied). The weight is chosen by two-fold cross-validation over the even- and odd-numbered questions
(calibrate the threshold on one half, count refusals on the other, both ways round); the shipped threshold is
then calibrated on all of them with that weight. The cross-validated counts estimate how the gate does on
questions it wasn't tuned on; the blind hold-out set (eval/refusal_holdout.jsonl: 80 new questions by two
helpers who saw neither the gate nor its numbers, scored once, never used for a choice) checks that estimate.
A command that prints numbers, not a test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.refusal import (
    HEDGE_COVERAGE,
    CalibrationResult,
    RefusalFeatures,
    Thresholds,
    calibrate,
    evaluate,
    should_refuse,
)
from assistant.settings import Settings
from assistant.types import Turn

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
# Calibrated on together with the eval set: 60 + 80 + 80 visitor questions, half of them out of scope.
DEV_QUESTIONS = tuple(EVAL_DIR / f"refusal_dev{n}.jsonl" for n in ("", "2", "3"))
HOLDOUT_QUESTIONS = EVAL_DIR / "refusal_holdout.jsonl"  # 80 questions, never used for any choice: the test
UNCOVERED_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)  # the grid for the weight of a word the policies never use

# Visitor questions the product must always answer (issue 3's examples), checked against the chosen threshold.
FLAGSHIP: tuple[tuple[str, tuple[Turn, ...]], ...] = (
    ("can a startup founder with 500万 funding shorten the 7-year requirement", ()),
    ("首轮融资500万能缩短落户年限吗", ()),
    ("留学生落户要什么条件", ()),
    ("那配偶可以随迁吗？", (Turn("user", "留学生落户要什么条件"),
                      Turn("assistant", "留学回国人员申办本市常住户口，应符合……"))),
    ("那如果是累计投资呢？", (Turn("user", "首轮融资500万能缩短落户年限吗"),
                       Turn("assistant", "可由7年缩短为3年……"))),
)


@dataclass(frozen=True)
class Sample:
    qid: str
    question: str
    features: RefusalFeatures
    out_of_scope: bool

    @property
    def even(self) -> bool:
        m = re.search(r"\d+", self.qid)
        return bool(m) and int(m.group()) % 2 == 0


@dataclass(frozen=True)
class CrossValidated:
    """Refusals counted only on the half the threshold was not calibrated on, both folds added up."""

    uncovered_weight: float
    out_refused: int
    n_out: int
    answerable_refused: int
    n_answerable: int

    def summary(self) -> str:
        return (f"uncovered_weight={self.uncovered_weight:g}: out_of_scope refused {self.out_refused}/{self.n_out}"
                f" ({self.out_refused / max(self.n_out, 1):.0%}), answerable refused {self.answerable_refused}/"
                f"{self.n_answerable} ({self.answerable_refused / max(self.n_answerable, 1):.1%})")


@dataclass(frozen=True)
class SplitReport:
    grid: tuple[CrossValidated, ...]  # one row per uncovered_weight
    chosen: CrossValidated  # the best cross-validated row
    full_calibrated: CalibrationResult  # the threshold calibrated on every question with the chosen weight
    in_code: CalibrationResult  # the thresholds in assistant/refusal.py, on every question

    @staticmethod
    def in_code_on(samples: list[tuple[RefusalFeatures, bool]]) -> CalibrationResult:
        return evaluate(samples, Thresholds())


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def collect_features(settings: Settings, questions: Path, assistant=None) -> list[Sample]:
    """The gate's inputs for every eval question, through the real pipeline (condense → retrieve → features)."""
    from assistant.service import PolicyAssistant

    assistant = assistant or PolicyAssistant(settings)
    chain = assistant._load().chain  # noqa: SLF001 — the gate's inputs, not a finished answer
    out = []
    for i, row in enumerate(_rows(questions)):
        history = [Turn(t["role"], t["content"]) for t in row.get("history") or []]
        state = chain.prepare.invoke({"question": row["question"], "history": history})
        out.append(Sample(str(row.get("id", f"q{i + 1:03d}")), row["question"], state["features"],
                          "out_of_scope" in (row.get("type"), row.get("label"))))
    return out


def _pairs(rows: list[Sample]) -> list[tuple[RefusalFeatures, bool]]:
    return [(s.features, s.out_of_scope) for s in rows]


def cross_validate(samples: list[Sample], uncovered_weight: float) -> CrossValidated:
    even, odd = _pairs([s for s in samples if s.even]), _pairs([s for s in samples if not s.even])
    out = ans = 0
    for tune, test in ((even, odd), (odd, even)):
        r = evaluate(test, calibrate(tune, uncovered_weight=uncovered_weight).thresholds)
        out, ans = out + r.n_out_refused, ans + r.n_answerable_refused
    n_out = sum(s.out_of_scope for s in samples)
    return CrossValidated(uncovered_weight, out, n_out, ans, len(samples) - n_out)


def split_report(samples: list[Sample], weights: tuple[float, ...] = UNCOVERED_WEIGHTS) -> SplitReport:
    grid = tuple(cross_validate(samples, w) for w in weights)
    # Most out-of-scope refused on unseen halves within the 5% false-refusal budget; then fewest false
    # refusals; then the smallest weight (the simpler gate).
    within = [g for g in grid if g.answerable_refused <= 0.05 * g.n_answerable] or list(grid)
    chosen = max(within, key=lambda g: (g.out_refused, -g.answerable_refused, -g.uncovered_weight))
    full = calibrate(_pairs(samples), uncovered_weight=chosen.uncovered_weight)
    return SplitReport(grid, chosen, full, evaluate(_pairs(samples), Thresholds()))


def run_calibration(settings: Settings, questions: Path, dev: tuple[Path, ...] = DEV_QUESTIONS,
                    holdout: Path | None = HOLDOUT_QUESTIONS) -> str:
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(settings)
    samples = collect_features(settings, questions, assistant)
    dev_sets = {p.name: collect_features(settings, p, assistant) for p in dev if p.is_file()}
    dev_samples = [s for rows in dev_sets.values() for s in rows]
    r = split_report(samples + dev_samples)
    t = Thresholds()
    lines = [f"calibrate-refusal on {questions.name} ({len(samples)} questions)"
             + "".join(f" + {name} ({len(rows)})" for name, rows in dev_sets.items())
             + "; gate: passage support, uncovered words and unstated details counted against it",
             "  two-fold cross-validation (even/odd ids), refusals counted on the unseen half:"]
    lines += [f"    {'*' if g is r.chosen else ' '} {g.summary()}" for g in r.grid]
    lines += [f"  calibrated on all of them with the chosen weight: {r.full_calibrated.summary()}",
              f"  in code (assistant/refusal.py), {questions.name}: {r.in_code_on(_pairs(samples)).summary()}"]
    lines += [f"  in code, {name}: {evaluate(_pairs(rows), t).summary()}" for name, rows in dev_sets.items()]
    if holdout is not None and holdout.is_file():
        blind = collect_features(settings, holdout, assistant)
        lines.append(f"  in code, blind hold-out {holdout.name} ({len(blind)} questions): "
                     f"{evaluate(_pairs(blind), t).summary()}")
        lines += [f"    hold-out out_of_scope answered: {s.qid} {s.question}"
                  for s in blind if s.out_of_scope and not should_refuse(s.features, t)]
        lines += [f"    hold-out answerable refused:    {s.qid} {s.question}"
                  for s in blind if not s.out_of_scope and should_refuse(s.features, t)]
    passed = [s for s in samples if not should_refuse(s.features, t)]
    oos_h = sum(s.features.coverage < HEDGE_COVERAGE or bool(s.features.uncovered) for s in passed if s.out_of_scope)
    ans_h = sum(s.features.coverage < HEDGE_COVERAGE or bool(s.features.uncovered)
                for s in passed if not s.out_of_scope)
    lines.append(f"  hedged (coverage < {HEDGE_COVERAGE} or an uncovered word) among answered: out_of_scope "
                 f"{oos_h}/{sum(s.out_of_scope for s in passed)}, answerable {ans_h}/"
                 f"{sum(not s.out_of_scope for s in passed)}")
    chain = assistant._load().chain  # noqa: SLF001
    for question, history in FLAGSHIP:
        f = chain.prepare.invoke({"question": question, "history": list(history)})["features"]
        verdict = "REFUSED (bad)" if should_refuse(f, t) else "answered"
        lines.append(f"  flagship {verdict}: support {f.support(t.uncovered_weight):.2f}  {question}")
    def row(s: Sample) -> str:
        extra = f" uncovered {'/'.join(s.features.uncovered)}" if s.features.uncovered else ""
        extra += f" unstated {'/'.join(s.features.unstated)}" if s.features.unstated else ""
        return f"{s.qid} {s.features.support(t.uncovered_weight):.2f} {s.question}{extra}"
    lines += [f"  out_of_scope answered: {row(s)}" for s in samples if s.out_of_scope and not should_refuse(s.features, t)]
    lines += [f"  answerable refused:    {row(s)}" for s in samples if not s.out_of_scope and should_refuse(s.features, t)]
    return "\n".join(lines)
