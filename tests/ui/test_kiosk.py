"""Kiosk mode in a real Chromium (1080x1920 portrait): QR code carries the answer to a phone, idle reset wipes the
conversation in the browser and on the server, no clutter, nothing fetched from outside."""

from __future__ import annotations

import io

import pytest
from ui_helpers import FOUNDER_Q_ZH, IMPL_TITLE, ask, open_page, screenshot, wait_ready

pytestmark = pytest.mark.browser


def _decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the screenshot of the QR image"
    return results[0].text


def test_kiosk_answer_qr_and_layout(browser, kiosk_server) -> None:
    watch = open_page(browser, 1080, 1920)
    page = watch.page
    page.goto(kiosk_server.url + "/")
    wait_ready(page)
    # no clutter: no footer with API/settings links
    assert page.locator("footer").count() == 0 or not page.locator("footer").first.is_visible()
    assert page.get_by_text("Use via API").count() == 0
    assert page.locator(".pa-kiosk-hint").is_visible()
    font = page.eval_on_selector(".pa-chat", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 22, f"kiosk type is large ({font}px)"
    ask_box = page.locator("#pa-ask").bounding_box()
    assert ask_box and ask_box["height"] >= 64, "touch targets are large"
    screenshot(page, "kiosk-welcome")

    ask(page, FOUNDER_Q_ZH, exchanges=1)
    docs = page.locator(".pa-card .pa-doc").all_inner_texts()
    locs = page.locator(".pa-card .pa-loc").all_inner_texts()
    assert any(IMPL_TITLE in d for d in docs)
    qr = page.locator(".pa-qr-img")
    qr.wait_for()
    screenshot(page, "kiosk-answer")

    text = _decode_qr(qr.screenshot())
    assert FOUNDER_Q_ZH in text
    for doc, loc in zip(docs, locs, strict=True):
        assert f"{doc}{loc}" in text, f"QR carries source {doc}{loc}"
    assert "失效" in text  # and their validity
    assert watch.external_requests() == []
    page.context.close()


def test_kiosk_idle_reset_wipes_browser_and_server(browser, kiosk_server) -> None:
    idle = kiosk_server.settings.idle_reset_seconds
    watch = open_page(browser, 1080, 1920)
    page = watch.page
    page.goto(kiosk_server.url + "/")
    wait_ready(page)
    page.locator("#pa-lang label", has_text="English").click()  # this visitor switched language
    page.locator("#pa-header", has_text="Shanghai Policy Assistant").wait_for()
    ask(page, FOUNDER_Q_ZH, exchanges=1)
    page.locator("#pa-question textarea").fill("half-typed question")
    assert page.locator(".pa-chat .pa-user").count() == 1
    # nobody touches the screen: the warning shows, then everything is wiped
    page.locator(".pa-idle-banner").wait_for(state="visible", timeout=idle * 1000)
    page.locator('.pa-chat[data-exchanges="0"]').wait_for(timeout=(idle + 5) * 1000)
    assert page.locator(".pa-chat .pa-user").count() == 0
    assert page.locator("#pa-question textarea").input_value() == ""
    assert page.locator(".pa-qr-img").count() == 0
    page.locator("#pa-header", has_text="上海政策问答助手").wait_for()  # back to the default language
    assert not page.locator(".pa-idle-banner").is_visible()
    screenshot(page, "kiosk-after-idle-reset")
    # server state too: the next visitor's question starts a new conversation (1 exchange, not 2)
    ask(page, "留学回国人员申办上海常住户口需要什么条件？", exchanges=1)
    assert page.locator(".pa-chat .pa-user").count() == 1
    page.context.close()
