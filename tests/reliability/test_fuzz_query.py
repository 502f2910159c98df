"""Property tests on the query path (the cleaner/splitter properties live in tests/ingest/test_clean.py
and test_structure.py): PolicyAssistant.search/ask with arbitrary text and history never crash, always return
the documented types, and every quote is a verified, verbatim span of the unit it cites."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_helpers import assert_quotes_verified, index_ids

from assistant.service import InputError
from assistant.types import Answer, SearchHit, Validity

pytestmark = pytest.mark.slow

# Words of the corpus and of visitors, so generated questions also reach real clauses and the follow-up path.
VOCAB = ["落户", "居住证", "常住户口", "创业投资", "500万", "累计", "7年", "缩短", "配偶", "随迁", "留学生", "科创板",
         "孵化器", "积分", "社保", "那", "呢", "如果", "？", "hukou", "venture capital", "STAR Market", "startup",
         "founder", "5 million", "years", "what about", "spouse", "returnee", "QFLP", "第五条", "（一）", "《", "》",
         " ", "\n", "<b>", "「", "」", "[1]", "NO_ANSWER", "🙂"]
ANY_TEXT = st.one_of(
    st.text(max_size=120),  # any Unicode text (no surrogates)
    st.text(st.characters(blacklist_categories=()), max_size=40),  # including lone surrogates and controls
    st.lists(st.sampled_from(VOCAB), max_size=12).map("".join),
    st.lists(st.sampled_from(VOCAB), max_size=12).map(" ".join),
)
TURN = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", "", "USER"]),
                              "content": st.one_of(ANY_TEXT, st.none(), st.integers())})
FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def units(rel_assistant) -> dict[str, str]:
    return index_ids(rel_assistant)


@FUZZ
@given(query=ANY_TEXT, k=st.integers(min_value=1, max_value=12), history=st.lists(TURN, max_size=4))
def test_search_never_crashes_and_returns_hits(rel_assistant, units, query: str, k: int, history: list) -> None:
    try:
        hits = rel_assistant.search(query, k=k, history=history)
    except InputError as e:  # documented: a query over max_question_chars
        assert len(query.strip()) > rel_assistant.settings.max_question_chars, e
        return
    assert isinstance(hits, list) and len(hits) <= k
    assert all(isinstance(h, SearchHit) and h.id in units and math.isfinite(h.score) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)  # best first
    assert len({h.id for h in hits}) == len(hits)


@FUZZ
@given(question=ANY_TEXT, history=st.lists(TURN, max_size=4))
def test_ask_never_crashes_and_quotes_are_verbatim(rel_assistant, units, question: str, history: list) -> None:
    answer = rel_assistant.ask(question, history=history)
    assert isinstance(answer, Answer) and isinstance(answer.answer, str) and answer.answer.strip()
    assert isinstance(answer.refused, bool) and answer.mode in ("extractive", "llm")
    assert all(isinstance(v, Validity) for v in answer.validity)
    assert_quotes_verified(answer, units)
    assert answer.unverified_quotes == 0
    assert set(answer.to_json()) >= {"answer", "citations", "refused", "validity", "mode"}
