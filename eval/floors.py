"""CI floors for the fast eval subset: derived from a measured run (a little below it), checked on every run.

    .venv/bin/python -m eval.floors --from eval/reports/eval-fast.json   # rewrite eval/floors.json
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from pathlib import Path

from eval.questions import EVAL_DIR

FLOORS_PATH = EVAL_DIR / "floors.json"
# Floors sit a little below the measured value: by MARGIN, or by one question's worth (1/n) when the metric
# rests on few questions (e.g. 5 out-of-scope questions in the fast subset: one decision moves it by 0.2).
MARGIN = 0.05

# metric path in the result JSON -> ("min" if higher is better else "max", path of its sample size)
_RET_N = "retrieval.ours.overall.n"
TRACKED: dict[str, tuple[str, str]] = {
    "retrieval.ours.overall.R@1": ("min", _RET_N),
    "retrieval.ours.overall.R@5": ("min", _RET_N),
    "retrieval.ours.overall.R@10": ("min", _RET_N),
    "retrieval.ours.overall.MRR@10": ("min", _RET_N),
    "retrieval.ours.overall.nDCG@10": ("min", _RET_N),
    "retrieval.ours.overall.R@1500c": ("min", _RET_N),
    "retrieval.ours.by_lang.zh.R@5": ("min", "retrieval.ours.by_lang.zh.n"),
    "retrieval.ours.by_lang.en+mixed.R@5": ("min", "retrieval.ours.by_lang.en+mixed.n"),
    "retrieval.ours.by_type.followup.R@5": ("min", "retrieval.ours.by_type.followup.n"),
    "answers.overall.citation_precision": ("min", "refusal.n_answerable"),
    "answers.overall.citation_recall": ("min", "refusal.n_answerable"),
    "answers.overall.fact_coverage": ("min", "refusal.n_answerable"),
    "answers.overall.quote_verification_rate": ("min", "answers.overall.quotes"),
    "answers.overall.quote_source_rate": ("min", "answers.overall.quotes"),
    "answers.overall.validity_correct": ("min", "answers.overall.n_validity"),
    "refusal.refusal_recall": ("min", "refusal.n_out_of_scope"),
    "refusal.answerable_refused_rate": ("max", "refusal.n_answerable"),
}
EXACT = {"answers.overall.quote_verification_rate"}  # the product's promise: every quote verified, no margin

log = logging.getLogger(__name__)


def lookup(data: dict, path: str) -> float | None:
    """`a.b.c` in nested dicts; metric names may contain dots only in their last part (none do today)."""
    node: object = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) else None


def margin_for(result_json: dict, path: str, margin: float = MARGIN) -> float:
    if path in EXACT:
        return 0.0
    n = lookup(result_json, TRACKED[path][1])
    return max(margin, 1.0 / n) if n else margin


def derive(result_json: dict, margin: float = MARGIN) -> dict:
    """Floors a little below (ceilings a little above) the measured numbers of one run."""
    floors: dict[str, dict[str, float]] = {"min": {}, "max": {}}
    for path, (kind, _) in TRACKED.items():
        value = lookup(result_json, path)
        if value is None or math.isnan(value):
            continue
        m = margin_for(result_json, path, margin)
        bound = value - m if kind == "min" else value + m
        floors[kind][path] = round(max(0.0, min(1.0, bound)), 3)
    meta = result_json.get("meta", {})
    return {
        "comment": (f"Measured with `policy-assistant eval --subset fast` ({meta.get('questions')} questions) at "
                    f"{meta.get('generated_at')} on the 2-core project machine, embedding "
                    f"{meta.get('embedding_backend')}:{meta.get('embedding_model')}, answer mode "
                    f"{meta.get('answer_mode')}; floors = measured - max({margin}, 1/n) (ceilings +), n = the "
                    "questions the metric rests on; quote verification must stay exact. Regenerate with `python -m "
                    "eval.floors --from eval/reports/eval-fast.json` only after a deliberate, reviewed change."),
        "measured": {p: lookup(result_json, p) for p in TRACKED},
        "sample_sizes": {p: lookup(result_json, n) for p, (_, n) in TRACKED.items()},
        **floors,
    }


def check(result_json: dict, floors: dict) -> list[str]:
    """Violations as readable lines (empty = all floors met)."""
    problems = []
    for path, bound in floors.get("min", {}).items():
        value = lookup(result_json, path)
        if value is None or math.isnan(value) or value < bound - 1e-9:
            problems.append(f"{path} = {value} is below the floor {bound}")
    for path, bound in floors.get("max", {}).items():
        value = lookup(result_json, path)
        if value is None or math.isnan(value) or value > bound + 1e-9:
            problems.append(f"{path} = {value} is above the ceiling {bound}")
    return problems


def load_floors(path: Path = FLOORS_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Derive eval/floors.json from a measured fast-subset run.")
    parser.add_argument("--from", dest="source", type=Path, required=True, help="eval-fast.json of a real run")
    parser.add_argument("--margin", type=float, default=MARGIN)
    parser.add_argument("--out", type=Path, default=FLOORS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    data = json.loads(args.source.read_text(encoding="utf-8"))
    if data.get("meta", {}).get("subset") != "fast":
        log.error("%s is not a fast-subset run; floors are for `eval --subset fast`", args.source)
        return 1
    floors = derive(data, args.margin)
    args.out.write_text(json.dumps(floors, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log.info("wrote %s (%d floors, %d ceilings)", args.out, len(floors["min"]), len(floors["max"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
