"""A document's general requirements ("申办…户口同时应符合下列条件") bind its routes: a route whose own
condition is met is still unmet when a stated fact fails the general list, except where the list spares
that route ("符合下述第四条第一款条件的除外"). Made-up clauses, the real extractor and verdict."""

from __future__ import annotations

from clause_units import clause_units

from assistant.answer.compose import verdict_line
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.verdict import decide
from ingest.eligibility.extract import extract_rules

CLAUSES = [
    ("第三条", "第三条 基本条件\n（一）海外人才的学位应符合下列条件之一\n1.在国(境)外高校获得博士学位。\n"
              "2.在国(境)外高校获得硕士学位。\n"
              "（二）海外人才申办本市常住户口同时应符合下列条件\n"
              "1.应在回国后3年内来本市工作(符合下述第四条第一款条件的除外)。\n"
              "2.符合本条第一款第1项条件的人员，最近连续6个月社会保险缴费基数不低于上年度平均工资；"
              "符合本条第一款第2项条件的人员，最近连续12个月社会保险缴费基数不低于上年度平均工资的2倍。\n"
              "3.年龄距法定退休年龄8年以上。"),
    ("第四条", "第四条 激励条件\n（一）在国(境)外高水平大学获得博士学位的人员，全职来本市工作后可直接申办落户。\n"
              "（二）获得硕士学位的人员，全职来本市工作并缴纳社会保险费满9个月后可申办落户。"),
    ("第五条", "第五条 家属随迁\n符合落户条件的海外人才，其16周岁及以下的子女属随迁范围。"),
]
RULES = extract_rules(clause_units("某市海外人才落户细则", CLAUSES))


def _verdict(*messages: str):
    return decide(list(messages), merge_facts(messages), RULES)


def _route(outcome_kind: str):
    return next(r for r in RULES if r.outcome.kind == outcome_kind and not r.general)


def test_the_general_list_is_marked_and_its_requirements_bind_each_hukou_route() -> None:
    [general] = [r for r in RULES if r.general]
    assert general.locator == "第三条" and general.outcome.kind == "apply_hukou"
    direct, apply = _route("direct_hukou"), _route("apply_hukou")
    assert direct.inherited_from == apply.inherited_from == "第三条"
    texts = {c.text for req in apply.inherited for o in req.options for c in o}
    assert any("回国后3年内" in t for t in texts) and any("退休年龄8年以上" in t for t in texts)
    # The first paragraph of 第四条 is spared the return deadline; the second is not.
    spared = {c.text for req in direct.inherited for o in req.options for c in o}
    assert not any("回国后3年内" in t for t in spared) and any("退休年龄8年以上" in t for t in spared)
    # A family-move clause is no route to hukou of one's own: it inherits nothing.
    assert all(not r.inherited for r in RULES if r.outcome.kind not in ("direct_hukou", "apply_hukou"))
    assert general.to_json()["general"] is True and direct.to_json()["general_requirements_from"] == "第三条"


def test_cases_within_an_item_are_alternatives() -> None:
    [general] = [r for r in RULES if r.general]
    wage = next(req for req in general.requirements
                if any("社会保险缴费基数" in c.text for o in req.options for c in o))
    assert len(wage.options) == 2
    assert {c.value for c in wage.options[1] if c.kind == "duration"} == {12}


def test_a_met_route_fails_on_the_general_age_limit() -> None:
    v = _verdict("我在英国读的博士，今年55岁，法定退休年龄60岁，全职来上海工作，能直接落户吗？")
    assert v is not None and v.outcome == "no"
    failing = [x.condition.text for x in v.branches[0].nearest.unmet]
    assert failing == ["年龄距法定退休年龄8年以上"]
    assert "8年" in verdict_line(v, "zh")
    young = _verdict("我在英国读的博士，今年45岁，法定退休年龄60岁，全职来上海工作，能直接落户吗？")
    assert young is not None and young.outcome == "yes"


def test_the_spared_route_ignores_the_return_deadline_and_the_other_does_not() -> None:
    assert _verdict("英国博士，回国已经5年了，全职来上海工作，能直接落户吗？").outcome == "yes"
    v = _verdict("英国硕士，回国已经5年了，社保交了10个月，能申办落户吗？")
    assert v is not None and v.outcome == "no"
    assert any("回国后3年内" in x.condition.text for x in v.branches[0].nearest.unmet)


def test_general_requirements_nobody_spoke_of_are_not_listed_to_check() -> None:
    v = _verdict("英国博士，全职来上海工作，能直接落户吗？")
    assert v is not None and v.outcome == "yes"
    shown = [x.condition.text for x in v.branches[0].best.conditions]
    assert not any("退休" in t or "社会保险" in t for t in shown)


EMPLOYER = extract_rules(clause_units("某市海外人才落户细则（二）", [
    ("第二条", "第二条 申请单位应具备的基本条件\n申请单位应是在本市注册登记、注册资金在200万元人民币及以上、依法纳税的各类企业。"),
    ("第四条", "第四条 激励条件\n（一）获得硕士学位的人员，全职来本市工作后可申办落户。\n"
              "（二）留学人员在本市创办企业，企业注册资金不少于30万元人民币的，可申办落户。"),
]))


def test_what_every_employer_must_be_binds_the_routes_unless_a_route_states_its_own() -> None:
    [general] = [r for r in EMPLOYER if r.general]
    assert (general.locator, general.outcome.text) == ("第二条", "申请单位")
    employed, founder = (next(r for r in EMPLOYER if r.locator == f"第四条（{n}）") for n in "一二")
    assert employed.inherited_from == "第二条"
    assert [c.value for req in employed.inherited for o in req.options for c in o if c.kind == "amount"] == [2_000_000]
    assert not any(c.kind == "amount" for req in founder.inherited for o in req.options for c in o)  # its own 30万
    question = "我是硕士，公司注册资金150万，能落户吗？"
    v = decide([question], merge_facts([question]), [employed, general])
    assert v.outcome == "no" and "200万" in verdict_line(v, "zh") and "150万" in verdict_line(v, "zh")
    question = "我回国创业，公司注册资金50万，能落户吗？"
    assert decide([question], merge_facts([question]), [founder, general]).outcome == "yes"


def test_a_degree_meets_the_degree_and_leaves_where_it_was_earned_to_check() -> None:
    from assistant.answer.compose import checklist

    verdict = _verdict("我在国外读的博士，全职来本市工作，能直接落户吗？")
    assert verdict is not None and verdict.outcome == "yes"
    assert verdict.main.rule.outcome.kind == "direct_hukou"
    lines = checklist(verdict, "zh")
    assert "✓ 博士学位（您：博士）" in lines and "？ 高水平大学" in lines  # not "✓ …高水平大学获得博士学位"
    text = dict(CLAUSES)["第四条"]
    for x in verdict.main.conditions:  # the split spans are still the clause's own words, where they stand
        assert text[x.condition.start:x.condition.end] == x.condition.text
