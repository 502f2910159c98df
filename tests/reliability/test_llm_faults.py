"""The LLM endpoint fails in every way, through the UI API: an extractive answer within the configured
timeout, with a visible notice; LLM answers again once the endpoint recovers.

The endpoint is the stand-in of tests/llm_standin.py (a real HTTP server the test drives), not a model. The answer
owner's tests cover the chain; this covers the app end to end (gradio_client -> server -> PolicyAssistant ->
HTTP) and the recovery, in one running app, as a kiosk would live through it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from llm_standin import StandinLLM
from rel_helpers import api, client_for

from assistant.settings import Settings
from eval.load_test import run_load

pytestmark = pytest.mark.slow

TIMEOUT_S = 2.0
QUESTION = "创业人才累计获得500万元创业投资，落户的7年年限能缩短吗？"


@pytest.fixture(scope="module")
def llm() -> Iterator[StandinLLM]:
    standin = StandinLLM(slow_s=TIMEOUT_S + 4).start()
    try:
        yield standin
    finally:
        standin.stop()


@pytest.fixture(scope="module")
def llm_assistant(indexed_settings: Settings, llm: StandinLLM):
    from assistant.service import PolicyAssistant

    settings = indexed_settings.model_copy(update={"llm_base_url": llm.base_url, "llm_model": "standin",
                                                   "llm_timeout_s": TIMEOUT_S})
    assistant = PolicyAssistant(settings)
    assistant._load()
    return assistant


def without_visitor_limits(settings: Settings) -> Settings:
    """One test client asks a question per fault mode in a row: faster than a visitor may (assistant/web/limits.py)."""
    return settings.model_copy(update={"rate_limit": "1000 per minute", "queue_rate_limit": "1000 per minute"})


def _timed(client, endpoint: str, question: str) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = api(client, endpoint, question, timeout=60)
    return out, time.perf_counter() - t0


def test_llm_down_slow_500_broken_then_recovers(llm: StandinLLM, llm_assistant, app_factory) -> None:
    server = app_factory(llm_assistant, without_visitor_limits(llm_assistant.settings))
    client = client_for(server.url)

    llm.mode = "ok"
    out, _ = _timed(client, "/ask", QUESTION)
    assert out["mode"] == "llm" and out["notice"] is None, out
    assert out["citations"] and all(c["verified"] for c in out["citations"])
    assert "stand-in LLM" in out["answer"]

    survived = []
    for mode, notice_words in [("http500", ["HTTP 500"]), ("slow", ["超时", "timed out"]),
                               ("broken", ["语言模型"]), ("down", ["无法连接", "could not be reached"])]:
        if mode == "down":
            llm.stop()
        else:
            llm.mode = mode
        before = llm.requests
        out, seconds = _timed(client, "/ask", QUESTION)
        assert out["mode"] == "extractive", (mode, out)
        assert out["notice"] and all(w in out["notice"] for w in notice_words), (mode, out["notice"])
        assert out["citations"] and all(c["verified"] for c in out["citations"]), mode
        assert "stand-in" not in out["answer"]  # no half-streamed LLM text left in the final answer
        # Within the configured timeout (plus the extractive answer itself); no retry doubled the wait.
        assert seconds < TIMEOUT_S + 3, (mode, seconds)
        if mode != "down":
            assert llm.requests == before + 1, mode
        survived.append(mode)

        # The streamed /chat endpoint ends on the same extractive answer (not on the broken LLM chunks).
        streamed = api(client, "/chat", QUESTION, timeout=60)
        assert streamed == out["answer"], mode
        api(client, "/reset")

    llm.start()  # the endpoint comes back on the same port
    llm.mode = "ok"
    out, _ = _timed(client, "/ask", QUESTION)
    assert out["mode"] == "llm" and out["notice"] is None, out
    assert survived == ["http500", "slow", "broken", "down"]


def test_llm_failure_during_a_follow_up_falls_back_once(llm: StandinLLM, llm_assistant, app_factory) -> None:
    """With history the LLM is asked twice (condense, answer); a slow endpoint must not make the visitor wait
    twice the timeout."""
    server = app_factory(llm_assistant, without_visitor_limits(llm_assistant.settings))
    client = client_for(server.url)
    llm.mode = "ok"
    first = api(client, "/chat_json", "留学生落户要什么条件")
    assert first["mode"] == "llm"
    llm.mode = "slow"
    out, seconds = _timed(client, "/chat_json", "那配偶可以随迁吗？")
    assert out["mode"] == "extractive" and out["notice"], out
    assert seconds < TIMEOUT_S + 3, seconds
    assert "留学" in out["standalone_query"]  # condensed offline with this session's own topic
    llm.mode = "ok"


def test_concurrent_sessions_in_llm_mode(llm: StandinLLM, llm_assistant, app_factory) -> None:
    """The LLM path (condense + answer over HTTP, streamed and not) under concurrent sessions: every session gets
    the answers to its own conversation."""
    llm.mode = "ok"
    server = app_factory(llm_assistant, without_visitor_limits(llm_assistant.settings))
    before = llm.requests
    report = run_load(llm_assistant, server.url, llm_assistant.settings, sessions=6, timeout_s=120)
    print("\n" + report.format())
    assert report.errors == [] and report.mismatches == [] and report.requests == 18
    llm_answers = [c for c in report.calls if "stand-in LLM" in c.answer]
    assert len(llm_answers) >= 12, [c.answer[:40] for c in report.calls]  # most really came from the LLM
    assert llm.requests - before >= 18
    # Each session's expected follow-up is distinct, and some depend on the LLM-condensed history: a swapped
    # answer or history would show up as a mismatch.
    assert report.distinct_followups == report.followup_pairs and report.followups_needing_history >= 1
