"""Load test: N concurrent visitor sessions through the Gradio queue against the real app on loopback.

Each session has its own Gradio session hash (its own conversation) and asks three questions in order: a topic
question, a follow-up that only makes sense with that topic ("那配偶可以随迁吗？"), then another question. Even
sessions use the `/chat_json` endpoint, odd ones the streamed `/chat` endpoint. Every reply is compared with the
answer the same PolicyAssistant gives, computed beforehand one at a time, to that session's own conversation:
an answer or a history delivered to the wrong session shows up as a mismatch. Latency is per request, wall time
from submit to the final answer, measured with all sessions running at once.

The sessions speak the queue protocol the chat page's JavaScript speaks (eval/gradio_queue.py), all on one event
loop, and the app runs in a process of its own (eval/served_app.py), so the figures are the server's and the report
can give its CPU time per answer.

Run: `policy-assistant loadtest --sessions 50` or `python -m eval.load_test --sessions 50` (serves the app on
127.0.0.1 over the index in the data dir; offline extractive mode unless an LLM is configured). `--warm` runs the
load once untimed first; `--server-code DIR` serves another checkout of the code over the same index, for a
baseline in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Turn
from eval.gradio_queue import call, endpoint_indexes, new_session_hash
from eval.questions import EVAL_DATA
from eval.served_app import process_cpu_seconds, process_peak_mb, reset_peak_memory, served_app

log = logging.getLogger(__name__)

QUESTIONS_PATH = EVAL_DATA / "questions.jsonl"


@dataclass(frozen=True)
class SessionPlan:
    """The questions one visitor asks, in order."""

    index: int
    questions: tuple[str, ...]

    @property
    def endpoint(self) -> str:
        return "/chat_json" if self.index % 2 == 0 else "/chat"


@dataclass(frozen=True)
class Expected:
    answer: str
    citation_ids: tuple[str, ...]


@dataclass
class CallResult:
    session: int
    turn: int
    endpoint: str
    seconds: float
    error: str | None = None
    answer: str = ""
    citation_ids: tuple[str, ...] | None = None  # only /chat_json returns them


@dataclass
class LoadReport:
    sessions: int
    requests: int
    errors: list[str]
    mismatches: list[str]
    latencies_ms: list[float]
    wall_s: float
    concurrency_limit: int
    distinct_followups: int  # distinct expected follow-up answers: how sharp the wrong-session check is
    followups_needing_history: int  # follow-ups whose answer differs when asked without the history
    followup_pairs: int
    calls: list[CallResult] = field(default_factory=list)
    server_cpu_s: float | None = None  # the server process's CPU time during the load, when it runs on its own
    driver_cpu_s: float | None = None  # this process's (the visitors') CPU time during the load
    server_peak_mb: float | None = None  # the server process's peak resident memory during the load
    server_pid: int | None = None
    warm: bool = False

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95_ms(self) -> float:
        return _percentile(self.latencies_ms, 95)

    def format(self) -> str:
        lat = self.latencies_ms
        return "\n".join([
            f"load test: {self.sessions} concurrent sessions, {self.requests} requests in {self.wall_s:.1f} s "
            f"({self.requests / max(self.wall_s, 1e-9):.1f} req/s); Gradio concurrency_limit={self.concurrency_limit}",
            f"errors: {len(self.errors)}   wrong-session/mismatched answers: {len(self.mismatches)}",
            f"latency per request (submit -> final answer): p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
            f"max {max(lat) if lat else float('nan'):.0f} ms",
            f"follow-up check: {self.followup_pairs} topic/follow-up pairs, {self.distinct_followups} distinct "
            f"expected follow-up answers, {self.followups_needing_history} of them change without the history",
            *self._cpu_lines(),
            *[f"  error: {e}" for e in self.errors[:10]],
            *[f"  mismatch: {m}" for m in self.mismatches[:10]],
        ])

    def _cpu_lines(self) -> list[str]:
        if self.server_cpu_s is None:
            return []
        answered = max(1, len(self.latencies_ms))
        line = (f"server ({'warm: the load ran once before' if self.warm else 'cold: no question asked before'}): "
                f"CPU {self.server_cpu_s:.1f} s, {1000 * self.server_cpu_s / answered:.0f} ms per answer")
        if self.server_peak_mb is not None:
            line += f"; peak memory during the load {self.server_peak_mb:.0f} MB"
        if self.driver_cpu_s is not None:
            line += f"; the visitors' side: CPU {self.driver_cpu_s:.1f} s"
        return [line]


def _percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))  # nearest-rank
    return ordered[k]


def plan_sessions(n: int, questions_path: Path = QUESTIONS_PATH) -> list[SessionPlan]:
    """n sessions: topic + follow-up pairs from the eval set's follow-up items, then a distinct single question."""
    rows = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [(r["history"][0]["content"], r["question"]) for r in rows
             if r.get("type") == "followup" and r.get("history") and r["history"][0].get("role") == "user"]
    singles = [r["question"] for r in rows if not r.get("history") and r.get("type") != "followup"]
    if not pairs or not singles:
        raise ValueError(f"{questions_path} has no follow-up items or no single questions")
    return [SessionPlan(i, (*pairs[i % len(pairs)], singles[(i * 7) % len(singles)])) for i in range(n)]


