"""Facts from questions and conversations, and the verdict they get against rules read from made-up clauses
(the extractor and the verdict together, no index needed), then the words the composer writes."""

from __future__ import annotations

from datetime import date

import pytest
from clause_units import clause_units

from assistant.answer.compose import checklist, verdict_line
from assistant.answer.eligibility.asked import asked_kind
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.verdict import decide
from assistant.answer.refused import scope_reason
from assistant.query.scope import out_of_scope
from ingest.eligibility.extract import extract_rules
from ingest.eligibility.quantities import find_quantities

# A made-up policy in the shape of a talent-hukou clause: two tiers and a direct route.
CLAUSES = [
    ("一、", "获得创业投资机构首轮创业投资额300万元及以上或累计获得创业投资额800万元及以上的本市企业中持股比例不低于6%的"
            "创业人才，在企业连续工作满1年的，持有居住证的累计年限可以由6年缩短为4年。"
            "获得创业投资机构首轮创业投资额600万元及以上或累计获得创业投资额1500万元及以上的本市企业中持股比例不低于6%的"
            "创业人才，在企业连续工作满1年的，持有居住证的累计年限可以由6年缩短为2年。"),
    ("二、", "获得创业投资机构首轮创业投资额1200万元及以上的本市企业中持股比例不低于15%的创业人才，在企业连续工作满3年的，"
            "可以直接申办本市常住户口。"),
]
RULES = extract_rules(clause_units("某市创业人才办法", CLAUSES))


def _verdict(*messages: str):
    return decide(list(messages), merge_facts(messages), RULES)


def _ask(rules, question: str, terms: tuple[str, ...] = ()):
    """The verdict of other made-up rules on one question (`terms`: the question's words, as retrieval gives them)."""
    return decide([question], merge_facts([question]), rules, list(terms))


def test_the_rules_of_the_made_up_clauses() -> None:
    assert sorted((r.outcome.kind, r.outcome.value) for r in RULES) == [
        ("direct_hukou", None), ("shorten", 2.0), ("shorten", 4.0)]


def test_facts_in_chinese_english_and_mixed() -> None:
    facts = merge_facts(["首轮拿了一千二百万投资，我持股16%，干了三年多"])
    got = {(f.kind, f.value) for f in facts}
    assert {("amount", 12_000_000), ("percent", 16), ("duration", 36)} <= got
    amount = next(f for f in facts if f.kind == "amount")
    assert "first_round" in amount.qualifiers and "investment" in amount.topics
    en = merge_facts(["I'm a founder with a 7% stake; we raised 9 million yuan in total"])
    assert {(f.kind, f.value) for f in en} >= {("percent", 7), ("amount", 9_000_000), ("role", 1)}
    assert "cumulative" in next(f for f in en if f.kind == "amount").qualifiers
    per_period = merge_facts(["我一个月就挣两千多，老婆上班一个月三千出头", "I earn 3000 a month"])
    assert not [f for f in per_period if f.kind == "duration"]  # how much per month, not how long
    assert [f.value for f in merge_facts(["我失业一个月了"]) if f.kind == "duration"] == [1]
    assert not [f for f in merge_facts(["她在读中专二年级，干了两年多"]) if f.kind == "duration" and f.text != "两年多"]  # a grade
    ages = merge_facts(["He's 17 now, still at school. I'm 5 years into my job and she just turned 16."])
    assert sorted(f.value for f in ages if f.kind == "age") == [16, 17]
    plural = merge_facts(["I'm one of the core team members, not a shareholder"])  # a role named in the plural
    assert [(f.kind, f.level) for f in plural if f.kind == "role"] == [("role", "core_member")]


