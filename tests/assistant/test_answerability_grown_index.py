"""The learned refusal check after staff add a policy file to the default index (assistant/refusal/answerability.py).

Real parts: a copy of the real index of the default corpus, the real ingest of one more file, the real embedding
model, the shipped model file. The added policy is made up for this test (named so in its title): it covers
exactly what the learned check learned the compilation doesn't — 医保卡 — so it shows both halves: questions
that reach the new document are left to the lexical gate and answered from it, while everyday questions no
document covers are still refused by the learned check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.refusal.gate import lexical_only, should_refuse
from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ingest.pipeline import run_ingest

NEW_TITLE = "上海市医保卡补办办法(测试用)"
NEW_POLICY = (f"{NEW_TITLE}\n第一条 补办地点\n参保人员的医保卡遗失或者损坏的,可以到就近的社区事务受理服务中心申请补办。\n"
              "第二条 补办时限\n社区事务受理服务中心应当在受理之日起十个工作日内完成医保卡补办。\n")


@pytest.fixture(scope="module")
def grown(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> PolicyAssistant:
    root = tmp_path_factory.mktemp("grown")
    shutil.copytree(indexed_settings.data_dir, root / "data")
    settings = indexed_settings.model_copy(update={"data_dir": root / "data"})
    source = Path(root / "medical-card.txt")
    source.write_text(NEW_POLICY, encoding="utf-8")
    run_ingest(settings, [source])  # the default corpus's units stay: ingest adds, it prunes only when asked
    return PolicyAssistant(settings)


def test_the_new_document_is_named_as_unfamiliar_and_the_check_stays_on(grown: PolicyAssistant) -> None:
    chain = grown._load().chain  # noqa: SLF001
    assert chain.answerability is not None
    assert chain.unfamiliar_documents == {NEW_TITLE}
    assert len(grown._load().retriever.index.docs) == 14  # noqa: SLF001


@pytest.mark.parametrize("question", ["医保卡丢了去哪里补办", "I lost my medical insurance card, where do I get a new one?"])
def test_questions_about_the_new_document_are_answered_from_it(grown: PolicyAssistant, question: str) -> None:
    state = grown._load().chain.prepare.invoke({"question": question, "history": []})  # noqa: SLF001
    assert state["hits"][0].doc_title == NEW_TITLE
    assert state["features"].out_of_scope_p is None  # deferred: the lexical gate decides
    answer = grown.ask(question)
    assert not answer.refused, answer.answer
    assert answer.citations and answer.citations[0].doc_title == NEW_TITLE and answer.citations[0].verified
    assert "社区事务受理服务中心" in answer.answer


def test_without_deferring_the_check_would_have_refused_the_new_documents_question(grown: PolicyAssistant) -> None:
    """Why the deferral exists: the shipped model learned that 医保卡 questions are out of scope (p 0.82 against
    a threshold of 0.76 for this question, measured 2026-12-04 on this machine)."""
    chain = grown._load().chain  # noqa: SLF001
    question = "I lost my medical insurance card, where do I get a new one?"
    state = chain.prepare.invoke({"question": question, "history": []})
    vector = chain.retriever.embeddings.embed_query(state["standalone"])
    assert chain.answerability.p_out_of_scope(vector, state["features"]) >= chain.answerability.threshold


@pytest.mark.parametrize("question", ["Where can I pay my water bill?", "驾驶证到期了怎么换证？"])
def test_everyday_questions_no_document_covers_are_still_refused_by_the_learned_check(
        grown: PolicyAssistant, question: str) -> None:
    state = grown._load().chain.prepare.invoke({"question": question, "history": []})  # noqa: SLF001
    assert all(h.doc_title != NEW_TITLE for h in state["hits"])
    assert state["features"].out_of_scope_p is not None  # judged by the learned check, not deferred
    answer = grown.ask(question)
    assert answer.refused and answer.citations == [], answer.answer


def test_the_learned_check_still_refuses_what_the_lexical_gate_alone_would_answer(grown: PolicyAssistant) -> None:
    """Switching the learned check off for any grown index would cost this: the lexical gate alone answers the
    water-bill question."""
    state = grown._load().chain.prepare.invoke(  # noqa: SLF001
        {"question": "Where can I pay my water bill?", "history": []})
    assert state["refuse"] and not should_refuse(lexical_only(state["features"]))


def _sample(group: str, out_of_scope: bool, support: float, *docs: str):
    from assistant.refusal.gate import RefusalFeatures
    from eval.calibration.refusal import Sample

    f = RefusalFeatures(coverage=support, top_score=1.0, n_concepts=2, passage_coverage=support)
    return Sample(f"{group}-{support}", "?", f, out_of_scope, group, "", docs)


def test_grown_index_estimate_takes_the_lexical_verdict_exactly_where_a_question_retrieves_the_new_document() -> None:
    from eval.calibration.answerability import LearnedCV, grown_index
    from eval.calibration.refusal import CrossValidated

    # Lexically: support 0.0 is refused, 1.0 answered. The learned verdicts are set to the opposite.
    samples = [_sample("a", True, 1.0, "甲"), _sample("a", False, 0.0, "乙"), _sample("b", True, 1.0, "乙"),
               _sample("b", False, 1.0, "甲", "乙")]
    learned = (True, False, True, True)
    assert [should_refuse(s.features) for s in samples] == [False, True, False, False]
    cv = LearnedCV(10.0, 0.02, CrossValidated(10.0, 2, 2, 1, 2, 0.02), 0.5, learned)
    nobody = grown_index(samples, cv, "丙")  # no question retrieves it: the learned verdicts stand
    assert (nobody.deferred, nobody.counts.out_refused, nobody.counts.answerable_refused) == (0, 2, 1)
    assert nobody.worst_false_refusals == 1.0  # set b: its one answerable question refused
    jia = grown_index(samples, cv, "甲")  # questions 1 and 4 go to the lexical gate: both answered
    assert (jia.deferred, jia.counts.out_refused, jia.counts.answerable_refused) == (2, 1, 0)
    yi = grown_index(samples, cv, "乙")  # questions 2–4: refused, answered, answered
    assert (yi.deferred, yi.counts.out_refused, yi.counts.answerable_refused, yi.worst_false_refusals) == (3, 1, 1, 1.0)


def test_a_running_assistant_picks_up_the_added_document_for_the_learned_check(
        indexed_settings: Settings, tmp_path: Path) -> None:
    """Staff feed the file while the kiosk runs: the reloaded chain names it, and its questions get answered."""
    shutil.copytree(indexed_settings.data_dir, tmp_path / "data")
    settings = indexed_settings.model_copy(update={"data_dir": tmp_path / "data", "index_refresh_seconds": 0})
    live = PolicyAssistant(settings)
    question = "I lost my medical insurance card, where do I get a new one?"
    assert live.ask(question).refused  # the compilation doesn't cover it, and the learned check says so
    assert live._load().chain.unfamiliar_documents == set()  # noqa: SLF001
    source = tmp_path / "medical-card.txt"
    source.write_text(NEW_POLICY, encoding="utf-8")
    run_ingest(settings, [source])
    answer = live.ask(question)
    assert live._load().chain.unfamiliar_documents == {NEW_TITLE}  # noqa: SLF001
    assert not answer.refused and answer.citations[0].doc_title == NEW_TITLE, answer.answer
