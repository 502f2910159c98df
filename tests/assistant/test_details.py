"""Asked details (assistant/query/details.py): the amount, rate or time limit a question asks for, whether the quoted
clauses state one, and what the answer says when they don't — patterns alone, then on the real index."""

from __future__ import annotations

import pytest

from assistant.answer.compose import missing_detail_line
from assistant.query.details import asked_details, states, unstated
from assistant.service import PolicyAssistant


@pytest.mark.parametrize(("question", "kinds"), [
    ("在上海养狗要办狗证吗？一年多少钱？", ("amount",)),
    ("How much does it cost to list on the Shanghai Equity Exchange?", ("amount",)),
    ("科创企业上市贷的利率是多少", ("rate",)),
    ("合同的履行率要到多少才算数？", ("rate",)),
    ("founder 自己的 shareholding 最低要多少 percent？", ("rate",)),
    ("留学生办落户，审核大概要多久？", ("time_limit",)),
    ("How long does the review take, and what are the fees?", ("amount", "time_limit")),
    ("留学生落户要什么条件", ()),
    ("can a startup founder with 500万 funding shorten the 7-year requirement", ()),  # states an amount, asks none
])
def test_asked_details(question: str, kinds: tuple[str, ...]) -> None:
    assert asked_details(question) == kinds


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("amount", "给予最高50万元资助", True),
    ("amount", "给予一定补贴", False),
    ("rate", "贷款利率不高于同期LPR", True),
    ("rate", "持股比例不低于5%", True),
    ("rate", "鼓励银行加大信贷投放", False),
    ("time_limit", "在10个工作日内完成审核", True),
    ("time_limit", "留学人员应在回国后2年内来本市", True),
    ("time_limit", "由市人力资源社会保障局负责审核", False),
])
def test_states(kind: str, text: str, expected: bool) -> None:
    assert states(kind, text) is expected


def test_unstated_and_the_line_that_says_so() -> None:
    assert unstated(("amount", "time_limit"), ["在10个工作日内完成审核"]) == ("amount",)
    assert unstated((), ["anything"]) == ()
    assert missing_detail_line("zh", ("amount",)) == "所引条款没有写明具体金额。"
    assert missing_detail_line("en", ("amount", "rate")) == "The quoted clauses don't state an amount or a rate. "
    assert missing_detail_line("zh", ()) == ""


def test_the_sentence_stating_the_asked_time_limit_is_quoted(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("How long does the review take for the returnee hukou?")
    assert not answer.refused and answer.missing_details == ()
    assert any("10个工作日" in c.quote and c.verified for c in answer.citations)


def test_an_answer_whose_quotes_lack_the_asked_rate_says_so(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("国有创投企业跟投比例是多少")  # 跟投 is in the policies; no ratio is given for it
    assert answer.missing_details == ("rate",)
    assert answer.to_json()["missing_details"] == ["rate"]
    if not answer.refused:
        # said first, with whom to ask for it
        assert answer.answer.startswith("所引条款没有写明具体比例或利率") and "请向" in answer.answer.split("\n")[0]
        assert all(not states("rate", c.quote) for c in answer.citations)
