"""The Gradio app: chat page, kiosk widget and API endpoints.

`build_app` only wires components to callbacks; the callbacks only adapt `PolicyAssistant` output to HTML.
`assistant.web.server.serve` is the one place the server starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

import gradio as gr

from assistant.types import Answer, Turn
from assistant.web.api import add_api
from assistant.web.kiosk import STATIC_DIR, qr_html
from assistant.web.limits import VisitorLimits
from assistant.web.render import esc, render_conversation
from assistant.web.session import Exchange, FeedbackLog, Session, clean_question, question_problem
from assistant.web.strings import LANG_CHOICES, STARTERS, html_lang, t
from ingest.store import StoreUnavailable

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)

STREAM_MIN_INTERVAL_S = 0.08  # coalesce token chunks: re-rendering per token wastes CPU on 2 cores
DEFAULT_LANG = "zh"


class AnswerService(Protocol):
    """What the UI needs from `assistant.service.PolicyAssistant`."""

    def ask(self, question: str, history: list[Turn] | None = None) -> Answer: ...

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]: ...


def _header_html(lang: str) -> str:
    # The page script copies this `lang` to <html lang>, so the page's language is the one the visitor chose.
    return (f'<div class="pa-head" lang="{html_lang(lang)}"><h1>{esc(t(lang, "title"))}</h1>'
            f'<p>{esc(t(lang, "subtitle"))}</p></div>')


def _starters_html(lang: str) -> str:
    return f'<div class="pa-starters-title">{esc(t(lang, "starters"))}</div>'


def _theme() -> gr.themes.Base:
    # Local fonts only: the default theme pulls a Google font from the internet, which the kiosk LAN doesn't have.
    cjk = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
    theme = gr.themes.Default(font=cjk, font_mono=["DejaVu Sans Mono", "monospace"], primary_hue="blue")
    # White on the default blue-500 send button is 3.7:1; blue-700 gives 6.7:1 (WCAG AA asks for 4.5:1).
    return theme.set(button_primary_background_fill="*primary_700", button_primary_background_fill_dark="*primary_700",
                     button_primary_background_fill_hover="*primary_800",
                     button_primary_background_fill_hover_dark="*primary_800",
                     button_primary_text_color="white", button_primary_text_color_dark="white")


def build_app(assistant: AnswerService, settings: Settings, limits: VisitorLimits | None = None) -> gr.Blocks:
    """The app's Blocks for `assistant`. Mount/launch it with `assistant.web.server`."""
    limits = limits or VisitorLimits.from_settings(settings)
    kiosk = settings.kiosk
    idle = settings.idle_reset_seconds
    feedback = FeedbackLog(settings.resolved_feedback_path)

    def fresh(lang: str = DEFAULT_LANG) -> Session:
        return Session(lang=lang if lang in ("zh", "en") else DEFAULT_LANG)

    def current(session: Session | None, lang: str) -> Session:
        """The visitor's session; on a kiosk, one left idle too long is replaced (server-side wipe)."""
        if session is None or (kiosk and session.last_active is not None and session.idle_for() > idle):
            return fresh(lang)
        return session

    def chrome(lang: str, session: Session) -> list[Any]:
        """Updates for every piece of UI text, in output order of `chrome_outputs`."""
        return [
            _header_html(lang),
            gr.update(label=t(lang, "input_label"), placeholder=t(lang, "input_placeholder")),
            gr.update(value=t(lang, "send")),
            _starters_html(lang),
            *[gr.update(value=q) for q in STARTERS[lang]],
            gr.update(value=t(lang, "new")),
            gr.update(value=t(lang, "up")),
            gr.update(value=t(lang, "down")),
            render_conversation(session, kiosk, lang),
            qr_html(session.latest_answered(), lang),
            "",
        ]

    def answer_stream(question: str, session: Session | None, lang: str, request: gr.Request) -> Iterator[tuple]:
        session = current(session, lang)
        session.lang = lang
        q = clean_question(question)
        problem = question_problem(q, settings.max_question_chars)
        if problem is not None:
            if problem[0] == "empty":
                yield render_conversation(session, kiosk), gr.update(), session, gr.update(), esc(t(lang, "empty"))
                return
            session.exchanges.append(Exchange(question=q[:200] + "…", message=t(lang, problem[0], **problem[1])))
            session.touch()
            yield render_conversation(session, kiosk), gr.update(), session, gr.update(), ""
            return
        refusal = limits.admit(request)
        if refusal is not None:
            session.exchanges.append(Exchange(question=q, message=t(lang, "slow_down" if refusal == "rate" else "busy")))
            session.touch()
            yield render_conversation(session, kiosk), gr.update(), session, gr.update(), ""
            return
        with limits.running(request):
            yield from answer(q, session, lang)

    def answer(q: str, session: Session, lang: str) -> Iterator[tuple]:
        if settings.log_questions:
            log.info("question: %s", q)
        history = session.history(settings.max_history_turns)
        ex = Exchange(question=q)
        session.exchanges.append(ex)
        session.touch()
        waiting_qr = qr_html(None, lang)
        yield render_conversation(session, kiosk, streaming=True), "", session, waiting_qr, ""
        last = time.monotonic()
        try:
            for item in assistant.stream(q, history):
                if isinstance(item, Answer):
                    ex.answer = item
                else:
                    ex.partial += item
                    if time.monotonic() - last >= STREAM_MIN_INTERVAL_S:
                        last = time.monotonic()
                        yield render_conversation(session, kiosk, streaming=True), "", session, waiting_qr, ""
            if ex.answer is None:
                raise RuntimeError("the assistant's stream ended without a final Answer")
        except StoreUnavailable as exc:
            log.warning("policy index unreachable: %s", exc)
            ex.message = t(lang, "store_down")
        except Exception:
            # No stack trace for the visitor; the log has it (without the question unless log_questions).
            log.exception("answering failed")
            ex.message = t(lang, "error")
        session.touch()
        yield render_conversation(session, kiosk), "", session, qr_html(session.latest_answered(), lang), ""

    def vote(kind: str, session: Session | None, lang: str) -> tuple[str, Session | None]:
        ex = session.latest_answered() if session else None
        if ex is None:
            return esc(t(lang, "nothing_to_rate")), session
        if ex.vote is not None:
            return esc(t(lang, "already_voted")), session
        feedback.record(ex, kind)
        ex.vote = kind
        session.touch()
        return esc(t(lang, "thanks")), session

    def set_lang(lang: str, session: Session | None) -> list[Any]:
        session = current(session, lang)
        session.lang = lang
        return [session, *chrome(lang, session)]

    def new_conversation(session: Session | None, lang: str) -> list[Any]:
        if session is not None:
            session.exchanges.clear()  # in place too, so a still-running stream can't bring it back
        session = fresh(lang)
        return [session, "", *chrome(lang, session)]

    def idle_reset(session: Session | None) -> list[Any]:
        if session is not None:
            session.exchanges.clear()
        session = fresh(DEFAULT_LANG)
        return [session, "", DEFAULT_LANG, *chrome(DEFAULT_LANG, session)]

    # Files Gradio writes (its own cache; the page takes no uploads) are removed hourly once an hour old.
    with gr.Blocks(title=t(DEFAULT_LANG, "title"), analytics_enabled=False, fill_width=kiosk,
                   delete_cache=(3600, 3600)) as demo:
        # Per-visitor state only. On a kiosk it also expires server-side after the idle period.
        session = gr.State(None, time_to_live=idle if kiosk else None)
        with gr.Row(elem_id="pa-header", equal_height=False):
            with gr.Column(scale=5, min_width=240):
                header = gr.HTML(_header_html(DEFAULT_LANG), js_on_load=None)
            with gr.Column(scale=1, min_width=230):
                lang = gr.Radio(LANG_CHOICES, value=DEFAULT_LANG, show_label=False, elem_id="pa-lang", container=False)
        chat = gr.HTML(
            render_conversation(None, kiosk, DEFAULT_LANG), elem_id="pa-chat-box", js_on_load=None, autoscroll=False
        )
        with gr.Row(elem_id="pa-input-row", equal_height=True):
            question = gr.Textbox(
                label=t(DEFAULT_LANG, "input_label"), placeholder=t(DEFAULT_LANG, "input_placeholder"),
                lines=2, max_lines=6, scale=5, elem_id="pa-question", autofocus=not kiosk,
            )
            ask = gr.Button(t(DEFAULT_LANG, "send"), variant="primary", scale=1, min_width=100, elem_id="pa-ask")
        with gr.Row(elem_id="pa-bottom", equal_height=False):
            with gr.Column(scale=3, min_width=300):
                starters_title = gr.HTML(_starters_html(DEFAULT_LANG), js_on_load=None)
                with gr.Row(elem_id="pa-starters"):
                    starters = [
                        gr.Button(q, size="sm", elem_classes="pa-starter", elem_id=f"pa-starter-{i}")
                        for i, q in enumerate(STARTERS[DEFAULT_LANG])
                    ]
                with gr.Row(elem_id="pa-actions"):
                    new = gr.Button(t(DEFAULT_LANG, "new"), elem_id="pa-new", min_width=120)
                    up = gr.Button(t(DEFAULT_LANG, "up"), icon=str(STATIC_DIR / "thumb-up.svg"), elem_id="pa-up",
                                   min_width=100)
                    down = gr.Button(t(DEFAULT_LANG, "down"), icon=str(STATIC_DIR / "thumb-down.svg"),
                                     elem_id="pa-down", min_width=100)
                status = gr.HTML("", elem_id="pa-status", js_on_load=None)
            with gr.Column(scale=2, min_width=260, elem_id="pa-qr-col"):
                qr = gr.HTML(qr_html(None, DEFAULT_LANG), elem_id="pa-qr-box", js_on_load=None)
        reset_btn = gr.Button("reset", visible="hidden", elem_id="pa-idle-reset")

        chrome_outputs = [header, question, ask, starters_title, *starters, new, up, down, chat, qr, status]
        answer_outputs = [chat, question, session, qr, status]
        common = {"concurrency_id": "answer", "concurrency_limit": settings.concurrency_limit,
                  "api_visibility": "private"}
        asks = [
            question.submit(answer_stream, [question, session, lang], answer_outputs, **common),
            ask.click(answer_stream, [question, session, lang], answer_outputs, **common),
        ]
        asks += [b.click(answer_stream, [b, session, lang], answer_outputs, **common) for b in starters]
        up.click(lambda s, lg: vote("up", s, lg), [session, lang], [status, session], api_visibility="private")
        down.click(lambda s, lg: vote("down", s, lg), [session, lang], [status, session], api_visibility="private")
        lang.input(set_lang, [lang, session], [session, *chrome_outputs], api_visibility="private")
        new.click(new_conversation, [session, lang], [session, question, *chrome_outputs], cancels=asks,
                  api_visibility="private")
        reset_btn.click(idle_reset, [session], [session, question, lang, *chrome_outputs], cancels=asks,
                        api_visibility="private")

        add_api(assistant, settings, limits)
    # A bounded queue: past `max_queue` waiting questions a new one is turned away at once instead of waiting.
    demo.queue(default_concurrency_limit=settings.concurrency_limit, max_size=settings.max_queue)
    return demo

