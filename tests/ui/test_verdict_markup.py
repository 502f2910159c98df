"""A verdict's words are visitor- and policy-derived text: rendered as the verdict line and checklist, never as
markup (the renderer's own tags only)."""

from __future__ import annotations

from ui_helpers import assert_only_app_markup

from assistant.service import PolicyAssistant
from assistant.web.render import render_answer

HOSTILE = "我是<img src=x onerror=alert(1)>创始人，首轮拿了1200万投资<script>alert(1)</script>，持股6%，干了两年多，能直接落户吗？"


def test_a_verdict_with_markup_in_the_question_renders_as_text(indexed_settings) -> None:
    answer = PolicyAssistant(indexed_settings).ask(HOSTILE)
    assert answer.verdict is not None and answer.verdict.outcome == "no"
    markup = render_answer(answer, "zh")
    assert_only_app_markup(markup)
    assert "<script" not in markup and "<img" not in markup
    assert 'class="pa-verdict pa-verdict-no"' in markup and markup.count('class="pa-unmet"') >= 1


def test_listed_conditions_render_as_a_lead_and_a_list_of_text(indexed_settings) -> None:
    answer = PolicyAssistant(indexed_settings).ask("留学生落户要什么条件？<b>请列出</b>")
    assert answer.requirements is not None and answer.verdict is None
    markup = render_answer(answer, "zh")
    assert_only_app_markup(markup)
    assert "<b>" not in markup
    lead = markup.index('class="pa-lead"')
    listed = markup.index('class="pa-requirements"')
    assert lead < listed < markup.index('class="pa-quote"')  # the lead, its list, then the quotes
    assert markup.count("<li>") >= 5 and "合同有效期在2年及以上" in markup


def test_a_clause_that_forbids_or_grants_renders_as_the_verdict_line_of_text(indexed_settings) -> None:
    assistant = PolicyAssistant(indexed_settings)
    banned = assistant.ask("申请落户的材料可以弄虚作假吗？<b>急</b>")
    assert banned.clause_answer is not None and banned.clause_answer.kind == "prohibition"
    markup = render_answer(banned, "zh")
    assert_only_app_markup(markup)
    assert "<b>" not in markup and 'class="pa-verdict pa-verdict-no"' in markup
    supported = assistant.ask("市里鼓励企业搞远程办公吗？")
    assert supported.clause_answer is not None and supported.clause_answer.kind == "grant"
    markup = render_answer(supported, "zh")
    head = markup[markup.index('class="pa-verdict pa-verdict-yes"'):]
    assert head.index("是的：") < head.index("</div>") < head.index('class="pa-quote"')  # the yes, then the quotes


def test_a_body_named_by_a_clause_renders_as_the_lead_line_not_as_a_yes(indexed_settings) -> None:
    answer = PolicyAssistant(indexed_settings).ask("“其他特殊才能人才”是谁来审核的？<i>急</i>")
    assert answer.clause_answer is not None and answer.clause_answer.kind == "body"
    markup = render_answer(answer, "zh")
    assert_only_app_markup(markup)
    assert "<i>" not in markup and "pa-verdict" not in markup  # naming who decides is no yes or no
    head = markup[markup.index('class="pa-lead"'):]
    # markup letters make it a mixed question, answered in English: the body first either way
    assert head.index("市人力资源社会保障部门") < head.index("</div>") < head.index('class="pa-quote"')
    direct = answer.to_json()["direct_answer"]
    assert direct["kind"] == "body" and direct["named"] == "市人力资源社会保障部门"
    assert answer.to_json()["verdict"] is None
