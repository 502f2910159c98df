"""Whether the city will do something ("会不会…", "有没有…", "Is there…"), answered by what a plan says it will do
(assistant/answer/direct/clauses.py): on made-up clauses, then on the real index."""

from __future__ import annotations

from made_up_clauses import lead_over

from assistant.answer.compose import DirectAnswer, Findings, opening
from assistant.service import PolicyAssistant
from assistant.types import SearchHit

PLAN = ("三、推动建设社区智能储物柜和保温外卖柜，推进社区储物设施共享。",
        "四、支持商业银行为本区企业提供并购贷款。",
        "五、研究设立文化创意板，为文化企业提供挂牌服务。")
WITHDRAWN = ("六、不再推动建设社区智能储物柜。",)
_COMMON = {"银行", "商业银行", "企业", "贷款", "推动", "建设", "社区", "服务"}


def _share_stand_in(term: str) -> float:
    """A stand-in for the index's share of units holding a word (HybridRetriever.term_share): these few are common."""
    return 0.4 if term in _COMMON else 0.01


def _lead(question: str, texts: tuple[str, ...] = PLAN, share=_share_stand_in) -> DirectAnswer | None:
    return lead_over(question, texts, "某区数字经济发展行动方案", general=True, term_share=share)


def test_asked_whether_the_city_will_do_it_the_plan_that_says_so_answers() -> None:
    lead = _lead("社区里会不会多装一些智能储物柜和保温外卖柜？")
    assert lead is not None and lead.kind == "plan"
    assert lead.text == "推动建设社区智能储物柜和保温外卖柜"  # the clause, without its item number
    other_words = _lead("有没有计划在小区放智能储物柜、保温外卖柜？")
    assert other_words is not None and other_words.text == "推动建设社区智能储物柜和保温外卖柜"


def test_a_plan_sharing_only_common_words_with_the_question_is_no_answer() -> None:
    # 银行, 企业 and 贷款 are in common, all three in most clauses of a finance plan; 航运 and 长期 are not
    assert _lead("银行会不会给航运企业放长期贷款？") is None


def test_a_plan_needs_three_words_in_common_even_when_two_are_rare() -> None:
    assert _lead("会不会有文化创意方面的补贴？") is None  # 文化, 创意: two rare words, nothing more


def test_without_the_word_shares_or_with_a_negation_a_plan_answers_nothing() -> None:
    assert _lead("社区里会不会多装一些智能储物柜和保温外卖柜？", share=None) is None
    assert _lead("社区里会不会多装一些智能储物柜和保温外卖柜？", WITHDRAWN) is None


def test_a_plan_is_said_as_a_yes_in_both_languages() -> None:
    hit = SearchHit(id="d:0", doc_id="d", doc_title="某区数字经济发展行动方案", locator="三、", text=PLAN[0], score=1.0)
    lead = DirectAnswer("plan", hit, "推动建设社区智能储物柜和保温外卖柜")
    zh = opening(Findings("zh", [hit], [], direct=lead)).split("\n")[0]
    assert zh == "是的：《某区数字经济发展行动方案》三、提出“推动建设社区智能储物柜和保温外卖柜”。"
    en = opening(Findings("en", [hit], [], direct=lead)).split("\n")[0]
    assert en.startswith("Yes — 《某区数字经济发展行动方案》 三、 says: 「推动建设")


def test_on_the_real_index_the_plan_answers_yes_and_the_json_says_so(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("上市公司独立董事有没有人才库")
    assert answer.answer.startswith("是的：《关于推动提高上海上市公司质量的若干措施》二、")
    direct = answer.to_json()["direct_answer"]
    assert direct["kind"] == "grant" and "独立董事人才库" in direct["text"]
    assert answer.to_json()["verdict"]["outcome"] == "yes"
