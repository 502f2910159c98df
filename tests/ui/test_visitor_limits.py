"""Limits for a public widget: questions per conversation and per address, answers running per visitor, request
bodies — on the real app on loopback (real HTTP, gradio_client), plus the limiter's address rules on their own."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest
from ui_helpers import start_app, stop_app

from assistant.settings import Settings
from assistant.web.limits import VisitorLimits


@dataclass
class StandInRequest:
    """A stand-in for gradio.Request: the connection's address, its headers and the session."""

    host: str
    session_hash: str = "s1"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def client(self) -> object:
        return type("Client", (), {"host": self.host})()


def _limits(**overrides: object) -> VisitorLimits:
    options: dict = {"session_limit": "3 per minute", "address_limit": "5 per minute", "max_running": 2,
                     "trusted_proxies": ["10.0.0.0/8"]}
    options.update(overrides)
    return VisitorLimits(**options)


def test_a_conversation_is_held_to_its_window_and_others_are_not() -> None:
    limits = _limits()
    me, other = StandInRequest("203.0.113.7", "me"), StandInRequest("198.51.100.9", "other")
    assert [limits.admit(me) for _ in range(4)] == [None, None, None, "rate"]
    assert limits.admit(other) is None


def test_new_sessions_from_one_address_are_held_by_the_address_window() -> None:
    limits = _limits(session_limit="100 per minute")
    results = [limits.admit(StandInRequest("203.0.113.7", f"s{i}")) for i in range(7)]
    assert results == [None] * 5 + ["rate", "rate"]
    assert limits.admit(StandInRequest("127.0.0.1", "local")) is None  # this machine itself is not a client address


def test_forwarded_addresses_are_believed_only_from_trusted_proxies() -> None:
    limits = _limits()
    via_proxy = StandInRequest("10.1.2.3", headers={"x-forwarded-for": "198.51.100.1, 203.0.113.50"})
    assert limits.address(via_proxy) == "203.0.113.50"  # the nearest untrusted hop
    spoofed = StandInRequest("192.0.2.66", headers={"x-forwarded-for": "203.0.113.50"})
    assert limits.address(spoofed) == "192.0.2.66"  # an untrusted sender can't choose its address


def test_answers_running_for_one_visitor_are_bounded() -> None:
    limits = _limits(session_limit="100 per minute", address_limit="100 per minute")
    me = StandInRequest("203.0.113.7")
    with limits.running(me), limits.running(me):
        assert limits.admit(me) == "busy"
        assert limits.admit(StandInRequest("203.0.113.7", "someone else")) is None
    assert limits.admit(me) is None
    assert limits.snapshot()["answers_running"] == 0


def test_a_rate_limit_setting_that_is_not_one_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="is not a rate limit"):
        Settings(rate_limit="plenty", _env_file=None)


@pytest.fixture(scope="module")
def limited_server(ui_assistant, indexed_settings: Settings, tmp_path_factory):
    """The app with the default limits, except a small window so the test stays short."""
    settings = indexed_settings.model_copy(update={
        "kiosk": False, "feedback_path": tmp_path_factory.mktemp("limits") / "feedback.jsonl",
        "rate_limit": "3 per minute", "max_request_bytes": 8192})
    running = start_app(ui_assistant, settings)
    yield running
    stop_app(running)


def test_a_visitor_over_the_limit_gets_a_polite_answer_and_others_still_get_theirs(limited_server) -> None:
    from gradio_client import Client

    flooder, visitor = Client(limited_server.url, verbose=False), Client(limited_server.url, verbose=False)
    answers = [flooder.predict("留学生落户要什么条件", api_name="/chat_json") for _ in range(5)]
    assert [a.get("notice") for a in answers[:3]] != ["rate_limited"] * 3
    assert all(a["citations"] for a in answers[:3])
    assert [a["notice"] for a in answers[3:]] == ["rate_limited", "rate_limited"]
    assert "请稍等片刻" in answers[3]["answer"] and "Please wait a moment" in answers[3]["answer"]
    mine = visitor.predict("留学生落户要什么条件", api_name="/chat_json")
    assert mine["citations"] and mine.get("notice") != "rate_limited"
    with urllib.request.urlopen(limited_server.url + "/healthz", timeout=10) as response:
        health = json.loads(response.read())
    assert health["refused_total"] >= 2 and health["queue_max"] == limited_server.settings.max_queue
    assert "queue_waiting" in health


def _post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {}
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_oversize_and_deeply_nested_requests_are_refused_with_a_clear_message(limited_server) -> None:
    join = limited_server.url + "/gradio_api/queue/join"
    status, body = _post(join, b'{"data": ["' + b"x" * 20_000 + b'"]}')
    assert status == 413 and "too large" in body["error"]
    status, body = _post(join, b'{"data": ' + b"[" * 40 + b"]" * 40 + b"}")
    assert status == 400 and "nested too deeply" in body["error"]
    with urllib.request.urlopen(limited_server.url + "/healthz", timeout=10) as response:
        assert response.status == 200  # the server is unharmed
