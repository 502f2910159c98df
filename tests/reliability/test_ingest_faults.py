"""A staff member drops bad files into the ingest folder, and the index lives on a Chroma server.

The ingest owner's tests cover each bad file through `run_ingest` and `load_sources`; this is the combined run
as staff do it: one folder with a corrupt PDF, an empty file, a binary file, a 50 MB text file and a GBK file
next to good ones, through the real `policy-assistant ingest` CLI, into a real `chroma run` server that already
holds the default corpus. Each bad file is named with its reason, the rest is ingested, nothing is lost.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import Settings
from ingest.embed import build_embeddings
from ingest.store import UnitStore

pytestmark = [pytest.mark.slow, pytest.mark.server]

GBK_DOC = "上海市测试人才服务办法\n第一条 为了做好人才服务工作，制定本办法。\n第二条 本办法自2026年1月1日起施行。\n"
GOOD_DOC = "上海市测试企业扶持办法\n第一条 为了支持中小企业发展，制定本办法。\n第二条 符合条件的企业可以申请专项资金。\n"


def _env(settings: Settings) -> dict[str, str]:
    return {"POLICY_ASSISTANT_CHROMA_HOST": str(settings.chroma_host),
            "POLICY_ASSISTANT_CHROMA_PORT": str(settings.chroma_port),
            "POLICY_ASSISTANT_COLLECTION": settings.collection, "COLUMNS": "200"}


def _flat(text: str) -> str:
    """CLI output without table borders and line wrapping, for substring checks."""
    return re.sub(r"[\s│┃|─━┌┐└┘├┤┬┴┼╭╮╰╯┏┓┗┛┡┩╇]+", "", text)


def test_bad_files_in_one_folder_through_the_cli_into_a_chroma_server(
        indexed_settings: Settings, chroma_server: tuple[str, int], tmp_path: Path) -> None:
    host, port = chroma_server
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(indexed_settings.embedding_cache_path, data / indexed_settings.embedding_cache_path.name)
    settings = indexed_settings.model_copy(update={"data_dir": data, "chroma_host": host, "chroma_port": port,
                                                   "collection": "ingest_faults"})
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", "--data-dir", str(data)], env=_env(settings))
    assert first.exit_code == 0, first.output

    def store() -> UnitStore:
        return UnitStore.open(settings, build_embeddings(settings), create=False)

    before = {u.id for u in store().all_units()}
    assert len(before) > 100

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(os.urandom(8192) + b"\x00" * 128)
    line = ("第三条 本市对符合条件的人才给予支持。" * 20 + "\n").encode("utf-8")
    with open(inbox / "huge.txt", "wb") as f:  # 50 MB of real text
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (inbox / "gbk.txt").write_bytes(GBK_DOC.encode("gbk"))
    (inbox / "good.txt").write_text(GOOD_DOC, encoding="utf-8")

    result = runner.invoke(app, ["ingest", str(inbox), "--data-dir", str(data)], env=_env(settings))
    out = result.output
    assert result.exit_code == 0, out  # some files were good: a partial success, not a failure
    assert "Traceback" not in out
    flat = _flat(out)
    assert "Skippedfiles" in flat
    for name, words in [("corrupt.pdf", ["PDF"]), ("empty.txt", ["empty"]), ("binary.txt", ["binary"]),
                        ("huge.txt", ["50.0MB", "limit"])]:
        assert name in flat, name
        row = flat[flat.index(name):][:300]  # the reason follows the name in the skipped-files table
        assert all(w in row for w in words), (name, row)

    after = store()
    ids = {u.id for u in after.all_units()}
    assert before <= ids  # nothing already indexed was lost
    sources = after.sources()
    assert sources.get("gbk.txt") and sources.get("good.txt")
    assert not {"corrupt.pdf", "empty.txt", "binary.txt", "huge.txt"} & set(sources)
    gbk_text = "".join(u.text for u in after.all_units() if u.source == "gbk.txt")
    assert "为了做好人才服务工作" in gbk_text  # decoded from GBK, not mojibake
    titles = {d.title for d in after.documents()}
    assert {"上海市测试人才服务办法", "上海市测试企业扶持办法"} <= titles and len(titles) >= 15
