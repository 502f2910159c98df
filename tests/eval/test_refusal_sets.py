"""The labelled refusal sets (eval/data/refusal_*.jsonl) are well-formed, their gold spans are corpus text, and the
blind hold-out shares no question with the sets the refusal checks are trained on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.calibration.refusal import DEV_QUESTIONS, HOLDOUT_QUESTIONS
from eval.questions import DEFAULT_CORPUS_FILE, LANGS, QUESTIONS_PATH, norm, read_records

LABELLED = (*DEV_QUESTIONS, HOLDOUT_QUESTIONS)
KEYS = {"id", "question", "lang", "label", "gold_span", "notes"}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus_text() -> str:
    return norm(DEFAULT_CORPUS_FILE.read_text(encoding="utf-8"))


def test_every_labelled_file_exists_and_the_calibration_reads_them_all() -> None:
    on_disk = set(QUESTIONS_PATH.parent.glob("refusal_*.jsonl"))
    assert on_disk == set(LABELLED), "a refusal set on disk that calibrate-refusal does not read (or the reverse)"


@pytest.mark.parametrize("path", LABELLED, ids=lambda p: p.name)
def test_schema_balance_and_verbatim_gold_spans(path: Path, corpus_text: str) -> None:
    rows = _rows(path)
    assert len(rows) >= 40
    for r in rows:
        assert set(r) == KEYS, f"{path.name} {r.get('id')}: fields {sorted(r)}"
        assert r["lang"] in LANGS and r["label"] in ("answerable", "out_of_scope"), r["id"]
        assert r["question"].strip(), r["id"]
        if r["label"] == "answerable":
            assert norm(r["gold_span"]) and norm(r["gold_span"]) in corpus_text, f"{r['id']}: gold span not in corpus"
        else:
            assert not r["gold_span"], r["id"]  # "" or null (the oldest sets)
    n_out = sum(r["label"] == "out_of_scope" for r in rows)
    assert abs(2 * n_out - len(rows)) <= 2, f"{path.name}: {n_out} of {len(rows)} out of scope"


def test_ids_are_unique_and_the_hold_out_is_not_in_training() -> None:
    ids = [r["id"] for p in LABELLED for r in _rows(p)] + [r["id"] for r in read_records(QUESTIONS_PATH)]
    assert len(ids) == len(set(ids)), sorted(i for i in set(ids) if ids.count(i) > 1)
    trained = {norm(r["question"]) for p in DEV_QUESTIONS for r in _rows(p)}
    trained |= {norm(r["question"]) for r in read_records(QUESTIONS_PATH)}
    leaked = [r["id"] for r in _rows(HOLDOUT_QUESTIONS) if norm(r["question"]) in trained]
    assert leaked == []
