"""Write an EvalResult as JSON (every number), a Markdown report and matplotlib PNG charts."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

from eval.metrics import CONTEXT_BUDGET, KS
from eval.run import OURS, EvalResult

log = logging.getLogger(__name__)

BUDGET_KEY = f"R@{CONTEXT_BUDGET}c"
RET_COLS = [f"R@{k}" for k in KS] + ["MRR@10", "nDCG@10", BUDGET_KEY]


def _f(v: float | None, pct: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%}" if pct else f"{v:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _retrieval_rows(result: EvalResult, group: str, key: str | None) -> list[list[str]]:
    rows = []
    for system, data in result.retrieval.items():
        scores = data[group] if key is None else data[group].get(key)
        if not scores or not scores.get("n"):
            continue
        label = f"**{system}**" if system == OURS else system
        rows.append([label] + [_f(scores.get(c)) for c in RET_COLS] + [str(scores["n"])])
    return rows


def _targets(result: EvalResult) -> list[str]:
    """The product's acceptance targets for the default offline setup, met or not, with the baselines beside."""
    ours = result.retrieval[OURS]
    rows = []

    def row(name: str, value: float | None, ok: bool | None, baseline: str = "–") -> None:
        mark = "–" if ok is None else ("met" if ok else "**not met**")
        rows.append([name, _f(value), mark, baseline])

    def base(group: str, key: str | None = None) -> str:
        vals = []
        for s in ("dense", "naive_hybrid"):
            if s in result.retrieval:
                d = result.retrieval[s][group] if key is None else result.retrieval[s][group].get(key, {})
                vals.append(f"{s} {_f(d.get('R@5'))}")
        return ", ".join(vals) or "–"

    o = ours["overall"].get("R@5")
    row("Recall@5 overall ≥ 0.90", o, o is not None and o >= 0.90, base("overall"))
    em = ours["by_lang"].get("en+mixed", {}).get("R@5")
    row("Recall@5 English/mixed ≥ 0.85", em, None if em is None else em >= 0.85, base("by_lang", "en+mixed"))
    fu = ours["by_type"].get("followup", {}).get("R@5")
    row("Recall@5 follow-ups ≥ 0.85", fu, None if fu is None else fu >= 0.85, base("by_type", "followup"))
    if result.refusal:
        rr, ar = result.refusal["refusal_recall"], result.refusal["answerable_refused_rate"]
        row("out-of-scope refused ≥ 0.90", rr, rr >= 0.90)
        row("answerable refused ≤ 0.05", ar, ar <= 0.05)
        qv = result.answers["overall"]["quote_verification_rate"]
        row("quotes verified = 1.00", qv, None if qv is None else qv >= 1.0)
        qs = result.answers["overall"].get("quote_source_rate")
        row("quotes found in their source files = 1.00", qs, None if qs is None else qs >= 1.0)
    return ["## Targets (default offline setup)", ""] + _table(
        ["target", "ours", "status", "baselines (R@5)"], rows) + [""]


def _quotes_not_in_source(result: EvalResult) -> list[str]:
    """Every quote not found in its source file, by question: a quote a visitor saw that the file doesn't say
    word for word."""
    rows = [[q.id, missing.replace("|", "\\|").replace("\n", " ")] for q in result.per_question
            for missing in q.quotes_not_in_source]
    if not rows:
        return []
    return ["### Quotes not found in their source files", ""] + _table(["id", "policy, clause: quote"], rows) + [""]


