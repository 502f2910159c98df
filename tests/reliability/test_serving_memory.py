"""A warmed-up assistant hands loading's freed buffers back to the system (assistant/process_memory.py).

Measured in a fresh process over the real index: after `warm_up()` a further `malloc_trim` finds little left to
return. Without the release in `warm_up()` it returns about 90 MB: the model's and the index's parsing buffers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.settings import Settings

pytestmark = pytest.mark.slow

PROBE = """
import ctypes, ctypes.util, json, sys
from pathlib import Path
from assistant.settings import Settings
from assistant.service import PolicyAssistant

def rss_mb():
    line = next(x for x in open("/proc/self/status") if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024

assistant = PolicyAssistant(Settings(data_dir=Path(sys.argv[1]), _env_file=None))
assistant.warm_up()
warm = rss_mb()
ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
print(json.dumps({"warm": warm, "after_another_trim": rss_mb()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's malloc_trim")
def test_warm_up_leaves_no_large_freed_heap_behind(indexed_settings: Settings) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(indexed_settings.data_dir)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n{figures}")
    assert figures["warm"] - figures["after_another_trim"] < 25, figures
