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

EVAL_DIR = Path(__file__).resolve().parent
SETS = {"dev": EVAL_DIR / "eligibility_dev.jsonl", "holdout": EVAL_DIR / "eligibility_holdout.jsonl"}
RULES_GOLD = EVAL_DIR / "rules_gold.jsonl"
MADEUP_DIR = EVAL_DIR.parent / "tests" / "assistant" / "data" / "madeup_policies"
MADEUP_HOLDOUT_DIR = EVAL_DIR.parent / "tests" / "assistant" / "data" / "madeup_policies_holdout"
_QUOTE_START = re.compile(r"「|\n《[^》]+》\S*\s·")


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


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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


# --- rule extraction ------------------------------------------------------------------------------------
NUMERIC = ("amount", "percent", "duration", "multiple", "count", "age")


def _flat(s: str) -> str:
    return re.sub(r"\s", "", s)


def _normal(kind: str, op: str, value: float, text: str) -> tuple:
    """One unit for one condition: "距法定退休年龄5年以上" is an age limit of 5 years in the gold and a
    period of 60 months before retirement in the rules; both become (duration, >=, 60)."""
    if kind == "age" and "退休" in text:
        return ("duration", op, value * 12)
    return (kind, op, value)


def _gold_items(rule: dict) -> tuple[tuple, list[tuple]]:
    o = rule["outcome"]
    outcome = (o["kind"], o.get("value"))
    conds = [_normal(c["kind"], c["op"], float(c["value"]), c["text"])
             for c in rule["conditions"] if c["kind"] in NUMERIC and c.get("value") is not None]
    return outcome, conds


def _match_rule(gold: dict, rules: Sequence) -> object | None:
    """The extracted rule whose unit holds the gold anchor and whose outcome overlaps the gold outcome; of
    several (one unit may grant the same outcome under different conditions), the one whose outcome comes
    first after the anchor."""
    anchor, outcome = _flat(gold["anchor"]), _flat(gold["outcome"]["text"])
    best, best_distance = None, None
    for r in rules:
        for text in getattr(r, "_unit_texts", ()):
            flat = _flat(text)
            at = flat.find(anchor)
            if at < 0:
                continue
            if not (outcome in _flat(r.outcome.text) or _flat(r.outcome.text) in outcome):
                continue
            pos = len(_flat(text[:r.outcome.start])) if r.unit_id in getattr(r, "_unit_ids", ()) else at
            distance = pos - at if pos >= at else 10_000 + at - pos
            if best_distance is None or distance < best_distance:
                best, best_distance = r, distance
    return best


def extraction_scores(gold: Sequence[dict], rules: Sequence, units_by_id: dict) -> dict:
    """Precision and recall of outcomes and numeric conditions (kind, op, value), rule by rule. An extracted
    rule counts against precision when it matches no gold rule and states a numeric condition or outcome
    (rules with nothing measurable are routes to list, not claims)."""
    for r in rules:
        object.__setattr__(r, "_unit_texts", (units_by_id[r.unit_id].text,))
        object.__setattr__(r, "_unit_ids", (r.unit_id,))
    tp = fp = fn = 0
    matched = set()
    misses: list[str] = []
    # A rule with alternatives may be written as several gold lines (one per route): pool their conditions.
    pooled: dict[int, tuple[object, list[dict]]] = {}
    for g in gold:
        r = _match_rule(g, rules)
        if r is None:
            fn += 1 + len(_gold_items(g)[1])
            misses.append(f"no rule for {g['anchor']}")
            continue
        key = next((id(x) for x in rules if x.unit_id == r.unit_id and x.outcome.start == r.outcome.start), id(r))
        pooled.setdefault(key, (r, []))[1].append(g)
    for r, lines in pooled.values():
        matched.add(id(r))
        for g in lines:
            g_out = _gold_items(g)[0]
            kind_ok = g_out[0] == r.outcome.kind or (g_out[0] in ("subsidy", "reward", "other")
                                                     and r.outcome.kind in ("subsidy", "reward", "other"))
            if kind_ok and (g_out[1] is None or r.outcome.value == g_out[1]):
                tp += 1
            else:
                fp += 1
                fn += 1
                misses.append(f"outcome {g_out} vs {r.outcome.kind} {r.outcome.value}")
        g_conds: list[tuple] = []
        for g in lines:  # multiset union: a condition shared by two routes counts once
            need = list(_gold_items(g)[1])
            have = list(g_conds)
            for c in need:
                if c in have:
                    have.remove(c)
                else:
                    g_conds.append(c)
        siblings = [x for x in rules if x.unit_id == r.unit_id and x.outcome.start == r.outcome.start]
        matched |= {id(x) for x in siblings}  # "符合下列条件之一": one rule per item, one gold line for all
        ours = [_normal(c.kind, c.op, float(c.value), c.text) for x in siblings for c in x.conditions
                if c.kind in NUMERIC and c.value is not None]
        remaining = list(ours)
        for gc in g_conds:
            hit = next((o for o in remaining if o[0] == gc[0] and abs(o[2] - gc[2]) < 1e-6
                        and (o[1] == gc[1] or {o[1], gc[1]} <= {">=", "="})), None)
            if hit:
                remaining.remove(hit)
                tp += 1
            else:
                fn += 1
                misses.append(f"{lines[0]['anchor'][:12]}: missed {gc}")
        fp += len(remaining)
        misses += [f"{lines[0]['anchor'][:12]}: extra {o}" for o in remaining]
    for r in rules:
        if id(r) not in matched and (r.outcome.value is not None
                                     or any(c.kind in NUMERIC for c in r.conditions)):
            fp += 1
            misses.append(f"unmatched rule {r.doc_title[:10]} {r.locator} {r.outcome.text}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "tp": tp, "fp": fp, "fn": fn,
            "errors": misses}


