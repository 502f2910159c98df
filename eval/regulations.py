"""Real regulations beside the compilation: retrieval, answers, hedges, refusal and verdicts on visitor questions.

    python -m eval.regulations [--data-dir DIR] [--set dev|holdout|both]

The seven Shanghai regulations in `eval/regulations/` (two old/new version pairs) are ingested beside the default
compilation into `DATA_DIR/eval-regulations` (incremental: a second run embeds nothing), then scored on
`regulations_dev.jsonl` (used while developing) and `regulations_holdout.jsonl` (never read, only scored),
with the eligibility questions of `regulations_eligibility_{dev,holdout}.jsonl`. Numbers per language.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.questions import DEFAULT_CORPUS_FILE, EVAL_DATA, EVAL_DIR

REGULATIONS_DIR = EVAL_DIR / "regulations"
SETS = {
    "dev": (EVAL_DATA / "regulations_dev.jsonl", EVAL_DATA / "regulations_eligibility_dev.jsonl"),
    "holdout": (EVAL_DATA / "regulations_holdout.jsonl", EVAL_DATA / "regulations_eligibility_holdout.jsonl"),
}
INDEX_FOLDER = "eval-regulations"
LANGS = ("zh", "en", "mixed")


def regulation_files() -> list[Path]:
    return sorted(p for p in REGULATIONS_DIR.glob("*.md") if p.name != "README.md")


def index_settings(settings):
    """Settings whose data dir holds the compilation and the regulations, ingested (incrementally) on first use."""
    from ingest.pipeline import run_ingest

    folder = settings.data_dir / INDEX_FOLDER
    ours = settings.model_copy(update={"data_dir": folder})
    run_ingest(ours, [DEFAULT_CORPUS_FILE, *regulation_files()], prune=True)
    return ours


def _scores_by_lang(result) -> dict:
    out = {}
    for lang in ("all", *LANGS):
        block = result.retrieval["ours"]["overall"] if lang == "all" else result.retrieval["ours"]["by_lang"].get(lang)
        if block:
            out[lang] = {"R@1": block["R@1"], "R@5": block["R@5"], "MRR@10": block["MRR@10"], "n": block["n"]}
    return out


def score_set(settings, name: str) -> dict:
    """Retrieval, refusal, validity, hedges and verdicts of one set on the index of `settings`."""
    from assistant.service import PolicyAssistant
    from eval.eligibility import load_set, run_set, summary
    from eval.hedges import measure
    from eval.run import run_eval

    questions_path, eligibility_path = SETS[name]
    result = run_eval(settings, questions_path=questions_path, with_baselines=False)
    assistant = PolicyAssistant(settings)
    rows = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    single = [("regulations", q["question"], "out_of_scope" if q["type"] == "out_of_scope" else "answerable")
              for q in rows if not q.get("history")]
    hedges = measure(assistant, single)
    out = {
        "retrieval": _scores_by_lang(result),
        "refusal": result.refusal,
        "validity_correct": result.answers.get("overall", {}).get("validity_correct"),
        "quotes_verified": result.answers.get("overall", {}).get("quote_verification_rate"),
        "quotes_in_source": result.answers.get("overall", {}).get("quote_source_rate"),
        "hedges": {k: v for k, v in hedges.items() if k != "examples"},
    }
    if eligibility_path.is_file():
        out["verdicts"] = summary(run_set(assistant, load_set(eligibility_path)))
    return out


def regulations_report(settings, sets: Sequence[str] = ("dev", "holdout")) -> dict:
    ours = index_settings(settings)
    return {name: score_set(ours, name) for name in sets if SETS[name][0].is_file()}


def compilation_row(result, eligibility: dict | None) -> dict:
    """The compilation's own numbers (from the main eval run) in the shape of a regulations set."""
    out: dict = {"retrieval": _scores_by_lang(result), "refusal": result.refusal,
                 "validity_correct": result.answers.get("overall", {}).get("validity_correct"),
                 "quotes_verified": result.answers.get("overall", {}).get("quote_verification_rate"),
                 "quotes_in_source": result.answers.get("overall", {}).get("quote_source_rate")}
    if eligibility:
        out["hedges"] = eligibility.get("hedges")
        out["verdicts"] = eligibility["verdicts"].get("dev")
    return out


