"""Privacy on the kiosk: no question text in the logs unless settings.log_questions; a feedback file
with nothing that links two visits; "new conversation" and the idle period wipe the server-side conversation."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from gradio_client.exceptions import AppError
from rel_helpers import api, client_for

from assistant.settings import Settings
from assistant.types import Answer, Citation
from assistant.web.session import Exchange, FeedbackLog

pytestmark = pytest.mark.slow

# Distinctive words that appear nowhere in the app's own texts or the corpus.
PRIVATE = "我叫王小明身份证310101199001011234想问留学生落户要什么条件"
FOLLOW_UP = "那配偶可以随迁吗？"
TOPIC = "留学生落户要什么条件"
CLIENT_SIDE = ("gradio_client", "httpx", "httpcore")  # the test's own client, not the server


def _server_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    out = []
    for r in caplog.records:
        if r.name.startswith(CLIENT_SIDE):
            continue
        out.append(r.getMessage() + (r.exc_text or ""))
    return out


def test_question_text_is_not_logged_unless_enabled(rel_assistant, indexed_settings: Settings, app_factory,
                                                    caplog: pytest.LogCaptureFixture,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert indexed_settings.log_questions is False  # the default
    server = app_factory(rel_assistant, indexed_settings)
    client = client_for(server.url)
    caplog.set_level(logging.DEBUG)
    rel_assistant.ask(PRIVATE)
    rel_assistant.search(PRIVATE)
    list(rel_assistant.stream(PRIVATE))
    for endpoint in ("/chat_json", "/chat", "/ask"):
        api(client, endpoint, PRIVATE)
    with pytest.raises(AppError):  # too long: the error path must not log it either
        api(client, "/chat_json", PRIVATE * 40)
    records = _server_records(caplog)
    assert records, "nothing was logged at all: the check below would prove nothing"
    leaked = [r for r in records if "310101199001011234" in r or "王小明" in r]
    assert leaked == []

    # The switch works (so the check above can fail): with log_questions on, the text is in the log.
    caplog.clear()
    monkeypatch.setattr(rel_assistant.settings, "log_questions", True)
    rel_assistant.ask(PRIVATE)
    assert any("310101199001011234" in r for r in _server_records(caplog))


def _answer(text: str) -> Answer:
    return Answer(answer=text, citations=[Citation(id="u1", doc_title="某办法", locator="第一条", quote="原文",
                                                   verified=True, unit_text="原文")],
                  refused=False, validity=[], mode="extractive")


def test_feedback_file_links_no_two_visits(tmp_path: Path) -> None:
    """Two visitors vote: the two lines share nothing that identifies a visit (no session id, IP, agent, exact
    time), so they can't be paired up or traced back."""
    path = tmp_path / "feedback.jsonl"
    log = FeedbackLog(path)
    log.record(Exchange(question="问题一", answer=_answer("回答一")), "up")
    log.record(Exchange(question="问题二", answer=_answer("回答二")), "down")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    allowed = {"time", "vote", "question", "answer", "mode", "refused", "citations"}
    for rec in lines:
        assert set(rec) <= allowed, set(rec) - allowed
        assert rec["time"].endswith(":00+00:00")  # minute resolution: can't order votes within a minute
    raw = path.read_text(encoding="utf-8").lower()
    for word in ("session", "ip", "127.0.0.1", "agent", "mozilla", "cookie", "hash", "user_id", "client"):
        assert f'"{word}' not in raw and word not in "".join(lines[0]).lower()


def test_new_conversation_wipes_the_server_side_history(rel_assistant, indexed_settings: Settings,
                                                        app_factory) -> None:
    server = app_factory(rel_assistant, indexed_settings)
    client = client_for(server.url)
    api(client, "/chat_json", TOPIC)
    carried = api(client, "/chat_json", FOLLOW_UP)
    assert "留学" in carried["standalone_query"]  # the follow-up used this session's history
    api(client, "/reset")
    fresh = api(client, "/chat_json", FOLLOW_UP)
    assert "留学" not in fresh["standalone_query"] and fresh["answer"] != carried["answer"]


def test_kiosk_idle_period_wipes_the_server_side_history(rel_assistant, indexed_settings: Settings,
                                                         app_factory) -> None:
    idle = 3
    settings = indexed_settings.model_copy(update={"kiosk": True, "idle_reset_seconds": idle})
    server = app_factory(rel_assistant, settings)
    client = client_for(server.url)
    api(client, "/chat_json", TOPIC)
    carried = api(client, "/chat_json", FOLLOW_UP)
    assert "留学" in carried["standalone_query"]
    time.sleep(idle + 2)
    after = api(client, "/chat_json", FOLLOW_UP)
    assert "留学" not in after["standalone_query"], "the previous visitor's conversation survived the idle reset"