def test_yes_with_the_best_outcome_and_what_is_left_to_check() -> None:
    v = _verdict("首轮融资700万，我持股10%，在公司干了两年，能缩短几年？")
    assert v is not None and v.outcome == "yes"
    assert v.branches[0].best.rule.outcome.value == 2  # the better of the two tiers both met
    line = verdict_line(v, "zh")
    assert line.startswith("可以") and "2年" in line
    assert any(row.startswith("✓") for row in checklist(v, "zh"))


def test_no_names_the_failing_condition_and_what_is_met_instead() -> None:
    v = _verdict("首轮拿了1300万，持股8%，干了四年，能直接落户吗？")
    assert v.outcome == "no"
    near = v.branches[0].nearest
    assert near.rule.outcome.kind == "direct_hukou" and [x.condition.value for x in near.unmet] == [15]
    assert v.branches[0].fallback.rule.outcome.value == 2
    zh, en = verdict_line(v, "zh"), verdict_line(v, "en")
    assert zh.startswith("不能直接") and "15%" in zh and "8%" in zh and "2年" in zh
    assert en.startswith("No") and "15%" in en and "8%" in en


def test_depends_when_the_kind_of_amount_is_not_said() -> None:
    v = _verdict("can a founder with 9 million yuan of funding shorten the 6-year requirement?")
    assert v.outcome == "depends"
    outcomes = {b.reading: b.best.rule.outcome.value for b in v.branches}
    assert outcomes == {"first_round": 2, "cumulative": 4}
    en = verdict_line(v, "en")
    assert "first round" in en and "become 2" in en and "become 4" in en


def test_follow_ups_update_the_facts() -> None:
    first = "首轮拿了400万，持股7%，干了一年多，能缩短几年？"
    assert _verdict(first).branches[0].best.rule.outcome.value == 4
    assert _verdict(first, "那如果是首轮700万呢？").branches[0].best.rule.outcome.value == 2
    corrected = _verdict("we raised 9 million yuan, I hold 7% and have worked there 2 years. how many years?",
                         "sorry, it was cumulative")
    assert corrected.outcome == "yes" and corrected.branches[0].best.rule.outcome.value == 4
    taken_back = _verdict("I hold 5.9% of the shares and raised 700万 in the first round, how many years?",
                          "It's exactly 6%, not 5.9%.")
    assert taken_back.outcome == "yes"


def test_a_follow_up_about_someone_else_starts_their_facts_afresh() -> None:
    mine = "首轮拿了700万，持股7%，干了一年多，能缩短几年？"
    assert _verdict(mine).branches[0].best.rule.outcome.value == 2
    for other in ("那老王呢？他干了两年。", "那我们合伙人老王呢？他干了两年。", "我同事也想问，他干了两年，能缩短吗？",
                  "What about my colleague? He has worked there 2 years."):
        verdict = _verdict(mine, other)
        # the colleague said nothing of money or shares: those are left to check, not met by the visitor's 700万, 7%
        assert ("duration", 24) in [(f.kind, f.value) for f in verdict.facts], other
        assert not any(f.kind in ("amount", "percent") for f in verdict.facts), other
        check = verdict.branches[0].best
        assert {x.condition.kind for x in check.unknown} >= {"amount", "percent"}, other
    assert _verdict(mine, "那如果是累计700万呢？").outcome == "no"  # a change of the visitor's own facts keeps the rest


def test_a_question_for_a_fact_about_the_policy_gets_no_verdict() -> None:
    facts = "首轮拿了700万，持股7%，干了一年多，"
    for asked in ("这条政策的孵化器要在哪里备案？", "持续投资满1年是从哪天开始算？有没有一个清单可以查"):
        assert _verdict(facts + asked) is None, asked
    for asked in ("能缩短几年？", "能缩短到几年？还差多久？我是不是已经够了", "what is the shortest wait I can get?"):
        verdict = _verdict(facts + asked)
        assert verdict is not None and verdict.outcome == "yes", asked


