"""What to hand in (assistant/answer/direct/materials.py), on made-up clauses: the list item naming the documents for
the asker's case answers "要交什么材料？", and neither a heading, a service provided nor one lucky word does."""

from __future__ import annotations

from made_up_clauses import lead_over

from assistant.types import Answer, ClauseAnswer

MATERIALS = ("第六条 申请人需提交下列材料：(一)身份证件。(二)已婚的，提供结婚证书；离异的，提供离婚证或法院判决书。"
             "(三)在本市无住房的，提供单位集体户口簿地址页。申请人应当对所提供的材料真实性负责。")
HEADING = "第九条 随迁的家属为配偶的，需补充提交以下材料"
SERVICE = "第十条 为引进人才提供子女教育、医疗等便利服务。"


def _lead(question: str, *texts: str):
    return lead_over(question, texts, "某区人才落户办法")


def test_the_item_for_the_askers_case_answers_what_to_hand_in() -> None:
    lead = _lead("在本市没有住房，落户要交什么材料？", MATERIALS)
    assert lead is not None and lead.kind == "material"
    assert lead.text == "在本市无住房的，提供单位集体户口簿地址页"  # the item, without its number


def test_one_word_in_common_is_no_answer() -> None:
    assert _lead("我离婚了，要交什么材料？", MATERIALS) is None  # 离婚 alone


def test_a_heading_or_a_service_provided_names_no_document() -> None:
    assert _lead("配偶随迁需要交什么材料？", HEADING) is None
    assert _lead("引进人才的子女教育要准备什么材料？", SERVICE) is None


def test_the_json_gives_the_item_as_the_direct_answer_and_no_verdict() -> None:
    answer = Answer(answer="按…", citations=[], refused=False, validity=[], mode="extractive",
                    clause_answer=ClauseAnswer("某区人才落户办法", "第六条", "在本市无住房的，提供单位集体户口簿地址页",
                                               "material"))
    data = answer.to_json()
    assert data["direct_answer"]["kind"] == "material" and data["direct_answer"]["named"] is None
    assert data["verdict"] is None  # naming a document is no yes or no
