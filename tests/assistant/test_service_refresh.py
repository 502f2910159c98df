"""A running assistant picks up an ingest made by another process (staff feeding new policy files)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ingest.pipeline import run_ingest

POLICY_A = "关于测试园区停车补贴的办法\n第一条 目的\n为支持园区企业,对符合条件的企业给予停车补贴,每年最高三万元。\n"
POLICY_B = "关于测试园区咖啡券发放的通知\n第一条 发放对象\n在园区连续工作满一年的青年人才,可以申领咖啡券,每月二十张。\n"


def _ingest_in_another_process(data_dir: Path, *paths: Path) -> None:
    code = "from assistant.cli.main import main; main()"
    cmd = [sys.executable, "-c", code, "ingest", *map(str, paths), "--data-dir", str(data_dir)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)


def _titles(assistant: PolicyAssistant, query: str) -> list[str]:
    return [hit.doc_title for hit in assistant.search(query, k=3)]


# A second server process that never re-checks the index: it loads, says so, and answers one search when told.
# A process of its own, because embedded Chroma clients of one path in one process share one in-memory index.
FROZEN_SERVER = """
import json, sys
from pathlib import Path
from assistant.service import PolicyAssistant
from assistant.settings import Settings

frozen = PolicyAssistant(Settings(data_dir=Path(sys.argv[1]), index_refresh_seconds=3600))
frozen.search("咖啡券", k=3)
print("loaded", flush=True)
sys.stdin.readline()
print(json.dumps([h.doc_title for h in frozen.search("咖啡券怎么申领", k=3)], ensure_ascii=False), flush=True)
"""


def test_server_sees_a_new_policy_ingested_by_another_process(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(POLICY_A, encoding="utf-8")
    b.write_text(POLICY_B, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", index_refresh_seconds=0)
    run_ingest(settings, [a])

    live = PolicyAssistant(settings)
    assert _titles(live, "咖啡券")[0] == "关于测试园区停车补贴的办法"  # only policy A exists yet
    frozen = subprocess.Popen([sys.executable, "-c", FROZEN_SERVER, str(settings.data_dir)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert frozen.stdout is not None and frozen.stdout.readline().strip() == "loaded"  # its index is loaded

        _ingest_in_another_process(settings.data_dir, a, b)

        assert _titles(live, "咖啡券怎么申领")[0] == "关于测试园区咖啡券发放的通知"
        answer = live.ask("咖啡券每月能领几张？")
        assert not answer.refused and answer.citations[0].doc_title == "关于测试园区咖啡券发放的通知"
        # Without the periodic check the old index would keep answering: the mechanism is what makes it work.
        stale, _ = frozen.communicate("search\n", timeout=120)
        assert "关于测试园区停车补贴的办法" in stale and "关于测试园区咖啡券发放的通知" not in stale
    finally:
        frozen.kill()
