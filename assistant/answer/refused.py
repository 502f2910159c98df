"""The answer to a question the indexed policies don't cover: why, and whom to ask instead."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.prompts import PromptLibrary
from assistant.query.scope import OutOfScope
from assistant.types import Answer, AnswerLang, SearchHit


def department_of(hits: Sequence[SearchHit], lang: AnswerLang) -> str:
    """The issuer of the closest document, or a generic pointer when it isn't known — or when the issuer is a
    people's congress, which adopts regulations but does not apply them to anyone's case."""
    issuer = hits[0].issuer if hits else None
    if issuer and "人民代表大会" not in issuer:
        return issuer if lang == "zh" else f"the issuing department, {issuer}"
    return "相关政策主管部门或12345市民服务热线" if lang == "zh" else "the responsible department or the 12345 citizen hotline"


def scope_reason(scope: OutOfScope, lang: AnswerLang) -> str:
    """Why an out-of-scope question is not covered, in the answer's language."""
    if scope.kind == "place":
        if lang == "zh":
            return f"已收录的政策都是{scope.home}的规定，不涉及{scope.subject}的政策。"
        return f"The indexed policies are {scope.home}'s rules; they don't cover {scope.subject}'s."
    if lang == "zh":
        return f"已收录的政策最新的是{scope.home}年的，无法回答{scope.subject}年的新变化。"
    return f"The newest indexed policy dates from {scope.home}; it can't tell what changed in {scope.subject}."


def refusal_answer(lang: AnswerLang, hits: Sequence[SearchHit], prompts: PromptLibrary,
                   mode: str = "extractive", notice: str | None = None, standalone_query: str = "",
                   timings: dict[str, float] | None = None, uncovered: Sequence[str] = (),
                   missing: Sequence[str] = (), scope: OutOfScope | None = None) -> Answer:
    """Say the compiled policies don't cover it (why, when it is another place's or a later year's rules;
    naming the question's words they never use) and whom to ask (prompts/refusal.md)."""
    text = prompts.render("refusal", language=lang, closest_title=hits[0].doc_title if hits else "",
                          department=department_of(hits, lang), uncovered=list(uncovered),
                          reason=scope_reason(scope, lang) if scope else "")
    return Answer(answer=text, citations=[], refused=True, validity=[], mode=mode,  # type: ignore[arg-type]
                  notice=notice, standalone_query=standalone_query, timings_ms=dict(timings or {}),
                  uncovered_terms=tuple(uncovered), missing_details=tuple(missing))
