"""API endpoints for programs (gradio_client, HTTP): names are stable and documented in the README.

- `/chat`       (question) -> answer text, streamed; remembers the conversation per client session.
- `/chat_json`  (question) -> the JSON answer (Answer.to_json + extras); same per-session conversation as /chat.
- `/reset`      () -> clears this client session's conversation.
- `/ask`        (question, history) -> the JSON answer, stateless: history is a list of {"role", "content"}.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.types import Answer, Turn
from assistant.web.limits import VisitorLimits
from assistant.web.session import Exchange, Session, clean_question, question_problem
from assistant.web.strings import t
from ingest.store import StoreUnavailable

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)


def answer_json(answer: Answer) -> dict[str, Any]:
    """Answer.to_json() plus what API callers need to show sources without another call."""
    data = answer.to_json()
    by_title = {v.doc_title: v for v in answer.validity}
    data["notice"] = answer.notice
    data["standalone_query"] = answer.standalone_query
    data["sources"] = [
        {**c.to_json(), "unit_text": c.unit_text,
         "validity": by_title[c.doc_title].to_json() if c.doc_title in by_title else None}
        for c in answer.citations
    ]
    return data


def _check(question: str | None, settings: Settings) -> str:
    q = clean_question(question)
    problem = question_problem(q, settings.max_question_chars)
    if problem is not None:
        lang = "zh" if not q or any("\u4e00" <= ch <= "\u9fff" for ch in q) else "en"
        raise gr.Error(t(lang, problem[0], **problem[1]))
    return q


def _parse_history(history: Any, max_turns: int) -> list[Turn]:
    if not history:
        return []
    if not isinstance(history, list):
        raise gr.Error('history must be a list of {"role": "user"|"assistant", "content": "..."}')
    turns = []
    for item in history:
        if not isinstance(item, dict) or item.get("role") not in ("user", "assistant") \
                or not isinstance(item.get("content"), str):
            raise gr.Error('each history item must be {"role": "user"|"assistant", "content": "..."}')
        turns.append(Turn(item["role"], clean_question(item["content"])))
    return turns[-max_turns:] if max_turns > 0 else []


@contextmanager
def _store_errors() -> Iterator[None]:
    """The index being unreachable is an expected outage: tell the caller plainly instead of a bare 'error'."""
    try:
        yield
    except StoreUnavailable as exc:
        log.warning("policy index unreachable: %s", exc)
        raise gr.Error(f"{t('en', 'store_down')} / {t('zh', 'store_down')}") from None


def _limited(assistant: Any, refusal: str) -> Answer:
    """The polite answer to a visitor over a limit, in both languages (an API caller's language is unknown)."""
    key = "slow_down" if refusal == "rate" else "busy"
    text = f"{t('zh', key)} / {t('en', key)}"
    return Answer(answer=text, citations=[], refused=False, validity=[], mode=assistant.mode,
                  notice="rate_limited" if refusal == "rate" else "busy")


def add_api(assistant: Any, settings: Settings, limits: VisitorLimits) -> None:
    """Add the API endpoints to the Blocks being built (call inside its `with` block)."""
    common = {"concurrency_id": "answer", "concurrency_limit": settings.concurrency_limit}
    idle = settings.idle_reset_seconds
    # Per client session, like the browser's; nothing global. On a kiosk it also expires after the idle period.
    state = gr.State(None, time_to_live=idle if settings.kiosk else None)
    q_in = gr.Textbox(visible=False, label="question")
    text_out = gr.Textbox(visible=False, label="answer")
    json_out = gr.JSON(visible=False, label="answer_json")

    def _run(question: str, session: Session | None) -> tuple[Session, Exchange, list[Turn]]:
        q = _check(question, settings)
        if session is None or (settings.kiosk and session.idle_for() > idle):
            session = Session()  # on a kiosk, a conversation left idle belongs to the previous visitor
        session.touch()
        history = session.history(settings.max_history_turns)
        ex = Exchange(question=q)
        return session, ex, history

    def chat(question: str, session: Session | None, request: gr.Request) -> Iterator[tuple[str, Session | None]]:
        session, ex, history = _run(question, session)
        refusal = limits.admit(request)
        if refusal is not None:
            yield _limited(assistant, refusal).answer, session
            return
        with limits.running(request), _store_errors():
            for item in assistant.stream(ex.question, history):
                if isinstance(item, Answer):
                    ex.answer = item
                else:
                    ex.partial += item
                    yield ex.partial, session
        if ex.answer is None:
            raise gr.Error("the assistant returned no answer")
        session.exchanges.append(ex)
        yield ex.answer.answer, session

    def chat_json(question: str, session: Session | None, request: gr.Request) -> tuple[dict, Session]:
        session, ex, history = _run(question, session)
        refusal = limits.admit(request)
        if refusal is not None:
            return answer_json(_limited(assistant, refusal)), session
        with limits.running(request), _store_errors():
            ex.answer = assistant.ask(ex.question, history)
        session.exchanges.append(ex)
        return answer_json(ex.answer), session

    def reset(session: Session | None) -> None:
        if session is not None:
            session.exchanges.clear()
        return None

    def ask(question: str, history: list[dict] | None = None, request: gr.Request = None) -> dict:  # type: ignore[assignment]
        """Answer one question with an explicit history; returns the JSON answer."""
        q = _check(question, settings)
        turns = _parse_history(history, settings.max_history_turns)
        refusal = limits.admit(request)
        if refusal is not None:
            return answer_json(_limited(assistant, refusal))
        with limits.running(request), _store_errors():
            return answer_json(assistant.ask(q, turns))

    # Hidden buttons only anchor the events; programs call them by api_name.
    trigger = gr.Button(visible=False)
    trigger.click(chat, [q_in, state], [text_out, state], api_name="chat", **common)
    trigger.click(chat_json, [q_in, state], [json_out, state], api_name="chat_json", **common)
    trigger.click(reset, [state], [state], api_name="reset")
    gr.api(ask, api_name="ask", **common)
