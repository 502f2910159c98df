"""What befalls a breach (assistant/answer/direct/consequences.py), on made-up clauses: the sentence stating the
consequence for the breach asked about answers "会怎么样 / what happens if", read from the whole unit and quoted."""

from __future__ import annotations

from datetime import date

from made_up_clauses import lead_over

from assistant.answer.direct import direct_answer
from assistant.answer.direct.consequences import asks_consequence
from assistant.answer.extractive import Passage, build_extractive_answer
from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.textproc import default_processor
from assistant.types import SearchHit

HONESTY = "第十八条 申请人应当如实提供证明材料，严禁弄虚作假。一旦发现虚假或伪造，暂停直至取消其再申请的资格。"
FUND = ("第十九条 以欺骗手段违法提取住房公积金的，公积金管理中心应当责令限期退回违法所提款额，并可处违法所提款额"
        "百分之十以上百分之五十以下的罚款。")
TITLE = "某区人才公寓管理办法"


def _lead(question: str, *texts: str, share=None):
    return lead_over(question, texts, TITLE, term_share=share)


def test_the_consequence_of_the_breach_asked_about_answers() -> None:
    lead = _lead("材料造假被查出来会怎么样？", HONESTY, FUND)
    assert lead is not None and lead.kind == "consequence"
    # the breach is said in the sentence before: 材料 and 弄虚作假 are there, the consequence here
    assert lead.text == "一旦发现虚假或伪造，暂停直至取消其再申请的资格"
    fund = _lead("用欺骗手段提取公积金会被罚吗？", HONESTY, FUND)
    assert fund is not None and fund.text.startswith("以欺骗手段违法提取住房公积金的，公积金管理中心应当责令")


def test_the_consequence_of_another_breach_is_no_answer() -> None:
    assert _lead("材料交晚了会怎么样？", HONESTY) is None  # 材料 alone: late is not false
    # in English, words reach the clause through their translations, often by luck: three are not enough
    assert _lead("What happens if an applicant hands in false materials?", HONESTY) is None


def test_one_rare_word_in_common_is_enough_in_chinese() -> None:
    def share(term: str) -> float:
        return 0.01 if term == "欺骗" else 0.5

    assert _lead("欺骗会怎么处理？", FUND) is None  # one word, and nothing says how rare
    assert _lead("欺骗会怎么处理？", FUND, share=share) is not None


def test_a_past_fine_or_an_obstacle_is_not_a_consequence_asked() -> None:
    assert asks_consequence("单位不交公积金会被罚吗？")
    assert asks_consequence("What happens if a company lies on its application?")
    assert not asks_consequence("公司以前被罚过，还能申请吗？")
    assert not asks_consequence("Is it fine to apply online?")


def test_the_sentence_stated_is_quoted_though_another_one_was_selected() -> None:
    question = "材料造假被查出来会怎么样？"
    hit = SearchHit(id="d:0", doc_id="d", doc_title=TITLE, locator="第十八条", text=HONESTY, score=1.0)
    tp = default_processor()
    expanded = CrossLingualExpander(tp, frozenset(tp.tokenize(HONESTY))).expand(question)
    answer = build_extractive_answer(question, [hit], expanded, date(2026, 12, 8))
    assert answer.answer.startswith("按《某区人才公寓管理办法》第十八条：一旦发现虚假或伪造")
    assert any("暂停直至取消其再申请的资格" in c.quote for c in answer.citations)
    assert answer.to_json()["direct_answer"]["kind"] == "consequence"


def test_a_consequence_in_another_retrieved_unit_of_the_document_answers() -> None:
    duty = SearchHit(id="d:0", doc_id="d", doc_title=TITLE, locator="第十八条", text="第十八条 申请人应当如实提供证明材料。",
                     score=1.0)
    liability = SearchHit(id="d:1", doc_id="d", doc_title=TITLE, locator="第二十五条",
                          text="第二十五条 提供虚假或伪造材料的，取消其再申请的资格。", score=0.5)
    question = "材料造假被查出来会怎么样？"
    tp = default_processor()
    expanded = CrossLingualExpander(tp, frozenset(tp.tokenize(duty.text + liability.text))).expand(question)
    quoted = [Passage(0, duty, 0, len(duty.text), 1.0)]
    assert direct_answer(question, quoted, (), (), expanded) is None  # the quoted duty says nothing of it
    lead = direct_answer(question, quoted, (), (), expanded, units=[duty, liability])
    assert lead is not None and lead.hit is liability and lead.text == "提供虚假或伪造材料的，取消其再申请的资格"
