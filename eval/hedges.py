"""Hedge rate and out-of-scope refusal over the labelled visitor questions.

    python -m eval.hedges [--data-dir DIR] [--sets all|holdout]

A hedge is an answer to an answerable question that opens by saying the policies never use one of the
question's words ("政策文件中没有出现…", "never use the word…") or may not answer it exactly ("可能没有与您的问题
完全对应", "may not answer this exactly"). The hedge rate is hedged / answered among answerable questions; the
out-of-scope figure is refused / all among out-of-scope ones. The sets are eval/data/questions.jsonl (single-turn
questions), the refusal dev sets and the refusal hold-out; the learned refusal check was fitted on the first
two, so only the hold-out is out of sample for refusals (the hedge wording was never fitted on any of them).
Also counted: answered answerable questions whose first line answers (a verdict, the asked figure, the policy's
status, a prohibition's polarity, the clause that grants what is asked, the body responsible, a definition or what
to hand in) rather than only naming where the policies address it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.questions import EVAL_DATA

HEDGE = re.compile(r"政策文件中没有出现|never use the word|可能没有与您的问题完全对应|may not answer this exactly")
# An opening that only says where the policies address the question (the source line, or a hedge before it).
SOURCE_ONLY = re.compile(r"^(?:《[^》]+》[^。]*对此有规定|The (?:indexed|compiled) policies address)")


def labelled(sets: str) -> list[tuple[str, str, str]]:
    """(set name, question, "answerable" | "out_of_scope")."""
    out: list[tuple[str, str, str]] = []
    files = sorted(EVAL_DATA.glob("refusal_dev*.jsonl")) + [EVAL_DATA / "refusal_holdout.jsonl"]
    if sets == "holdout":
        files = [EVAL_DATA / "refusal_holdout.jsonl"]
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                out.append((path.stem, q["question"], q["label"]))
    if sets == "all":
        for line in (EVAL_DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            if not q.get("history"):
                out.append(("questions", q["question"], "out_of_scope" if q["type"] == "out_of_scope" else "answerable"))
    return out


def measure(assistant, questions: Sequence[tuple[str, str, str]]) -> dict:
    answered = hedged = led = out_total = out_refused = 0
    examples: list[str] = []
    for _, question, label in questions:
        a = assistant.ask(question)
        if label == "out_of_scope":
            out_total += 1
            out_refused += a.refused
        elif not a.refused:
            answered += 1
            first = a.answer.splitlines()[0] if a.answer else ""
            if HEDGE.search(a.answer.split("「")[0]):
                hedged += 1
                examples.append(f"{question} → {first[:120]}")
            elif not SOURCE_ONLY.match(first):
                led += 1
    return {"answered": answered, "hedged": hedged, "hedge_rate": hedged / max(1, answered),
            "led": led, "led_rate": led / max(1, answered),
            "out_of_scope": out_total, "out_of_scope_refused": out_refused, "examples": examples}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--sets", default="all", choices=["all", "holdout"])
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args(argv)
    from assistant.service import PolicyAssistant
    from assistant.settings import Settings

    settings = Settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    r = measure(PolicyAssistant(settings), labelled(args.sets))
    sys.stdout.write(f"answerable answered {r['answered']}, hedged {r['hedged']} ({r['hedge_rate']:.1%}), "
                     f"opening with an answer {r['led']} ({r['led_rate']:.1%}); "
                     f"out of scope refused {r['out_of_scope_refused']}/{r['out_of_scope']}\n")
    if args.show:
        sys.stdout.write("\n".join(r["examples"]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
