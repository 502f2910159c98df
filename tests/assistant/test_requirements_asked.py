"""A question that asks what the conditions are ("留学生落户要什么条件？") is answered with the conditions of the rule it
asks about, each a span of its clause, and the other routes the document offers. Made-up clauses through the real
extractor; then the whole pipeline on the default corpus."""

from __future__ import annotations

from clause_units import clause_units

from assistant.answer.compose.requirements_text import IN_FULL, requirements_lines
from assistant.answer.eligibility.overview import requirements_asked
from assistant.query.asked_form import asks_conditions, without_form
from assistant.service import PolicyAssistant
from assistant.types import SearchHit
from ingest.eligibility.extract import extract_rules

TITLE = "某市海外人才落户细则"
CLAUSES = [
    ("第三条", "第三条 基本条件\n（二）海外人才申办本市常住户口同时应符合下列条件\n"
              "1.应在回国后3年内来本市工作。\n"
              "2.最近连续12个月社会保险缴费基数不低于上年度平均工资的2倍。\n"
              "3.年龄距法定退休年龄8年以上。"),
    ("第四条", "第四条 激励条件\n（一）在国(境)外高水平大学获得博士学位的人员，全职来本市工作后可直接申办落户。\n"
              "（二）获得硕士学位的人员，全职来本市工作并缴纳社会保险费满9个月后可申办落户。"),
    ("第五条", "第五条 家属随迁\n符合落户条件的海外人才，其16周岁及以下的子女属随迁范围。"),
]
UNITS = clause_units(TITLE, CLAUSES)
RULES = extract_rules(UNITS)
HITS = [SearchHit(id=u.id, doc_id=u.doc_id, doc_title=TITLE, locator=u.locator, text=u.text, score=1.0)
        for u in UNITS]


def test_which_questions_ask_for_the_conditions() -> None:
    for q in ("留学生落户要什么条件", "申请低保需要满足哪些条件？", "公积金贷款的申请条件", "What are the requirements for a hukou?",
              "Who is eligible for the subsidy?", "how do I qualify for the talent route"):
        assert asks_conditions(q), q
    for q in ("我博士毕业，能直接落户吗？", "审核要多久？", "Can I get a hukou with a master's degree?"):
        assert not asks_conditions(q), q


def test_the_form_that_asks_for_conditions_comes_off_for_the_out_of_scope_check() -> None:
    assert without_form("拿到风险投资的创业者，居转户的年限能缩短吗？需要满足哪些条件？") == "拿到风险投资的创业者，居转户的年限能缩短吗？"
    assert without_form("海归想落户上海，需要满足哪些基本条件？") == "海归想落户上海？"
    assert without_form("What are the requirements for a hukou?") == "a hukou?"
    assert without_form("审核要多久？") == "审核要多久？"  # no such form: the question as it is


def test_a_general_question_gets_what_every_applicant_must_meet_and_the_other_routes() -> None:
    asked = requirements_asked("海外人才落户要什么条件？", RULES, HITS[::-1])  # the general list ranked last
    assert asked is not None and asked.rule.general and asked.rule.locator == "第三条"
    assert asked.other_routes == ("第四条（一）", "第四条（二）")
    lines = requirements_lines(asked, "zh")
    assert lines[0].startswith("申办本市常住户口，每位申请人都须同时符合的条件主要有（第三条）")
    bullets = [line for line in lines if line.startswith("•")]
    assert len(bullets) == 3 and any("回国后3年内" in b for b in bullets)
    assert any("最近连续12个月社会保险缴费基数不低于上年度平均工资…2倍" in b for b in bullets)  # 的 elided, not dropped
    for bullet in bullets:  # every listed condition is the clause's own words
        assert all(part in CLAUSES[0][1] for part in bullet[2:].split("…"))
    assert lines[-2:] == ["同一文件另有2种途径：第四条（一）、第四条（二）。", IN_FULL["zh"]]
    en = requirements_lines(asked, "en")
    assert en[0].startswith("To apply for a Shanghai hukou, every applicant must meet all of these, among others (第三条)")
    assert any("within 3 years of returning from abroad" in line for line in en)
    assert any("at least 8 years before the statutory retirement age" in line for line in en)


def test_a_question_about_a_route_or_a_family_member_gets_that_rule() -> None:
    direct = requirements_asked("直接落户需要什么条件？", RULES, HITS)
    assert direct is not None and direct.rule.outcome.kind == "direct_hukou"
    assert any("博士学位" in line for line in requirements_lines(direct, "zh"))
    child = requirements_asked("孩子随迁要满足什么条件？", RULES, HITS)
    assert child is not None and child.rule.beneficiary == "child"
    assert requirements_lines(child, "zh")[0].startswith("子女随迁")


FUND = "某市公积金办法"
FUND_CLAUSES = [("第七条", "第七条 职工有下列情形之一的，可以申请提取本人公积金账户内的存储余额：\n（一）购买自住住房的；\n"
                          "（二）离休、退休的；\n（三）出境定居的。"),
                ("第九条", "第九条 职工申请公积金贷款的，应当同时符合下列条件：\n（一）缴存公积金满6个月；\n（二）无尚未还清的债务。")]
FUND_UNITS = clause_units(FUND, FUND_CLAUSES)
FUND_RULES = extract_rules(FUND_UNITS)
FUND_HITS = [SearchHit(id=u.id, doc_id=u.doc_id, doc_title=FUND, locator=u.locator, text=u.text, score=1.0)
             for u in FUND_UNITS]


