"""A clause that lists who qualifies ("A，B，或者C的人员，以及D的人员等，…可直接申办落户") gives one way to qualify per
part, and the verdict judges a visitor by the way their facts speak to. Made-up clauses, the real extractor and
verdict; nothing here uses the bundled compilation."""

from __future__ import annotations

from clause_units import clause_units

from assistant.answer.compose import checklist, verdict_line
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.verdict import decide
from ingest.eligibility.extract import extract_rules

WHO_LIST = ("在境(外)知名高校、研究院所担任相当于讲师、助理研究员及以上职务，在全球200强知名企业、跨国集团等担任中层以上管理、技术职务，"
            "或者经本区人才工作领导小组认定为紧缺人才的海归人员，以及在国(境)外知名高校学习获得博士学位的人员等，"
            "全职来本区工作并缴纳社会保险费满3个月后可直接申办落户。")


def _rules(*texts: str):
    return extract_rules(clause_units("某区海归人才办法", [(f"第{i + 1}条", t) for i, t in enumerate(texts)]))


def test_each_part_of_a_who_list_is_a_way_to_qualify_and_the_tail_binds_them_all() -> None:
    [rule] = _rules(WHO_LIST)
    assert rule.outcome.kind == "direct_hukou"
    ways, *shared = rule.requirements
    texts = [" ".join(c.text for c in option) for option in ways.options]
    assert texts == ["在境(外)知名高校、研究院所担任相当于讲师、助理研究员及以上职务",
                     "在全球200强知名企业、跨国集团等担任中层以上管理、技术职务",
                     "经本区人才工作领导小组认定为紧缺人才",
                     "在国(境)外知名高校学习获得博士学位"]  # "国(境)外" is inside the words, not where they start
    assert [(c.kind, c.value) for r in shared for o in r.options for c in o] == [("duration", 3.0)]
    for c in rule.conditions:
        assert WHO_LIST[c.start:c.end] == c.text


def test_alternatives_of_what_is_granted_and_joined_parts_are_no_who_list() -> None:
    [rule] = _rules("符合条件的紧缺人才，可以按照规定缩短居住证转办常住户口年限，或者办理直接落户。")
    assert all(len(r.options) == 1 for r in rule.requirements)
    [rule] = _rules("在本区注册满2年，并且年营业收入3000万元及以上，或者纳税500万元及以上的企业负责人，可直接申办落户。")
    assert not any(len(r.options) == 4 for r in rule.requirements)  # "，并且" joins: not one way per comma part


def test_a_visitor_is_judged_by_the_way_they_speak_of() -> None:
    rules = _rules(WHO_LIST)
    doctor = "我在境外高校读的博士，毕业后在研究院所任过行政职务，现在全职来本区工作，社保交了4个月，能直接落户吗？"
    verdict = decide([doctor], merge_facts([doctor]), rules, ["境外", "高校", "博士", "研究院所", "行政", "职务"])
    assert verdict is not None and verdict.outcome == "yes"
    lines = checklist(verdict, "zh")
    # the doctorate, with its university to check — not the post at a university, which shares the words
    assert "✓ 博士学位（您：博士）" in lines and "？ 知名高校" in lines
    assert not any("讲师" in line for line in lines)

    master = "我在国外读的硕士，在全球200强企业做了五年中层技术管理，全职来本区工作，能直接落户吗？"
    verdict = decide([master], merge_facts([master]), rules, ["全球", "200强", "企业", "中层", "技术", "管理"])
    assert verdict is not None and verdict.outcome == "yes"  # not "no: it requires a doctorate"
    assert any(line.startswith("✓ 在全球200强知名企业、跨国集团等担任中层以上管理、技术职务") for line in checklist(verdict, "zh"))


def test_a_long_description_is_not_met_by_two_common_words() -> None:
    """"企业" and "技术" name one in every few clauses; a visitor who does tech at a company holds no post the
    list names."""
    rules = _rules(WHO_LIST)
    question = "我在一家企业做技术，硕士，全职来本区工作，能直接落户吗？"
    verdict = decide([question], merge_facts([question]), rules, ["企业", "技术", "硕士"])
    assert verdict is None or verdict.outcome != "yes"


def test_a_long_description_that_is_the_only_way_is_met_by_two_of_its_words() -> None:
    rules = _rules("符合下列条件之一的，可以申办本市常住户口：\n1.本区文化艺术、体育、传统医学及其他特殊行业紧缺急需的专门人才。"
                   "\n2.获得省部级及以上科技奖励的主要完成人。")
    question = "我女儿学中医，在特殊行业工作，能落户吗？"
    verdict = decide([question], merge_facts([question]), rules, ["女儿", "中医", "特殊", "行业", "落户"])
    assert verdict is not None and verdict.outcome == "yes"


def test_a_post_named_in_a_question_but_held_at_home_does_not_meet_a_post_held_abroad() -> None:
    rules = _rules("在国(境)外知名高校担任相当于讲师及以上职务，或者在国(境)外知名高校学习获得博士学位的人员等，"
                   "全职来本区工作后可直接申办落户。")
    terms = ["知名", "高校", "讲师"]
    at_home = "我是国内知名高校的讲师，去年去美国访问了半年，能直接落户吗？"
    verdict = decide([at_home], merge_facts([at_home]), rules, terms)
    assert verdict is None or verdict.outcome != "yes"  # the doctorate is the way left, and nothing was said of one
    abroad = "我在美国一所知名高校当了五年讲师，能直接落户吗？"
    verdict = decide([abroad], merge_facts([abroad]), rules, terms)
    assert verdict is not None and verdict.outcome == "yes"
    assert checklist(verdict, "zh")[0].startswith("✓ 在国(境)外知名高校担任相当于讲师及以上职务")


def test_a_visitor_who_doubts_what_is_left_to_check_is_told_it_depends_on_it() -> None:
    rules = _rules(WHO_LIST)
    terms = ["境外", "高校", "博士"]
    sure = "我在境外高校读的博士，现在全职来本区工作，社保交了4个月，能直接落户吗？"
    assert decide([sure], merge_facts([sure]), rules, terms).outcome == "yes"  # 知名高校 left to check
    unsure = "我在境外高校读的博士，不确定学校排名够不够靠前，现在全职来本区工作，社保交了4个月，能直接落户吗？"
    verdict = decide([unsure], merge_facts([unsure]), rules, terms)
    assert verdict is not None and verdict.outcome == "depends"
    assert verdict_line(verdict, "zh").startswith("要看情况：如果符合“知名高校”，可以直接申办本市常住户口；否则")
    english = "I did my PhD at a university abroad, not sure where it ranks. I now work full-time here, 4 months of social insurance. Can I settle directly?"
    assert decide([english], merge_facts([english]), rules, terms).outcome == "depends"
    asks_only = "我在境外高校读的博士，现在全职来本区工作，社保交了4个月，不知道能不能直接落户？"
    assert decide([asks_only], merge_facts([asks_only]), rules, terms).outcome == "yes"  # wondering is no doubt
