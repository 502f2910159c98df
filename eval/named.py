"""Who, where, what-is and what-to-hand-in questions: how often the first line names the right body, definition or
document.

    python -m eval.named [--data-dir DIR] [--set named|materials|consequences]

`eval/data/named_holdout.jsonl` holds visitor questions over the compilation and the real regulations (written by a
new visitor, never read while tuning; only scored): asking who is responsible or where to apply (`body`), what a term
means (`definition`), or either when no clause says (`none`); `eval/data/materials_holdout.jsonl` asks what
documents the asker's case needs (`item`, or `none`); `eval/data/consequences_holdout.jsonl` asks what befalls a
breach (`consequence`, with the articles that state it, or `none`). They are asked of the index holding both
(`DATA_DIR/eval-regulations`, built as `eval.regulations` builds it). Per language: answered (the first line names a
body, gives a definition, the item naming the documents or the consequence) of the answerable ones, right of the
answered (the body or term expected, an item holding the expected document, or the consequence stated by an expected
article, from the expected document), and answers given to `none` questions (each one wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.conditions import same_document
from eval.questions import EVAL_DATA

SETS = {"named": EVAL_DATA / "named_holdout.jsonl", "materials": EVAL_DATA / "materials_holdout.jsonl",
        "consequences": EVAL_DATA / "consequences_holdout.jsonl"}
KINDS = {"named": ("body", "definition"), "materials": ("material",), "consequences": ("consequence",)}
LANGS = ("zh", "en", "mixed")


def _same_name(a: str, b: str) -> bool:
    """A body as the clause writes it, named in full or shortened ("上海市人事局" / "市人事局")."""
    a, b = a.strip("“”\" "), b.strip("“”\" ")
    return bool(a and b) and (a in b or b in a)


def _right(q: dict, c) -> bool:
    if not same_document(c.doc_title, q["doc"]):
        return False
    if q["kind"] == "item":
        return "".join(q["expected"].split()) in "".join(c.text.split())
    if q["kind"] == "consequence":
        return c.kind == "consequence" and any(c.locator.startswith(a) for a in q["articles"])
    return c.kind == q["kind"] and _same_name(c.named, q["expected"])


def score(questions: Sequence[dict], assistant, kinds: Sequence[str]) -> dict[str, dict[str, int]]:
    by_lang: dict[str, dict[str, int]] = {}
    for q in questions:
        c = assistant.ask(q["question"]).clause_answer
        given = c is not None and c.kind in kinds
        row = by_lang.setdefault(q["lang"], {"asked": 0, "answered": 0, "right": 0, "traps": 0, "trap_answers": 0})
        if q["kind"] == "none":
            row["traps"] += 1
            row["trap_answers"] += given
            continue
        row["asked"] += 1
        row["answered"] += given
        row["right"] += given and _right(q, c)
    return by_lang


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--set", default="named", choices=sorted(SETS))
    args = parser.parse_args(argv)
    from assistant.service import PolicyAssistant
    from assistant.settings import Settings
    from eval.regulations import index_settings

    settings = Settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    questions = [json.loads(line) for line in SETS[args.set].read_text(encoding="utf-8").splitlines() if line.strip()]
    by_lang = score(questions, PolicyAssistant(index_settings(settings)), KINDS[args.set])
    total = {k: sum(r[k] for r in by_lang.values()) for k in ("asked", "answered", "right", "traps", "trap_answers")}
    for lang, r in [*((x, by_lang[x]) for x in LANGS if x in by_lang), ("all", total)]:
        sys.stdout.write(f"{args.set} {lang:6} answered {r['answered']}/{r['asked']}, right {r['right']}/{r['answered']}; "
                         f"answers to uncovered questions {r['trap_answers']}/{r['traps']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