def corpus_rule_scores(settings) -> dict:
    """On the default corpus: rules of the indexed units vs eval/rules_gold.jsonl (hand-checked)."""
    from ingest.eligibility.rulebook import RuleBook
    from ingest.embed import build_embeddings
    from ingest.store import UnitStore

    store = UnitStore.open(settings, build_embeddings(settings), create=False)
    units = store.all_units()
    book = RuleBook.build(units)
    gold = load_set(RULES_GOLD)
    docs = {g["doc"] for g in gold}
    rules = [r for r in book.rules if r.doc_title in docs or any(d in r.doc_title for d in docs)]
    by_id = {u.id: u for u in units}
    scores = extraction_scores(gold, rules, by_id)
    individual = [g for g in gold if "note" not in g]  # without the scheme-wide totals the annotator flagged
    scores["individual_entitlements"] = {k: v for k, v in extraction_scores(individual, rules, by_id).items()
                                         if k != "errors"}
    return scores


def madeup_rule_scores(folder: Path = MADEUP_DIR) -> dict:
    """On made-up policy files written for this (tests/assistant/data/madeup_policies*): the first set was
    looked at while developing the extractor, the hold-out set only scored."""
    from assistant.settings import Settings
    from ingest.eligibility.rulebook import RuleBook
    from ingest.load import load_sources
    from ingest.structure import parse_source

    gold = load_set(folder / "rules_gold.jsonl")
    loaded = load_sources(sorted(folder.glob("*.md")), Settings())
    units = [u for source in loaded.sources for u in parse_source(source).units]
    return extraction_scores(gold, list(RuleBook.build(units).rules), {u.id: u for u in units})


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
        for name, scores in (("default corpus (eval/rules_gold.jsonl)", corpus_rule_scores(settings)),
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
            "(`eval/eligibility_dev.jsonl`) was used while building the verdict, so its figures are in-sample; the "
            "hold-out (`eval/eligibility_holdout.jsonl`) was only scored.", "",
            "| set | language | questions | verdict right | verdict right and deciding figures stated |",
            "|---|---|---|---|---|"]
    for name, by_lang in result["verdicts"].items():
        for lang in ("all", "zh", "en", "mixed"):
            if lang in by_lang:
                s = by_lang[lang]
                rows.append(f"| {name} | {lang} | {s['n']} | {s['verdict']:.3f} | {s['verdict_and_figures']:.3f} |")
    rows += ["", "| rules | precision | recall |", "|---|---|---|"]
    labels = {"default_corpus": "default corpus, hand-checked (eval/rules_gold.jsonl)",
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
