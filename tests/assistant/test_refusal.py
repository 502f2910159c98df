"""The refusal gate on the real index and the real PolicyAssistant (offline, extractive).

The visitor questions below are our own, not the eval set's. The out-of-scope ones were written before the
gate was measured on them and are kept as written: the gate's recall is known to be partial (see the
calibration comment in assistant/refusal/gate.py), so the test pins the measured floor instead of hiding misses.
"""

from __future__ import annotations

import pytest

from assistant.refusal.gate import (
    MIN_PASSAGE,
    PASSAGE_SENTENCES,
    UNCOVERED_WEIGHT,
    RefusalFeatures,
    Thresholds,
    passage_coverage,
    should_refuse,
)
from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT
from assistant.types import SearchHit
from eval.calibration.lexical import calibrate, evaluate
from eval.calibration.refusal import FLAGSHIP, LEXICAL_DEV, collect_features, split_report

EVAL_QUESTIONS = PROJECT_ROOT / "eval" / "data" / "questions.jsonl"

# Plausible visitor questions that none of the 13 compiled policies answers.
OWN_OUT_OF_SCOPE = [
    "上海的医保报销比例是多少？",
    "办理结婚登记需要带什么材料",
    "How do I apply for a Shanghai car licence plate auction?",
    "孩子上幼儿园需要什么条件",
    "What is the maternity leave in Shanghai?",
    "退休金怎么计算",
    "How do I renew my passport in Shanghai?",
    "新能源汽车牌照怎么申请",
    # Added after the gate's calibration, so that the refusal path keeps being exercised with questions that aren't
    # in any calibration set.
    "电动自行车上牌要带什么材料？",
    "残疾人证怎么申请",
    "宠物狗的疫苗在哪里打",
    "How much does the metro cost?",
    "How do I get a disabled person card in Shanghai?",
]
# With the lexical gate and the learned check in front of it, 12 of these 13 are refused (孩子上幼儿园需要什么条件 is
# answered, hedged). The floor is that, less one.
OWN_OUT_OF_SCOPE_REFUSED_FLOOR = 11

# Questions the policies do answer (written against the corpus, not taken from the eval set).
OWN_ANSWERABLE = [
    "留学回国人员申办上海户口需要哪些材料？",
    "What does the venture capital guidance fund support?",
    "在孵化器工作多久可以积分？",
    "Can returnees bring their spouse's hukou to Shanghai?",
    "科创企业上市有什么支持政策",
    "上海制造三年行动计划的目标是什么",
    "民营企业再贴现有什么支持",
    "What is the online new economy plan about?",
    "持有居住证多少年可以申请转常住户口？",
    "Who can apply for hukou directly as a talent?",
]


def _issuers(assistant: PolicyAssistant) -> set[str]:
    return {d.issuer for d in assistant.documents() if getattr(d, "issuer", None)}


def test_own_out_of_scope_questions_refusals_name_the_department(assistant: PolicyAssistant) -> None:
    issuers = _issuers(assistant)
    assert issuers, "the index should know the issuing departments"
    refused = []
    for q in OWN_OUT_OF_SCOPE:
        answer = assistant.ask(q)
        if not answer.refused:
            continue
        refused.append(q)
        assert answer.citations == [] and answer.validity == []
        # The closest document's issuer is named, so the visitor knows whom to ask.
        assert any(i in answer.answer for i in issuers), answer.answer
        assert ("没有涉及" in answer.answer) if "\u4e00" <= q[0] <= "\u9fff" else ("don't cover" in answer.answer)
    assert len(refused) >= OWN_OUT_OF_SCOPE_REFUSED_FLOOR, refused


def test_question_with_no_topic_is_refused(assistant: PolicyAssistant) -> None:
    answer = assistant.ask("请问怎么办？")
    assert answer.refused and answer.citations == []