def test_a_shorter_wait_than_the_one_met_is_a_no_with_what_is_met_instead() -> None:
    """"能缩到2年吗" with only the 4-year tier met: no to the 2 years asked, the failing figure, and the 4 years."""
    v = _verdict("首轮拿了400万，持股7%，干了一年多，能缩短到2年吗？")
    assert v.outcome == "no"
    assert v.branches[0].nearest.rule.outcome.value == 2 and v.branches[0].fallback.rule.outcome.value == 4
    zh = verdict_line(v, "zh")
    assert zh.startswith("不能由6年缩短为2年") and "600万" in zh and "4年" in zh
    en = verdict_line(_verdict("We raised 4 million yuan in the first round, I hold 7% and have worked there over "
                               "a year. Can the wait be cut to 2 years?"), "en")
    assert en.startswith("No, the 6 years don't become 2") and "4" in en
    # Asking how far, or for the tier that is met, is a yes.
    assert _verdict("首轮拿了400万，持股7%，干了一年多，能缩短几年？").outcome == "yes"
    assert _verdict("首轮拿了400万，持股7%，干了一年多，能缩短为四年吗？").outcome == "yes"


def test_a_condition_whose_subject_the_visitor_names_is_what_the_answer_turns_on() -> None:
    """"房租太高" names what "房租超出家庭工资收入的规定比例的" is about, not whether it holds: it depends on it.
    A word further in ("单位" of "…并与单位终止劳动关系的") says too little."""
    rules = extract_rules(clause_units("某市住房公积金规定", [("第七条", (
        "职工有下列情形之一的，可以申请提取本人住房公积金账户内的存储余额：\n（一）房租超出家庭工资收入的规定比例的；\n"
        "（二）完全丧失劳动能力，并与单位终止劳动关系的。"))]))
    v = _ask(rules, "我们租房住，房租一个月六千五，压力很大，能提取公积金吗？", ("房租", "压力", "提取"))
    assert v is not None and v.outcome == "depends" and v.main.rule.locator.endswith("（一）")
    assert "房租超出家庭工资收入的规定比例" in verdict_line(v, "zh")
    assert _ask(rules, "我单位一直正常交公积金，一个月工资八千，能提取吗？", ("单位", "工资", "提取")) is None


def test_a_total_said_beside_one_round_decides_the_cumulative_threshold() -> None:
    """"又投了我们700万，加上之前那笔累计900万": 900万 is the cumulative sum (8 million needed for 4 years), 700万
    one later round — not a first round that would reach the 2-year tier."""
    v = _verdict("我持股7%，在公司干了两年。去年又有一家机构投了我们700万，加上之前那笔累计900万，能缩短几年？")
    assert v.outcome == "yes" and v.branches[0].best.rule.outcome.value == 4
    shown = [(x.condition.text, x.fact.text) for x in v.main.conditions if x.fact is not None and x.fact.kind == "amount"]
    assert shown == [("累计获得创业投资额800万元及以上", "900万")]


def test_a_condition_said_in_words_is_met_or_failed_by_what_the_visitor_says() -> None:
    """"没上市" fails "企业在证券交易所挂牌上市"; "没有犯罪记录" meets "无刑事犯罪记录"."""
    rules = extract_rules(clause_units("某区企业家办法", [("第三条", (
        "同时符合下列条件的企业负责人,可以直接申办本市常住户口:\n(一)企业在证券交易所挂牌上市。\n"
        "(二)本人无刑事犯罪记录。"))]))
    listed = "公司已经挂牌上市了，我没有犯罪记录，是企业负责人，能直接落户吗？"
    v = _ask(rules, listed, ("挂牌", "上市"))
    assert v is not None and v.outcome == "yes" and all(x.status == "met" for x in v.main.conditions)
    unlisted = "公司还没上市，我是企业负责人，能直接落户吗？"
    v = _ask(rules, unlisted, ("上市",))
    assert v is not None and v.outcome == "no" and "没上市" in verdict_line(v, "zh")


