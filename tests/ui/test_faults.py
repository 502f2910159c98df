"""When the Chroma server is unreachable the page and the API say so plainly (no stack trace), and the input
problems a visitor can cause get a message instead of a search."""

from __future__ import annotations

import pytest
from ui_helpers import FOUNDER_Q_ZH, ask, free_port, open_page, start_app, stop_app, wait_ready

from assistant.settings import Settings


@pytest.fixture(scope="module")
def dead_store_server(tmp_path_factory):
    from assistant.service import PolicyAssistant

    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("dead") / "data",
                        chroma_host="127.0.0.1", chroma_port=free_port())  # nothing listens there
    running = start_app(PolicyAssistant(settings), settings)
    yield running
    stop_app(running)


@pytest.mark.browser
def test_page_says_the_index_is_unreachable(browser, dead_store_server) -> None:
    watch = open_page(browser, 1280, 900)
    page = watch.page
    page.goto(dead_store_server.url + "/")
    wait_ready(page)
    ask(page, FOUNDER_Q_ZH, exchanges=1)
    message = page.locator(".pa-chat .pa-error").inner_text()
    assert "资料库暂时无法连接" in message and "Traceback" not in message
    # whitespace only: a hint, no exchange, no search
    page.locator("#pa-question textarea").fill("   \n  ")
    page.locator("#pa-ask").click()
    page.locator("#pa-status", has_text="请输入问题").wait_for()
    assert page.locator(".pa-chat").get_attribute("data-exchanges") == "1"
    page.context.close()


def test_api_says_the_index_is_unreachable(dead_store_server) -> None:
    from gradio_client import Client

    client = Client(dead_store_server.url + "/", verbose=False)
    try:
        with pytest.raises(Exception, match="can't be reached"):
            client.predict(FOUNDER_Q_ZH, api_name="/chat_json")
    finally:
        client.close()
