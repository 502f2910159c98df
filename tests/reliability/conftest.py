"""Reliability fixtures: the real app on loopback (the UI tests' start-up helpers), a warm PolicyAssistant on the
real index, and the switchable stand-in LLM endpoint (tests/llm_standin.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))  # reuse tests/ui/ui_helpers.py

from llm_standin import StandinLLM  # noqa: E402
from rel_helpers import close_clients  # noqa: E402
from ui_helpers import RunningServer, start_app, stop_app  # noqa: E402

from assistant.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def rel_assistant(indexed_settings: Settings):
    """A warm offline (extractive) PolicyAssistant on the real index of the default corpus."""
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(indexed_settings)
    assistant.warm_up()
    return assistant


@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """`app_factory(assistant, settings)` -> the real app on a free loopback port; all stopped at teardown."""
    running: list[RunningServer] = []

    def make(assistant: object, settings: Settings) -> RunningServer:
        settings = settings.model_copy(update={"feedback_path": tmp_path / f"feedback-{len(running)}.jsonl"})
        server = start_app(assistant, settings)
        running.append(server)
        return server

    yield make
    close_clients()
    for server in running:
        stop_app(server)


@pytest.fixture
def standin_llm() -> Iterator[StandinLLM]:
    """The stand-in OpenAI-compatible endpoint (NOT a model), started in mode "ok"; stopped at teardown."""
    llm = StandinLLM(slow_s=4.0).start()
    try:
        yield llm
    finally:
        llm.stop()