def markdown(result: EvalResult, charts: dict[str, str]) -> str:
    m = result.meta
    lines = [f"# Evaluation report ({m['subset']} set)", "",
             f"Generated {m['generated_at']} by `policy-assistant eval{' --subset fast' if m['subset'] == 'fast' else ''}`"
             f" in {m['seconds']} s on this machine ({m['machine']}). {m['questions']} questions "
             f"({m['answerable']} answerable), {m['indexed_units']} indexed units, embedding model "
             f"`{m['embedding_backend']}:{m['embedding_model']}` for every system, answer mode `{m['answer_mode']}`.",
             "", "Systems:", ""]
    lines += [f"- `{s}` — {label}" for s, label in m["systems"].items()]
    lines += ["", "Relevance: a retrieved unit/chunk is relevant when it contains a gold span (whitespace-"
              "insensitive), so systems with different chunkings are scored on one scale. R@k = share of a "
              f"question's gold spans in the top k. {BUDGET_KEY} = share of gold spans that end within the first "
              f"{CONTEXT_BUDGET} characters of the concatenated ranked units (a fixed reading/LLM budget: big "
              "chunks can't win recall for free).", ""]

    lines += _targets(result)
    head = ["system"] + RET_COLS + ["n"]
    lines += ["## Retrieval — overall", ""] + _table(head, _retrieval_rows(result, "overall", None)) + [""]
    if "recall_by_lang" in charts:
        lines += [f"![Recall@k by language]({charts['recall_by_lang']})", ""]
    lines += ["## Retrieval — by language", ""]
    langs = list(result.retrieval[OURS]["by_lang"])
    for lang in langs:
        lines += [f"### {lang}", ""] + _table(head, _retrieval_rows(result, "by_lang", lang)) + [""]
    lines += ["## Retrieval — by question type", ""]
    for t in result.retrieval[OURS]["by_type"]:
        lines += [f"### {t}", ""] + _table(head, _retrieval_rows(result, "by_type", t)) + [""]

    if result.answers:
        a = result.answers["overall"]
        r = result.refusal
        lines += ["## Answers (ours)", "",
                  "Citation precision/recall: a citation is correct when its unit contains a gold span (answered, "
                  "answerable questions). Fact coverage: share of the required facts (numbers, conditions) found in "
                  "the answer text (whitespace-insensitive; Chinese and ISO dates equal). Quote verification: "
                  "share of quotes marked verified, i.e. found in the unit they were cut from (an extractive quote passes "
                  "by construction). Quotes in source files: share found in the source file as ingest read it, "
                  "before cleaning, allowing only whitespace, NFKC-equivalent characters and, between words, the "
                  "fragments the cleaner removes (page numbers, running titles, web noise, table of contents, "
                  "Markdown marks, a passage printed twice). Refusal: refusing is the positive class. The learned refusal check is "
                  "fitted on eval/data/refusal_dev*.jsonl only, so its figures on this set are out of sample; the "
                  "lexical gate's two constants (its fallback for documents the check never saw) were chosen with "
                  "this set among others.", ""]
        lines += _table(["metric", "value"], [
            ["citation precision", _f(a["citation_precision"])],
            ["citation recall", _f(a["citation_recall"])],
            ["fact coverage (answer text)", _f(a["fact_coverage"])],
            ["fact coverage (answer text + quotes)", _f(a["fact_coverage_with_quotes"])],
            ["quote verification rate", f"{_f(a['quote_verification_rate'], True)} of {a['quotes']} quotes"],
            ["quotes found in their source files",
             f"{_f(a.get('quote_source_rate'), True)} of {a['quotes']} quotes"],
            ["refusal precision", _f(r["refusal_precision"])],
            ["refusal recall (out-of-scope refused)", f"{_f(r['refusal_recall'], True)} of {r['n_out_of_scope']}"],
            ["answerable questions refused", f"{_f(r['answerable_refused_rate'], True)} of {r['n_answerable']}"],
            ["validity statements correct", f"{_f(a['validity_correct'], True)} of {a['n_validity']}"],
        ]) + [""]
        rows = [[t, _f(s["citation_precision"]), _f(s["citation_recall"]), _f(s["fact_coverage"]),
                 _f(s["quote_verification_rate"]), _f(s.get("quote_source_rate"))]
                for t, s in result.answers["by_type"].items()]
        lines += ["### Answers by type", ""] + _table(
            ["type", "cit. precision", "cit. recall", "fact coverage", "quotes verified", "quotes in source"],
            rows) + [""]
        lines += _quotes_not_in_source(result)

    lines += ["## Latency (ms, this machine)", ""]
    rows = [[stage, _f(v["p50"]), _f(v["p95"]), str(v["n"])] for stage, v in result.latency_ms.items()]
    lines += _table(["stage", "p50", "p95", "n"], rows) + [""]
    lines += [f"Load average (1 min) at the end of the run: {m.get('load_average_1m_at_end')} on 2 cores shared "
              "with other work; latencies are wall-clock under that load. `policy-assistant bench` measures them "
              "on their own.", ""]
    lines += [f"Cold start (construct + first search, models and index loaded): "
              f"{m['cold_start_first_search_ms']:.0f} ms. Baselines' index build (embedding {m['baseline_chunks']} "
              f"chunks, cached after the first run): {m['baseline_build_seconds']} s.", ""]
    if "latency" in charts:
        lines += [f"![Latency]({charts['latency']})", ""]

    misses = [q for q in result.per_question if OURS in q.retrieval and q.retrieval[OURS].recall[5] < 1]
    if misses:
        lines += ["## Our retrieval misses (gold not fully in the top 5)", ""]
        lines += _table(["id", "type", "lang", "R@5", "our top 3"],
                        [[q.id, q.type, q.lang, _f(q.retrieval[OURS].recall[5]), "; ".join(q.top3)]
                         for q in misses]) + [""]
    return "\n".join(lines)


