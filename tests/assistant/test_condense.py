"""Offline condensing: follow-ups carry the earlier topic over; standalone questions pass through unchanged."""

from __future__ import annotations

import pytest

from assistant.condense import condense_offline, key_terms, looks_like_followup
from assistant.types import Turn

FOUNDER = "can a startup founder with 500万 funding shorten the 7-year requirement"


def test_followup_after_the_founder_question_carries_its_terms():
    history = [Turn("user", FOUNDER), Turn("assistant", "可以由7年缩短为5年。")]
    out = condense_offline("那如果是累计投资呢？", history)
    assert out.startswith("那如果是累计投资呢？")
    for term in ("founder", "500万", "7-year", "shorten"):
        assert term in out


def test_spouse_followup_carries_the_returnee_topic():
    out = condense_offline("那配偶可以随迁吗？", [Turn("user", "留学生落户要什么条件")])
    assert "留学生" in out and "落户" in out
    assert "什么" not in out.replace("那配偶可以随迁吗？", "")  # question words are not carried


@pytest.mark.parametrize("question", [
    "QFLP试点范围是什么？",
    "What does the policy say about expanding the QFLP pilot?",
    "上市公司股票质押风险怎么化解",
])
def test_standalone_questions_pass_through_unchanged(question):
    assert condense_offline(question, [Turn("user", "留学生落户要什么条件")]) == question


def test_without_history_nothing_changes():
    assert condense_offline("那如果是累计投资呢？", []) == "那如果是累计投资呢？"


def test_assistant_turns_are_not_carried():
    history = [Turn("user", "留学生落户要什么条件"), Turn("assistant", "QFLP 科创板 completely unrelated")]
    out = condense_offline("那配偶呢？", history)
    assert "QFLP" not in out and "科创板" not in out


def test_a_chain_of_followups_goes_back_to_the_topic_turn():
    history = [Turn("user", "Can a returnee get Shanghai hukou?"), Turn("assistant", "Yes."),
               Turn("user", "what documents?"), Turn("assistant", "...")]
    out = condense_offline("and their kids?", history)
    assert "returnee" in out and "hukou" in out and "documents" in out


def test_same_topic_with_a_leaning_opening_is_a_followup():
    history = [Turn("user", "做技术转移的人能缩短落户年限吗？")]
    assert looks_like_followup("那要直接落户呢？", history[0].content)
    assert "技术转移" in condense_offline("那要直接落户呢？", history)
    # a new topic after 那 is a new question
    assert condense_offline("那QFLP呢？", history) == "那QFLP呢？"


def test_english_amounts_stay_whole_for_the_expander():
    assert "20million" in key_terms("What about tech transfer people with 20 million in deals?")


def test_deterministic():
    history = [Turn("user", FOUNDER)]
    assert len({condense_offline("那如果是累计投资呢？", history) for _ in range(5)}) == 1
