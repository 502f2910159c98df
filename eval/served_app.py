"""The real app in a process of its own on a free loopback port, as `policy-assistant serve` runs it in a hall.

Its own process so that a load driven from this one neither shares its interpreter lock nor hides in its CPU time;
`code_dir` serves another checkout of the code (the previous release, say) over the same index, for a baseline
measured in the same run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings

START_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class ServedApp:
    url: str
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2):
            return True
    except OSError:
        return False


def process_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of process `pid` so far (Linux /proc); None when unknown."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_peak_mb(pid: int | None) -> float | None:
    """Peak resident memory of process `pid` (VmHWM, Linux /proc); None when unknown."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return kb / 1024 if kb is not None else None


def reset_peak_memory(pid: int | None) -> bool:
    """Start process `pid`'s peak-memory count afresh (Linux: "5" to /proc/PID/clear_refs), so a peak read later
    is the load's, not the start-up's; False when that isn't possible here."""
    if pid is None:
        return False
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextmanager
def served_app(settings: Settings, code_dir: Path | None = None) -> Iterator[ServedApp]:
    """`serve` over settings' data dir (never ingesting); stopped on exit. The environment is passed on, so the
    server reads the same settings as this process."""
    port = free_port()
    command = [sys.executable, "-m", "assistant.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--no-ingest", "--data-dir", str(settings.data_dir)]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    if code_dir is not None:
        code_dir = code_dir.resolve()
        if not (code_dir / "assistant" / "cli" / "main.py").is_file():
            raise ValueError(f"{code_dir} is not a checkout of policy-assistant (no assistant/cli/main.py)")
        env["PYTHONPATH"] = os.pathsep.join([str(code_dir), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=code_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _ready(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    tail = log.read()[-2000:]
                    raise RuntimeError(f"the app did not start on {url} within {START_TIMEOUT_S:.0f} s:\n{tail}")
                time.sleep(0.2)
            yield ServedApp(url, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
