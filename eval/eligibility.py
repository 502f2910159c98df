"""Eligibility evaluation: verdicts and their deciding figures, and rule extraction against hand-checked rules.

    python -m eval.eligibility [--set dev|holdout|FILE.jsonl] [--data-dir DIR]   # verdict + figure accuracy
    python -m eval.eligibility --rules                                           # extraction precision/recall

Verdict accuracy: the answer's verdict outcome (JSON `verdict.outcome`; a refusal counts as not_covered)
equals the expected one. Figure accuracy: every expected deciding figure is written in the answer's opening
— the text before the first quote — in the answer's own words (3年 / 3 years, 1000万元 / 10 million yuan,
10%). Follow-ups are asked after their earlier questions, with the assistant's own answers as history.
Figures are rendered here independently of the code under test.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.questions import EVAL_DATA
from eval.rule_extraction import MADEUP_HOLDOUT_DIR, corpus_rule_scores, load_set, madeup_rule_scores

SETS = {"dev": EVAL_DATA / "eligibility_dev.jsonl", "holdout": EVAL_DATA / "eligibility_holdout.jsonl"}
# The quotes start at a unit's header line ("《title》locator · status") or a line opening with 「; a 「span」
# inside an English checklist line belongs to the opening.
_QUOTE_START = re.compile(r"\n「|\n《[^》\n]+》[^\n]*·")


def _num(x: float) -> str:
    return str(int(x)) if float(x) == int(x) else f"{x:g}"


def renderings(figure: dict) -> set[str]:
    """Ways an answer may state a figure, spaces and thousands separators removed."""
    v, unit = float(figure["value"]), figure["unit"]
    out: set[str] = set()
    if unit == "year":
        out |= {f"{_num(v)}年", f"{_num(v)}year", f"{_num(v * 12)}个月", f"{_num(v * 12)}month"}
    elif unit == "month":
        out |= {f"{_num(v)}个月", f"{_num(v)}month"}
        if v % 12 == 0:
            out |= {f"{_num(v / 12)}年", f"{_num(v / 12)}year"}
    elif unit == "yuan":
        out |= {f"{_num(v / 1e4)}万", f"{_num(v / 1e6)}million", f"{_num(v)}元", f"{_num(v)}yuan"}
        if v >= 1e8:
            out.add(f"{_num(v / 1e8)}亿")
    elif unit == "percent":
        out |= {f"{_num(v)}%", f"{_num(v)}percent"}
    elif unit == "times":
        out |= {f"{_num(v)}倍", f"{_num(v)}times", f"{_num(v)}x"}
    elif unit == "points":
        out |= {f"{_num(v)}分", f"{_num(v)}point"}
    elif unit == "age":
        out |= {f"{_num(v)}岁", f"{_num(v)}周岁", f"{_num(v)}year"}
    else:
        out |= {_num(v)}
    return out


def opening_of(answer: str) -> str:
    m = _QUOTE_START.search(answer)
    return answer[:m.start()] if m else answer


def states_figure(text: str, figure: dict) -> bool:
    flat = re.sub(r"[\s,，]", "", text).lower()
    for r in renderings(figure):
        for m in re.finditer(re.escape(r.lower()), flat):
            before = flat[m.start() - 1:m.start()] if m.start() else ""
            if not (before.isdigit() or before == "."):  # "3年" must not be the tail of "13年"
                return True
    return False


@dataclass
class Scored:
    id: str
    lang: str
    expected: str
    got: str | None
    figures_ok: bool
    opening: str

    @property
    def verdict_ok(self) -> bool:
        return self.got == self.expected

    @property
    def both_ok(self) -> bool:
        return self.verdict_ok and self.figures_ok




def run_set(assistant, questions: Sequence[dict]) -> list[Scored]:
    from assistant.types import Turn

    answers: dict[str, str] = {}
    out: list[Scored] = []
    for q in questions:
        history: list[Turn] = []
        for prev in q.get("previous") or []:
            if prev not in answers:
                answers[prev] = assistant.ask(prev, [*history]).answer
            history += [Turn("user", prev), Turn("assistant", answers[prev])]
        a = assistant.ask(q["question"], history)
        answers[q["question"]] = a.answer
        verdict = a.to_json().get("verdict")
        got = verdict["outcome"] if verdict else None
        opening = opening_of(a.answer)
        figures_ok = all(states_figure(opening, f) for f in q.get("figures") or [])
        out.append(Scored(q["id"], q["lang"], q["expected"], got, figures_ok, opening))
    return out


def summary(scored: Sequence[Scored]) -> dict:
    by: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by[s.lang].append(s)
        by["all"].append(s)
    return {lang: {"n": len(xs), "verdict": sum(x.verdict_ok for x in xs) / len(xs),
                   "verdict_and_figures": sum(x.both_ok for x in xs) / len(xs)} for lang, xs in by.items()}


def _print(rows: Iterable[str]) -> None:
    sys.stdout.write("\n".join(rows) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="dev", help="dev, holdout or a JSONL file")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--rules", action="store_true", help="rule extraction precision/recall instead")
    parser.add_argument("--show", action="store_true", help="print each wrong answer's opening")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from assistant.settings import Settings

    settings = Settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    if args.rules:
        for name, scores in (("default corpus (eval/data/rules_gold.jsonl)", corpus_rule_scores(settings)),
                             ("made-up policies (looked at while developing)", madeup_rule_scores()),
                             ("made-up hold-out policies (never looked at)", madeup_rule_scores(MADEUP_HOLDOUT_DIR))):
            sub = scores.get("individual_entitlements")
            _print([f"{name}: precision {scores['precision']:.3f} recall {scores['recall']:.3f} "
                    f"(tp {scores['tp']}, fp {scores['fp']}, fn {scores['fn']})"
                    + (f"; individual entitlements only: precision {sub['precision']:.3f} recall "
                       f"{sub['recall']:.3f}" if sub else ""),
                    *(f"  {e}" for e in scores["errors"][:60] if args.show)])
        return 0
    from assistant.service import PolicyAssistant

    path = SETS.get(args.set, Path(args.set))
    scored = run_set(PolicyAssistant(settings), load_set(path))
    for lang, s in summary(scored).items():
        _print([f"{path.name} {lang:>5}: n={s['n']:3d} verdict {s['verdict']:.3f}  "
                f"verdict+figures {s['verdict_and_figures']:.3f}"])
    if args.show:
        for s in scored:
            if not s.both_ok:
                _print([f"- {s.id} [{s.lang}] expected {s.expected} got {s.got} figures {s.figures_ok}: "
                        f"{s.opening[:300]!r}"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- the report `policy-assistant eval` writes ----------------------------------------------------------
def eligibility_report(settings, with_hedges: bool = True) -> dict:
    """Verdict and figure accuracy on both eligibility sets, rule extraction, hedge rate: one JSON object."""
    import time

    from assistant.service import PolicyAssistant
    from eval.hedges import labelled, measure

    t0 = time.perf_counter()
    assistant = PolicyAssistant(settings)
    out: dict = {"verdicts": {}, "rules": {}}
    for name, path in SETS.items():
        if path.is_file():
            out["verdicts"][name] = summary(run_set(assistant, load_set(path)))
    out["rules"]["default_corpus"] = {k: v for k, v in corpus_rule_scores(settings).items() if k != "errors"}
    out["rules"]["made_up_dev"] = {k: v for k, v in madeup_rule_scores().items() if k != "errors"}
    out["rules"]["made_up_holdout"] = {k: v for k, v in madeup_rule_scores(MADEUP_HOLDOUT_DIR).items()
                                       if k != "errors"}
    if with_hedges:
        hedges = measure(assistant, labelled("all"))
        out["hedges"] = {k: v for k, v in hedges.items() if k != "examples"}
    out["seconds"] = round(time.perf_counter() - t0, 1)
    return out


def write_eligibility_report(result: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eligibility.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
    rows = ["# Eligibility verdicts, rule extraction and hedges", "",
            "Written by `policy-assistant eval` (`python -m eval.eligibility` prints the same figures). The dev set "
            "(`eval/data/eligibility_dev.jsonl`) was used while building the verdict, so its figures are in-sample; the "
            "hold-out (`eval/data/eligibility_holdout.jsonl`) was only scored.", "",
            "| set | language | questions | verdict right | verdict right and deciding figures stated |",
            "|---|---|---|---|---|"]
    for name, by_lang in result["verdicts"].items():
        for lang in ("all", "zh", "en", "mixed"):
            if lang in by_lang:
                s = by_lang[lang]
                rows.append(f"| {name} | {lang} | {s['n']} | {s['verdict']:.3f} | {s['verdict_and_figures']:.3f} |")
    rows += ["", "| rules | precision | recall |", "|---|---|---|"]
    labels = {"default_corpus": "default corpus, hand-checked (eval/data/rules_gold.jsonl)",
              "made_up_dev": "made-up policies, looked at while developing",
              "made_up_holdout": "made-up hold-out policies, never looked at"}
    for key, label in labels.items():
        s = result["rules"][key]
        rows.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} |")
        sub = s.get("individual_entitlements")
        if sub:
            rows.append(f"| {label}, individual entitlements only | {sub['precision']:.3f} | {sub['recall']:.3f} |")
    if "hedges" in result:
        h = result["hedges"]
        rows += ["", f"Hedge rate: {h['hedged']} of {h['answered']} answered answerable questions "
                     f"({h['hedge_rate']:.1%}); out-of-scope questions refused: {h['out_of_scope_refused']} of "
                     f"{h['out_of_scope']} (eval set, refusal dev sets and refusal hold-out; `python -m eval.hedges`)."]
    path = folder / "eligibility.md"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
