"""UI test fixtures: real app servers (uvicorn in a thread, real PolicyAssistant on the real index), a static server
for the demo host page, and a real Chromium driven by Playwright."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_helpers import CHROMIUM, CHROMIUM_ARGS, DEMO_DIR, RunningServer, start_app, stop_app

from assistant.settings import Settings


@pytest.fixture(scope="session")
def ui_assistant(indexed_settings: Settings):
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(indexed_settings)
    assistant.warm_up()
    return assistant


@pytest.fixture(scope="session")
def chat_server(ui_assistant, indexed_settings: Settings, tmp_path_factory) -> Iterator[RunningServer]:
    feedback = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    running = start_app(ui_assistant, indexed_settings.model_copy(update={"kiosk": False, "feedback_path": feedback}))
    yield running
    stop_app(running)


@pytest.fixture(scope="session")
def kiosk_server(ui_assistant, indexed_settings: Settings, tmp_path_factory) -> Iterator[RunningServer]:
    feedback = tmp_path_factory.mktemp("kiosk-feedback") / "feedback.jsonl"
    settings = indexed_settings.model_copy(update={"kiosk": True, "idle_reset_seconds": 6, "feedback_path": feedback})
    running = start_app(ui_assistant, settings)
    yield running
    stop_app(running)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        pass


def _static_server(host: str) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_QuietHandler, directory=str(DEMO_DIR))
    httpd = http.server.ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://{host}:{httpd.server_address[1]}", httpd


@pytest.fixture(scope="session")
def host_page_server() -> Iterator[str]:
    """The demo kiosk host page, served from another origin (another port) than the assistant."""
    url, httpd = _static_server("127.0.0.1")
    yield url
    httpd.shutdown()


@pytest.fixture(scope="session")
def foreign_host_server() -> Iterator[str]:
    """The same host page from an origin that is NOT allowed to embed (127.0.0.2 is loopback, not 'localhost')."""
    url, httpd = _static_server("127.0.0.2")
    yield url
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()




def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Gradio's queue uses a pandas option that pandas 3 deprecates; not ours to fix, and it floods the summary.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::Warning:gradio.queueing"))