def test_a_short_condition_named_whole_and_a_threshold_in_chinese_numerals() -> None:
    """"退休" names one of "离休、退休的"; "连续失业两年以上" is shown with its figure in digits."""
    rules = extract_rules(clause_units("某市公积金办法", [("第五条", (
        "职工有下列情形之一的，可以申请提取本人住房公积金账户内的存储余额：\n（一）离休、退休的；\n（二）出境定居的；\n"
        "（三）连续失业两年以上的。"))]))
    retired = "我上个月刚退休，能把公积金取出来吗？"
    v = _ask(rules, retired, ("退休", "公积金"))
    assert v is not None and v.outcome == "yes" and v.main.rule.locator == "第五条（一）"
    travelling = "我要出境旅游，能把公积金取出来吗？"
    assert _ask(rules, travelling, ("出境", "旅游", "公积金")) is None
    out_of_work = "我失业一年半了，公积金能取出来吗？"
    v = _ask(rules, out_of_work, ("失业", "公积金"))
    assert v.outcome == "no" and "连续失业两年以上（2年）" in verdict_line(v, "zh")
    assert "unemployment" in verdict_line(v, "en")


def test_the_visitors_own_years_are_not_the_years_asked_about() -> None:
    assert asked_kind("我在上海开了一家制造企业十几年，有没有给企业家的落户通道？") == "hukou"
    assert asked_kind("我在上海工作了17年，能落户吗？") == "hukou"
    assert asked_kind("居转户的7年能缩短到几年？") == "shorten"
    assert asked_kind("回国后直接来了上海工作，能落户吗？") == "hukou"  # 直接 goes with 来, not with 落户
    assert asked_kind("博士毕业能直接拿上海户口吗？") == "direct"


def test_a_role_the_visitor_is_unsure_of_is_what_the_verdict_depends_on() -> None:
    v = _verdict("首轮融资700万，持股10%，干了两年，不过我不确定是不是创始人，能缩短几年？")
    assert v.outcome == "depends" and v.branches[0].best.rule.outcome.value == 2
    assert [x.condition.kind for x in v.branches[0].best.undecided] == ["role"]
    assert "否则" in verdict_line(v, "zh") and "otherwise" in verdict_line(v, "en")
    assert _verdict("首轮融资700万，持股10%，干了两年，我是创始人，能缩短几年？").outcome == "yes"


def test_a_post_someone_else_holds_is_not_the_visitors() -> None:
    rules = extract_rules(clause_units("某区企业家办法", [("第四条", (
        "同时符合下列条件的企业家，可以直接申办本市常住户口：\n（一）企业的法定代表人或持股不低于10%的创始人。\n"
        "（二）企业上年度纳税额不低于500万元。"))]))
    other = "公司去年纳税800万，我持股8%，是创始人，但法定代表人是另一个合伙人（他当董事长），能直接落户吗？"
    v = _ask(rules, other)
    line = verdict_line(v, "zh")
    # both routes fail; the line names the one a figure fails, so the visitor learns how far they are
    assert v is not None and v.outcome == "no" and "10%" in line and "8%" in line, line
    mine = "公司去年纳税800万，我持股8%，是创始人，也是法定代表人，能直接落户吗？"
    assert _ask(rules, mine).outcome == "yes"


def test_a_role_that_gives_the_visitor_shares_or_that_the_visitor_asks_about_is_not_the_visitors() -> None:
    def roles(text: str) -> list[str]:
        return [f.text for f in merge_facts([text]) if f.kind == "role"]

    assert roles("公司拿到首轮500万以后，创始人又转了6%的股份给我做激励") == []
    assert roles("创始人把他手里的6%股份转给了我，我在公司干了两年") == []
    assert roles("Our founder transferred 6% of his shares to me last year.") == []
    assert roles("我在公司全职干了两年，这样算不算创业人才？") == []
    assert roles("我是创始人，公司给我们发了奖金，算不算创业人才？") == ["创始人"]
    assert roles("I'm the founder; the company gave me a bonus") == ["founder"]


