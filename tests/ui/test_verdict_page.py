"""The verdict in a real Chromium, on the chat page and the kiosk: Enter sends the question (Shift+Enter adds a
line), the verdict is the first and largest line of the answer, its conditions a ✓/✗/？ checklist, the quotes
below."""

from __future__ import annotations

import pytest
from ui_helpers import open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser

NO_QUESTION = "首轮拿了1200万投资，我持股6%，干了两年多，能直接落户吗？"
DEPENDS_QUESTION = "can a startup founder with 500万 funding shorten the 7-year requirement"


def _send_with_enter(page, question: str, exchanges: int) -> None:
    box = page.locator("#pa-question textarea")
    box.click()
    box.fill(question)
    box.press("Enter")
    page.locator(f'.pa-chat[data-exchanges="{exchanges}"]').wait_for(timeout=60_000)
    page.locator('.pa-chat [aria-busy="true"]').wait_for(state="detached", timeout=60_000)


def _last_answer(page):
    return page.locator(".pa-chat > .pa-bot").last


def _check_verdict(page, expect_prefix: str, expect_marks: set[str], figures: list[str]) -> None:
    answer = _last_answer(page)
    verdict = answer.locator(".pa-verdict")
    assert verdict.count() == 1
    text = verdict.inner_text()
    assert text.startswith(expect_prefix), text
    for figure in figures:
        assert figure in text, (figure, text)
    # the verdict comes before the checklist and the quotes, and is the largest text of the answer
    order = answer.evaluate("""el => {
        const v = el.querySelector('.pa-verdict'), c = el.querySelector('.pa-checklist'),
              q = el.querySelector('.pa-quote');
        const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        const size = e => parseFloat(getComputedStyle(e).fontSize);
        return {vc: before(v, c), cq: before(c, q),
                largest: [...el.querySelectorAll('.pa-answer *')].every(e => size(e) <= size(v))};
    }""")
    assert order == {"vc": True, "cq": True, "largest": True}, order
    marks = set(answer.locator(".pa-checklist .pa-mark").all_inner_texts())
    assert expect_marks <= marks, marks


def test_enter_sends_and_the_verdict_leads(browser, chat_server) -> None:
    watch = open_page(browser, 1280, 900)
    page = watch.page
    page.goto(chat_server.url + "/")
    wait_ready(page)

    # Shift+Enter adds a line and sends nothing
    box = page.locator("#pa-question textarea")
    box.click()
    box.type("第一行")
    box.press("Shift+Enter")
    box.type("第二行")
    assert box.input_value() == "第一行\n第二行"
    assert page.locator(".pa-chat").get_attribute("data-exchanges") == "0"

    _send_with_enter(page, NO_QUESTION, exchanges=1)
    assert box.input_value() == ""
    # No: the stake fails (10% needed, 6% held); the checklist shows met, unmet and still-to-check conditions
    _check_verdict(page, "不能", {"✓", "✗", "？"}, ["10%", "6%"])
    screenshot(page, "desktop-verdict-no")

    _send_with_enter(page, DEPENDS_QUESTION, exchanges=2)
    _check_verdict(page, "Yes", {"✓", "？"}, ["3", "5"])
    assert "first round" in _last_answer(page).locator(".pa-verdict").inner_text()
    screenshot(page, "desktop-verdict-depends")
    assert not watch.external_requests()


def _ask_on_kiosk(browser, kiosk_server, question: str):
    """A fresh kiosk page (1080×1920) with `question` sent by Enter and answered."""
    watch = open_page(browser, 1080, 1920)
    watch.page.goto(kiosk_server.url + "/")
    wait_ready(watch.page)
    _send_with_enter(watch.page, question, exchanges=1)
    return watch


def test_kiosk_enter_sends_and_shows_the_verdict(browser, kiosk_server) -> None:
    page = _ask_on_kiosk(browser, kiosk_server, NO_QUESTION).page
    _check_verdict(page, "不能", {"✓", "✗"}, ["10%"])
    screenshot(page, "kiosk-verdict")


def test_kiosk_lists_the_conditions_asked_for(browser, kiosk_server) -> None:
    """"留学生落户要什么条件": the line naming the outcome leads, the conditions are a list, the quotes follow."""
    watch = _ask_on_kiosk(browser, kiosk_server, "留学生落户要什么条件？")
    page = watch.page
    answer = _last_answer(page)
    assert answer.locator(".pa-verdict").count() == 0  # nothing to judge: no verdict
    assert answer.locator(".pa-lead").inner_text().startswith("申办本市常住户口")
    items = answer.locator(".pa-requirements li").all_inner_texts()
    assert len(items) >= 5 and any("合同有效期在2年及以上" in item for item in items)
    order = answer.evaluate("""el => {
        const l = el.querySelector('.pa-lead'), r = el.querySelector('.pa-requirements'),
              q = el.querySelector('.pa-quote');
        const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
        return {lr: before(l, r), rq: before(r, q)};
    }""")
    assert order == {"lr": True, "rq": True}, order
    screenshot(page, "kiosk-conditions")
    assert not watch.external_requests()


def test_kiosk_shows_a_clause_that_forbids_it_as_the_answers_first_line(browser, kiosk_server) -> None:
    """"材料可以弄虚作假吗": no verdict on the visitor's facts, but the clause that forbids it is the no, shown first."""
    watch = _ask_on_kiosk(browser, kiosk_server, "申请落户的材料可以弄虚作假吗？")
    verdict = _last_answer(watch.page).locator(".pa-verdict")
    assert verdict.count() == 1 and verdict.inner_text().startswith("不可以")
    assert "严禁弄虚作假" in verdict.inner_text()
    assert watch.external_requests() == []
    watch.page.context.close()