def charts(result: EvalResult, out_dir: Path, prefix: str) -> dict[str, str]:
    """PNG charts; returns name -> file name (relative to out_dir)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made: dict[str, str] = {}
    systems = list(result.retrieval)
    langs = [g for g in ("zh", "en", "mixed", "en+mixed") if g in result.retrieval[OURS]["by_lang"]]
    fig, axes = plt.subplots(1, len(langs), figsize=(4 * len(langs), 3.6), sharey=True)
    for ax, lang in zip(axes if len(langs) > 1 else [axes], langs, strict=True):
        for system in systems:
            scores = result.retrieval[system]["by_lang"].get(lang, {})
            if scores.get("n"):
                ax.plot(list(KS), [scores[f"R@{k}"] for k in KS], marker="o", label=system,
                        linewidth=2.5 if system == OURS else 1.5)
        ax.set_title(f"{lang}")
        ax.set_xlabel("k")
        ax.set_xticks(list(KS))
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    (axes[0] if len(langs) > 1 else axes).set_ylabel("Recall@k")
    (axes[-1] if len(langs) > 1 else axes).legend(loc="lower right", fontsize=8)
    fig.suptitle("Retrieval Recall@k by question language: ours vs baselines")
    fig.tight_layout()
    name = f"{prefix}-recall-by-language.png"
    fig.savefig(out_dir / name, dpi=110)
    plt.close(fig)
    made["recall_by_lang"] = name

    stages = list(result.latency_ms)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(stages) + 1.2))
    p50 = [result.latency_ms[s]["p50"] for s in stages]
    p95 = [result.latency_ms[s]["p95"] for s in stages]
    y = range(len(stages))
    ax.barh([i + 0.2 for i in y], p50, height=0.4, label="p50")
    ax.barh([i - 0.2 for i in y], p95, height=0.4, label="p95")
    ax.set_yticks(list(y), stages)
    ax.set_xlabel("ms")
    ax.set_title("Latency per stage")
    ax.legend()
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    name = f"{prefix}-latency.png"
    fig.savefig(out_dir / name, dpi=110)
    plt.close(fig)
    made["latency"] = name
    return made


def write_report(result: EvalResult, out_dir: Path) -> dict[str, Path]:
    """Write `eval-<subset>.json`, `eval-<subset>.md` and the PNGs into out_dir; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = f"eval-{result.meta['subset']}"
    made = charts(result, out_dir, prefix)
    json_path = out_dir / f"{prefix}.json"
    json_path.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    md_path = out_dir / f"{prefix}.md"
    md_path.write_text(markdown(result, made), encoding="utf-8")
    log.info("wrote %s, %s and %d charts", json_path, md_path, len(made))
    return {"json": json_path, "markdown": md_path, **{k: out_dir / v for k, v in made.items()}}


def headline(result: EvalResult) -> list[tuple[str, str]]:
    """A few lines for the terminal: R@5 and budget recall per system and language group, answer numbers."""
    rows = []
    for system, data in result.retrieval.items():
        o, bl = data["overall"], data["by_lang"]
        em = bl.get("en+mixed", {})
        rows.append((system, f"R@5 {o['R@5']:.3f} (zh {bl.get('zh', {}).get('R@5', float('nan')):.3f}, "
                             f"en+mixed {em.get('R@5', float('nan')):.3f})  MRR@10 {o['MRR@10']:.3f}  "
                             f"{BUDGET_KEY} {o[BUDGET_KEY]:.3f}"))
    if result.answers:
        a, r = result.answers["overall"], result.refusal
        rows.append(("answers", f"citation P {_f(a['citation_precision'])} R {_f(a['citation_recall'])}  facts "
                                f"{_f(a['fact_coverage'])}  quotes verified {_f(a['quote_verification_rate'], True)}  "
                                f"in source files {_f(a.get('quote_source_rate'), True)}  "
                                f"refusal P {_f(r['refusal_precision'])} R {_f(r['refusal_recall'])}  answerable "
                                f"refused {_f(r['answerable_refused_rate'], True)}  validity "
                                f"{_f(a['validity_correct'], True)}"))
    return rows