def test_a_wait_is_not_a_duration_the_visitor_has_done() -> None:
    first = "首轮融资700万，持股10%，在公司干了10个月，能缩短几年？"
    assert _verdict(first).outcome == "no"
    assert _verdict(first, "那再等两个月，干满12个月就可以了吧？").outcome == "yes"


def test_just_below_and_exactly_at_a_threshold() -> None:
    assert _verdict("首轮拿了299万，持股6%，干了一年，能缩短吗？").outcome == "no"
    assert _verdict("首轮拿了300万，持股6%，干了一年，能缩短吗？").outcome == "yes"


def test_no_verdict_without_facts_a_rule_uses() -> None:
    assert _verdict("创业人才落户有什么条件？") is None


def test_every_number_a_verdict_states_is_a_fact_or_a_span_of_a_cited_clause() -> None:
    for question in ("首轮拿了1300万，持股8%，干了四年，能直接落户吗？", "首轮融资700万，我持股10%，在公司干了两年，能缩短几年？",
                     "can a founder with 9 million yuan of funding shorten the 6-year requirement?"):
        v = _verdict(question)
        spans = [c.text for r in RULES for c in r.conditions] + [r.outcome.text for r in RULES]
        allowed = {q.value for s in spans for q in find_quantities(s)} | {f.value for f in v.facts}
        allowed |= {r.outcome.value * 12 for r in RULES if r.outcome.value} | {6 * 12}  # "2 years" is 24 months
        for lang in ("zh", "en"):
            stated = [q for q in find_quantities(verdict_line(v, lang))]
            assert stated and all(q.value in allowed for q in stated), (question, lang, stated)


@pytest.mark.parametrize(("question", "kind"), [
    ("北京户口怎么办理？", "place"), ("What are Shenzhen's hukou rules for graduates?", "place"),
    ("2025年落户政策有什么新变化？", "year"),
])
def test_other_places_and_later_years_are_not_covered(question: str, kind: str) -> None:
    scope = out_of_scope(question, ["上海市引进人才申办本市常住户口办法 上海市人民政府"], date(2021, 6, 1))
    assert scope is not None and scope.kind == kind
    assert scope_reason(scope, "zh") and scope_reason(scope, "en")


@pytest.mark.parametrize("question", ["我在北京读的博士，能在上海落户吗？", "首轮融资500万能缩短几年？",
                                      "我有北京户口，想迁到上海",
                                      # the hukou the visitor holds is where they come from, not what they ask about
                                      "我们全家都是安徽户口，家里收入很低，能申请低保吗？",
                                      "I have a Henan hukou and lost my job. Can I get unemployment benefit?"])
def test_the_home_place_and_a_place_only_mentioned_are_in_scope(question: str) -> None:
    assert out_of_scope(question, ["上海市引进人才申办本市常住户口办法 上海市人民政府"], date(2021, 6, 1)) is None


def test_a_policy_staff_add_for_another_place_makes_it_covered() -> None:
    indexed = ["上海市引进人才申办本市常住户口办法 上海市人民政府", "北京市引进人才管理办法 北京市人力资源和社会保障局"]
    assert out_of_scope("北京户口怎么办理？", indexed, date(2021, 6, 1)) is None


HONOURS = extract_rules(clause_units("某市人才引进办法", [
    ("第五条", "符合下列条件之一的，可以申办本市常住户口：\n1.获得省部级及以上政府表彰的人员；\n"
              "2.取得技师证书且获得国家及省部级以上技能竞赛奖励的技能人才。"),
]))


