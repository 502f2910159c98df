"""Results the assistant returns. `to_json()` methods define the CLI's public JSON contract:
keep field names stable; only add."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from assistant.eligibility.verdict import Verdict

AnswerLang = Literal["zh", "en"]  # the language an answer (or a page) is written in
ValidityStatus = Literal["in_force", "expired", "no_end_date", "not_yet_in_force", "superseded"]


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class SearchHit:
    id: str
    doc_id: str
    doc_title: str
    locator: str
    text: str
    score: float
    issuer: str | None = None
    effective: date | None = None
    expires: date | None = None
    kind: str = "normative"  # regulation, rule or normative (ingest.official)
    version: date | None = None
    replaced_by: date | None = None  # version date of the document that replaced this one
    replaced_by_title: str | None = None  # set when staff marked a document of another title as its successor
    replaces_title: str | None = None  # the title of the document staff marked this one as replacing

    def to_json(self) -> dict:
        return {"id": self.id, "doc_title": self.doc_title, "locator": self.locator, "text": self.text,
                "score": round(float(self.score), 6)}


@dataclass(frozen=True)
class Citation:
    id: str
    doc_title: str
    locator: str
    quote: str
    verified: bool
    unit_text: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "doc_title": self.doc_title, "locator": self.locator, "quote": self.quote,
                "verified": self.verified}


@dataclass(frozen=True)
class Validity:
    doc_title: str
    status: ValidityStatus
    expires: date | None
    effective: date | None = None
    note: str | None = None
    version: date | None = None  # the date of this version (last amendment), for regulations and rules
    replaced_by: date | None = None  # the version date of the document that replaced this one
    replaced_by_title: str | None = None  # the successor's title, when staff marked one of another title
    replaces_title: str | None = None  # the document this one replaced, when staff marked it

    def to_json(self) -> dict:
        return {"doc_title": self.doc_title, "status": self.status,
                "expires": self.expires.isoformat() if self.expires else None,
                "version": self.version.isoformat() if self.version else None,
                "replaced_by": self.replaced_by.isoformat() if self.replaced_by else None,
                "replaced_by_title": self.replaced_by_title, "replaces": self.replaces_title}


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    refused: bool
    validity: list[Validity]
    mode: Literal["llm", "extractive"]
    notice: str | None = None  # e.g. why the answer is extractive
    unverified_quotes: int = 0
    standalone_query: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    uncovered_terms: tuple[str, ...] = ()  # the question's topic words that no indexed policy uses
    missing_details: tuple[str, ...] = ()  # asked details (amount, rate, time_limit) no quoted clause states
    verdict: Verdict | None = None  # the eligibility verdict on the visitor's facts, when they bear on a rule

    def to_json(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "refused": self.refused,
            "validity": [v.to_json() for v in self.validity],
            "mode": self.mode,
            "uncovered_terms": list(self.uncovered_terms),  # added 2026-12-02 (the contract only grows)
            "missing_details": list(self.missing_details),  # added 2026-12-02
            "verdict": self.verdict_json(),  # added 2026-12-06
        }

    def verdict_json(self) -> dict | None:
        """The verdict; "not_covered" for a refusal; None when the question states no facts a rule uses."""
        if self.verdict is not None:
            return self.verdict.to_json()
        if self.refused and self.standalone_query:  # a refusal, not a notice about unusable input
            return {"outcome": "not_covered", "facts": [], "rules": []}
        return None