def write_regulations_report(report: dict, folder: Path, compilation: dict | None = None) -> Path:
    """regulations.json and regulations.md: the compilation and the regulation sets side by side."""
    folder.mkdir(parents=True, exist_ok=True)
    blocks = ({"compilation (eval set, compilation index)": compilation} if compilation else {}) | {
        f"regulations {name} (compilation + 7 regulations)": block for name, block in report.items()}
    (folder / "regulations.json").write_text(json.dumps(blocks, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")
    rows = ["# The compilation and real regulations, side by side", "",
            "Written by `policy-assistant eval` (`python -m eval.regulations` prints the regulation rows). "
            "`regulations dev` (`eval/data/regulations_dev.jsonl`) was used while developing; `regulations holdout` "
            "(`eval/data/regulations_holdout.jsonl`) was written by someone else and only scored. The compilation's "
            "eval set was used while tuning retrieval: in-sample.", "",
            "| set | language | R@1 | R@5 | MRR@10 | n |", "|---|---|---|---|---|---|"]
    for name, block in blocks.items():
        for lang, r in block["retrieval"].items():
            rows.append(f"| {name} | {lang} | {r['R@1']:.3f} | {r['R@5']:.3f} | {r['MRR@10']:.3f} | {r['n']} |")
    rows += ["", "| set | hedged / answered | out of scope refused | answerable refused | validity right | "
             "verdict right (eligibility set) | quotes found in their source files |", "|---|---|---|---|---|---|---|"]
    for name, block in blocks.items():
        h, ref, v = block.get("hedges") or {}, block.get("refusal") or {}, (block.get("verdicts") or {}).get("all")
        hedged = f"{h['hedged']}/{h['answered']} ({h['hedge_rate']:.1%})" if h else "—"
        out_of_scope = (f"{h['out_of_scope_refused']}/{h['out_of_scope']}" if h
                        else f"{ref.get('refusal_recall', 0):.1%}")
        rows.append(f"| {name} | {hedged} | {out_of_scope} | {ref.get('answerable_refused_rate', 0):.1%} | "
                    f"{block.get('validity_correct')} | " + (f"{v['verdict']:.2f} (n={v['n']})" if v else "—") +
                    f" | {_pct(block.get('quotes_in_source'))} |")
    path = folder / "regulations.md"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def format_rows(report: dict) -> list[str]:
    rows = ["set      lang   R@1    R@5    MRR    n"]
    for name, block in report.items():
        for lang, r in block["retrieval"].items():
            rows.append(f"{name:<8} {lang:<6} {r['R@1']:.3f}  {r['R@5']:.3f}  {r['MRR@10']:.3f}  {r['n']}")
        h, ref = block["hedges"], block["refusal"]
        rows.append(f"{name:<8} hedged {h['hedged']}/{h['answered']} ({h['hedge_rate']:.1%}) · out of scope refused "
                    f"{h['out_of_scope_refused']}/{h['out_of_scope']} · answerable refused "
                    f"{ref.get('answerable_refused_rate', 0):.1%} · validity {block['validity_correct']} · quotes "
                    f"verified {block['quotes_verified']} · in source files {_pct(block.get('quotes_in_source'))}")
        for lang, v in (block.get("verdicts") or {}).items():
            rows.append(f"{name:<8} verdicts {lang}: {v['verdict']:.2f} right, {v['verdict_and_figures']:.2f} with "
                        f"figures (n={v['n']})")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--set", default="both", choices=["dev", "holdout", "both"])
    args = parser.parse_args(argv)
    from assistant.settings import Settings

    settings = Settings(**({"data_dir": Path(args.data_dir)} if args.data_dir else {}))
    sets = ("dev", "holdout") if args.set == "both" else (args.set,)
    sys.stdout.write("\n".join(format_rows(regulations_report(settings, sets))) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
