"""Exact nearest neighbours in memory (assistant/query/dense.py), on made-up vectors whose ranking is known."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.query.dense import DenseIndex

# Unit vectors in 3 dimensions: the query (1, 0, 0) is closest to u1, then u3, then u2.
UNITS = {"u1": [1.0, 0.1, 0.0], "u2": [0.0, 1.0, 0.0], "u3": [0.7, 0.7, 0.0]}
DOC_OF = {"u1": "docA", "u2": "docB", "u3": "docB"}
# Sentences: u2 has one sentence right on the query, so by its best sentence u2 comes first.
SENTENCES = {"u1#0": [0.5, 0.5, 0.5], "u2#0": [0.0, 0.0, 1.0], "u2#1": [2.0, 0.0, 0.0], "u3#0": [0.6, 0.8, 0.0]}
QUERY = [3.0, 0.0, 0.0]  # not normalised: the ranking is by cosine


def _index(units: dict[str, list[float]], sentences: dict[str, list[float]]) -> DenseIndex:
    return DenseIndex.of((list(units), np.array(list(units.values()), dtype=np.float32)),
                         (list(sentences), np.array(list(sentences.values()), dtype=np.float32)), DOC_OF)


def test_units_rank_by_cosine_and_by_their_best_sentence() -> None:
    dense = _index(UNITS, SENTENCES)
    assert dense.nearest_units(QUERY, 3) == ["u1", "u3", "u2"]
    assert dense.nearest_units(QUERY, 2) == ["u1", "u3"]
    assert dense.nearest_units_by_sentence(QUERY, 3) == ["u2", "u3", "u1"]


def test_allowed_documents_filter_and_nothing_allowed_gives_nothing() -> None:
    dense = _index(UNITS, SENTENCES)
    assert dense.nearest_units(QUERY, 3, allowed={"docB"}) == ["u3", "u2"]
    assert dense.nearest_units_by_sentence(QUERY, 3, allowed={"docA"}) == ["u1"]
    assert dense.nearest_units(QUERY, 3, allowed=set()) == []


def test_the_order_records_arrive_in_changes_nothing_and_equal_scores_rank_by_id() -> None:
    units = {**UNITS, "u0": UNITS["u1"]}  # the same vector as u1
    doc_of = {**DOC_OF, "u0": "docA"}
    rankings = set()
    for seed in range(5):
        items = list(units.items())
        random.Random(seed).shuffle(items)
        sentences = list(SENTENCES.items())
        random.Random(seed).shuffle(sentences)
        dense = DenseIndex.of(([k for k, _ in items], np.array([v for _, v in items], dtype=np.float32)),
                              ([k for k, _ in sentences], np.array([v for _, v in sentences], dtype=np.float32)),
                              doc_of)
        rankings.add((tuple(dense.nearest_units(QUERY, 4)), tuple(dense.nearest_units_by_sentence(QUERY, 3))))
    assert rankings == {(("u0", "u1", "u3", "u2"), ("u2", "u3", "u1"))}
    # Many equal scores (an unstable sort scrambles runs this long): listed in id order.
    same = {f"t{n:02d}": [0.0, 0.0, 1.0] for n in range(40)}
    many = DenseIndex.of((list(same)[::-1], np.array(list(same.values()), dtype=np.float32)),
                         ([], np.zeros((0, 0), np.float32)), dict.fromkeys(same, "docA"))
    assert many.nearest_units(QUERY, 40) == sorted(same)


def test_an_empty_store_and_sentences_of_units_no_longer_stored() -> None:
    empty = DenseIndex.of(([], np.zeros((0, 0), np.float32)), ([], np.zeros((0, 0), np.float32)), {})
    assert empty.nearest_units(QUERY, 3) == [] and empty.nearest_units_by_sentence(QUERY, 3) == []
    stale = _index(UNITS, {**SENTENCES, "gone#0": [1.0, 0.0, 0.0]})
    assert "gone" not in stale.nearest_units_by_sentence(QUERY, 5)


def test_the_cosine_of_each_sentence_of_one_unit() -> None:
    dense = _index(UNITS, SENTENCES)
    got = dense.record_similarity(QUERY, "u2")
    assert set(got) == {"u2#0", "u2#1"}
    assert got["u2#1"] == pytest.approx(1.0) and got["u2#0"] == pytest.approx(0.0)
    assert dense.record_similarity(QUERY, "u3") == {"u3#0": pytest.approx(0.6)}
    assert dense.record_similarity(QUERY, "nowhere") == {}


def test_records_map_to_the_sentences_of_the_unit_text() -> None:
    dense = _index(UNITS, SENTENCES)
    two = "第一句话说的是别的事情。第二句话正好回答这个问题。"  # two sentences: records #0 and #1
    got = dense.sentence_similarity(QUERY, "u2", two)
    assert [start for start, _ in got] == [0, two.index("第二句")]
    assert [round(x, 6) for _, x in got] == [0.0, 1.0]
    whole = "只有这一句话足够长可以单独嵌入。短。"  # one sentence long enough: the unit is one record, u3#0
    assert {round(x, 6) for _, x in dense.sentence_similarity(QUERY, "u3", whole)} == {0.6}
    assert dense.sentence_similarity(QUERY, "nowhere", two) == ()
