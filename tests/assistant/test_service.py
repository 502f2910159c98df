"""PolicyAssistant end to end, offline (extractive), on the real index of the default corpus."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.answer.citations import is_verbatim
from assistant.service import InputError, PolicyAssistant
from assistant.types import Answer, Turn

TITLE = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"


def _all_quotes_verbatim(answer: Answer, assistant: PolicyAssistant) -> None:
    units = {u.id: u.text for u in assistant._load().store.all_units()}
    for c in answer.citations:
        assert c.verified and is_verbatim(c.quote, units[c.id]), c


def test_startup_founder_example_end_to_end(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("can a startup founder with 500万 funding shorten the 7-year requirement")
    text = answer.answer.replace(" ", "")
    assert not answer.refused and answer.mode == "extractive"
    for needle in ("首轮创业投资额200万元", "累计获得创业投资额500万元", "由7年缩短为5年", "首轮创业投资额500万元",
                   "累计获得创业投资额1000万元", "由7年缩短为3年", "持股比例不低于5%", "连续工作满1年",
                   "资金到位并持续投资满1年"):
        assert needle in text, needle
    assert f"《{TITLE}》" in answer.answer and "四、" in answer.answer
    assert any(v.doc_title == TITLE and v.status == "expired" for v in answer.validity)
    assert answer.unverified_quotes == 0 and "may not answer" not in answer.answer
    _all_quotes_verbatim(answer, assistant)


def test_chinese_version_of_the_example_is_answered_in_chinese(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("首轮融资拿到500万，居住证转户口的7年能缩到几年？")
    first = answer.answer.splitlines()[0]
    # a first round of 500万 meets the 3-year tier: the verdict, in Chinese, says so first, and that the policy lapsed
    assert not answer.refused and first.startswith("可以") and "由7年缩短为3年" in first
    assert "已于2022年10月31日到期失效" in first and "对此有规定" in answer.answer
    assert any("由7年缩短为3年" in c.quote.replace(" ", "") for c in answer.citations)


def test_chinese_question_and_followup_keep_the_topic(assistant: PolicyAssistant) -> None:
    first = assistant.ask("留学生落户要什么条件")
    assert not first.refused and first.answer.splitlines()[0].endswith("：")  # Chinese lead
    assert any("留学" in c.doc_title for c in first.citations)
    history = [Turn("user", "留学生落户要什么条件"), Turn("assistant", first.answer)]
    follow = assistant.ask("那配偶可以随迁吗？", history=history)
    assert not follow.refused
    assert any("配偶" in c.quote for c in follow.citations), follow.answer
    assert "留学" in follow.standalone_query or "落户" in follow.standalone_query
    _all_quotes_verbatim(follow, assistant)


def test_history_as_plain_dicts_is_accepted(assistant: PolicyAssistant) -> None:
    history = [{"role": "user", "content": "首轮融资500万能把7年缩短到几年"}, {"role": "system", "content": "x"}]
    answer = assistant.ask("那如果是累计投资呢？", history=history)
    assert any("累计获得创业投资额" in c.quote.replace(" ", "") for c in answer.citations), answer.answer


def test_out_of_scope_question_is_refused_with_a_department(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("How much does the metro cost?")  # "metro": in no policy
    assert answer.refused and answer.citations == [] and answer.validity == []
    assert "don't cover" in answer.answer and "please ask" in answer.answer
    assert answer.to_json()["refused"] is True
    zh = assistant.ask("公积金贷款最多能贷多少")
    assert zh.refused and "没有涉及" in zh.answer and "建议向" in zh.answer and "咨询" in zh.answer


@pytest.mark.parametrize("question", ["", "   \n", None])
def test_empty_question_gets_a_clear_safe_reply(assistant: PolicyAssistant, question) -> None:
    answer = assistant.ask(question)  # type: ignore[arg-type]
    assert answer.refused and "Please type a question" in answer.answer and answer.citations == []


def test_overlong_question_gets_a_clear_message(assistant: PolicyAssistant) -> None:
    limit = assistant.settings.max_question_chars
    answer = assistant.ask("落户" * limit)
    assert answer.refused and str(limit) in answer.answer and "too long" in answer.answer
    with pytest.raises(InputError, match="too long"):
        assistant.search("落户" * limit)


def test_stream_yields_text_then_the_final_answer(assistant: PolicyAssistant) -> None:
    items = list(assistant.stream("留学回国人员的子女多大可以随迁"))
    assert all(isinstance(x, str) for x in items[:-1]) and isinstance(items[-1], Answer)
    assert "".join(items[:-1]) == items[-1].answer


def test_search_contract(assistant: PolicyAssistant) -> None:
    hits = assistant.search("居住证 积分 120分", k=7)
    assert 0 < len(hits) <= 7
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert set(hits[0].to_json()) == {"id", "doc_title", "locator", "text", "score"}
    assert assistant.search("   ") == []


def test_documents_lists_the_indexed_policies(assistant: PolicyAssistant) -> None:
    titles = [d.title for d in assistant.documents()]
    assert TITLE in titles and len(titles) >= 10


def test_concurrent_asks_from_threads_agree(indexed_settings) -> None:
    fresh = PolicyAssistant(indexed_settings)  # first use from several threads at once: one load, no race
    questions = ["留学生落户要什么条件", "What is the STAR Market support for tech companies?"] * 3
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(fresh.ask, questions))
    assert answers[0].answer == answers[2].answer == answers[4].answer
    assert answers[1].answer == answers[3].answer == answers[5].answer


def test_question_text_not_logged_by_default(assistant: PolicyAssistant, caplog) -> None:
    caplog.set_level("INFO", logger="assistant.service")
    assistant.ask("我的私人问题：留学生落户")
    assert "我的私人问题" not in caplog.text and "chars" in caplog.text
