"""Benchmarks (a command, not tests): ingest throughput, search/ask latency warm and cold, peak memory, and scale.

    policy-assistant bench [--scales 1,10,100] [--no-server] [--rounds N] [--out eval/reports]

Every latency/memory number comes from a fresh worker subprocess (`python -m eval.bench_worker`), so cold
start is a real cold start and peak RSS is the serving process's own. Scale: the corpus replicated ×f as
distinct synthetic documents (eval/bench_scale.py), ingested through the real pipeline into embedded Chroma and
into a `chroma run` server. Replica vectors come from the bench-only embeddings wrapper described there.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.settings import Settings
from eval.bench_scale import ChromaServerProcess, dir_size_mb, write_replicas

log = logging.getLogger(__name__)


@dataclass
class ScalePoint:
    factor: int
    mode: str  # "embedded" | "server"
    documents: int = 0
    units: int = 0
    ingest_s: float = 0.0
    ingest_peak_rss_mb: float = 0.0
    really_embedded: int = 0  # replica texts the wrapper had to send to the real model
    index_mb: float = 0.0
    load_s: float = 0.0
    search_p50_ms: float = 0.0
    search_p95_ms: float = 0.0
    ask_p50_ms: float = 0.0
    ask_p95_ms: float = 0.0
    serve_peak_rss_mb: float = 0.0
    chroma_server_peak_rss_mb: float = 0.0  # the `chroma run` process itself (server mode)
    load_average_1m: float = 0.0  # machine load when the point finished: the 2 cores are shared
    error: str = ""


@dataclass
class BenchResult:
    ingest: str = ""
    latency: dict = field(default_factory=dict)
    cold: list[dict] = field(default_factory=list)
    scale: list[ScalePoint] = field(default_factory=list)
    web: list[dict] = field(default_factory=list)  # the load test through the served app, cold then warm
    first_web_answers: dict = field(default_factory=dict)  # one question, then another, right after a start
    notes: list[str] = field(default_factory=list)
    generated_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def _worker(args: list[str], timeout: float = 1800) -> dict:
    """Run `python -m eval.bench_worker ARGS` and parse its last stdout line as JSON."""
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "eval.bench_worker", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=Path(__file__).resolve().parents[1])
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker {args[0]} failed: {proc.stderr.strip()[-800:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    data["spawned_at"] = t0
    return data


def _settings_args(settings: Settings) -> list[str]:
    args = ["--data-dir", str(settings.data_dir)]
    if settings.chroma_host:
        args += ["--chroma-host", settings.chroma_host, "--chroma-port", str(settings.chroma_port)]
    return args


def _ensure_index(settings: Settings, tmp: Path) -> Settings:
    """The settings' index if it has one, else a fresh ingest of the default corpus in tmp."""
    if (settings.data_dir / "manifest.json").exists():
        return settings
    from ingest.pipeline import run_ingest

    fresh = settings.model_copy(update={"data_dir": tmp / "default-index", "chroma_host": None})
    log.info("no index in %s; ingesting the default corpus into %s", settings.data_dir, fresh.data_dir)
    run_ingest(fresh)
    return fresh


FIRST_QUESTIONS = ("居住证积分怎么算", "留学生落户要什么条件")


def _first_web_answers(settings: Settings) -> dict:
    """Two questions through a freshly served app, one after the other: what the first visitor after a start
    waits, beside the next one."""
    import asyncio

    import httpx

    from eval.gradio_queue import call, endpoint_indexes, new_session_hash
    from eval.served_app import served_app

    async def ask(url: str) -> list[int]:
        async with httpx.AsyncClient(timeout=120) as client:
            index = (await endpoint_indexes(client, url))["chat_json"]
            times = []
            for question in FIRST_QUESTIONS:
                t0 = time.perf_counter()
                await call(client, url, index, [question, None], new_session_hash())
                times.append(round(1000 * (time.perf_counter() - t0)))
            return times

    log.info("bench: first answers through a freshly served app")
    with served_app(settings.model_copy(update={"chroma_host": None})) as app:
        first, second = asyncio.run(ask(app.url))
    return {"first_ms": first, "second_ms": second}


def _web_load(settings: Settings, sessions: int = 50) -> list[dict]:
    """`policy-assistant loadtest` on the default corpus: a freshly served app (cold), then warm."""
    from eval.load_test import run_load_test

    rows = []
    for warm in (False, True):
        log.info("bench: load test, %d sessions, %s", sessions, "warm" if warm else "cold")
        report = run_load_test(settings.model_copy(update={"chroma_host": None}), sessions, warm=warm)
        rows.append({"warm": warm, "sessions": report.sessions, "requests": report.requests,
                     "errors": len(report.errors), "wrong_session": len(report.mismatches),
                     "throughput_rps": round(report.requests / max(report.wall_s, 1e-9), 1),
                     "p50_ms": round(report.p50_ms), "p95_ms": round(report.p95_ms),
                     "server_cpu_ms_per_answer": round(1000 * (report.server_cpu_s or 0) / max(1, report.requests)),
                     "server_peak_mb": round(report.server_peak_mb or 0)})
    return rows


