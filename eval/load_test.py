"""Load test: N concurrent visitor sessions through the Gradio API (gradio_client) against the real app on loopback.

Each session is one gradio_client.Client (its own Gradio session) asking three questions in order: a topic
question, a follow-up that only makes sense with that topic ("那配偶可以随迁吗？"), then another question. Even
sessions use the `/chat_json` endpoint, odd ones the streamed `/chat` endpoint. Every reply is compared with the
answer the same PolicyAssistant gives, computed beforehand one at a time, to that session's own conversation:
an answer or a history delivered to the wrong session shows up as a mismatch. Latency is per request, wall time
from submit to the final answer, measured with all sessions running at once.

Run: `policy-assistant loadtest --sessions 50` or `python -m eval.load_test --sessions 50` (starts its own server
on 127.0.0.1 over the index in the data dir; offline extractive mode unless an LLM is configured).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Turn
from eval.questions import EVAL_DATA

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
            *[f"  error: {e}" for e in self.errors[:10]],
            *[f"  mismatch: {m}" for m in self.mismatches[:10]],
        ])


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


def _run_session(url: str, plan: SessionPlan, start: threading.Barrier, timeout_s: float) -> list[CallResult]:
    from gradio_client import Client

    t0 = time.perf_counter()
    try:
        client = Client(url, verbose=False, download_files=False)
    except Exception as exc:  # noqa: BLE001 — a session that can't even connect is an error to report
        start.abort()
        return [CallResult(plan.index, 0, plan.endpoint, time.perf_counter() - t0,
                           error=f"connect: {type(exc).__name__}: {exc}")]
    try:
        return _ask_all(client, plan, start, timeout_s)
    finally:
        client.close()


def _ask_all(client: Any, plan: SessionPlan, start: threading.Barrier, timeout_s: float) -> list[CallResult]:
    results: list[CallResult] = []
    # Every session connected: then all ask at once. (A broken barrier = another session failed to connect,
    # reported there; this one still runs.)
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait(timeout_s)
    for turn, q in enumerate(plan.questions):
        t0 = time.perf_counter()
        try:
            out = client.submit(q, api_name=plan.endpoint).result(timeout=timeout_s)
            dt = time.perf_counter() - t0
            if plan.endpoint == "/chat_json":
                ids = tuple(c["id"] for c in out["citations"])
                results.append(CallResult(plan.index, turn, plan.endpoint, dt, answer=out["answer"], citation_ids=ids))
            else:
                results.append(CallResult(plan.index, turn, plan.endpoint, dt, answer=out))
        except Exception as exc:  # noqa: BLE001 — every failure is counted and reported, not raised
            results.append(CallResult(plan.index, turn, plan.endpoint, time.perf_counter() - t0,
                                      error=f"{type(exc).__name__}: {exc}"))
            break  # the rest of this conversation would be compared against the wrong history
    return results


def run_load(assistant: Any, url: str | Sequence[str], settings: Settings, sessions: int = 50,
             timeout_s: float = 120.0, questions_path: Path = QUESTIONS_PATH) -> LoadReport:
    """Drive `sessions` concurrent sessions against the app at `url` and check every reply against `assistant`.

    Several urls (app replicas over one Chroma server) get the sessions round-robin, two at a time."""
    urls = [url] if isinstance(url, str) else list(url)
    plans = plan_sessions(sessions, questions_path)
    expected = expected_answers(assistant, plans, settings.max_history_turns)
    pairs = {p.questions[:2] for p in plans}
    followups = {expected[p].answer for p in pairs}
    needing_history = sum(1 for p in pairs if assistant.ask(p[1]).answer != expected[p].answer)

    barrier = threading.Barrier(len(plans))
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(plans), thread_name_prefix="load-session") as pool:
        futures = [pool.submit(_run_session, urls[(p.index // 2) % len(urls)], p, barrier, timeout_s)
                   for p in plans]  # pairs of sessions per url: each replica gets both endpoints
        calls = [c for f in futures for c in f.result(timeout=timeout_s * 4)]
    wall = time.perf_counter() - t0

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
                      followups_needing_history=needing_history, followup_pairs=len(pairs), calls=calls)


def serve_in_thread(assistant: Any, settings: Settings) -> tuple[str, Callable[[], None]]:
    """The real app (assistant.web.server.create_server) on a free loopback port; returns (url, stop)."""
    import socket
    import urllib.request

    import uvicorn

    from assistant.web.server import create_server

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_server(assistant, settings.model_copy(update={"host": "127.0.0.1", "port": port}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True, name="load-test-server")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app at {url} did not start within 60 s") from None
            time.sleep(0.1)

    def stop() -> None:
        server.should_exit = True
        thread.join(15)

    return url, stop


def run_load_test(settings: Settings, sessions: int = 50, timeout_s: float = 120.0) -> LoadReport:
    """Start the app on loopback over settings' index, run the load, stop the app."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"  # gradio_client asks the HF hub otherwise; this runs offline
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(settings)
    assistant.warm_up()
    url, stop = serve_in_thread(assistant, settings)
    try:
        return run_load(assistant, url, settings, sessions, timeout_s)
    finally:
        stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings()
    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    report = run_load_test(settings, args.sessions, args.timeout)
    print(report.format())  # noqa: T201 — a command that prints its numbers
    return 0 if not report.errors and not report.mismatches else 1


if __name__ == "__main__":
    raise SystemExit(main())
