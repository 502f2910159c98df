"""Pages everyone can use, in a real Chromium: axe-core finds no serious or critical violation on the visitor page
(Chinese and English, light and dark scheme, empty and answered), the kiosk and the staff console (login and every
page reachable once logged in); <html lang> follows the UI language, not the browser's; every kiosk control is a
touch target of at least 44x44 px; on a 390x844 phone the conversation gets at least half the screen; the keyboard
reaches the question box and the send button, and Enter sends.

`pytest -s` prints axe's milder findings too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_helpers import assert_accessible, settle
from ui_helpers import FOUNDER_Q_ZH, ask, open_page, screenshot, start_app, stop_app, wait_ready

pytestmark = pytest.mark.browser
PASSWORD = "accessible console password"
PHONE = (390, 844)
MIN_TARGET_PX = 44

# Every visible control a finger or a key can reach. A radio's target is its whole label (tapping the label picks
# it), so a radio or check box inside a label is measured by the label.
TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])'
  )].map(e => {
    const target = (e.type === 'radio' || e.type === 'checkbox') && e.closest('label') || e;
    const r = target.getBoundingClientRect();
    const s = getComputedStyle(e);
    return {what: e.id || e.closest('[id]')?.id || e.tagName, text: (e.innerText || e.value || '').slice(0, 30),
            width: r.width, height: r.height, shown: r.width > 0 && r.height > 0 && s.visibility !== 'hidden'};
  }).filter(t => t.shown)"""

# The part of the conversation box inside the viewport, in CSS px.
CHAT_SHARE = """() => { const r = document.querySelector('#pa-chat-box').getBoundingClientRect();
    return Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0)) / innerHeight; }"""

# Where the keyboard is, and whether it shows (an outline on the control, or on the label of a radio).
FOCUS = """() => { const e = document.activeElement;
    const shown = (el) => { const s = getComputedStyle(el);
      return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };
    const label = e.closest('label');
    return {id: e.closest('[id]')?.id || e.tagName, tag: e.tagName, visible: shown(e) || (!!label && shown(label))}; }"""


@pytest.fixture(scope="module")
def console_url(ui_assistant, indexed_settings, tmp_path_factory) -> Iterator[str]:
    """The console over the real index: its own data folder (password, audit log), the shared assistant."""
    from assistant.web.admin.auth import PasswordStore

    data_dir = tmp_path_factory.mktemp("a11y-console")
    PasswordStore(data_dir).set(PASSWORD)
    settings = indexed_settings.model_copy(update={"kiosk": False, "data_dir": data_dir,
                                                   "feedback_path": data_dir / "feedback.jsonl"})
    running = start_app(ui_assistant, settings)
    yield running.url
    stop_app(running)


def _new_page(browser, size: tuple[int, int], locale: str = "zh-CN", scheme: str = "light"):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale,
                                  color_scheme=scheme)
    return context.new_page()


def _switch(page, label: str, title: str) -> None:
    page.locator("#pa-lang label", has_text=label).click()
    page.locator("#pa-header", has_text=title).wait_for()
    settle(page)


def _page_lang(page) -> str:
    return page.evaluate("document.documentElement.getAttribute('lang')")


def test_visitor_page(browser, chat_server) -> None:
    # An English browser: the page is Chinese until the visitor picks English, and its `lang` says so.
    page = _new_page(browser, (1280, 900), locale="en-US")
    page.goto(chat_server.url + "/")
    wait_ready(page)
    assert _page_lang(page) == "zh-CN"
    assert_accessible(page, "visitor page, Chinese")
    ask(page, FOUNDER_Q_ZH, exchanges=1)
    page.locator(".pa-card details summary").first.click()
    assert_accessible(page, "visitor page, Chinese, answered")
    _switch(page, "English", "Shanghai Policy Assistant")
    assert _page_lang(page) == "en"
    assert_accessible(page, "visitor page, English, answered")
    _switch(page, "中文", "上海政策问答助手")
    assert _page_lang(page) == "zh-CN"
    page.context.close()


def test_visitor_page_dark_scheme(browser, chat_server) -> None:
    """Phones often ask for a dark scheme: Gradio follows it, and everything stays readable."""
    page = _new_page(browser, PHONE, scheme="dark")
    page.goto(chat_server.url + "/")
    wait_ready(page)
    ask(page, FOUNDER_Q_ZH, exchanges=1)
    assert_accessible(page, "visitor page, phone, dark scheme, answered")
    screenshot(page, "phone-dark-answer")
    page.context.close()


def test_kiosk_page(browser, kiosk_server) -> None:
    page = _new_page(browser, (1080, 1920), locale="en-US")
    page.goto(kiosk_server.url + "/")
    wait_ready(page)
    assert _page_lang(page) == "zh-CN"
    assert_accessible(page, "kiosk, Chinese")
    ask(page, FOUNDER_Q_ZH, exchanges=1)
    page.locator(".pa-qr-img").wait_for()
    assert "二维码" in page.locator(".pa-qr-img").get_attribute("alt")  # says what the picture carries
    assert_accessible(page, "kiosk, Chinese, answered")
    _switch(page, "English", "Shanghai Policy Assistant")
    assert _page_lang(page) == "en"
    assert_accessible(page, "kiosk, English, answered")
    page.context.close()


