"""What the answer pipeline knows about one question as it goes: each step adds its findings under declared keys.

A `TypedDict` rather than a dataclass because LangChain's `RunnablePassthrough.assign` and `with_fallbacks(
exception_key=...)` work on mappings; every key any step reads or writes is declared here, so a reader (and a type
checker) sees the whole state in one place.
"""

from __future__ import annotations

from typing import TypedDict

from assistant.query.crosslingual import ExpandedQuery
from assistant.query.scope import OutOfScope
from assistant.refusal.gate import RefusalFeatures
from assistant.types import AnswerLang, Fact, Requirements, SearchHit, Turn, Verdict


class AnswerState(TypedDict, total=False):
    # the request
    question: str
    history: list[Turn]
    # condense
    lang: AnswerLang
    standalone: str  # the question rewritten to stand alone (follow-ups), what retrieval searches for
    llm_failure: Exception  # the LLM endpoint failed while condensing: answer extractively without a second wait
    # retrieve
    hits: list[SearchHit]  # the units the answer quotes from (top_k)
    rule_hits: list[SearchHit]  # a few more, whose rules may decide a verdict
    expanded: ExpandedQuery
    dense_top: float | None  # the best dense cosine, a refusal signal
    uncovered: tuple[str, ...]  # the question's topic words no indexed policy uses
    # eligibility
    facts: list[Fact]
    verdict: Verdict | None
    requirements: Requirements | None  # no verdict, and the question asks what the conditions are: the rule it asks of
    scope: OutOfScope | None  # another place's or a later year's rules
    grounds: list[SearchHit]  # units the verdict or the listed conditions rest on, ranked below the quoted ones
    # refusal gate
    features: RefusalFeatures
    refuse: bool
    # generate
    text: str  # the LLM's raw answer
    error: Exception  # why the LLM answer failed, for the extractive fallback's notice
    timings: dict[str, float]  # milliseconds per step
