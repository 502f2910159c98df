"""Statutes' definitions as rules ("X，是指…的本市户籍家庭"), a list that says what one applies for ("申请X的，应当
同时符合下列条件"), and where the visitor's hukou is — on made-up clauses in the shape of Shanghai's regulations."""

from __future__ import annotations

import pytest
from clause_units import clause_units

from assistant.answer.compose import checklist, verdict_line
from assistant.answer.eligibility.asked import asked_kind
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.verdict import decide
from ingest.eligibility.extract import extract_rules
from ingest.eligibility.vocabulary import hukou_status

CLAUSES = [
    ("第八条", "第八条 住房困难家庭，是指在本市共同生活的家庭成员人均月收入低于2000元，且符合本市住房保障面积标准的"
              "本市户籍家庭。"),
    ("第九条", "第九条 临时帮扶对象，是指具有下列情形之一的家庭：\n（一）因意外事件导致基本生活出现严重困难的本市户籍家庭"
              "或者持有本市居住证的非本市户籍家庭；\n（二）因重病导致基本生活陷入困境的本市户籍家庭。"),
    ("第十条", "第十条 职工申请租房补贴的，应当同时符合下列条件：\n（一）在本市连续缴存住房公积金满12个月；\n"
              "（二）在本市无自有住房；\n（三）与用人单位签订劳动合同；\n"
              "（四）无未还清的住房贷款，或者已为住房贷款提供担保。"),
    ("第十一条", "第十一条 住房困难家庭中六十周岁以上老年人申请配租的，给予租金补贴。"),
    ("第十二条", "第十二条 住房保障边缘家庭，是指家庭成员人均月收入低于3000元的本市户籍家庭。"),
    ("第十三条", "第十三条 对生活困难家庭，按照下列规定予以帮扶：\n\n（一）提供基本生活条件；\n\n（二）办理丧葬事宜。\n\n"
              "生活困难家庭中的未成年人年满十六周岁后，仍在高中阶段就读的，继续予以帮扶。"),
    ("第十四条", "第十四条 职工享受最低生活保障，或者连续失业两年以上且家庭生活严重困难的，也可以申请提取住房公积金。"),
]
RULES = extract_rules(clause_units("某市住房保障条例", CLAUSES))


def _rules(locator: str):
    return [r for r in RULES if r.locator.startswith(locator)]


def _ask(question: str, *locators: str):
    return decide([question], merge_facts([question]), [r for loc in locators for r in _rules(loc)], [])


def _shape(rule) -> list[list[tuple]]:
    return [[tuple((c.kind, c.text) for c in option) for option in req.options] for req in rule.requirements]


def test_a_definition_is_a_rule_whose_words_are_all_conditions() -> None:
    (rule,) = _rules("第八条")
    assert (rule.outcome.kind, rule.outcome.text) == ("status", "住房困难家庭")
    assert _shape(rule) == [
        [(("other", "在本市共同生活"),)],
        [(("amount", "家庭成员人均月收入低于2000元"),)],
        [(("other", "符合本市住房保障面积标准"),)],
        [(("credential", "本市户籍家庭"),)],
    ]
    text = dict(CLAUSES)["第八条"]
    assert all(text[c.start:c.end] == c.text for c in rule.conditions)  # verbatim spans, no article label


def test_a_definitions_list_gives_one_rule_per_item_with_the_hukou_alternatives() -> None:
    first, second = _rules("第九条")
    assert (first.locator, second.locator) == ("第九条（一）", "第九条（二）")
    assert first.outcome.text == second.outcome.text == "临时帮扶对象"
    assert _shape(first)[-1] == [(("credential", "本市户籍家庭"),), (("credential", "持有本市居住证"),)]
    assert ("other", "因意外事件导致基本生活出现严重困难") in [(c.kind, c.text) for c in first.conditions]


def test_a_list_for_what_one_applies_for_is_a_rule_of_all_its_items() -> None:
    (rule,) = _rules("第十条")
    assert (rule.outcome.kind, rule.outcome.text) == ("other", "申请租房补贴")
    assert [c.text for c in rule.conditions] == ["在本市连续缴存住房公积金满12个月", "在本市无自有住房", "与用人单位签订劳动合同",
                                                 "无未还清的住房贷款", "已为住房贷款提供担保"]  # "或者" joins, it is no word


@pytest.mark.parametrize(("text", "rung"), [
    ("我们家都是外地户口，在上海住了十几年", 0), ("我是上海户口", 2), ("我有居住证，能申请吗", 1),
    ("不是上海户口，有居住证", 1), ("Our family all have Shanghai hukou", 2),
    ("I'm not a Shanghai hukou holder but I have a residence permit", 1), ("we have a non-local hukou", 0),
    ("我们全家都是上海户口", 2), ("I don't have a Shanghai hukou", 0), ("持有居住证满7年", 1),
    ("我们一家都是河南户口", 0), ("I have a Beijing hukou", 0),
])
def test_where_the_visitor_says_their_hukou_is(text, rung) -> None:
    assert hukou_status(text)[0] == rung