def expected_answers(assistant: Any, plans: Sequence[SessionPlan], max_history_turns: int) -> dict[tuple, Expected]:
    """What each session must receive: the answers to its own conversation, asked one at a time.

    History is built exactly as the app builds it (assistant.web.session.Session.history): answered exchanges as
    user/assistant turns, newest last, at most max_history_turns."""
    out: dict[tuple, Expected] = {}
    for plan in plans:
        turns: list[Turn] = []
        for i, q in enumerate(plan.questions):
            key = plan.questions[: i + 1]
            if key not in out:
                history = turns[-max_history_turns:] if max_history_turns > 0 else []
                a = assistant.ask(q, history)
                out[key] = Expected(a.answer, tuple(c.id for c in a.citations))
            turns += [Turn("user", q), Turn("assistant", out[key].answer)]
    return out


async def _session(client: Any, url: str, indexes: dict[str, int], plan: SessionPlan, start: asyncio.Event,
                   timeout_s: float) -> list[CallResult]:
    """One visitor: its own session hash, its questions in order, each waiting for the previous answer."""
    session_hash = new_session_hash()
    await start.wait()
    results: list[CallResult] = []
    for turn, q in enumerate(plan.questions):
        t0 = time.perf_counter()
        try:
            # The chat endpoints' second input is the session's state, which the server fills in.
            out = await asyncio.wait_for(call(client, url, indexes[plan.endpoint.lstrip("/")], [q, None],
                                              session_hash), timeout_s)
            dt = time.perf_counter() - t0
            if plan.endpoint == "/chat_json":
                ids = tuple(c["id"] for c in out[0]["citations"])
                results.append(CallResult(plan.index, turn, plan.endpoint, dt, answer=out[0]["answer"],
                                          citation_ids=ids))
            else:
                results.append(CallResult(plan.index, turn, plan.endpoint, dt, answer=out[0]))
        except Exception as exc:  # noqa: BLE001 — every failure is counted and reported, not raised
            results.append(CallResult(plan.index, turn, plan.endpoint, time.perf_counter() - t0,
                                      error=f"{type(exc).__name__}: {exc}"))
            break  # the rest of this conversation would be compared against the wrong history
    return results


