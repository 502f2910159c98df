"""Retrieval on questions it was never tuned on: the answerable questions of the refusal dev sets.

    python -m eval.unseen_retrieval [--data-dir DIR] [--answers]

Retrieval's weights were chosen on the eval set (eval/data/questions.jsonl); the refusal dev sets were written
for the refusal checks, and each answerable question carries the span that answers it (`gold_span`). A unit is
relevant when it contains that span (compared in normal form). Prints R@1, R@5 and MRR@10 by language; with
`--answers`, also how often the offline answer cites the unit holding the span and quotes the span itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from eval.questions import EVAL_DATA, norm


def unseen_questions() -> list[dict]:
    out = []
    for path in sorted(EVAL_DATA.glob("refusal_dev*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line) if line.strip() else {}
            if q.get("label") == "answerable" and q.get("gold_span"):
                out.append(q)
    return out


def measure(retriever, questions: Sequence[dict]) -> dict[str, dict[str, float]]:
    """language ("all", "zh", "en", "mixed") -> {"R@1", "R@5", "MRR@10", "n"}."""
    text = {u.id: norm(u.text) for u in retriever.index.units}
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for q in questions:
        ids = [uid for uid, _ in retriever.fuse(retriever.ranked_lists(q["question"]))][:10]
        span = norm(q["gold_span"])
        rank = next((i for i, uid in enumerate(ids, 1) if span in text.get(uid, "")), None)
        for key in ("all", q.get("lang", "?")):
            ranks[key].append(rank)
    return {lang: {"R@1": sum(r == 1 for r in rs) / len(rs), "R@5": sum(r is not None and r <= 5 for r in rs) / len(rs),
                   "MRR@10": sum(1 / r for r in rs if r) / len(rs), "n": len(rs)} for lang, rs in ranks.items()}


def quoted(assistant, questions: Sequence[dict]) -> dict[str, dict[str, float]]:
    """language -> {"cited", "quoted", "n"} over the answered questions: the share whose answer cites a unit holding
    the gold span, and whose quotes hold it (or a sentence of it)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for q in questions:
        answer = assistant.ask(q["question"])
        if answer.refused:
            continue
        span = norm(q["gold_span"])
        cited = any(span in norm(c.unit_text) for c in answer.citations)
        in_quote = any(span in norm(c.quote) or norm(c.quote) in span for c in answer.citations)
        for key in ("all", q.get("lang", "?")):
            c = counts[key]
            c[0] += 1
            c[1] += cited
            c[2] += in_quote
    return {lang: {"cited": c[1] / c[0], "quoted": c[2] / c[0], "n": c[0]} for lang, c in counts.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--answers", action="store_true", help="also score the offline answers' quotes")
    args = parser.parse_args(argv)
    from assistant.query.retrieval import HybridRetriever
    from assistant.settings import Settings
    from ingest.embed import build_embeddings
    from ingest.store import UnitStore

    settings = Settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    embeddings = build_embeddings(settings)
    retriever = HybridRetriever(settings, UnitStore.open(settings, embeddings, create=False), embeddings)
    for lang, m in measure(retriever, unseen_questions()).items():
        sys.stdout.write(f"{lang:<6} n={m['n']:<4} R@1 {m['R@1']:.3f}  R@5 {m['R@5']:.3f}  MRR@10 {m['MRR@10']:.3f}\n")
    if args.answers:
        from assistant.service import PolicyAssistant

        for lang, m in quoted(PolicyAssistant(settings), unseen_questions()).items():
            sys.stdout.write(f"{lang:<6} answered n={m['n']:<4} cites the span's unit {m['cited']:.3f}  "
                             f"quotes the span {m['quoted']:.3f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
