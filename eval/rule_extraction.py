"""Rule extraction scored against hand-checked rules: the default corpus (eval/data/rules_gold.jsonl) and made-up policy
files (tests/assistant/data/madeup_policies*). Counted: each rule's outcome (kind and value) and its numeric
conditions (kind, comparison, value), rule by rule; an extracted rule that matches no gold rule and claims a
number counts against precision.

    python -m eval.eligibility --rules [--show]
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from eval.questions import EVAL_DATA
from ingest.settings import PROJECT_ROOT

RULES_GOLD = EVAL_DATA / "rules_gold.jsonl"
MADEUP_DIR = PROJECT_ROOT / "tests" / "assistant" / "data" / "madeup_policies"
MADEUP_HOLDOUT_DIR = PROJECT_ROOT / "tests" / "assistant" / "data" / "madeup_policies_holdout"


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


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
            # The gold names a family member's move "other": it was written before outcomes had that kind.
            kind_ok = g_out[0] == r.outcome.kind or (g_out[0] in ("subsidy", "reward", "other")
                                                     and r.outcome.kind in ("subsidy", "reward", "family", "other"))
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
    """On the default corpus: rules of the indexed units vs eval/data/rules_gold.jsonl (hand-checked)."""
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


