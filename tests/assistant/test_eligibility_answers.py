"""Verdicts through the whole pipeline on the real index of the default corpus: the README's example in both
languages, a follow-up that changes the answer, the deciding clauses quoted first, and every figure a verdict
line states found in a clause it rests on or in the visitor's own words."""

from __future__ import annotations

import json
import re

from assistant.service import PolicyAssistant
from assistant.types import Turn
from eval.eligibility import SETS, load_set
from ingest.eligibility.quantities import find_quantities

IMPL = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"


def test_the_founder_with_5_million_in_both_languages(assistant: PolicyAssistant) -> None:
    en = assistant.ask("can a startup founder with 500万 funding shorten the 7-year requirement")
    zh = assistant.ask("创业公司拿到500万投资，创始人落户的7年能缩短吗？")
    for answer in (en, zh):
        assert not answer.refused and answer.verdict is not None and answer.verdict.outcome == "depends"
        assert all(c.verified for c in answer.citations) and answer.citations[0].doc_title == IMPL
        quotes = "".join(c.quote for c in answer.citations[:2])
        assert "缩短为5年" in quotes and "缩短为3年" in quotes  # both tiers quoted, as proof of both branches
    first_en = en.answer.splitlines()[0]
    assert first_en.startswith("Yes.") and "first round" in first_en and "become 3" in first_en
    assert "cumulative" in first_en and "become 5" in first_en and "expired on 2022-10-31" in first_en
    first_zh = zh.answer.splitlines()[0]
    assert first_zh.startswith("可以") and "首轮" in first_zh and "缩短为3年" in first_zh and "缩短为5年" in first_zh
    # the conditions still to check follow as a checklist
    assert any(line.startswith("？") and "持股比例不低于5%" in line for line in zh.answer.splitlines())


def test_a_follow_up_that_names_the_kind_of_investment_settles_it(assistant: PolicyAssistant) -> None:
    first = "创业公司拿到500万投资，创始人落户的7年能缩短吗？"
    history = [Turn("user", first), Turn("assistant", assistant.ask(first).answer)]
    answer = assistant.ask("那如果是累计投资1000万呢？", history)
    assert answer.verdict is not None and answer.verdict.outcome == "yes"
    assert "缩短为3年" in answer.answer.splitlines()[0]


def test_no_with_the_failing_figure_and_the_route_that_is_met(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("首轮拿了1200万投资，我持股6%，干了两年多，能直接落户吗？")
    first = answer.answer.splitlines()[0]
    assert answer.verdict.outcome == "no" and first.startswith("不能直接申办")
    assert "10%" in first and "6%" in first and "缩短为3年" in first
    assert "八、" in answer.citations[0].quote  # the clause that decides is quoted first
    data = answer.to_json()["verdict"]
    statuses = {c["text"]: c["status"] for c in data["rules"][-1]["conditions"]}
    assert statuses.get("本市企业中持股比例不低于10%") == "unmet"


def test_other_places_are_not_covered_with_the_reason(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("北京户口怎么办？")
    assert answer.refused and "北京" in answer.answer and "上海" in answer.answer
    assert answer.to_json()["verdict"]["outcome"] == "not_covered"


def _figures(text: str) -> list:
    text = re.sub(r"（依据的文件[^）]*）|\(under a policy[^)]*\)", "", text)  # the policy's own dates
    return [q for q in find_quantities(text) if q.kind in ("amount", "percent", "duration", "multiple")]


def test_every_figure_a_verdict_states_rests_on_a_cited_clause_or_the_question(assistant: PolicyAssistant) -> None:
    checked = 0
    for q in load_set(SETS["dev"]):
        if q.get("previous"):
            continue
        answer = assistant.ask(q["question"])
        if answer.verdict is None:
            continue
        lead = answer.answer.splitlines()[0]
        rules = [c.rule for c in answer.verdict.checks]
        # a rule's own conditions and the general requirements it carries ("最近连续6个月…" of 第三条（二）)
        spans = [c.text for r in rules for c in (*r.conditions, *(c for req in r.inherited for o in req.options for c in o))]
        allowed = {x.value for text in spans for x in find_quantities(text)}
        allowed |= {x.value for r in rules for x in find_quantities(r.outcome.text)}
        allowed |= {x.value for x in find_quantities(q["question"])} | {f.value for f in answer.verdict.facts}
        for figure in _figures(lead):
            assert any(abs(figure.value - a) < 1e-6 for a in allowed), (q["id"], lead, figure)
            checked += 1
    assert checked >= 30, checked
    json.dumps(answer.to_json(), ensure_ascii=False)  # the last answer serialises


def test_questions_that_are_not_about_eligibility_get_a_direct_first_sentence(assistant: PolicyAssistant) -> None:
    still = assistant.ask("引进人才申办常住户口办法现在还有效吗？").answer.splitlines()[0]
    assert still.startswith("不是：《上海市引进人才申办本市常住户口办法》已于2025年11月30日到期失效")
    still_en = assistant.ask("Is the returnee hukou rule still in force?").answer.splitlines()[0]
    assert still_en.startswith("No — 《留学回国人员申办上海常住户口实施细则》 expired on 2025-11-30")
    banned_answer = assistant.ask("申请落户的材料可以弄虚作假吗？")
    banned = banned_answer.answer.splitlines()[0]
    assert banned.startswith("不可以") and "严禁弄虚作假" in banned
    # the JSON says what the visitor reads: no, and the clause that forbids it
    verdict = banned_answer.to_json()["verdict"]
    assert verdict["outcome"] == "no" and verdict["rules"][0]["kind"] == "prohibition"
    assert "严禁弄虚作假" in verdict["rules"][0]["outcome_text"] and verdict["rules"][0]["locator"] in banned
    how_long = assistant.ask("How long does the review take for the returnee hukou?")
    first = how_long.answer.splitlines()[0]
    assert "个工作日" in first.split("The indexed policies")[0]  # the period, before the source line
    assert any(c.quote and c.quote in first or "工作日" in c.quote for c in how_long.citations)
