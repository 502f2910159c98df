"""Who does it, where to go, what a term means (assistant/answer/direct/named.py), on made-up clauses: the body a
clause names answers a question asking who or where, the definition one asking what a term means — and neither
answers when the clause is about something else."""

from __future__ import annotations

from datetime import date

from made_up_clauses import lead_over

from assistant.answer.compose import Findings, opening
from assistant.answer.direct.body_names import english_name
from assistant.answer.extractive import build_extractive_answer
from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.textproc import default_processor
from assistant.types import SearchHit

DUTIES = ("第三条 某区人力资源局负责人才公寓申请的受理和审核工作。某区住房保障中心负责人才公寓的配租管理，"
          "制定入住规则。")
INTERPRETS = "第二十条 本办法由某区发展改革委(以下简称“区发改委”)负责解释。"
APPLY = "第九条 申请人可以通过“一网通办”平台或者向户籍所在地的街道办事处提出申请，由有关部门依法处理。"
DEFINED = "第二条 本办法所称人才公寓，是指由政府筹集、面向引进人才出租的住房，且租金不高于同地段市场租金的八成。"
LISTED = "第二条 本办法所称困难家庭，是指具有下列情形之一的家庭："


def _lead(question: str, *texts: str):
    return lead_over(question, texts, "某区人才公寓管理办法")


def test_a_question_asking_who_is_answered_by_the_body_whose_duty_says_the_action_asked() -> None:
    lead = _lead("人才公寓的申请由谁来审核？", DUTIES)
    assert lead is not None and lead.kind == "body" and lead.named == "某区人力资源局"
    assert lead.text == "某区人力资源局负责人才公寓申请的受理和审核工作"  # without its article number
    managed = _lead("人才公寓的配租归哪个部门管理？", DUTIES)
    assert managed is not None and managed.named == "某区住房保障中心"


def test_a_duty_is_stated_as_far_as_the_task_asked_about() -> None:
    # the rules are the second task of the duty; the first alone does not say who makes them
    lead = _lead("人才公寓的入住规则是谁来制定的？", DUTIES)
    assert lead is not None and lead.named == "某区住房保障中心"
    assert lead.text == "某区住房保障中心负责人才公寓的配租管理，制定入住规则"


def test_an_english_question_is_answered_by_the_body_doing_what_it_asks() -> None:
    lead = _lead("Which office manages the leasing of talent apartments?", DUTIES, APPLY)
    assert lead is not None and lead.named == "某区住房保障中心"  # manages → 管理, not the office applied to


def test_no_body_answers_when_no_clause_says_the_action_asked() -> None:
    assert _lead("人才公寓由谁来验收？", DUTIES) is None


def test_the_agent_of_由_is_named_without_its_alias_and_a_vague_one_not_at_all() -> None:
    lead = _lead("这个办法谁来解释？", INTERPRETS)
    assert lead is not None and lead.named == "某区发展改革委"
    assert _lead("申请以后谁来处理？", APPLY) is None  # 有关部门 names no body


def test_where_to_apply_is_answered_by_the_body_it_is_handed_to_before_the_channel() -> None:
    lead = _lead("人才公寓去哪里申请？", APPLY)
    assert lead is not None and lead.named == "街道办事处"  # the body, not "户籍所在地的" nor the platform
    assert "向户籍所在地的街道办事处提出申请" in lead.text


def test_who_may_apply_is_not_asked_of_a_body() -> None:
    assert _lead("谁能申请人才公寓？", DUTIES) is None


def test_a_term_asked_about_is_answered_by_its_whole_definition() -> None:
    lead = _lead("什么是人才公寓？", DEFINED)
    assert lead is not None and lead.kind == "definition"
    # the whole sentence, its 且 included, and not "本办法所称"
    assert lead.text == "人才公寓，是指由政府筹集、面向引进人才出租的住房，且租金不高于同地段市场租金的八成"
    assert _lead("什么是公租房？", DEFINED) is None  # a definition of another term
    assert _lead("困难家庭是指什么？", LISTED) is None  # defined by a list: the quotes show it


def test_the_body_leads_the_answer_in_the_questions_language() -> None:
    lead = _lead("人才公寓的申请由谁来审核？", DUTIES)
    zh = opening(Findings("zh", [lead.hit], direct=lead)).splitlines()[0]
    assert zh == "某区人力资源局：《某区人才公寓管理办法》第三条规定“某区人力资源局负责人才公寓申请的受理和审核工作”。"
    en = opening(Findings("en", [lead.hit], direct=lead)).splitlines()[0]
    assert en.startswith("某区人力资源局 — 《某区人才公寓管理办法》 第三条 provides: 「某区人力资源局负责")


def test_a_body_not_stated_first_is_not_given_as_the_direct_answer() -> None:
    # asked how long as well, and no clause says: the first line says that instead, and the JSON claims no body
    text = DUTIES.split("。")[0] + "。"
    question = "人才公寓的申请由谁来审核？审核要多久？"
    hit = SearchHit(id="d:0", doc_id="d", doc_title="某区人才公寓管理办法", locator="第三条", text=text, score=1.0)
    tp = default_processor()
    expanded = CrossLingualExpander(tp, frozenset(tp.tokenize(text))).expand(question)
    named = build_extractive_answer(question, [hit], expanded, date(2026, 12, 7))
    assert named.to_json()["direct_answer"]["named"] == "某区人力资源局"
    timed = build_extractive_answer(question, [hit], expanded, date(2026, 12, 7), asked=("time_limit",))
    assert timed.answer.startswith("所引条款没有写明具体期限") and timed.to_json()["direct_answer"] is None


def test_a_shanghai_body_is_named_in_english_with_its_chinese_name_beside_it() -> None:
    clause = "第五条 市人力资源社会保障局负责人才公寓申请的审核工作。"
    lead = _lead("Which office reviews applications for talent apartments?", clause)
    assert lead is not None and lead.named == "市人力资源社会保障局"
    en = opening(Findings("en", [lead.hit], direct=lead)).splitlines()[0]
    assert en.startswith("Shanghai Municipal Human Resources and Social Security Bureau (市人力资源社会保障局) — 《")
    zh = opening(Findings("zh", [lead.hit], direct=lead)).splitlines()[0]
    assert zh.startswith("市人力资源社会保障局：《")  # a Chinese answer names it as the clause does


def test_bodies_named_together_are_named_in_english_only_when_each_is_known() -> None:
    assert english_name("上海市经济信息化委、市规划资源局") == ("Shanghai Municipal Commission of Economy and "
                                                       "Informatization and Shanghai Municipal Bureau of Planning "
                                                       "and Natural Resources")
    assert english_name("市人力资源和社会保障局") == "Shanghai Municipal Human Resources and Social Security Bureau"
    assert english_name("项目单位和区产业部门") == ""  # the project's company has no official name
    assert english_name("市发展改革委和项目单位") == ""  # nor half of a pair