def test_grounds_for_the_same_outcome_are_listed_each_on_a_line() -> None:
    asked = requirements_asked("提取公积金需要什么条件？", FUND_RULES, FUND_HITS, terms=["提取", "公积金"])
    assert asked is not None and len(asked.alternatives) == 3 and asked.other_routes == ()
    lines = requirements_lines(asked, "zh")
    assert lines[0] == "申请提取本人公积金账户内的存储余额，符合以下任一情形即可（第七条（一）–（三））："
    assert lines[1:] == ["• 购买自住住房的", "• 离休、退休的", "• 出境定居的", IN_FULL["zh"]]
    # the loan's conditions are another outcome: a question about the loan gets them, all of them at once
    loan = requirements_asked("公积金贷款要满足哪些条件？", FUND_RULES, FUND_HITS, terms=["公积金", "贷款"])
    assert loan is not None and loan.rule.locator == "第九条" and not loan.alternatives
    assert requirements_lines(loan, "zh")[1:] == ["• 缴存公积金满6个月", "• 无尚未还清的债务", IN_FULL["zh"]]
    # a question that names none of what these rules grant gets no list
    assert requirements_asked("申请补贴需要什么条件？", FUND_RULES, FUND_HITS, terms=["补贴"]) is None


def test_no_list_without_a_conditions_question_or_a_rule_of_the_asked_kind() -> None:
    assert requirements_asked("海外人才能落户吗？", RULES, HITS) is None
    assert requirements_asked("申请补贴需要什么条件？", RULES, HITS) is None  # no rule grants a subsidy
    assert requirements_asked("海外人才落户要什么条件？", RULES, []) is None  # nothing retrieved


def test_the_pipeline_lists_the_returnees_general_requirements(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("留学生落户要什么条件")
    lines = answer.answer.splitlines()
    assert not answer.refused and answer.verdict is None
    assert lines[0].startswith("申办本市常住户口，每位申请人都须同时符合的条件主要有（第三条（二））")
    assert any(line.startswith("•") and "合同有效期在2年及以上" in line for line in lines)
    # the clause the list rests on is quoted first, verbatim
    assert answer.citations[0].locator == "第三条（二）" and answer.citations[0].verified
    data = answer.to_json()["requirements"]
    assert data["locator"] == "第三条（二）" and data["general"] is True and data["other_routes"]
    english = assistant.ask("What are the requirements for returned overseas students to get a Shanghai hukou?")
    assert english.answer.startswith("To apply for a Shanghai hukou, every applicant must meet")


def test_asking_for_the_conditions_is_not_refused_nor_judged_on_a_role_alone(assistant: PolicyAssistant) -> None:
    # Many out-of-scope questions end "要什么条件"; the learned check judges what a question is about without it.
    answer = assistant.ask("拿到风险投资的创业者，居转户的年限能缩短吗？需要满足哪些条件？")
    assert not answer.refused and answer.verdict is None  # "创业者" alone decides nothing: the conditions, listed
    assert answer.requirements is not None and answer.requirements.rule.outcome.kind == "shorten"
    assert "首轮创业投资额" in answer.answer.split("\n\n")[0]


def test_the_pipeline_lists_nothing_for_a_thing_no_policy_uses_nor_for_a_verdict(assistant: PolicyAssistant) -> None:
    assert assistant.ask("公租房需要什么条件？").to_json()["requirements"] is None
    judged = assistant.ask("我博士毕业，在国外读的，能直接落户吗？需要什么条件？")
    assert judged.verdict is not None and judged.requirements is None


def test_a_list_of_ways_to_qualify_is_listed_way_by_way_with_what_binds_them_all() -> None:
    text = ("第六条 在境外知名高校担任讲师及以上职务，在全球200强企业担任中层管理职务，或者经本区认定为紧缺人才的海归人员，"
            "以及在境外知名高校获得博士学位的人员等，全职来本区工作并缴纳社会保险费满3个月后可直接申办落户。")
    units = clause_units(TITLE, [("第六条", text)])
    hits = [SearchHit(id=u.id, doc_id=u.doc_id, doc_title=TITLE, locator=u.locator, text=u.text, score=1.0)
            for u in units]
    rules = extract_rules(units)
    asked = requirements_asked("海归直接落户要什么条件？", rules, hits)
    assert asked is not None
    lines = requirements_lines(asked, "zh")
    assert lines[0] == "直接申办本市常住户口，符合以下任一情形即可（第六条）："
    assert lines[1:5] == ["• 在境外知名高校担任讲师及以上职务", "• 在全球200强企业担任中层管理职务",
                          "• 经本区认定为紧缺人才", "• 在境外知名高校获得博士学位"]
    assert lines[5] == "• 并且都须：缴纳社会保险费满3个月"
    english = requirements_lines(asked, "en")
    assert english[0] == "To apply for a Shanghai hukou directly, any one of these is enough (第六条):"
    assert english[5].startswith("• and in every case: social insurance at least 3 months")


def test_a_route_of_the_kind_asked_is_listed_though_only_the_general_list_was_retrieved() -> None:
    general_only = [h for h in HITS if h.locator == "第三条"]
    asked = requirements_asked("海外人才直接落户要什么条件？", RULES, general_only, RULES, ["海外人才", "直接", "常住户口"],
                               lambda uid: next(u.doc_id for u in UNITS if u.id == uid))
    assert asked is not None and asked.rule.outcome.kind == "direct_hukou" and asked.rule.locator == "第四条（一）"


def test_the_pipeline_quotes_the_clause_of_the_listed_route(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("What are the requirements for a returnee to get a Shanghai hukou directly?")
    assert answer.requirements is not None and answer.requirements.rule.locator == "第四条（一）"
    assert answer.answer.startswith("To apply for a Shanghai hukou directly, any one of these is enough (第四条（一）)")
    assert any(c.locator == "第四条" and c.verified and "副教授" in c.quote for c in answer.citations)
