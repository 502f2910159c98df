"""The Chroma server goes away: a running app keeps answering from the index it loaded, a new process (the CLI)
gets one clear line (no stack trace), and both work when it returns; an app started without it says so plainly.
A real `chroma run` server (tests/conftest.py) is stopped and restarted on the same port."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gradio_client.exceptions import AppError
from rel_helpers import api, client_for
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import Settings
from ingest.pipeline import run_ingest

pytestmark = [pytest.mark.slow, pytest.mark.server]

QUESTION = "留学生落户要什么条件"


def _server_settings(indexed_settings: Settings, tmp_path: Path, server) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    # Same model's vectors: reuse the embedding cache so this ingest embeds nothing.
    shutil.copy2(indexed_settings.embedding_cache_path, data / indexed_settings.embedding_cache_path.name)
    return indexed_settings.model_copy(update={"data_dir": data, "chroma_host": server.host,
                                               "chroma_port": server.port, "collection": "fault_test"})


def _cli_ask(settings: Settings):
    env = {"POLICY_ASSISTANT_CHROMA_HOST": settings.chroma_host, "POLICY_ASSISTANT_CHROMA_PORT": str(settings.chroma_port),
           "POLICY_ASSISTANT_COLLECTION": settings.collection}
    return CliRunner().invoke(app, ["ask", QUESTION, "--json", "--data-dir", str(settings.data_dir)], env=env)


def _assert_clear_store_error(text: str, settings: Settings) -> None:
    assert "Traceback" not in text and "File \"" not in text
    assert f"{settings.chroma_host}:{settings.chroma_port}" in text or "资料库" in text, text


def test_chroma_server_down_then_back(indexed_settings: Settings, tmp_path: Path, chroma_server_factory,
                                      app_factory) -> None:
    from assistant.service import PolicyAssistant

    server = chroma_server_factory(tmp_path / "db").start()
    settings = _server_settings(indexed_settings, tmp_path, server)
    assert run_ingest(settings).units_total > 0
    assistant = PolicyAssistant(settings)
    web = app_factory(assistant, settings)
    client = client_for(web.url)
    ok = api(client, "/chat_json", QUESTION)
    assert ok["citations"] and not ok["refused"]

    server.stop()
    # API: retrieval ranks the vectors the app loaded, so a visitor still gets the same answer.
    assert api(client, "/chat_json", QUESTION)["answer"] == ok["answer"]
    assert api(client, "/ask", QUESTION)
    # CLI: one clear line naming the server and what to do, exit 1.
    result = _cli_ask(settings)
    assert result.exit_code == 1, result.output
    _assert_clear_store_error(result.output, settings)
    assert "unreachable" in result.output and "chroma run" in result.output

    server.start()  # same path and port: the index is still there
    again = api(client, "/chat_json", QUESTION)
    assert again["answer"] == ok["answer"]
    result = _cli_ask(settings)
    assert result.exit_code == 0, result.output


def test_app_started_while_chroma_is_down_recovers(indexed_settings: Settings, tmp_path: Path,
                                                   chroma_server_factory, app_factory) -> None:
    """`serve` keeps running without the index (ui_server.serve); the first questions get a clear message and
    answers start as soon as the server is up."""
    from assistant.service import PolicyAssistant

    server = chroma_server_factory(tmp_path / "db").start()
    settings = _server_settings(indexed_settings, tmp_path, server)
    run_ingest(settings)
    server.stop()
    assistant = PolicyAssistant(settings)
    web = app_factory(assistant, settings)
    client = client_for(web.url)
    with pytest.raises(AppError) as err:
        api(client, "/chat_json", QUESTION)
    assert "Traceback" not in str(err.value)
    server.start()
    out = api(client, "/chat_json", QUESTION)
    assert out["citations"] and not out["refused"]
