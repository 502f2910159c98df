"""`calibrate-refusal`: choose both refusal checks' parameters on the dev sets and measure them on sets they never saw.

The lexical gate has three choices: how much a word the policies never use (or an asked detail no passage states)
counts against an answer (`uncovered_weight`), the false-refusal budget the threshold is calibrated to, and the
support threshold (`min_passage`). The weight and the budget are chosen by leave-one-set-out cross-validation over
the eval set and the first five dev sets (each by a different writer; eval/README.md), because a new writer's
questions are what a kiosk meets; the threshold is then calibrated on all of them. The learned check
(eval/calibration/answerability.py) is fitted on the thirteen dev sets only. The eval set and the blind hold-out
(eval/data/refusal_holdout.jsonl, never used for a choice) then measure what is shipped. A command that prints
numbers, not a test; docs/refusal-calibration.md holds the measurements.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.refusal.gate import HEDGE_COVERAGE, RefusalFeatures, Thresholds, lexical_only, should_refuse
from assistant.settings import Settings
from assistant.types import Turn
from eval.calibration.lexical import CalibrationResult, calibrate, evaluate
from eval.calibration.samples import TARGET_FALSE_REFUSALS, CrossValidated, Sample
from eval.questions import EVAL_DATA

# Thirteen sets of 60–80 visitor questions by different writers, half of them out of scope (eval/README.md).
DEV_QUESTIONS = tuple(EVAL_DATA / f"refusal_dev{n:02d}.jsonl" for n in range(1, 14))
# The lexical gate's constants (assistant/refusal/gate.py) are calibrated on the first five with the eval set.
LEXICAL_DEV = DEV_QUESTIONS[:5]
# Questions by two more writers, never used for any choice: the test of what is shipped.
HOLDOUT_QUESTIONS = EVAL_DATA / "refusal_holdout.jsonl"
UNCOVERED_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)  # the grid for the weight of a word the policies never use
# The false-refusal budget the threshold is calibrated to. Calibrating at 5% gave ~10% false refusals on a dev
# set left out (a new writer's questions), so the budget itself is chosen by that cross-validation.
BUDGETS = (0.01, 0.02, 0.03, 0.04, 0.05)

# Visitor questions the product must always answer (the product's headline examples), checked against the chosen threshold.
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
class SplitReport:
    grid: tuple[CrossValidated, ...]  # one row per uncovered_weight
    chosen: CrossValidated  # the best cross-validated row
    full_calibrated: CalibrationResult  # the threshold calibrated on every question with the chosen weight
    in_code: CalibrationResult  # the thresholds in assistant/refusal/gate.py, on every question

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
        out.append(Sample(str(row.get("id", f"q{i + 1:03d}")), row["question"], lexical_only(state["features"]),
                          "out_of_scope" in (row.get("type"), row.get("label")), questions.name,
                          state["standalone"], tuple(h.doc_title for h in state["hits"])))
    return out


def _pairs(rows: list[Sample]) -> list[tuple[RefusalFeatures, bool]]:
    return [(s.features, s.out_of_scope) for s in rows]


def cross_validate(samples: list[Sample], uncovered_weight: float, budget: float,
                   held_out: tuple[str, ...]) -> CrossValidated:
    """Leave one dev set out: calibrate on everything else, count refusals on the left-out set."""
    out = ans = n_out = n_ans = 0
    for group in held_out:
        tune = _pairs([s for s in samples if s.group != group])
        test = _pairs([s for s in samples if s.group == group])
        r = evaluate(test, calibrate(tune, budget, uncovered_weight).thresholds)
        out, ans, n_out, n_ans = out + r.n_out_refused, ans + r.n_answerable_refused, n_out + r.n_out, n_ans + r.n_answerable
    return CrossValidated(uncovered_weight, out, n_out, ans, n_ans, budget)


def split_report(samples: list[Sample], weights: tuple[float, ...] = UNCOVERED_WEIGHTS,
                 budgets: tuple[float, ...] = BUDGETS, held_out: tuple[str, ...] | None = None) -> SplitReport:
    held_out = held_out or tuple(p.name for p in DEV_QUESTIONS if any(s.group == p.name for s in samples))
    grid = tuple(cross_validate(samples, w, b, held_out) for b in budgets for w in weights)
    # Most out-of-scope refused on left-out sets within the false-refusal limit; then fewest false
    # refusals; then the smallest weight and budget (the simpler, more cautious gate).
    within = [g for g in grid if g.answerable_refused <= TARGET_FALSE_REFUSALS * g.n_answerable] or list(grid)
    chosen = max(within, key=lambda g: (g.out_refused, -g.answerable_refused, -g.uncovered_weight, -g.budget))
    full = calibrate(_pairs(samples), chosen.budget, chosen.uncovered_weight)
    return SplitReport(grid, chosen, full, evaluate(_pairs(samples), Thresholds()))


def _live(chain, path: Path) -> list[tuple[Sample, bool]]:
    """(sample, refused) with the gate as served: the learned check when it applies, else the lexical one."""
    out = []
    for i, row in enumerate(_rows(path)):
        history = [Turn(t["role"], t["content"]) for t in row.get("history") or []]
        f = chain.prepare.invoke({"question": row["question"], "history": history})["features"]
        sample = Sample(str(row.get("id", f"q{i + 1:03d}")), row["question"], f,
                        "out_of_scope" in (row.get("type"), row.get("label")), path.name)
        out.append((sample, should_refuse(f)))
    return out


def _counts(name: str, rows: list[tuple[Sample, bool]]) -> str:
    n_out = sum(s.out_of_scope for s, _ in rows)
    out = sum(r for s, r in rows if s.out_of_scope)
    ans = sum(r for s, r in rows if not s.out_of_scope)
    return (f"{name}: out_of_scope refused {out}/{n_out} ({out / max(n_out, 1):.0%}), answerable refused "
            f"{ans}/{len(rows) - n_out} ({ans / max(len(rows) - n_out, 1):.1%})")


def run_calibration(settings: Settings, questions: Path, dev: tuple[Path, ...] = DEV_QUESTIONS,
                    holdout: Path | None = HOLDOUT_QUESTIONS, write_model: bool = False) -> str:
    from assistant.service import PolicyAssistant
    from eval.calibration.answerability import grown_index_lines, query_vectors, report_lines, train

    assistant = PolicyAssistant(settings)
    samples = collect_features(settings, questions, assistant)
    dev_sets = {p.name: collect_features(settings, p, assistant) for p in dev if p.is_file()}
    everything = samples + [s for rows in dev_sets.values() for s in rows]
    lexical_groups = {p.name for p in LEXICAL_DEV}
    r = split_report([s for s in everything if s.group == questions.name or s.group in lexical_groups],
                     held_out=tuple(n for n in dev_sets if n in lexical_groups))
    t = Thresholds()
    lines = [f"calibrate-refusal on {questions.name} ({len(samples)} questions)"
             + "".join(f" + {name} ({len(rows)})" for name, rows in dev_sets.items()),
             "  lexical gate (passage support, uncovered words, unstated details; the fallback when the learned "
             "check doesn't apply), calibrated on the eval set + the first five dev sets, leave-one-dev-set-out:"]
    lines += [f"    {'*' if g is r.chosen else ' '} {g.summary()}" for g in r.grid]
    lines += [f"  lexical, calibrated on all of them with the chosen weight: {r.full_calibrated.summary()}",
              f"  lexical in code (assistant/refusal/gate.py), all {len(everything)}: "
              f"{r.in_code_on(_pairs(everything)).summary()}"]
    parts = assistant._load()  # noqa: SLF001 — the embedder and the index the model is trained for
    # The learned check is fitted on the dev sets alone, so the eval set and the hold-out measure it out of sample.
    dev_only = [s for rows in dev_sets.values() for s in rows]
    learned = train(dev_only, query_vectors(parts.embeddings, dev_only), tuple(dev_sets),
                    parts.embeddings.model_id, [d.title for d in parts.retriever.index.docs.values()])
    lines += report_lines(learned)
    lines += grown_index_lines(dev_only, learned.chosen)
    if write_model:
        learned.model.save()
        assistant = PolicyAssistant(settings)  # reload: the chain picks up the model just written
        lines.append("  wrote assistant/resources/answerability.json")
    chain = assistant._load().chain  # noqa: SLF001
    served = "learned check" if chain.answerability is not None else "lexical gate (no applicable model)"
    lines.append(f"  as served ({served}):")
    live_eval = _live(chain, questions)
    lines.append("    out of sample, " + _counts(questions.name, live_eval))
    if holdout is not None and holdout.is_file():
        blind = _live(chain, holdout)
        lines.append("    blind hold-out " + _counts(holdout.name, blind))
        lines.append("    the lexical gate alone, same hold-out: "
                     + _counts(holdout.name, [(s, should_refuse(lexical_only(s.features))) for s, _ in blind]))
        lines += [f"      hold-out out_of_scope answered: {s.qid} {s.question}" for s, x in blind
                  if s.out_of_scope and not x]
        lines += [f"      hold-out answerable refused:    {s.qid} {s.question}" for s, x in blind
                  if not s.out_of_scope and x]
    passed = [s for s, x in live_eval if not x]
    oos_h = sum(s.features.coverage < HEDGE_COVERAGE or bool(s.features.uncovered) for s in passed if s.out_of_scope)
    ans_h = sum(s.features.coverage < HEDGE_COVERAGE or bool(s.features.uncovered)
                for s in passed if not s.out_of_scope)
    lines.append(f"  hedged (coverage < {HEDGE_COVERAGE} or an uncovered word) among answered: out_of_scope "
                 f"{oos_h}/{sum(s.out_of_scope for s in passed)}, answerable {ans_h}/"
                 f"{sum(not s.out_of_scope for s in passed)}")
    for question, history in FLAGSHIP:
        f = chain.prepare.invoke({"question": question, "history": list(history)})["features"]
        verdict = "REFUSED (bad)" if should_refuse(f) else "answered"
        p = "" if f.out_of_scope_p is None else f" P(out of scope) {f.out_of_scope_p:.2f}"
        lines.append(f"  flagship {verdict}: support {f.support(t.uncovered_weight):.2f}{p}  {question}")

    def row(s: Sample) -> str:
        extra = f" uncovered {'/'.join(s.features.uncovered)}" if s.features.uncovered else ""
        extra += f" unstated {'/'.join(s.features.unstated)}" if s.features.unstated else ""
        return f"{s.qid} {s.features.support(t.uncovered_weight):.2f} {s.question}{extra}"
    lines += [f"  out_of_scope answered: {row(s)}" for s, x in live_eval if s.out_of_scope and not x]
    lines += [f"  answerable refused:    {row(s)}" for s, x in live_eval if not s.out_of_scope and x]
    return "\n".join(lines)