@pytest.mark.parametrize("text", ["能落上海户口吗", "我想拿到上海户口", "can I get a Shanghai hukou?", "怎么申请本市户籍",
                                  "上海户口难不难拿", "Is there a route to a Shanghai hukou for someone like me?",
                                  "居住证积分怎么算", "什么是上海户口", "What is the Shanghai hukou points threshold?"])
def test_a_hukou_asked_for_is_not_one_held(text) -> None:
    assert hukou_status(text) is None


def test_saying_where_ones_hukou_is_does_not_make_a_question_about_hukou() -> None:
    assert asked_kind("我们家都是外地户口，能申请低保吗？") == "any"
    assert asked_kind("外地户口能落户吗？") == "hukou"
    assert asked_kind("我是北京户口，能转到上海吗？") == "hukou"  # the hukou asked for is still the question


def test_a_hukou_from_elsewhere_fails_a_definition_that_requires_a_local_one() -> None:
    v = _ask("我们家是外地户口，人均月收入1500元，算住房困难家庭吗？", "第八条")
    assert v.outcome == "no"
    assert verdict_line(v, "zh").startswith("不属于“住房困难家庭”（第八条）")
    assert "✗ 本市户籍家庭（您：外地户口）" in checklist(v, "zh")


def test_meeting_what_a_definition_measures_leaves_its_words_to_decide() -> None:
    v = _ask("We have a Shanghai hukou and earn 1,500 yuan a month each. Are we a 住房困难家庭?", "第八条")
    assert v.outcome == "depends"
    line = verdict_line(v, "en")
    assert "符合本市住房保障面积标准" in line and "you count as 「住房困难家庭」" in line and "otherwise" in line
    assert _ask("我们是上海户口，人均月收入3000元，算住房困难家庭吗？", "第八条").outcome == "no"  # the income fails


def test_a_residence_permit_meets_the_alternative_for_non_local_families() -> None:
    v = _ask("我不是上海户口，但有居住证，家里出了意外事件，生活很困难，算临时帮扶对象吗？", "第九条")
    assert v is not None and v.outcome != "no"
    assert "✓ 持有本市居住证（您：居住证）" in checklist(v, "zh")
    assert _ask("我们是外地户口，没有居住证，能算临时帮扶对象吗？", "第九条").outcome == "no"


def test_a_list_of_words_for_what_one_applies_for_depends_on_the_words_unsaid() -> None:
    v = _ask("我连续缴存住房公积金满两年了，能申请租房补贴吗？", "第十条")
    assert v.outcome == "depends"
    assert "可以申请租房补贴" in verdict_line(v, "zh")


def test_a_condition_never_starts_with_its_articles_label() -> None:
    (rule,) = _rules("第十一条")
    assert [(c.kind, c.text) for c in rule.conditions] == [("age", "住房困难家庭中六十周岁以上")]


def test_the_definition_the_question_names_is_the_one_judged() -> None:
    # 第十二条 is met more fully (nothing left to check), but the visitor asks about 住房困难家庭
    question = "我们是上海户口，人均月收入1500元，算住房困难家庭吗？"
    v = decide([question], merge_facts([question]), [*_rules("第八条"), *_rules("第十二条")], ["住房困难家庭"])
    assert v.outcome == "depends" and v.main.rule.locator == "第八条"


def test_what_a_sentence_grants_of_no_ranked_kind_keeps_its_words_and_a_minor_is_under_18() -> None:
    (rule,) = _rules("第十三条")
    assert rule.locator == "第十三条"  # the paragraph after the list, not its last item
    assert rule.outcome.text == "继续予以帮扶"
    assert [(c.kind, c.op, c.value, c.text) for c in rule.conditions] == [
        ("other", None, None, "生活困难家庭中"), ("age", "<", 18.0, "未成年"), ("age", ">=", 16.0, "未成年人年满十六周岁"),
        ("other", None, None, "仍在高中阶段就读")]
    assert _ask("我今年20岁，还在读高中，能继续帮扶吗？", "第十三条").outcome == "no"  # no longer a minor


def test_parts_after_or_are_other_ways_to_qualify() -> None:
    (rule,) = _rules("第十四条")
    assert rule.outcome.text.startswith("也可以申请提取住房公积金")
    (requirement,) = rule.requirements
    assert [[(c.kind, c.text) for c in option] for option in requirement.options] == [
        [("other", "职工享受最低生活保障")],
        [("duration", "连续失业两年以上"), ("other", "家庭生活严重困难")]]
    assert _ask("我连续失业一年半了，能提取公积金吗？", "第十四条").outcome == "no"


