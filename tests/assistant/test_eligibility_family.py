"""Family members who may move their hukou along: one rule per member read from made-up clauses, facts said of
that member ("女儿15岁", "our 12-year-old son", "毕业以后才结的婚"), and the verdict and its words."""

from __future__ import annotations

from clause_units import clause_units

from assistant.answer.compose import checklist, verdict_line
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.verdict import decide
from ingest.eligibility.extract import extract_rules

# Made-up clauses in the two shapes: a member's own conditions in brackets and before "的子女", and a bare list.
CLAUSES = [
    ("第六条", "符合本办法条件的人才,其配偶(须在申请人毕业前与其结婚,年龄距法定退休年龄3年以上)和14周岁及以下或14周岁以上、"
              "在全日制中学就读的子女可以一并办理户口迁移手续。"),
    ("第七条", "引进人员已婚的,其配偶、未成年子女可以随同办理户口迁移手续。"),
]
RULES = extract_rules(clause_units("某区人才家属随迁办法", CLAUSES))


def _rule(locator: str, member: str):
    return next(r for r in RULES if r.locator == locator and r.beneficiary == member)


def _verdict(*messages: str):
    return decide(list(messages), merge_facts(messages), [r for r in RULES if r.locator == "第六条"])


def test_one_rule_per_member_with_that_members_own_conditions() -> None:
    assert sorted((r.locator, r.beneficiary, r.outcome.kind) for r in RULES) == sorted([
        ("第六条", "child", "family"), ("第六条", "spouse", "family"),
        ("第七条", "child", "family"), ("第七条", "spouse", "family")])
    spouse = [[(c.kind, c.op, c.value, c.text) for c in o] for req in _rule("第六条", "spouse").requirements
              for o in req.options]
    assert spouse == [[("role", None, 1.0, "配偶")], [("order", "<", 0.0, "须在申请人毕业前与其结婚")],
                      [("duration", ">=", 36.0, "年龄距法定退休年龄3年以上")]]
    child = _rule("第六条", "child").requirements[1].options
    assert [[(c.kind, c.op, c.value, c.text) for c in o] for o in child] == [
        [("age", "<=", 14.0, "14周岁及以下")], [("age", ">=", 14.0, "14周岁以上"), ("other", None, None, "在全日制中学就读")]]
    minor = _rule("第七条", "child").requirements[1].options[0][0]
    assert (minor.text, minor.op, minor.value) == ("未成年", "<", 18.0)
    assert _rule("第七条", "spouse").requirements[1:] == ()  # the spouse of a married applicant: nothing more
    for rule in RULES:  # every condition is a verbatim span of its clause
        text = dict(CLAUSES)[rule.locator]
        assert all(text[c.start:c.end] == c.text for c in rule.conditions)


def test_a_child_of_the_age_in_between_depends_on_the_words_left_to_check() -> None:
    v = _verdict("我已经落户了，女儿15岁，能跟我一起随迁吗？")
    assert v.outcome == "depends" and v.main.rule.beneficiary == "child"
    line = verdict_line(v, "zh")
    assert "如果在全日制中学就读" in line and "否则" in line
    assert "✓ 14周岁以上（您：15岁）" in checklist(v, "zh")


def test_a_young_child_may_move_and_an_adult_one_may_not() -> None:
    assert _verdict("Can my 12-year-old son move his hukou along with me?").outcome == "yes"
    rules = [r for r in RULES if r.locator == "第七条"]
    v = decide(["我有了户口，19岁的儿子能随迁吗？"], merge_facts(["我有了户口，19岁的儿子能随迁吗？"]), rules)
    assert v.outcome == "no" and "18" in verdict_line(v, "en") and "19" in verdict_line(v, "en")


def test_the_member_the_follow_up_names_is_judged_with_the_order_of_events() -> None:
    first = "我已经落户了，女儿15岁，能跟我一起随迁吗？"
    v = _verdict(first, "那我爱人呢？我们是我毕业以后才结的婚。")
    assert v.outcome == "no" and v.main.rule.beneficiary == "spouse"
    assert [x.condition.kind for x in v.main.unmet] == ["order"]
    assert _verdict(first, "那我爱人呢？我们毕业前就结婚了。").outcome == "yes"
    assert _verdict("Can my wife move her hukou with me? We got married before I graduated.").outcome == "yes"


def test_the_applicants_own_age_is_not_a_family_members() -> None:
    v = _verdict("我今年40岁，孩子能随迁吗？")
    assert v is None or (v.outcome != "no" and all(x.fact is None or x.fact.value != 40 for x in v.main.conditions))
    # two years before the applicant's retirement age says nothing of the spouse's three
    v = _verdict("我58岁，法定退休年龄60岁。我爱人能随迁吗？我们毕业前就结婚了。")
    assert v.outcome == "yes" and v.main.rule.beneficiary == "spouse"
