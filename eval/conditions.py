"""Questions that ask what the conditions are, or whether something is possible at all: is the right rule listed,
in its own words?

    python -m eval.conditions [--set dev|holdout|yesno-dev|yesno-holdout|plans-holdout] [--data-dir DIR] [--show]

Over `eval/data/conditions_{dev,holdout}.jsonl` — visitor questions ("留学生落户要满足哪些条件？", "What are the requirements
for my kid to move their hukou with me?"), written without looking at the code, over the compilation and the
real regulations, each with the document and article(s) whose conditions answer it — asked against the index of
both (`eval.regulations.index_settings`). Reported by language:
- answered: the answer lists a rule's conditions (JSON `requirements`), or — where the question also gives facts
  ("外地户口的家庭可以吗？") — a verdict rests on one;
- right: that rule (or one of the routes listed with it) is of the gold document and article (also given as a
  share of the answered ones);
- verbatim: of the answered ones, every condition of the rule is a span of a unit the answer quotes.
Also printed: the median and p95 of `ask` over the set, each question asked once.
`yesno_{dev,holdout}.jsonl` hold questions that ask whether something is possible, with no facts of the visitor's
("公积金可以用来付房租吗？", "Can I take money out of my housing fund if I leave China for good?"), scored the same way;
their questions about things no indexed policy grants (no gold document) count apart: how many got a list or a
verdict anyway. `plans_holdout.jsonl` asks whether the city will do, set up or support something ("市里会不会建…",
"Is Shanghai going to…"), each with the article of a plan or regulation that says it will, or none.
The hold-outs are kept out of all tuning: they are scored, never read while changing the code; dev is looked at.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from eval.questions import EVAL_DATA

SETS = {"dev": EVAL_DATA / "conditions_dev.jsonl", "holdout": EVAL_DATA / "conditions_holdout.jsonl",
        "yesno-dev": EVAL_DATA / "yesno_dev.jsonl", "yesno-holdout": EVAL_DATA / "yesno_holdout.jsonl",
        "plans-holdout": EVAL_DATA / "plans_holdout.jsonl"}
LANGS = ("zh", "en", "mixed")


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _normal(text: str) -> str:
    return "".join(text.split())


def same_document(title: str, gold: str | None) -> bool:
    """The gold title may carry the issuers before it ("市金融工作局 …关于贯彻…的实施方案") or spaces the index has not."""
    if gold is None:
        return False
    a, b = _normal(title), _normal(gold)
    return a == b or (len(a) >= 8 and b.endswith(a)) or (len(b) >= 8 and a.endswith(b))


def score_answer(q: dict, answer) -> dict:
    """A rule answers when the answer lists its conditions, or — the question also giving facts — when a verdict
    rests on it."""
    listed = getattr(answer, "requirements", None)  # None from a version without the lists, for comparison
    if answer.refused:
        return {"listed": False, "right": False, "verbatim": False}
    if listed is not None:
        rules = listed.alternatives or (listed.rule,)
    elif answer.verdict is not None and answer.verdict.main is not None:
        rules = (answer.verdict.main.rule,)
    elif (c := getattr(answer, "clause_answer", None)) is not None and getattr(c, "yes_or_no", True):
        # a clause that grants or forbids it, by itself (not a figure, body or definition it states)
        right = same_document(c.doc_title, q["doc"]) and any(c.locator.startswith(a) for a in q["articles"])
        return {"listed": True, "right": right, "verbatim": any(_normal(c.text) in _normal(x.unit_text or "")
                                                                 for x in answer.citations)}
    else:
        return {"listed": False, "right": False, "verbatim": False}
    right = any(same_document(r.doc_title, q["doc"]) and any(r.locator.startswith(a) for a in q["articles"]) for r in rules)
    quoted = {c.id: _normal(c.unit_text) for c in answer.citations if c.unit_text}
    verbatim = all(_normal(c.text) in quoted.get(c.unit_id or r.unit_id, "") for r in rules for c in r.conditions)
    return {"listed": True, "right": right, "verbatim": verbatim}


def conditions_report(settings, path: Path, show: bool = False) -> dict:
    from assistant.service import PolicyAssistant
    from eval.regulations import index_settings

    assistant = PolicyAssistant(index_settings(settings))
    by_lang: dict[str, list[dict]] = defaultdict(list)
    shown: list[str] = []
    assistant.ask("预热")  # the model's first call is not a visitor's
    times: list[float] = []
    uncovered: list[bool] = []
    for q in load_questions(path):
        t0 = time.perf_counter()
        answer = assistant.ask(q["question"])
        times.append((time.perf_counter() - t0) * 1000)
        scored = score_answer(q, answer)
        if q["doc"] is None:  # nothing indexed grants it: any list or verdict is one too many
            uncovered.append(scored["listed"])
            if show and scored["listed"]:
                shown.append(f"- {q['id']} [{q['lang']}] (covered by nothing) {q['question']} → "
                             f"{answer.answer.splitlines()[0][:120]}")
            continue
        by_lang[q["lang"]].append(scored)
        by_lang["all"].append(scored)
        if show and not scored["right"]:
            first = answer.answer.splitlines()[0] if answer.answer else ""
            shown.append(f"- {q['id']} [{q['lang']}] {q['question']} → {first[:120]}")
    rows = {}
    for lang, xs in by_lang.items():
        listed = sum(x["listed"] for x in xs)
        rows[lang] = {"n": len(xs), "listed": listed / len(xs), "right": sum(x["right"] for x in xs) / len(xs),
                      "precision": sum(x["right"] for x in xs) / max(1, listed),
                      "verbatim": sum(x["verbatim"] for x in xs) / max(1, listed)}
    times.sort()
    return {"rows": rows, "misses": shown, "ask_ms": (statistics.median(times), times[int(len(times) * 0.95)]),
            "uncovered": (sum(uncovered), len(uncovered))}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="holdout", choices=sorted(SETS))
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--show", action="store_true", help="print the questions whose rule was not listed right")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from assistant.settings import Settings

    settings = Settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    report = conditions_report(settings, SETS[args.set], show=args.show)
    for lang in ("all", *LANGS):
        r = report["rows"].get(lang)
        if r:
            sys.stdout.write(f"{lang:>5}: n={r['n']:>3} answered {r['listed']:.3f}  right {r['right']:.3f}  "
                             f"right of answered {r['precision']:.3f}  verbatim {r['verbatim']:.3f}\n")
    listed_anyway, uncovered = report["uncovered"]
    if uncovered:
        sys.stdout.write(f"covered by no indexed policy: {listed_anyway} of {uncovered} got a list or a verdict\n")
    median, p95 = report["ask_ms"]
    sys.stdout.write(f"ask, each question once (its query embedding a cache miss): median {median:.1f} ms, "
                     f"p95 {p95:.1f} ms\n")
    if args.show:
        sys.stdout.write("\n".join(report["misses"]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