def test_staff_console(browser, console_url: str) -> None:
    page = open_page(browser, 1280, 900).page
    page.goto(console_url + "/admin/login")
    assert _page_lang(page) == "zh-CN"
    assert_accessible(page, "console login")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    page.locator(".flash").wait_for()
    assert_accessible(page, "console login, wrong password")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/documents")
    assert_accessible(page, "console documents")
    page.locator("table.docs tbody td:first-child a").first.click()
    page.wait_for_url("**/admin/documents/*")
    assert_accessible(page, "console document")
    page.goto(console_url + "/admin/documents")
    page.locator("table.docs a.danger").first.click()
    page.wait_for_url("**/admin/remove?*")
    assert_accessible(page, "console remove (confirm)")
    for path in ["/admin/retrieval", f"/admin/retrieval?q={FOUNDER_Q_ZH}", "/admin/feedback", "/admin/audit",
                 "/admin/health"]:
        page.goto(console_url + path)
        assert_accessible(page, f"console {path.split('?')[0]}")
    page.context.close()


def _assert_large_targets(page) -> None:
    targets = page.evaluate(TARGETS)
    assert len(targets) >= 10, targets  # the language switch, the box, send, starters, new, up, down
    sizes = [f"{t['what']} {t['text']!r}: {t['width']:.0f}x{t['height']:.0f}" for t in targets]
    print("\n".join(sizes))
    small = [size for size, t in zip(sizes, targets, strict=True)
             if t["width"] < MIN_TARGET_PX or t["height"] < MIN_TARGET_PX]
    assert not small, f"touch targets under {MIN_TARGET_PX}x{MIN_TARGET_PX} px: {small}"


@pytest.mark.parametrize("size", [(1080, 1920), PHONE], ids=["kiosk-screen", "phone"])
def test_kiosk_touch_targets(browser, kiosk_server, size: tuple[int, int]) -> None:
    page = _new_page(browser, size)
    page.goto(kiosk_server.url + "/")
    wait_ready(page)
    _assert_large_targets(page)
    ask(page, FOUNDER_Q_ZH, exchanges=1)  # an answer brings more controls: "show the full clause"
    assert page.locator(".pa-card summary").count() > 0
    _assert_large_targets(page)
    page.context.close()


@pytest.mark.parametrize("which", ["visitor", "kiosk"])
def test_phone_conversation_gets_half_the_screen(browser, chat_server, kiosk_server, which: str) -> None:
    server = chat_server if which == "visitor" else kiosk_server
    page = _new_page(browser, PHONE)
    page.goto(server.url + "/")
    wait_ready(page)
    share = page.evaluate(CHAT_SHARE)
    print(f"{which}: the conversation gets {share:.0%} of a 390x844 screen")
    assert share >= 0.5, f"{which}: the conversation gets {share:.0%} of the screen"
    page.locator("#pa-starter-0").click()  # a question from below the fold: the conversation comes into view
    page.locator('.pa-chat[data-exchanges="1"]').wait_for()
    page.locator('.pa-chat [aria-busy="true"]').wait_for(state="detached", timeout=60_000)
    assert page.evaluate(CHAT_SHARE) >= 0.5
    screenshot(page, f"phone-{which}-answered")
    page.context.close()


def test_keyboard_reaches_the_question_and_sends(browser, chat_server) -> None:
    page = open_page(browser, 1280, 900).page
    page.goto(chat_server.url + "/")
    wait_ready(page)
    page.locator("#pa-header h1").click()  # the keyboard starts from the top of the page
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUS))
    order = [s["id"] for s in stops]
    # The language switch, then the question box, then its send button, then the rest of the page.
    assert order[order.index("pa-question") + 1] == "pa-ask", order
    assert order.index("pa-lang") < order.index("pa-question"), order
    for control in ("pa-starter-0", "pa-new", "pa-up", "pa-down"):
        assert control in order, order
    hidden = [s for s in stops if s["id"].startswith("pa-") and not s["visible"]]
    assert not hidden, f"no visible focus on {hidden}"

    # Keyboard only: back to the box, type, Tab to the send button and press Enter on it.
    for _ in range(order.index("pa-question") + 1, len(order)):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUS)["id"] == "pa-question"
    page.keyboard.type(FOUNDER_Q_ZH)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS)["id"] == "pa-ask"
    page.keyboard.press("Enter")
    page.locator('.pa-chat[data-exchanges="1"]').wait_for()
    page.locator('.pa-chat [aria-busy="true"]').wait_for(state="detached", timeout=60_000)
    # And Enter in the box sends too.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUS)["id"] == "pa-question"
    page.keyboard.type("那如果首轮投资是200万元呢？")
    page.keyboard.press("Enter")
    page.locator('.pa-chat[data-exchanges="2"]').wait_for()
    page.context.close()