def _scale_point(settings: Settings, factor: int, mode: str, corpus_dir: Path, work: Path,
                 queries: int) -> ScalePoint:
    point = ScalePoint(factor, mode)
    data_dir = work / f"x{factor}-{mode}" / "data"
    server = None
    try:
        s = settings.model_copy(update={"data_dir": data_dir, "chroma_host": None, "corpus_paths": [corpus_dir]})
        if mode == "server":
            server = ChromaServerProcess(work / f"x{factor}-{mode}" / "server-db").start()
            s = s.model_copy(update={"chroma_host": server.host, "chroma_port": server.port})
        ing = _worker(["ingest", *_settings_args(s), "--corpus-dir", str(corpus_dir),
                       "--original-cache", str(settings.embedding_cache_path)])
        point.documents, point.units = ing["documents"], ing["units"]
        point.ingest_s, point.ingest_peak_rss_mb = ing["seconds"], ing["peak_rss_mb"]
        point.really_embedded = ing["really_embedded"]
        point.index_mb = dir_size_mb(server.path if server else data_dir / "chroma")
        q = _worker(["serve", *_settings_args(s), "--limit", str(queries), "--rounds", "1"])
        point.load_s = q["load_s"]
        point.search_p50_ms, point.search_p95_ms = q["search"]["p50"], q["search"]["p95"]
        point.ask_p50_ms, point.ask_p95_ms = q["ask"]["p50"], q["ask"]["p95"]
        point.serve_peak_rss_mb = q["peak_rss_mb"]
        point.chroma_server_peak_rss_mb = server.peak_rss_mb() if server else 0.0
    except Exception as e:  # noqa: BLE001 — one failed point is reported, the others still run
        log.error("scale x%d %s failed: %s", factor, mode, e)
        point.error = str(e)[:300]
    finally:
        if server is not None:
            server.stop()
    point.load_average_1m = round(os.getloadavg()[0], 2)
    return point


def run_bench(settings: Settings, factors: list[int], with_server: bool = True, rounds: int = 1,
              scale_queries: int = 40, ingest_rounds: int = 1) -> BenchResult:
    """Run every benchmark (eval.bench_report writes the report)."""
    from eval.bench_ingest import run_bench_ingest

    result = BenchResult()
    work = Path(tempfile.mkdtemp(prefix="policy-bench-"))
    try:
        base = _ensure_index(settings, work)
        log.info("bench: ingest throughput")
        result.ingest = run_bench_ingest(base.model_copy(update={"chroma_host": None}), rounds=ingest_rounds).format()
        log.info("bench: cold start x3 and warm latency")
        for _ in range(3):
            c = _worker(["serve", *_settings_args(base), "--limit", "0", "--rounds", "1"])
            result.cold.append({"process_to_first_answer_s": round(c["first_answer_at"] - c["spawned_at"], 2),
                                "imports_s": c["imports_s"], "load_and_first_ask_s": c["load_s"],
                                "first_ask_ms": c["first_ask_ms"], "peak_rss_mb": c["peak_rss_mb"]})
        result.latency = _worker(["serve", *_settings_args(base), "--limit", "-1", "--rounds", str(rounds),
                                  "--tracemalloc"])
        result.first_web_answers = _first_web_answers(base)
        result.web = _web_load(base)
        corpus_root = work / "corpora"
        for factor in factors:
            corpus_dir = corpus_root / f"x{factor}"
            write_replicas(base, corpus_dir, factor)
            for mode in ("embedded", "server") if with_server else ("embedded",):
                log.info("bench: scale x%d %s", factor, mode)
                result.scale.append(_scale_point(base, factor, mode, corpus_dir, work, scale_queries))
            shutil.rmtree(corpus_dir, ignore_errors=True)
            shutil.rmtree(work / f"x{factor}-embedded", ignore_errors=True)
            shutil.rmtree(work / f"x{factor}-server", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def median_of(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def to_json(result: BenchResult) -> dict:
    return {"generated_at": result.generated_at, "ingest": result.ingest, "latency": result.latency,
            "cold": result.cold, "scale": [asdict(p) for p in result.scale], "web": result.web,
            "first_web_answers": result.first_web_answers, "notes": result.notes}


def from_json(data: dict) -> BenchResult:
    return BenchResult(ingest=data["ingest"], latency=data["latency"], cold=data["cold"],
                       scale=[ScalePoint(**p) for p in data["scale"]], web=list(data.get("web", [])),
                       first_web_answers=dict(data.get("first_web_answers", {})),
                       notes=list(data.get("notes", [])),
                       generated_at=data.get("generated_at", ""))