async def _drive(urls: list[str], plans: list[SessionPlan], timeout_s: float,
                 server_pid: int | None) -> tuple[list[CallResult], float, float | None, float | None]:
    """All sessions at once over one connection pool: (calls, wall seconds, the server's CPU seconds and peak
    memory in MB during the load, each None when unknown)."""
    import httpx

    pool_limits = httpx.Limits(max_connections=2 * len(plans) + 10, max_keepalive_connections=2 * len(plans))
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout_s), limits=pool_limits) as client:
        indexes: dict[str, dict[str, int]] = {}
        for url in urls:
            try:
                indexes[url] = await endpoint_indexes(client, url)
            except Exception as exc:  # noqa: BLE001 — an app that can't even be read fails every session
                calls = [CallResult(p.index, 0, p.endpoint, 0.0, error=f"connect: {type(exc).__name__}: {exc}")
                         for p in plans]
                return calls, 0.0, None, None
        start = asyncio.Event()
        # Pairs of sessions per url: each replica gets both endpoints.
        tasks = [asyncio.create_task(_session(client, urls[(p.index // 2) % len(urls)],
                                              indexes[urls[(p.index // 2) % len(urls)]], p, start, timeout_s))
                 for p in plans]
        peak_known = reset_peak_memory(server_pid)
        cpu0 = process_cpu_seconds(server_pid)
        t0 = time.perf_counter()
        start.set()
        done = await asyncio.gather(*tasks)
        wall = time.perf_counter() - t0
        cpu1 = process_cpu_seconds(server_pid)
        peak = process_peak_mb(server_pid) if peak_known else None
    server_cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return [c for calls in done for c in calls], wall, server_cpu, peak


def run_load(assistant: Any, url: str | Sequence[str], settings: Settings, sessions: int = 50,
             timeout_s: float = 120.0, questions_path: Path = QUESTIONS_PATH,
             server_pid: int | None = None, warm: bool = False) -> LoadReport:
    """Drive `sessions` concurrent sessions against the app at `url` and check every reply against `assistant`.

    Several urls (app replicas over one Chroma server) get the sessions round-robin, two at a time. With
    `server_pid` (a server in a process of its own) the report also gives the server's CPU time per answer and its
    peak memory. `warm`: the same load runs once untimed first, so every question's embedding is in the server's
    cache (a server answering in the same process as `assistant` is warm anyway)."""
    urls = [url] if isinstance(url, str) else list(url)
    plans = plan_sessions(sessions, questions_path)
    expected = expected_answers(assistant, plans, settings.max_history_turns)
    pairs = {p.questions[:2] for p in plans}
    followups = {expected[p].answer for p in pairs}
    needing_history = sum(1 for p in pairs if assistant.ask(p[1]).answer != expected[p].answer)

    if warm:
        asyncio.run(_drive(urls, plans, timeout_s, None))
    driver_cpu0 = time.process_time()
    calls, wall, server_cpu, server_peak = asyncio.run(_drive(urls, plans, timeout_s, server_pid))
    driver_cpu = time.process_time() - driver_cpu0

    errors = [f"session {c.session} turn {c.turn} ({c.endpoint}): {c.error}" for c in calls if c.error]
    mismatches = []
    for c in calls:
        if c.error:
            continue
        want = expected[plans[c.session].questions[: c.turn + 1]]
        if c.answer != want.answer or (c.citation_ids is not None and c.citation_ids != want.citation_ids):
            mismatches.append(f"session {c.session} turn {c.turn} ({c.endpoint}): got {c.answer[:60]!r}, "
                              f"expected {want.answer[:60]!r}")
    return LoadReport(sessions=len(plans), requests=len(calls), errors=errors, mismatches=mismatches,
                      latencies_ms=[c.seconds * 1000 for c in calls if not c.error], wall_s=wall,
                      concurrency_limit=settings.concurrency_limit, distinct_followups=len(followups),
                      followups_needing_history=needing_history, followup_pairs=len(pairs), calls=calls,
                      server_cpu_s=server_cpu, driver_cpu_s=driver_cpu if server_pid is not None else None,
                      server_peak_mb=server_peak, warm=warm, server_pid=server_pid)


def run_load_test(settings: Settings, sessions: int = 50, timeout_s: float = 120.0,
                  server_code: Path | None = None, warm: bool = False) -> LoadReport:
    """Serve the app over settings' index in a process of its own (from `server_code`, another checkout, if
    given), run the load from this one, stop the app."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(settings)
    assistant.warm_up()
    with served_app(settings, server_code) as app:
        return run_load(assistant, app.url, settings, sessions, timeout_s, server_pid=app.pid, warm=warm)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--warm", action="store_true", help="run the load once untimed first")
    parser.add_argument("--server-code", type=Path, default=None,
                        help="serve from this checkout of the code instead (a baseline in the same run)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    report = run_load_test(settings, args.sessions, args.timeout, args.server_code, args.warm)
    print(report.format())  # noqa: T201 — a command that prints its numbers
    return 0 if not report.errors and not report.mismatches else 1


if __name__ == "__main__":
    raise SystemExit(main())
