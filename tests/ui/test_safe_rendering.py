"""Hostile text never becomes markup: in the renderer (policy text, visitor text) and in the real browser."""

from __future__ import annotations

from datetime import date

import pytest
from ui_helpers import ask, assert_only_app_markup, open_page, wait_ready

from assistant.types import Answer, Citation, Validity
from assistant.web.kiosk import qr_html, qr_payload
from assistant.web.render import highlight, render_conversation
from assistant.web.session import Exchange, Session, clean_question, question_problem

HOSTILE = (
    '<script>window.__paPwned=1</script><img src=x onerror="window.__paPwned=2">'
    "[link](javascript:window.__paPwned=3) ![img](http://example.invalid/p.png) "
    "<a href=\"javascript:window.__paPwned=4\">click</a> ${7*7} {{7*7}} `code`"
)


def _answer(text: str, quote: str, unit: str, title: str) -> Answer:
    return Answer(answer=text, citations=[Citation(id="c1", doc_title=title, locator="第一条<b>", quote=quote,
                                                   verified=False, unit_text=unit)],
                  refused=False, validity=[Validity(doc_title=title, status="expired", expires=date(2020, 1, 2),
                                                    note='"><script>1</script>')],
                  mode="extractive", notice="<img src=x onerror=alert(1)>")


def test_renderer_emits_only_its_own_tags() -> None:
    unit = f"前文 {HOSTILE} 后文"
    session = Session(exchanges=[Exchange(question=HOSTILE, answer=_answer(HOSTILE, HOSTILE, unit, HOSTILE)),
                                 Exchange(question=HOSTILE, message=HOSTILE),
                                 Exchange(question=HOSTILE, partial=HOSTILE)])
    markup = render_conversation(session, kiosk=True)
    assert_only_app_markup(markup)  # no href, src, onerror, style...
    for ch in "${}`":  # Gradio's HTML template syntax: only as entities
        assert ch not in markup, f"{ch!r} must be an entity"
    # the hostile quote is still highlighted, as text, inside the unit
    assert "<mark>&lt;script&gt;" in markup


def test_highlight_tolerates_pdf_whitespace() -> None:
    out = highlight("申办本市常住户口时,持有 《上海市居住证》\n和参加", "持有《上海市居住证》和参加")
    assert out.startswith("申办本市常住户口时,<mark>持有")
    assert "</mark>" in out and "<script" not in out


def test_qr_panel_is_local_data_and_carries_sources() -> None:
    ex = Exchange(question="Q?", answer=_answer("答" * 3000, "q", "u", "某办法"))
    payload = qr_payload(ex, "zh")
    assert len(payload.encode()) <= 1300 and "《某办法》第一条<b>" in payload and "（已截断）" in payload
    panel = qr_html(ex, "zh")
    assert 'src="data:image/svg+xml' in panel and "http" not in panel.replace("http%3A%2F%2Fwww.w3.org", "")


def test_input_checks() -> None:
    assert clean_question("  a\x00b\x1bc\u200f\n ") == "abc\u200f"
    assert question_problem("", 10) == ("empty", {})
    assert question_problem("x" * 11, 10) == ("too_long", {"n": 11, "limit": 10})
    assert question_problem("😀 مرحبا", 10) is None


@pytest.mark.browser
def test_hostile_question_shows_as_text(browser, chat_server) -> None:
    watch = open_page(browser, 1280, 900)
    page = watch.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(chat_server.url + "/")
    wait_ready(page)
    ask(page, HOSTILE, exchanges=1)
    bubble = page.locator(".pa-chat .pa-user .pa-bubble").first
    assert bubble.inner_text() == HOSTILE  # shown literally, template syntax untouched
    for selector in ("script", "img", "a", "iframe"):
        assert page.locator(f".pa-chat {selector}").count() == 0, selector
    for link in page.locator(".pa-chat .pa-user .pa-bubble, .pa-chat .pa-bot").all():
        link.click(position={"x": 5, "y": 5})
    assert page.evaluate("window.__paPwned") is None
    assert dialogs == []
    assert not any("example.invalid" in u for u in watch.requests)
    # over-long input is refused with a clear message, without a stack trace
    ask(page, "长" * (chat_server.settings.max_question_chars + 5), exchanges=2)
    error = page.locator(".pa-chat .pa-error").last.inner_text()
    assert str(chat_server.settings.max_question_chars) in error and "Traceback" not in error
    page.context.close()
