"""The eval question set is well-formed and every gold span is verbatim corpus text inside exactly one unit."""

from __future__ import annotations

from collections import Counter

import pytest

from eval.fill_gold import build_index, load_units
from eval.questions import (
    DEFAULT_CORPUS_FILE,
    LANGS,
    QUESTIONS_PATH,
    STATUS_PREFIX,
    TYPES,
    fast_subset,
    load_questions,
    norm,
    read_records,
)

VALID_STATUSES = {"in_force", "expired", "no_end_date", "not_yet_in_force"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return read_records(QUESTIONS_PATH)


@pytest.fixture(scope="module")
def questions():
    return load_questions().questions


@pytest.fixture(scope="module")
def unit_index():
    return build_index(load_units())


def test_schema(records):
    keys = {"id", "question", "lang", "type", "history", "gold", "facts", "notes"}
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), "duplicate question ids"
    for r in records:
        assert set(r) == keys, f"{r['id']}: fields {sorted(r)}"
        assert r["type"] in TYPES and r["lang"] in LANGS, r["id"]
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        for turn in r["history"]:
            assert set(turn) == {"role", "content"} and turn["role"] in ("user", "assistant"), r["id"]
        for g in r["gold"]:
            assert set(g) == {"doc_title", "locator", "span"}, r["id"]
            assert g["doc_title"] and g["locator"], f"{r['id']}: run python -m eval.fill_gold"
        for f in r["facts"]:
            assert isinstance(f, str) and f.strip(), r["id"]
            if f.startswith(STATUS_PREFIX):
                assert f[len(STATUS_PREFIX):] in VALID_STATUSES, f"{r['id']}: bad status fact {f}"


def test_type_rules(records):
    for r in records:
        if r["type"] == "out_of_scope":
            assert not r["gold"] and not r["facts"], f"{r['id']}: out-of-scope questions have no gold/facts"
        else:
            assert r["gold"], f"{r['id']}: answerable question without gold"
        if r["type"] == "followup":
            assert len(r["history"]) >= 2, f"{r['id']}: a follow-up needs the conversation before it"
        else:
            assert not r["history"], f"{r['id']}: only follow-ups carry history"
        if r["type"] == "multi":
            assert len(r["gold"]) >= 2, f"{r['id']}: multi questions need several gold spans"


def test_counts(records):
    types = Counter(r["type"] for r in records)
    langs = Counter(r["lang"] for r in records)
    assert len(records) >= 130
    assert types["out_of_scope"] >= 15
    assert types["followup"] >= 12
    assert all(types[t] >= 10 for t in TYPES), types
    assert (langs["en"] + langs["mixed"]) * 3 >= len(records), langs


def test_gold_spans_verbatim_in_raw_corpus(records):
    raw = DEFAULT_CORPUS_FILE.read_text(encoding="utf-8")
    lines = [norm(line) for line in raw.splitlines()]
    for r in records:
        for g in r["gold"]:
            span = norm(g["span"])
            assert 10 <= len(span) <= 40, f"{r['id']}: span length {len(span)}: {g['span']}"
            assert any(span in line for line in lines), f"{r['id']}: not inside one line of the raw file: {g['span']}"


def test_gold_spans_in_exactly_one_unit(records, unit_index):
    for r in records:
        for g in r["gold"]:
            hits = unit_index.find(g["span"])
            assert len(hits) == 1, f"{r['id']}: span in {len(hits)} units: {g['span']}"
            unit = hits[0]
            assert (unit.doc_title, unit.locator) == (g["doc_title"], g["locator"]), (
                f"{r['id']}: gold says {g['doc_title']} {g['locator']}, corpus says {unit.doc_title} "
                f"{unit.locator}; run .venv/bin/python -m eval.fill_gold")


def test_all_documents_covered(records, unit_index):
    titles = {u.doc_title for u in unit_index.units}
    assert len(titles) == 13
    covered = {g["doc_title"] for r in records for g in r["gold"]}
    assert covered == titles, f"documents without questions: {sorted(titles - covered)}"


def test_fast_subset_is_stratified_and_stable(questions):
    fast = fast_subset(questions)
    assert 35 <= len(fast) <= 50
    assert {q.type for q in fast} == set(TYPES)
    assert {q.lang for q in fast} == set(LANGS)
    assert [q.id for q in fast] == [q.id for q in fast_subset(list(reversed(questions)))]


def test_status_facts_parse(questions):
    expired = [q for q in questions if q.expected_status == "expired"]
    assert expired and all(STATUS_PREFIX not in f for q in expired for f in q.text_facts)

