"""Helpers for the UI tests: start the real app in a thread, open pages, ask questions, take screenshots."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DEMO_DIR = PROJECT_ROOT / "demo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FOUNDER_Q_ZH = "创业人才累计获得500万元创业投资，落户的7年年限能缩短吗？"
IMPL_TITLE = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    settings: Settings
    server: object
    thread: threading.Thread


def _wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def start_app(assistant: object, settings: Settings) -> RunningServer:
    """The real app (assistant.web.server.create_server) on a free loopback port, in a thread."""
    import uvicorn

    from assistant.web.server import create_server

    port = free_port()
    settings = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    app = create_server(assistant, settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1))  # Gradio keeps SSE streams open
    thread = threading.Thread(target=server.run, daemon=True, name=f"ui-server-{port}")
    thread.start()
    url = f"http://127.0.0.1:{port}"
    _wait_http(url + "/healthz")
    return RunningServer(url, settings, server, thread)


def stop_app(running: RunningServer) -> None:
    running.server.should_exit = True  # type: ignore[attr-defined]
    running.thread.join(15)



@dataclass
class PageWatch:
    """A page plus every URL it requested (to prove nothing leaves the machine)."""

    page: object
    requests: list[str]

    def external_requests(self) -> list[str]:
        allowed = ("http://127.0.0.1", "http://127.0.0.2", "data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith(allowed)]


def open_page(browser, width: int, height: int) -> PageWatch:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    return PageWatch(page, requests)


def wait_ready(page_or_frame, timeout: float = 30_000) -> None:
    """Gradio keeps a connection open, so wait for the input box rather than for network idle."""
    page_or_frame.locator("#pa-question textarea").wait_for(state="visible", timeout=timeout)


def ask(page_or_frame, question: str, exchanges: int, timeout: float = 60_000) -> None:
    """Type a question, send it, and wait until the `exchanges`-th answer is complete."""
    page_or_frame.locator("#pa-question textarea").fill(question)
    page_or_frame.locator("#pa-ask").click()
    page_or_frame.locator(f'.pa-chat[data-exchanges="{exchanges}"]').wait_for(timeout=timeout)
    page_or_frame.locator('.pa-chat [aria-busy="true"]').wait_for(state="detached", timeout=timeout)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# The only markup the app's renderer may emit: anything else means visitor or policy text became HTML.
APP_TAGS = {"div", "span", "br", "blockquote", "details", "summary", "mark", "p", "ul", "li"}
APP_ATTRS = {"class", "data-citation", "data-exchanges", "lang", "title", "role", "aria-busy"}


class MarkupTags(HTMLParser):
    """The tag and attribute names found in a piece of HTML."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}


def assert_only_app_markup(markup: str) -> None:
    """No tag or attribute the app doesn't emit itself (no script, img, a, href, src, on*, style…)."""
    parsed = MarkupTags(markup)
    assert parsed.tags <= APP_TAGS, parsed.tags - APP_TAGS
    assert parsed.attrs <= APP_ATTRS, parsed.attrs - APP_ATTRS
