"""Benchmark worker: one measurement in a fresh process, one JSON line on stdout. Run by eval/bench.py.

    python -m eval.bench_worker serve  --data-dir D [--chroma-host H --chroma-port P] --limit N --rounds R [--tracemalloc]
    python -m eval.bench_worker ingest --data-dir D [--chroma-host …] --corpus-dir C --original-cache FILE
"""

from __future__ import annotations

import time

_T_START = time.time()  # before the heavy imports: imports_s includes them

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from assistant.settings import Settings  # noqa: E402
from eval.metrics import percentiles  # noqa: E402


def _peak_rss_mb() -> float:
    """This process's own peak resident memory. Not getrusage's ru_maxrss: Linux carries the parent's peak across
    fork and exec into it, so a worker started by a bench that had just embedded a corpus would report that."""
    from eval.served_app import process_peak_mb  # here, not at the top: the top's imports are timed

    peak = process_peak_mb(os.getpid())
    if peak is not None:
        return round(peak, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def _settings(args: argparse.Namespace) -> Settings:
    update = {"data_dir": Path(args.data_dir)}
    if args.chroma_host:
        update |= {"chroma_host": args.chroma_host, "chroma_port": args.chroma_port}
    return Settings().model_copy(update=update)


def serve(args: argparse.Namespace) -> dict:
    """Cold start, then warm ask and search latency over the eval questions (ask and search each with a fresh
    assistant, so every query embedding is a cache miss as for a new visitor)."""
    from assistant.service import PolicyAssistant
    from eval.questions import load_questions

    imports_s = time.time() - _T_START
    settings = _settings(args)
    questions = load_questions().questions
    if args.limit == 0:
        questions = []
    elif args.limit > 0:
        questions = load_questions(subset="fast").questions[: args.limit]
    t0 = time.perf_counter()
    assistant = PolicyAssistant(settings)
    t1 = time.perf_counter()
    assistant.ask("留学回国人员落户需要什么条件？")
    first_ask_ms = (time.perf_counter() - t1) * 1000
    load_s = time.perf_counter() - t0
    first_answer_at = time.time()
    out: dict = {"imports_s": round(imports_s, 2), "load_s": round(load_s, 2), "first_ask_ms": round(first_ask_ms, 1),
                 "first_answer_at": first_answer_at, "questions": len(questions), "rounds": args.rounds}
    ask_ms: list[float] = []
    stages: dict[str, list[float]] = {}
    for _ in range(args.rounds if questions else 0):
        for q in questions:
            t = time.perf_counter()
            answer = assistant.ask(q.question, history=q.history_dicts)
            ask_ms.append((time.perf_counter() - t) * 1000)
            for k, v in answer.timings_ms.items():
                stages.setdefault(k, []).append(float(v))
        # A fresh query cache for the next pass; the old assistant goes first, so the peak memory is one
        # serving process's, not two models side by side.
        del assistant
        gc.collect()
        assistant = PolicyAssistant(settings)
        assistant.ask("留学回国人员落户需要什么条件？")
    search_ms: list[float] = []
    if questions:
        del assistant
        gc.collect()
        assistant = PolicyAssistant(settings)
        assistant.search("留学回国人员落户需要什么条件？")
        for q in questions:
            t = time.perf_counter()
            assistant.search(q.question, k=10, history=q.history_dicts)
            search_ms.append((time.perf_counter() - t) * 1000)
    out |= {"ask": percentiles(ask_ms), "search": percentiles(search_ms),
            "ask_stages": {k: percentiles(v) for k, v in sorted(stages.items())}, "peak_rss_mb": _peak_rss_mb()}
    if args.tracemalloc and questions:
        import tracemalloc

        tracemalloc.start()
        for q in questions[:20]:
            assistant.ask(q.question, history=q.history_dicts)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out["tracemalloc_peak_mb_20_asks"] = round(peak / 1024 / 1024, 2)
    return out


def ingest(args: argparse.Namespace) -> dict:
    from eval.bench_scale import BenchOnlyReplicaEmbeddings
    from eval.fill_gold import load_units
    from ingest.embed import CachedEmbeddings, build_base_embeddings
    from ingest.pipeline import run_ingest

    settings = _settings(args)
    inner = build_base_embeddings(settings)
    from ingest.sentence_store import sentence_passages

    # Everything ingest embeds for an original unit: its context text and its sentences.
    originals = list(dict.fromkeys(t for u in load_units(settings=settings)
                                   for t in (u.context_text(), *sentence_passages(u))))
    real = CachedEmbeddings(inner, Path(args.original_cache))  # the existing index's cache: no model work
    wrapper = BenchOnlyReplicaEmbeddings.from_texts(inner, originals, real)
    emb = CachedEmbeddings(wrapper, settings.embedding_cache_path)
    t0 = time.perf_counter()
    report = run_ingest(settings, paths=[Path(args.corpus_dir)], embeddings=emb)
    return {"seconds": round(time.perf_counter() - t0, 2), "documents": report.documents,
            "units": report.units_total, "written": report.units_written, "index_units": report.index_units,
            "really_embedded": wrapper.really_embedded, "skipped": len(report.skipped),
            "peak_rss_mb": _peak_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["serve", "ingest"])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--chroma-host")
    parser.add_argument("--chroma-port", type=int, default=8000)
    parser.add_argument("--limit", type=int, default=-1, help="-1 all questions, 0 none (cold start only), N fast[:N]")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--corpus-dir")
    parser.add_argument("--original-cache")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    out = serve(args) if args.mode == "serve" else ingest(args)
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