@pytest.mark.parametrize(("question", "outcome"), [
    ("我拿过苏州市的“先进工作者”称号，能走人才引进落户吗？", "no"),  # another city's honour is below 省部级
    ("我获得过上海市劳动模范称号，能落户吗？", "yes"),  # Shanghai's own honours are provincial
    ("I received a national award for my work. Can I apply for hukou?", "yes"),
])
def test_an_honour_meets_a_level_by_who_granted_it(question, outcome) -> None:
    assert _ask([r for r in HONOURS if r.locator == "第五条1."], question).outcome == outcome


def test_a_district_prize_fails_the_national_or_provincial_bar_the_lower_of_two_levels_sets() -> None:
    (rule,) = [r for r in HONOURS if r.locator == "第五条2."]
    honour = next(c for c in rule.conditions if c.level == "honour")
    assert (honour.text, honour.value) == ("获得国家及省部级以上技能竞赛奖励", 3.0)
    v = _ask([rule], "我有技师证，得过区里技能比赛一等奖，能落户吗？")
    assert v.outcome == "no"
    assert "✗ 获得国家及省部级以上技能竞赛奖励（您：区里技能比赛一等奖）" in checklist(v, "zh")


def test_a_question_that_names_no_route_is_judged_only_by_rules_several_of_its_facts_bear_on() -> None:
    # "五年" meets "在企业连续工作满1年", but the question is about school, which no rule here grants
    assert _ask(RULES, "我在本市工作五年了，孩子能在这里上学吗？", ("本市", "工作", "5年", "孩子", "上学")) is None
    assert _ask(RULES, "工作满3年了，能申请人才公寓吗？", ("工作", "3年", "申请", "人才", "公寓")) is None
    verdict = _ask(RULES, "首轮拿了一千二百万，我持股16%，干了三年多，符合条件吗？", ("首轮", "持股", "符合", "条件"))
    assert verdict is not None and verdict.outcome == "yes" and verdict.main.rule.outcome.kind == "direct_hukou"


SOCIAL_INSURANCE_ROUTE = [
    ("三、", "最近5年内累计48个月在本市缴纳职工社会保险费基数等于本市上年度职工社会平均工资2倍的人才，持有居住证的累计年限"
            "可以由6年缩短为4年。"),
    ("四、", "海外人才申办本市常住户口同时应符合下列条件：\n1.应在回国后3年内来本市工作。\n2.合同有效期在2年及以上。\n"
            "3.自受理之日起有效期在6个月及以上。\n4.最近连续9个月社会保险缴费基数不低于上年度本市平均工资。"),
]
SI_RULES = extract_rules(clause_units("某市人才办法", SOCIAL_INSURANCE_ROUTE))


def test_a_figure_about_one_thing_does_not_meet_a_period_that_says_nothing_of_what_it_is() -> None:
    # "结婚四年" is about a marriage; "有效期在6个月及以上" is one of four periods of the list
    assert _ask(SI_RULES, "我们结婚四年了，我太太能转上海户口吗？", ("结婚", "户口")) is None


def test_meeting_one_half_of_a_threshold_stated_in_one_span_leaves_the_other_half_to_decide() -> None:
    verdict = _ask(SI_RULES, "我在本市交了十年社保，居住证六年了，能缩短吗？", ("社保", "缩短"))
    assert verdict is not None and verdict.outcome == "depends"  # ten years say nothing of the 2x base
    assert "2倍" in verdict_line(verdict, "zh")


def test_a_base_at_the_average_wage_is_one_times_it_and_the_months_paid_are_of_that_base() -> None:
    assert ("multiple", 1.0) in {(f.kind, f.value) for f in merge_facts(["社保按上年度平均工资交了10个月"])}
    months = next(f for f in merge_facts(["最近五年社保也是2倍交满了50个月"]) if f.kind == "duration")
    assert "social_insurance" in months.topics  # "2倍交满了50个月": the months are of the 2x base
    verdict = _ask(SI_RULES, "最近五年社保是2倍交满了50个月，能缩短吗？", ("社保", "缩短"))
    assert verdict is not None and verdict.outcome == "yes"
