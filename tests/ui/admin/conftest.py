"""Staff console fixtures: a small real index of made-up policies (real ingest, real embedding model, real Chroma),
a staff password, and the real app on loopback. Several servers share one assistant; each has its own login
state, so a test that locks its client out uses a server of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from console_helpers import PASSWORD, form_token, login
from ui_helpers import RunningServer, start_app, stop_app

from assistant.settings import Settings

HERE = Path(__file__).parent
BASE_POLICY = """# 关于测试园区青年人才生活补贴的通知

第一条 为吸引青年人才，测试园区向符合条件的青年人才发放生活补贴。

第二条 同时符合下列条件的青年人才，可以申请一次性生活补贴5000元：
（一）在园区企业连续工作满1年；
（二）年龄在35周岁以下；
（三）在本市缴纳社会保险满6个月。

第三条 本通知自2026年3月1日起施行，有效期至2027年12月31日。
"""


@pytest.fixture(scope="session")
def staff_settings(tmp_path_factory) -> Settings:
    from assistant.web.admin.auth import PasswordStore
    from ingest.pipeline import run_ingest

    root = tmp_path_factory.mktemp("staff-console")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "青年人才生活补贴.md").write_text(BASE_POLICY, encoding="utf-8")
    settings = Settings(data_dir=root / "data", corpus_paths=[corpus], learned_refusal=False,
                        index_refresh_seconds=1.0, feedback_path=root / "feedback.jsonl")
    run_ingest(settings)
    PasswordStore(settings.data_dir).set(PASSWORD)
    return settings


@pytest.fixture(scope="session")
def staff_assistant(staff_settings: Settings):
    from assistant.service import PolicyAssistant

    assistant = PolicyAssistant(staff_settings)
    assistant.warm_up()
    return assistant


@pytest.fixture(scope="session")
def console_server(staff_assistant, staff_settings: Settings) -> Iterator[RunningServer]:
    running = start_app(staff_assistant, staff_settings)
    yield running
    stop_app(running)


@pytest.fixture
def server_with(staff_assistant, staff_settings: Settings):
    """`server_with(**settings)`: another server on the same index, with its own settings and login state."""
    started: list[RunningServer] = []

    def start(**update) -> RunningServer:
        running = start_app(staff_assistant, staff_settings.model_copy(update=update))
        started.append(running)
        return running

    yield start
    for running in started:
        stop_app(running)


@pytest.fixture
def staff(console_server: RunningServer) -> Iterator[tuple[httpx.Client, str]]:
    """A logged-in staff client and its CSRF token."""
    with httpx.Client(base_url=console_server.url, timeout=300) as client:
        assert login(client).status_code == 303
        yield client, form_token(client.get("/admin/documents").text)
