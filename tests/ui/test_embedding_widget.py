"""Embedding: the demo kiosk host page (another origin) with the assistant as an iframe and as the <gradio-app>
web component loaded from the app's own /gradio.js; origins outside the allowlist can't frame it."""

from __future__ import annotations

import urllib.request

import pytest
from ui_helpers import FOUNDER_Q_ZH, IMPL_TITLE, ask, open_page, screenshot, wait_ready

from assistant.settings import Settings
from assistant.web.server import content_security_policy

pytestmark = pytest.mark.browser


def _get(url: str, origin: str | None = None) -> tuple[bytes, dict[str, str]]:
    req = urllib.request.Request(url, headers={"Origin": origin} if origin else {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.read(), {k.lower(): v for k, v in resp.headers.items()}


@pytest.mark.parametrize("mode", ["iframe", "component"])
def test_widget_in_demo_host_page_answers(browser, kiosk_server, host_page_server, mode: str) -> None:
    watch = open_page(browser, 1080, 1920)
    page = watch.page
    page.goto(f"{host_page_server}/kiosk-host.html?assistant={kiosk_server.url}&mode={mode}")
    root = page.frame_locator("#assistant-frame") if mode == "iframe" else page.locator("#assistant-app")
    wait_ready(root)
    assert "自助服务终端" in page.locator("header").inner_text()  # the host page around the widget
    ask(root, FOUNDER_Q_ZH, exchanges=1)
    assert any(IMPL_TITLE in d for d in root.locator(".pa-card .pa-doc").all_inner_texts())
    screenshot(page, f"kiosk-host-{mode}")
    assert watch.external_requests() == [], "offline: no CDN, no third-party asset"
    page.context.close()


def test_origin_outside_allowlist_cannot_frame(browser, kiosk_server, foreign_host_server) -> None:
    watch = open_page(browser, 1080, 1920)
    page = watch.page
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text, timeout=20_000):
        page.goto(f"{foreign_host_server}/kiosk-host.html?assistant={kiosk_server.url}&mode=iframe")
    assert page.frame_locator("#assistant-frame").locator("#pa-question").count() == 0
    page.context.close()


def test_embed_headers_and_local_gradio_js(chat_server) -> None:
    body, headers = _get(chat_server.url + "/")
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'self' http://localhost:*" in csp and "connect-src 'self'" in csp
    loader, js_headers = _get(chat_server.url + "/gradio.js")
    assert js_headers["content-type"].startswith("text/javascript")
    target = loader.decode().split('"')[1]  # import("./assets/index-XXXX.js")
    bundle, _ = _get(f"{chat_server.url}/{target.removeprefix('./')}")
    assert b"gradio-app" in bundle, "the loader points at the bundle that defines <gradio-app>"
    # CORS for the web component: localhost pages may call the app, other origins get no grant
    _, local = _get(chat_server.url + "/config", origin="http://localhost:8000")
    assert local.get("access-control-allow-origin") == "http://localhost:8000"
    _, foreign = _get(chat_server.url + "/config", origin="https://evil.example")
    assert "access-control-allow-origin" not in foreign


def test_allowlist_setting_extends_frame_ancestors() -> None:
    settings = Settings(_env_file=None, allowed_embed_origins=["https://hall.example.gov/", "bad origin; script-src *"])
    csp = content_security_policy(settings)
    assert "frame-ancestors 'self'" in csp and "https://hall.example.gov" in csp
    assert "bad origin" not in csp and "script-src *" not in csp  # malformed entries can't inject directives
