"""`calibrate-refusal`: choose the refusal gate's threshold on the eval set, honestly.

The threshold is chosen on the even-numbered questions (q002, q004, …) and scored on the odd-numbered ones
it never saw (held out), then on the full set; a full-set calibration is printed for comparison only. The
values in assistant/refusal.py are the even-half choice, so the held-out numbers are those of the shipped
threshold. A command that prints numbers, not a test.
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
class SplitReport:
    chosen: CalibrationResult  # calibrated on the even half
    held_out: CalibrationResult  # the same threshold on the odd half
    full: CalibrationResult  # the same threshold on every question
    full_calibrated: CalibrationResult  # calibrated on the full set (for comparison only)
    in_code: CalibrationResult  # the thresholds in assistant/refusal.py, full set


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
                          row.get("type") == "out_of_scope"))
    return out


def split_report(samples: list[Sample]) -> SplitReport:
    def pairs(rows: list[Sample]) -> list[tuple[RefusalFeatures, bool]]:
        return [(s.features, s.out_of_scope) for s in rows]

    even = pairs([s for s in samples if s.even])
    odd = pairs([s for s in samples if not s.even])
    chosen = calibrate(even)
    return SplitReport(chosen, evaluate(odd, chosen.thresholds), evaluate(pairs(samples), chosen.thresholds),
                       calibrate(pairs(samples)), evaluate(pairs(samples), Thresholds()))


def run_calibration(settings: Settings, questions: Path) -> str:
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(settings)
    samples = collect_features(settings, questions, assistant)
    r = split_report(samples)
    t = r.chosen.thresholds
    lines = [f"calibrate-refusal on {questions} ({len(samples)} questions; gate: passage coverage)",
             f"  chosen on even ids:   {r.chosen.summary()}",
             f"  held out (odd ids):   {r.held_out.summary()}",
             f"  full set:             {r.full.summary()}",
             f"  (full-set calibrated: {r.full_calibrated.summary()})",
             f"  in code:              {r.in_code.summary()}"]
    passed = [s for s in samples if not should_refuse(s.features, t)]
    oos_h = sum(s.features.coverage < HEDGE_COVERAGE for s in passed if s.out_of_scope)
    ans_h = sum(s.features.coverage < HEDGE_COVERAGE for s in passed if not s.out_of_scope)
    lines.append(f"  hedged (coverage < {HEDGE_COVERAGE}) among answered: out_of_scope {oos_h}/"
                 f"{sum(s.out_of_scope for s in passed)}, answerable {ans_h}/"
                 f"{sum(not s.out_of_scope for s in passed)}")
    chain = assistant._load().chain  # noqa: SLF001
    for question, history in FLAGSHIP:
        f = chain.prepare.invoke({"question": question, "history": list(history)})["features"]
        verdict = "REFUSED (bad)" if should_refuse(f, t) else "answered"
        lines.append(f"  flagship {verdict}: passage {f.passage_coverage:.2f}  {question}")
    lines += [f"  out_of_scope answered: {s.qid} {s.features.passage_coverage:.2f} {s.question}"
              for s in samples if s.out_of_scope and not should_refuse(s.features, t)]
    lines += [f"  answerable refused:    {s.qid} {s.features.passage_coverage:.2f} {s.question}"
              for s in samples if not s.out_of_scope and should_refuse(s.features, t)]
    return "\n".join(lines)
