"""The fast eval subset, run for real against the real index, must stay above the measured floors."""

from __future__ import annotations

import json

import pytest

from eval.floors import FLOORS_PATH, TRACKED, check, load_floors
from eval.run import run_eval


@pytest.fixture(scope="module")
def fast_result(indexed_settings):
    # Ours only: the floors guard our numbers; the baselines are compared in the full `policy-assistant eval`.
    result = run_eval(indexed_settings, subset="fast", with_baselines=False)
    return json.loads(json.dumps(result.to_json(), ensure_ascii=False))


def test_every_floor_names_a_tracked_number():
    floors = load_floors()
    assert "Measured with `policy-assistant eval --subset fast`" in floors["comment"]
    unknown = [path for kind in ("min", "max") for path in floors[kind] if path not in TRACKED]
    assert unknown == []


@pytest.mark.slow
@pytest.mark.timeout(900)  # includes building the session index on a loaded 2-core machine
def test_fast_subset_meets_floors(fast_result):
    assert fast_result["meta"]["subset"] == "fast"
    assert 35 <= fast_result["meta"]["questions"] <= 50
    problems = check(fast_result, load_floors(FLOORS_PATH))
    assert not problems, "eval regression on the fast subset:\n" + "\n".join(problems)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_every_fast_question_was_scored(fast_result):
    per_q = fast_result["per_question"]
    assert len(per_q) == fast_result["meta"]["questions"]
    answerable = [q for q in per_q if q["type"] != "out_of_scope"]
    assert all("ours" in q["retrieval"] for q in answerable)
    assert all(q["answer"] is not None and q["refused"] is not None for q in per_q)
