"""The chat page in a real Chromium against the real app and index: answer with source cards, follow-up,
new conversation, language switch, feedback, screenshots (desktop and phone)."""

from __future__ import annotations

import json

import pytest
from ui_helpers import FOUNDER_Q_ZH, IMPL_TITLE, ask, open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser


def _cards(page) -> list[dict]:
    return page.eval_on_selector_all(
        ".pa-chat > .pa-bot:last-child .pa-card",
        """els => els.map(e => ({doc: e.querySelector('.pa-doc').textContent,
                                loc: e.querySelector('.pa-loc').textContent,
                                badge: e.querySelector('.pa-badge').textContent,
                                quote: e.querySelector('.pa-quote').textContent,
                                mark: (e.querySelector('.pa-unit mark') || {}).textContent || ''}))""",
    )


def test_answer_follow_up_and_new_conversation(browser, chat_server) -> None:
    watch = open_page(browser, 1280, 900)
    page = watch.page
    page.goto(chat_server.url + "/")
    wait_ready(page)
    assert "上海政策问答助手" in page.locator("#pa-header").inner_text()
    assert page.locator(".pa-welcome").is_visible()  # the hint of what it can answer
    screenshot(page, "desktop-welcome")

    ask(page, FOUNDER_Q_ZH, exchanges=1)
    cards = _cards(page)
    assert cards, "the answer has source cards"
    impl = [c for c in cards if IMPL_TITLE in c["doc"]]
    assert impl, f"a source card names the 实施办法: {[c['doc'] for c in cards]}"
    card = impl[0]
    assert "7年缩短为" in card["quote"].replace(" ", "")
    assert card["badge"].startswith("已于") and "失效" in card["badge"]  # expired policy, with its date
    # the quoted sentence is highlighted inside the full unit text
    assert "".join(card["mark"].split()) == "".join(card["quote"].split())
    # extractive mode (no LLM configured here) is announced
    assert page.locator(".pa-bot .pa-notice").first.is_visible()
    # the full clause is collapsed until the visitor expands it
    first_details = page.locator(".pa-card details").first
    assert not first_details.locator(".pa-unit").is_visible()
    first_details.locator("summary").click()
    assert first_details.locator(".pa-unit").is_visible()
    screenshot(page, "desktop-answer")

    ask(page, "那如果首轮投资是200万元呢？", exchanges=2)
    assert page.locator(".pa-chat .pa-user").count() == 2
    follow_cards = _cards(page)
    assert any(IMPL_TITLE in c["doc"] for c in follow_cards), "the follow-up stays on the same policy"
    screenshot(page, "desktop-follow-up")

    page.locator("#pa-new").click()
    page.locator('.pa-chat[data-exchanges="0"]').wait_for()
    assert page.locator(".pa-chat .pa-user").count() == 0
    assert page.locator(".pa-welcome").is_visible()
    # the server-side history is gone too: the next question is exchange 1 of a fresh conversation
    ask(page, FOUNDER_Q_ZH, exchanges=1)
    assert page.locator(".pa-chat .pa-user").count() == 1
    assert watch.external_requests() == []
    page.context.close()


def test_language_switch_feedback_and_phone(browser, chat_server) -> None:
    watch = open_page(browser, 390, 844)
    page = watch.page
    page.goto(chat_server.url + "/")
    wait_ready(page)
    page.locator("#pa-lang label", has_text="English").click()
    page.locator("#pa-header", has_text="Shanghai Policy Assistant").wait_for()
    assert page.locator("#pa-ask").inner_text().strip() == "Ask"
    starter = page.locator("#pa-starter-0")
    assert "startup founder" in starter.inner_text()
    starter.click()
    page.locator('.pa-chat[data-exchanges="1"]').wait_for()
    page.locator('.pa-chat [aria-busy="true"]').wait_for(state="detached")
    assert any(IMPL_TITLE in c["doc"] for c in _cards(page))
    assert page.locator(".pa-sources-title").first.inner_text() == "Sources"
    screenshot(page, "phone-answer-en")

    feedback = chat_server.settings.resolved_feedback_path
    before = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
    page.locator("#pa-up").click()
    page.locator("#pa-status", has_text="Thank you").wait_for()
    page.locator("#pa-up").click()
    page.locator("#pa-status", has_text="already rated").wait_for()
    lines = feedback.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 1, "one vote per answer"
    record = json.loads(lines[-1])
    assert record["vote"] == "up" and "startup founder" in record["question"]
    assert record["answer"] and record["citations"] and IMPL_TITLE in record["citations"][0]["doc_title"]
    # nothing that identifies the visitor or links two visits
    assert set(record) == {"time", "vote", "question", "answer", "mode", "refused", "citations"}
    assert record["time"].endswith(":00+00:00")

    page.locator("#pa-lang label", has_text="中文").click()
    page.locator("#pa-header", has_text="上海政策问答助手").wait_for()
    assert page.locator(".pa-sources-title").first.inner_text() == "依据条款"  # re-rendered in Chinese
    screenshot(page, "phone-answer-zh")
    assert watch.external_requests() == []
    page.context.close()


def test_question_about_something_the_policies_never_mention(browser, chat_server) -> None:
    """公积金 appears in none of the indexed policies: the page says so, in words, and shows no source card."""
    watch = open_page(browser, 1280, 900)
    page = watch.page
    page.goto(chat_server.url + "/")
    wait_ready(page)
    ask(page, "公积金贷款最多能贷多少", exchanges=1)
    reply = page.locator(".pa-chat > .pa-bot:last-child").inner_text()
    assert "没有涉及" in reply and "没有出现“公积金”这个词" in reply and "咨询" in reply
    assert _cards(page) == []
    screenshot(page, "desktop-uncovered-word")
