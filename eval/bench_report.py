"""Benchmark output: bench.json (every number), bench.md and bench-growth.png."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from eval.bench import BenchResult, from_json, median_of, to_json

log = logging.getLogger(__name__)


def _ms(d: dict, key: str = "p50") -> str:
    v = d.get(key) if d else None
    return f"{v:.1f}" if isinstance(v, int | float) else "–"


def growth_chart(result: BenchResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("ingest_s", "ingest time (s)"), ("index_mb", "index size on disk (MB)"),
              ("search_p50_ms", "search p50 (ms)"), ("ask_p50_ms", "ask p50 (ms)"),
              ("load_s", "cold load (s)"), ("serve_peak_rss_mb", "serving peak RSS (MB)")]
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    for ax, (key, label) in zip(axes.flat, panels, strict=True):
        for mode, marker in (("embedded", "o"), ("server", "s")):
            pts = sorted((p.factor, getattr(p, key)) for p in result.scale if p.mode == mode and not p.error)
            if pts:
                ax.plot([x for x, _ in pts], [y for _, y in pts], marker=marker, label=f"Chroma {mode}")
        ax.set_xscale("log")
        ax.set_ylim(bottom=0)  # from zero: noise of a few ms must not look like a trend
        ax.set_xlabel("corpus ×")
        ax.set_title(label)
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    fig.suptitle("Growth with corpus size (×1 = 13 documents, 56K chars)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(result: BenchResult, chart: str | None) -> str:
    lat = result.latency
    lines = ["# Benchmarks", "", f"Run {result.generated_at} with `policy-assistant bench` on this 2-core machine "
             "(the cores are shared with other work, so these are wall-clock numbers under that load; the scale "
             "table gives the 1-minute load average at each point). Medians unless stated.", "",
             "## Ingest throughput (eval/bench_ingest.py)", "", "```", result.ingest, "```", "", "## Latency, default corpus, offline extractive mode", ""]
    if lat:
        lines += [f"Warm: {lat.get('questions')} eval questions × {lat.get('rounds')} round(s), each pass with a "
                  "fresh assistant so every query embedding is a cache miss.", "",
                  "| operation | p50 ms | p95 ms | n |", "|---|---|---|---|",
                  f"| ask (warm) | {_ms(lat['ask'])} | {_ms(lat['ask'], 'p95')} | {lat['ask']['n']} |",
                  f"| search k=10 (warm) | {_ms(lat['search'])} | {_ms(lat['search'], 'p95')} | "
                  f"{lat['search']['n']} |"]
        lines += [f"| ask stage: {k} | {_ms(v)} | {_ms(v, 'p95')} | {v['n']} |"
                  for k, v in lat.get("ask_stages", {}).items()]
        lines += ["", f"Peak RSS of the serving process: {lat.get('peak_rss_mb')} MB; Python-heap peak "
                  f"(tracemalloc) over 20 asks: {lat.get('tracemalloc_peak_mb_20_asks')} MB.", ""]
    if result.cold:
        lines += ["Cold start (new process → first answer), 3 runs:", "",
                  "| process → first answer s | imports s | load + first ask s | first ask ms | peak RSS MB |",
                  "|---|---|---|---|---|"]
        lines += [f"| {c['process_to_first_answer_s']} | {c['imports_s']} | {c['load_and_first_ask_s']} | "
                  f"{c['first_ask_ms']} | {c['peak_rss_mb']} |" for c in result.cold]
        lines += ["", f"Median process → first answer: "
                  f"{median_of([c['process_to_first_answer_s'] for c in result.cold]):.2f} s.", ""]
    if result.web:
        lines += ["## Through the web: `policy-assistant loadtest --sessions 50`", "",
                  "The app served in a process of its own; 50 visitors ask 3 questions each, all at once, through "
                  "Gradio's queue (eval/load_test.py). Cold: a freshly started server, every question new to it. "
                  "Warm: the same load once more, every query embedding cached. Latency = submit → final answer, "
                  "queueing included.", "",
                  "| server | requests | errors | wrong session | answers/s | p50 ms | p95 ms | "
                  "server CPU ms per answer | server peak MB |", "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {'warm' if w['warm'] else 'cold'} | {w['requests']} | {w['errors']} | {w['wrong_session']} | "
                  f"{w['throughput_rps']} | {w['p50_ms']} | {w['p95_ms']} | {w['server_cpu_ms_per_answer']} | "
                  f"{w['server_peak_mb']} |" for w in result.web]
        lines.append("")
    if result.first_web_answers:
        first = result.first_web_answers
        lines += [f"First answer through a freshly served app (`/chat_json`): {first['first_ms']} ms; the next "
                  f"question: {first['second_ms']} ms.", ""]
    if result.scale:
        lines += ["## Scale: corpus replicated as distinct synthetic documents", "",
                  "Replica vectors come from a **bench-only** embeddings wrapper (original unit's real vector + "
                  "seeded noise; see eval/bench_scale.py), because embedding ×100 (~5.6M chars) with the real "
                  "model would take ~25 min here. Parsing, storing, index size and all query work are real; queries "
                  "are embedded by the real model. Query latency: 40 fast-subset questions per point.", "",
                  "| × | Chroma | documents | units | ingest s | ingest peak RSS MB | really embedded | index MB | "
                  "cold load s | search p50/p95 ms | ask p50/p95 ms | serving peak RSS MB | chroma server RSS MB | "
                  "load avg |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for p in result.scale:
            if p.error:
                lines.append(f"| {p.factor} | {p.mode} | failed: {p.error} |" + " |" * 11)
                continue
            lines.append(f"| {p.factor} | {p.mode} | {p.documents} | {p.units} | {p.ingest_s} | "
                         f"{p.ingest_peak_rss_mb} | {p.really_embedded} | {p.index_mb} | {p.load_s} | "
                         f"{p.search_p50_ms:.0f} / {p.search_p95_ms:.0f} | {p.ask_p50_ms:.0f} / {p.ask_p95_ms:.0f} | "
                         f"{p.serve_peak_rss_mb} | {p.chroma_server_peak_rss_mb or '–'} | "
                         f"{p.load_average_1m or '–'} |")
        lines.append("")
        if chart:
            lines += [f"![growth]({chart})", ""]
    if result.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in result.notes]
    return "\n".join(lines) + "\n"


def write_bench_report(result: BenchResult, out_dir: Path) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = None
    if any(not p.error for p in result.scale):
        chart = "bench-growth.png"
        growth_chart(result, out_dir / chart)
    (out_dir / "bench.json").write_text(json.dumps(to_json(result), ensure_ascii=False, indent=1), encoding="utf-8")
    text = markdown(result, chart)
    (out_dir / "bench.md").write_text(text, encoding="utf-8")
    log.info("wrote %s", out_dir / "bench.md")
    return text


def main(argv: list[str] | None = None) -> int:
    """Re-render bench.md/bench-growth.png from bench.json, optionally adding a note (e.g. about the load)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--dir", type=Path, default=Path(__file__).resolve().parent / "reports")
    parser.add_argument("--note", action="append", default=[])
    args = parser.parse_args(argv)
    result = from_json(json.loads((args.dir / "bench.json").read_text(encoding="utf-8")))
    result.notes += args.note
    write_bench_report(result, args.dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
