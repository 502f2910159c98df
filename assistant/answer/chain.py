"""The answer pipeline as LCEL Runnables: condense → retrieve → refusal gate → generate → verify → validity.

Each step adds its findings to one `AnswerState` (assistant/answer/state.py, every key declared), and the last
step turns them into an `Answer`. Generation is the LLM (when configured) with the extractive answer as its
fallback (`with_fallbacks(..., exception_key="error")`), or the extractive answer alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda, RunnablePassthrough

from assistant.answer.citations import has_valid_marker, verify_llm_answer
from assistant.answer.compose import Findings, llm_answer_text
from assistant.answer.eligibility.asked import named_definitions
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.overview import requirements_asked
from assistant.answer.eligibility.verdict import decide
from assistant.answer.extractive import answer_language, build_extractive_answer, grounds
from assistant.answer.llm import UnusableOutput, failure_notice
from assistant.answer.llm_facts import flag_figures, requirements_notes, verdict_notes
from assistant.answer.prompts import NO_ANSWER_TOKEN, PromptLibrary, defang, distinctive_lines, echoes_prompt
from assistant.answer.refused import department_of, refusal_answer
from assistant.answer.state import AnswerState
from assistant.answer.validity import validity_for_hits
from assistant.query.asked_form import without_form
from assistant.query.condense import condense_offline
from assistant.query.details import asked_details, unstated
from assistant.query.scope import out_of_scope
from assistant.refusal.answerability import AnswerabilityModel
from assistant.refusal.gate import HEDGE_COVERAGE, RefusalFeatures, features, should_refuse
from assistant.settings import Settings
from assistant.types import Answer, SearchHit, Turn

log = logging.getLogger(__name__)

LANG_NAMES = {"zh": "简体中文 (Simplified Chinese)", "en": "English"}
RULE_HITS = 10  # retrieved units whose rules the verdict reads…
RULE_DOCUMENTS = 3  # …when their document is one of the first documents retrieved


class AnswerChain:
    """Builds the Runnables once; `invoke`/`stream` are thread-safe (no per-call mutation of self)."""

    def __init__(self, settings: Settings, retriever: Any, prompts: PromptLibrary,
                 chat_model: BaseChatModel | None = None, dense_probe: Any = None,
                 answerability: AnswerabilityModel | None = None,
                 unfamiliar_documents: frozenset[str] = frozenset()) -> None:
        self.settings = settings
        self.answerability = answerability  # the learned refusal check, only when it applies to this index
        # Titles indexed after it was trained: it has never seen what they cover, so it doesn't judge questions
        # that retrieve their clauses (assistant/refusal/answerability.py).
        self.unfamiliar_documents = unfamiliar_documents
        self.retriever = retriever
        self.prompts = prompts
        self.chat_model = chat_model
        self.dense_probe = dense_probe  # query -> best dense cosine (a refusal signal), optional
        self._prompt_lines = distinctive_lines(prompts, LANG_NAMES.values()) if chat_model is not None else ()
        self.prepare: Runnable = (RunnableLambda(self._condense, name="condense")
                                  | RunnableLambda(self._retrieve, name="retrieve")
                                  | RunnableLambda(self._understand, name="eligibility")
                                  | RunnableLambda(self._gate, name="refusal_gate"))
        extractive = RunnableLambda(self._extractive, name="extractive_answer")
        generate: Runnable = extractive
        self.llm_text: Runnable | None = None
        if chat_model is not None:
            self.llm_text = RunnableLambda(self._messages, name="answer_prompt") | chat_model | StrOutputParser()
            llm_answer = (RunnablePassthrough.assign(text=self.llm_text)
                          | RunnableLambda(lambda s: self.finish_llm(s["text"], s), name="verify_quotes"))
            # Any failure of the endpoint or of its output (UnusableOutput) → the extractive answer, with
            # the exception passed in the state under "error" so the answer's notice can say why.
            generate = RunnableBranch(
                (lambda s: "llm_failure" in s,  # the endpoint already failed while condensing: don't wait twice
                 RunnableLambda(lambda s: self._extractive({**s, "error": s["llm_failure"]}))),
                llm_answer.with_fallbacks([extractive], exception_key="error"),
            )
        self.chain: Runnable = self.prepare | RunnableBranch(
            (lambda s: s["refuse"], RunnableLambda(self._refusal, name="refusal")),
            generate,
        )

    # --- steps ---------------------------------------------------------------------------------------
    def _condense(self, state: AnswerState) -> AnswerState:
        t0 = time.perf_counter()
        question: str = state["question"]
        history: list[Turn] = state.get("history") or []
        standalone = question
        if history:
            standalone = self._condense_llm(question, history, state) if self.chat_model else None
            standalone = standalone or condense_offline(question, history, self.retriever.index.topics)
        state = {**state, "lang": answer_language(question), "standalone": standalone}
        return _timed(state, "condense", t0)

    def _condense_llm(self, question: str, history: list[Turn], state: AnswerState) -> str | None:
        """The LLM's rewrite, or None (offline fallback) on any failure or an implausible rewrite."""
        try:
            text = self.prompts.render("condense", question=defang(question),
                                       history=[Turn(t.role, defang(t.content)) for t in history])
            out = (self.chat_model | StrOutputParser()).invoke([HumanMessage(text)]).strip()  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 — any endpoint failure means: condense offline
            log.warning("LLM condense failed (%s); using the offline condenser", type(exc).__name__)
            state.setdefault("llm_failure", exc)
            return None
        if not out or len(out) > 3 * max(len(question), 100) or NO_ANSWER_TOKEN in out:
            return None
        return out

    def _retrieve(self, state: AnswerState) -> AnswerState:
        t0 = time.perf_counter()
        query = state["standalone"]
        # A few more units than are quoted: their rules may decide a verdict (an article ranked 8th whose
        # conditions the visitor's facts meet); the answer still quotes from the top_k.
        ranked: list[SearchHit] = self.retriever.search(query, k=max(self.settings.top_k, RULE_HITS))
        hits = ranked[:self.settings.top_k]
        expanded = self.retriever.expander.expand(query)
        uncovered = self.retriever.uncovered_terms(query)
        dense = self.dense_probe(query) if self.dense_probe and hits else None
        return _timed({**state, "hits": hits, "rule_hits": ranked, "expanded": expanded, "dense_top": dense,
                       "uncovered": uncovered}, "retrieve", t0)

    def _understand(self, state: AnswerState) -> AnswerState:
        """The visitor's facts (this question and the earlier ones), the verdict of the retrieved clauses'
        rules on them, and whether the question is about another place or a later year than anything indexed."""
        t0 = time.perf_counter()
        asked = [t.content for t in state.get("history") or [] if t.role == "user"] + [state["question"]]
        facts = merge_facts(asked)
        ranked: list[SearchHit] = state.get("rule_hits") or state["hits"]
        # Only clauses of the documents the question is answered from — of the first one, or of one that uses
        # the question's topic words: a hukou rule must never judge a housing-fund question because it happens
        # to mention 36 months.
        answering = set(list(dict.fromkeys(h.doc_id for h in ranked))[:RULE_DOCUMENTS])
        concepts = self.retriever.index.topics.topic_concepts(state["expanded"])
        topic_docs = frozenset().union(*(docs for _, docs in concepts))
        first = ranked[0].doc_id if ranked else None
        idx = self.retriever.index  # one snapshot of the rules and the units they belong to
        rules = idx.rules.for_units([h.id for h in ranked if h.doc_id in answering and (
            not concepts or h.doc_id == first or h.doc_id in topic_docs)])
        terms = [t for c in state["expanded"].concepts if c.weight >= 0.5 for t in c.terms]

        def doc_of(uid: str) -> str | None:
            return idx.units[idx.by_id[uid]].doc_id if uid in idx.by_id else None

        rules += named_definitions(idx.rules.rules, doc_of, answering, terms, rules)
        verdict = decide(asked, facts, rules, terms, idx.rules.rules) if facts or terms else None
        if verdict is not None:
            verdict = replace(verdict, checked_rules=idx.checked_rules)
        # No verdict: a question asking what the conditions are gets the rule they are asked of, listed.
        requirements = (requirements_asked(state["standalone"], rules, ranked, idx.rules.rules, terms, doc_of)
                        if verdict is None else None)
        # The clauses the verdict or the listed conditions rest on are quoted, however low they ranked.
        quoted = {h.id for h in state["hits"]}
        below = {h.id: h for h in ranked}
        extra = [below.get(uid) or self.retriever.unit_hit(uid) for uid in grounds(verdict, requirements)
                 if uid not in quoted]
        docs = self.retriever.index.docs.values()
        newest = max((d.effective for d in docs if d.effective), default=None)
        scope = out_of_scope(state["question"], [f"{d.title} {d.issuer or ''}" for d in docs], newest)
        return _timed({**state, "facts": facts, "verdict": verdict, "requirements": requirements, "scope": scope,
                       "grounds": [h for h in extra if h is not None]}, "eligibility", t0)

    def _gate(self, state: AnswerState) -> AnswerState:
        if state.get("scope") is not None:
            return {**state, "features": features(state["expanded"], state["hits"], None, state.get("uncovered", ()),
                                                  question=state["standalone"]), "refuse": True}
        f: RefusalFeatures = features(state["expanded"], state["hits"], state.get("dense_top"),
                                      state.get("uncovered", ()), question=state["standalone"])
        if (self.answerability is not None and f.n_concepts
                and not any(h.doc_title in self.unfamiliar_documents for h in state["hits"])):
            # What it is about, without the "要什么条件" out-of-scope questions often end with (the embedder's cache).
            vector = self.retriever.embeddings.embed_query(without_form(state["standalone"]))
            f = replace(f, out_of_scope_p=self.answerability.p_out_of_scope(vector, f),
                        learned_threshold=self.answerability.threshold)
        return {**state, "features": f, "refuse": should_refuse(f)}

    def _refusal(self, state: AnswerState) -> Answer:
        return refusal_answer(state["lang"], state["hits"], self.prompts, standalone_query=state["standalone"],
                              timings=state.get("timings"), uncovered=state["features"].uncovered,
                              missing=state["features"].unstated, scope=state.get("scope"))

    def _extractive(self, state: AnswerState) -> Answer:
        t0 = time.perf_counter()
        error = state.get("error")
        notice = failure_notice(error) if error is not None else None
        if error is not None:
            log.warning("LLM answer failed (%s: %s); answering extractively", type(error).__name__, error)
        f: RefusalFeatures = state["features"]
        # Hedge only for a real gap: clauses that hold too little of what the question asks about. A word the
        # policies never use is no gap by itself when the clauses answer (居转户 is everyday speech for
        # 居住证转办常住户口; "moment", "bit" are just words); an asked detail they don't state is said as such.
        weak = f.known_coverage < HEDGE_COVERAGE
        department = department_of(state["hits"], state["lang"])
        answer = build_extractive_answer(state["question"], _quotable(state), state["expanded"],
                                         self.settings.effective_today(), notice=notice,
                                         standalone_query=state["standalone"],
                                         hedge_department=department if weak else None,
                                         uncovered=f.uncovered, asked=asked_details(state["standalone"]),
                                         department=department, verdict=state.get("verdict"),
                                         requirements=state.get("requirements"),
                                         general=not state.get("facts"), term_share=self.retriever.term_share)
        answer.timings_ms = {**state.get("timings", {}), "generate": _ms(t0)}
        return answer

    def _messages(self, state: AnswerState) -> list:
        lang = state["lang"]
        sources = [{"n": i, "title": h.doc_title, "locator": h.locator, "text": defang(h.text)}
                   for i, h in enumerate(_quotable(state), 1)]
        system = self.prompts.render("system", language=LANG_NAMES[lang], no_answer_token=NO_ANSWER_TOKEN)
        human = self.prompts.render("answer", sources=sources, question=defang(state["question"]),
                                    standalone=defang(state["standalone"]), language=LANG_NAMES[lang],
                                    no_answer_token=NO_ANSWER_TOKEN,
                                    verdict=[defang(line) for line in verdict_notes(state.get("verdict"), lang)],
                                    listed=[defang(line) for line in requirements_notes(state.get("requirements"), lang)])
        return [SystemMessage(system), HumanMessage(human)]

    # --- public --------------------------------------------------------------------------------------
    def invoke(self, question: str, history: list[Turn] | None = None) -> Answer:
        return self.chain.invoke({"question": question, "history": history or []})

    def standalone(self, question: str, history: list[Turn]) -> str:
        """The question condensed with its history (the query that retrieval sees)."""
        return self._condense({"question": question, "history": history})["standalone"]

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        """Text chunks as the LLM produces them (real token streaming), then the final, verified Answer.
        Offline, the extractive answer comes as one chunk. The final Answer is authoritative: its text may
        differ from the streamed chunks (quotes marked, or the extractive fallback after a failure)."""
        state = self.prepare.invoke({"question": question, "history": history or []})
        if state["refuse"] or self.llm_text is None or "llm_failure" in state:
            answer = RunnableBranch((lambda s: s["refuse"], RunnableLambda(self._refusal)),
                                    RunnableLambda(self._after_failure)).invoke(state)
            yield answer.answer
            yield answer
            return
        t0 = time.perf_counter()
        parts: list[str] = []
        try:
            for chunk in self.llm_text.stream(state):
                if chunk:
                    parts.append(chunk)
                    yield chunk
            answer = self.finish_llm("".join(parts), state)
        except Exception as exc:  # noqa: BLE001 — every endpoint failure falls back
            answer = self._extractive({**state, "error": exc})
        answer.timings_ms.setdefault("generate", _ms(t0))
        yield answer

    def _after_failure(self, state: AnswerState) -> Answer:
        """Extractive answer, with the condense-time LLM failure (if any) as the notice."""
        return self._extractive({**state, "error": state["llm_failure"]} if "llm_failure" in state else state)

    def finish_llm(self, text: str, state: AnswerState) -> Answer:
        """Verify the LLM's quotes and markers, attach validity; raise UnusableOutput if nothing usable."""
        text = text.strip()
        hits = _quotable(state)
        uncovered = state["features"].uncovered
        if text.startswith(NO_ANSWER_TOKEN):
            return refusal_answer(state["lang"], hits, self.prompts, mode="llm", standalone_query=state["standalone"],
                                  timings=state.get("timings"), uncovered=uncovered, missing=state["features"].unstated)
        if not text or not has_valid_marker(text, len(hits)):
            raise UnusableOutput("no_marker" if text else "empty")
        if echoes_prompt(text, self._prompt_lines):
            # A model that repeats its instructions (injected, or naive) must not show them to the visitor.
            raise UnusableOutput("prompt_echo")
        checked = verify_llm_answer(text, hits)
        verdict, listed = state.get("verdict"), state.get("requirements")
        flagged_text, wrong_figures = flag_figures(checked.text, verdict, state["lang"], listed)
        if checked.unverified and not any(c.verified and c.quote for c in checked.citations):
            # Every quote failed the check: nothing in this reply is known to be the policy's words.
            raise UnusableOutput("unverified")
        cited = [h for h in hits if any(c.id == h.id for c in checked.citations)]
        validity = validity_for_hits(cited, self.settings.effective_today())
        lang = state["lang"]
        missing = unstated(asked_details(state["standalone"]), (c.quote for c in checked.citations if c.verified))
        weak = state["features"].known_coverage < HEDGE_COVERAGE
        body = llm_answer_text(Findings(lang, cited, validity, verdict=verdict, requirements=listed,
                                        uncovered=uncovered if weak else (), missing=missing), flagged_text)
        return Answer(answer=body, citations=checked.citations, refused=False, validity=validity, mode="llm",
                      unverified_quotes=checked.unverified + wrong_figures, standalone_query=state["standalone"],
                      timings_ms=dict(state.get("timings", {})), uncovered_terms=uncovered, missing_details=missing,
                      verdict=verdict, requirements=listed)


def _quotable(state: AnswerState) -> list[SearchHit]:
    """The units an answer may quote: the retrieved ones, then those its verdict or listed conditions rest on."""
    return [*state["hits"], *state.get("grounds", [])]


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)


def _timed(state: AnswerState, step: str, t0: float) -> AnswerState:
    return {**state, "timings": {**state.get("timings", {}), step: _ms(t0)}}