@pytest.mark.parametrize("question", OWN_ANSWERABLE)
def test_own_answerable_questions_are_answered(assistant: PolicyAssistant, question: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.answer
    assert answer.citations and all(c.verified for c in answer.citations)


@pytest.mark.parametrize(("question", "history"), FLAGSHIP, ids=[q for q, _ in FLAGSHIP])
def test_flagship_questions_and_follow_ups_are_never_refused(assistant: PolicyAssistant, question, history) -> None:
    answer = assistant.ask(question, history=list(history))
    assert not answer.refused, (answer.standalone_query, answer.answer)


def _hit(uid: str, text: str, title: str = "测试政策") -> SearchHit:
    return SearchHit(id=uid, doc_id="d", doc_title=title, locator="第一条", text=text, score=1.0, issuer="某局")


def test_passage_coverage_needs_the_words_together(assistant: PolicyAssistant) -> None:
    """Words scattered over separate sentences cover the units but not one passage."""
    expander = assistant._load().retriever.expander
    concepts = [c for c in expander.expand("公积金贷款额度").concepts]
    scattered = _hit("a", "本条适用于公积金。" + "其他事项另行规定。" * PASSAGE_SENTENCES + "贷款额度由银行确定。")
    together = _hit("b", "公积金贷款额度由银行确定。")
    assert passage_coverage(concepts, [scattered]) < passage_coverage(concepts, [together]) == 1.0
    assert passage_coverage(concepts, []) == 0.0


def test_should_refuse_follows_the_threshold() -> None:
    low = RefusalFeatures(coverage=1.0, top_score=1.0, n_concepts=3, passage_coverage=MIN_PASSAGE - 0.01)
    high = RefusalFeatures(coverage=0.0, top_score=1.0, n_concepts=3, passage_coverage=MIN_PASSAGE + 0.01)
    assert should_refuse(low) and not should_refuse(high)
    assert should_refuse(RefusalFeatures(1.0, 1.0, 0, passage_coverage=1.0))  # nothing to look for
    assert not should_refuse(low, Thresholds(0.0))


def test_calibrate_picks_the_best_threshold_within_the_false_refusal_budget() -> None:
    def f(p: float) -> RefusalFeatures:
        return RefusalFeatures(1.0, 1.0, 2, passage_coverage=p)

    samples = [(f(p), True) for p in (0.1, 0.2, 0.9)] + [(f(p), False) for p in [0.3] + [0.8] * 19]
    r = calibrate(samples, max_false_refusals=0.05)
    assert r.n_out_refused == 2 and r.n_answerable_refused == 0  # 0.3 would cost 1/20 = 5%, but gains nothing
    assert 0.2 < r.thresholds.min_passage < 0.3
    assert evaluate(samples, Thresholds(0.5)).n_answerable_refused == 1


def test_uncovered_words_count_against_the_answer() -> None:
    f = RefusalFeatures(1.0, 1.0, 3, passage_coverage=0.8, concept_weight=3.0)
    missing = RefusalFeatures(1.0, 1.0, 3, passage_coverage=0.8, concept_weight=3.0, uncovered=("公积金",))
    assert f.support(3.0) == 0.8 and missing.support(3.0) == pytest.approx(0.4) and missing.support(0.0) == 0.8
    assert not should_refuse(f, Thresholds(0.47, 3.0)) and should_refuse(missing, Thresholds(0.47, 3.0))


def test_refusal_names_the_word_the_policies_never_use(assistant: PolicyAssistant) -> None:
    zh = assistant.ask("公积金贷款最多能贷多少")
    en = assistant.ask("How much does the metro cost?")
    assert zh.refused and zh.uncovered_terms == ("公积金",) and "没有出现“公积金”这个词" in zh.answer
    assert en.refused and en.uncovered_terms == ("metro",) and "never use the word “metro”" in en.answer
    assert zh.to_json()["uncovered_terms"] == ["公积金"]


def test_an_everyday_word_the_policies_never_use_is_no_hedge_when_the_clause_answers(
        assistant: PolicyAssistant) -> None:
    answer = assistant.ask("留学人员落户后人员流失异常，单位会有什么后果")  # 流失异常 is in the clause; 后果 isn't
    assert not answer.refused and answer.citations and all(c.verified for c in answer.citations)
    assert answer.uncovered_terms == ("后果",)  # still reported as data
    lead = answer.answer.split("\n")[0]
    # the consequence the clause states answers it, with no word about 后果
    assert "后果" not in lead and "可能没有" not in lead and lead.startswith("按《留学回国人员申办上海常住户口实施细则》")
    assert any("流失异常" in c.quote for c in answer.citations)


def test_a_colloquial_term_gets_the_clause_without_a_hedge(assistant: PolicyAssistant) -> None:
    """居转户 is everyday speech for 居住证转办常住户口: the answer quotes the clause and doesn't say the policies
    never use the word."""
    answer = assistant.ask("首轮融资200万，居转户能缩短到几年？")
    assert not answer.refused
    assert "没有出现" not in answer.answer and "可能没有" not in answer.answer
    assert answer.answer.startswith("可以") and "5年" in answer.answer.split("\n")[0]


def test_calibration_meets_the_recorded_numbers(indexed_settings, assistant: PolicyAssistant) -> None:
    """The lexical gate (the fallback when the learned check doesn't apply; features without its verdict). The numbers in assistant/refusal/gate.py's header, with floors a little below the measured ones. Calibration
    set = the eval set + five dev sets; leave-one-dev-set-out cross-validation over weights and budgets chose
    budget 2%, weight 2: 46/190 out-of-scope refused at 8/190 answerable refused on the sets left out."""
    samples = collect_features(indexed_settings, EVAL_QUESTIONS, assistant)
    dev = [s for path in LEXICAL_DEV for s in collect_features(indexed_settings, path, assistant)]
    report = split_report(samples + dev)
    on_eval = report.in_code_on([(s.features, s.out_of_scope) for s in samples])
    assert on_eval.n_out == 20 and on_eval.n_answerable == 164
    assert on_eval.refused_out_of_scope >= 0.1 and on_eval.refused_answerable <= 0.02
    cv = report.chosen
    assert cv.n_out == 190 and cv.out_refused >= 38 and cv.answerable_refused <= 0.05 * cv.n_answerable
    same_budget = {g.uncovered_weight: g for g in report.grid if g.budget == cv.budget}
    assert cv.out_refused > same_budget[0.0].out_refused  # counting uncovered words and details is what gains (46 vs 42)
    loose = next(g for g in report.grid if g.budget == 0.05 and g.uncovered_weight == 5.0)
    assert loose.answerable_refused > 0.05 * loose.n_answerable  # why the budget is chosen, not fixed at 5%
    # The code holds the calibrated values.
    assert cv.uncovered_weight == UNCOVERED_WEIGHT
    assert abs(report.full_calibrated.thresholds.min_passage - MIN_PASSAGE) < 0.02
