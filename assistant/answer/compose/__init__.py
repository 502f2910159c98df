"""The one place that writes what the visitor reads first (see opening.py); verdicts in words (verdict_text.py)."""

from assistant.answer.compose.opening import (
    DirectAnswer,
    Findings,
    llm_answer_text,
    missing_detail_line,
    opening,
    uncovered_line,
    verdict_lead,
)
from assistant.answer.compose.verdict_text import checklist, describe, verdict_line

__all__ = ["DirectAnswer", "Findings", "checklist", "describe", "llm_answer_text", "missing_detail_line", "opening",
           "uncovered_line", "verdict_lead", "verdict_line"]
