"""Offline condensing: follow-ups carry the earlier topic over; standalone questions pass through unchanged.

Topics come from the index (assistant.query.topics): these tests use the real index of the default corpus, and one of
made-up documents to show that a document staff add brings its own topics.
"""

from __future__ import annotations

import functools

import pytest

from assistant.query.condense import condense_offline as _condense
from assistant.query.condense import key_terms
from assistant.query.condense import looks_like_followup as _looks_like_followup
from assistant.query.topics import TopicIndex
from assistant.types import Turn


@pytest.fixture(scope="module")
def topics(indexed_settings) -> TopicIndex:
    from assistant.service import PolicyAssistant

    return PolicyAssistant(indexed_settings)._load().retriever.index.topics


@pytest.fixture
def condense_offline(topics):
    return functools.partial(_condense, index=topics)


@pytest.fixture
def looks_like_followup(topics):
    return functools.partial(_looks_like_followup, index=topics)


FOUNDER = "can a startup founder with 500万 funding shorten the 7-year requirement"


def test_followup_after_the_founder_question_carries_its_terms(condense_offline):
    history = [Turn("user", FOUNDER), Turn("assistant", "可以由7年缩短为5年。")]
    out = condense_offline("那如果是累计投资呢？", history)
    assert out.startswith("那如果是累计投资呢？")
    for term in ("founder", "500万", "7-year", "shorten"):
        assert term in out


def test_spouse_followup_carries_the_returnee_topic(condense_offline):
    out = condense_offline("那配偶可以随迁吗？", [Turn("user", "留学生落户要什么条件")])
    assert "留学生" in out and "落户" in out
    assert "什么" not in out.replace("那配偶可以随迁吗？", "")  # question words are not carried


@pytest.mark.parametrize("question", [
    "QFLP试点范围是什么？",
    "What does the policy say about expanding the QFLP pilot?",
    "上市公司股票质押风险怎么化解",
])
def test_standalone_questions_pass_through_unchanged(question, condense_offline):
    assert condense_offline(question, [Turn("user", "留学生落户要什么条件")]) == question


def test_without_history_nothing_changes(condense_offline):
    assert condense_offline("那如果是累计投资呢？", []) == "那如果是累计投资呢？"


def test_assistant_turns_are_not_carried(condense_offline):
    history = [Turn("user", "留学生落户要什么条件"), Turn("assistant", "QFLP 科创板 completely unrelated")]
    out = condense_offline("那配偶呢？", history)
    assert "QFLP" not in out and "科创板" not in out


def test_a_chain_of_followups_goes_back_to_the_topic_turn(condense_offline):
    history = [Turn("user", "Can a returnee get Shanghai hukou?"), Turn("assistant", "Yes."),
               Turn("user", "what documents?"), Turn("assistant", "...")]
    out = condense_offline("and their kids?", history)
    assert "returnee" in out and "hukou" in out and "documents" in out


def test_same_topic_with_a_leaning_opening_is_a_followup(condense_offline, looks_like_followup):
    history = [Turn("user", "做技术转移的人能缩短落户年限吗？")]
    assert looks_like_followup("那要直接落户呢？", history[0].content)
    assert "技术转移" in condense_offline("那要直接落户呢？", history)
    # a new topic after 那 is a new question
    assert condense_offline("那QFLP呢？", history) == "那QFLP呢？"


def test_english_amounts_stay_whole_for_the_expander():
    assert "20million" in key_terms("What about tech transfer people with 20 million in deals?")


def test_deterministic(condense_offline):
    history = [Turn("user", FOUNDER)]
    assert len({condense_offline("那如果是累计投资呢？", history) for _ in range(5)}) == 1


def test_topics_come_from_the_documents_indexed():
    """Made-up documents: each new document's words become topics; a word in most documents does not."""
    from assistant.query.crosslingual import CrossLingualExpander
    from assistant.query.textproc import default_processor

    processor = default_processor()
    units = {
        "fund": ["住房公积金的提取条件：职工购买自住住房、退休的，可以提取住房公积金。", "租房提取住房公积金的额度，提交材料。"],
        "aid": ["最低生活保障家庭的认定条件和申请程序。", "申请最低生活保障应当提交的材料。"],
        "park": ["公园开放时间和管理要求，申请活动应当提交材料。"],
        "metro": ["轨道交通运营管理，乘客应当遵守乘车规定，提交申请材料。"],
    }
    doc_ids = [d for d, texts in units.items() for _ in texts]
    tokens = [processor.tokenize(t) for texts in units.values() for t in texts]
    df: dict[str, int] = {}
    for toks in tokens:
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    index = TopicIndex(doc_ids, tokens, CrossLingualExpander(processor, df), processor)
    assert "公积金" in index.topics("公积金怎么取") or "住房公积金" in index.topics("公积金怎么取")
    assert index.main_documents("公积金可以用来付房租吗？") == {"fund"}
    assert not index.topics("要提交什么材料？")  # 材料 is in every document: an attribute, not a topic
    history = [Turn("user", "公积金可以用来付房租吗？")]
    assert "公积金" in _condense("那退休了呢？", history, index)
    assert _condense("那最低生活保障呢？", history, index) == "那最低生活保障呢？"