def test_the_definition_the_question_names_is_judged_even_when_another_is_met() -> None:
    # a residence permit meets 第九条（一）'s alternative, but the visitor asks about 住房困难家庭 (第八条)
    question = "我们是外地户口，有居住证，家里困难，算住房困难家庭吗？"
    v = decide([question], merge_facts([question]), [*_rules("第八条"), *_rules("第九条")], ["住房困难家庭"])
    assert v.outcome == "no" and v.main.rule.locator == "第八条"


def test_a_question_that_does_not_ask_about_family_members_gets_no_verdict_on_their_move() -> None:
    rules = extract_rules(clause_units("某区人才家属办法", [
        ("第六条", "引进人才已婚的，其配偶、未成年子女可以随同办理户口迁移手续。")]))
    question = "我老婆和孩子都在外地，我月收入1500元，能申请低保吗？"
    assert decide([question], merge_facts([question]), rules, []) is None


def test_a_paragraph_after_a_definitions_list_is_no_part_of_its_last_item() -> None:
    text = ("第十五条 应急帮扶对象，是指具有下列情形之一的家庭或者个人：\n（一）因水灾导致基本生活出现严重困难的本市户籍家庭；\n"
            "（二）无固定住所的流浪人员。\n区人民政府可以根据本区的实际情况，规定遭遇其他特殊困难的个人为应急帮扶对象。")
    rules = extract_rules(clause_units("某市帮扶条例", [("第十五条", text)]))
    last = next(r for r in rules if r.locator.endswith("（二）"))
    assert [c.text for c in last.conditions] == ["无固定住所的流浪人员"]


def test_naming_what_a_condition_measures_leaves_a_bar_set_elsewhere_to_decide() -> None:
    text = ("第十六条 大病支出家庭，是指家庭年医疗费用支出在家庭年可支配收入中的占比达到或者超过规定比例的本市户籍家庭。")
    rules = extract_rules(clause_units("某市帮扶条例", [("第十六条", text)]))
    question = "我们家都是本市户口，一年医疗费自己花了七万多，收入十五万，算不算大病支出家庭？"
    v = decide([question], merge_facts([question]), rules, ["医疗", "医疗费", "大病", "支出", "家庭"])
    assert v is not None and v.outcome == "depends"  # the share is the visitor's to work out against 规定比例
    assert "规定比例" in verdict_line(v, "zh")


def test_words_alone_judge_a_definition_only_when_the_question_names_it() -> None:
    rules = _rules("第九条")
    unnamed = "家里出了意外事件，基本生活很困难，单位能给我批几天假吗？"
    assert decide([unnamed], merge_facts([unnamed]), rules, ["意外", "事件", "基本", "生活", "困难"]) is None
    named = "家里出了意外事件，基本生活很困难，能算临时帮扶对象吗？"
    verdict = decide([named], merge_facts([named]), rules, ["意外", "事件", "基本", "生活", "困难", "临时帮扶对象"])
    assert verdict is not None and verdict.main.rule.outcome.text == "临时帮扶对象"


def test_years_of_paying_into_the_housing_fund_are_no_years_out_of_work() -> None:
    paid = "我公积金连续交了三年了，家里生活严重困难，能提取公积金吗？"
    verdict = _ask(paid, "第十四条")
    assert verdict is None or verdict.outcome != "yes"
    out_of_work = "我连续失业三年了，家里生活严重困难，能提取公积金吗？"
    assert _ask(out_of_work, "第十四条").outcome == "yes"


def test_a_case_said_in_words_only_is_a_rule_of_its_parts() -> None:
    clause = ("第二十条 对未发生债权债务，已结清职工工资、社会保险费用和应缴纳税款，并由全体投资人书面承诺对上述情况的真实性"
              "承担法律责任的，可以按照简易程序办理注销登记。")
    (rule,) = extract_rules(clause_units("某市营商环境条例", [("第二十条", clause)]))
    assert [c.text for c in rule.conditions] == ["对未发生债权债务", "已结清职工工资、社会保险费用和应缴纳税款",
                                                 "由全体投资人书面承诺对上述情况的真实性承担法律责任"]
    question = "我们公司没欠债，工资社保税款都结清了，能走简易注销吗？"
    verdict = decide([question], merge_facts([question]), [rule], ["债务", "结清", "工资", "社会保险", "税款", "简易", "注销"])
    assert verdict is not None
    assert "可以按照简易程序办理注销登记" in verdict_line(verdict, "zh") and "享受" not in verdict_line(verdict, "zh")
