"""Results the assistant returns. `to_json()` methods define the CLI's public JSON contract:
keep field names stable; only add."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from ingest.eligibility.model import Condition, Rule, Status
from ingest.eligibility.quantities import format_quantity
from ingest.staff_marks import rule_key

AnswerLang = Literal["zh", "en"]  # the language an answer (or a page) is written in
QueryLang = Literal["zh", "en", "mixed"]  # the language a question is asked in
VerdictOutcome = Literal["yes", "no", "depends", "not_covered"]
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
    # (start offset in `text`, cosine with the question) of the unit's sentences, for choosing what to quote
    sentence_similarity: tuple[tuple[int, float], ...] = ()

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


@dataclass(frozen=True)
class ClauseAnswer:
    """A clause fragment that answers the question by itself, verbatim, and where it stands: a 不得/禁止 clause says no
    (`prohibition`), a clause that grants it (可以, 允许, 支持…) says yes (`grant`); the asked figure (`figure`), the
    body responsible or to go to (`body`, `named` the body), a term's definition (`definition`, `named` the term) or
    the item naming what to hand in (`material`) or the sentence saying what befalls a breach (`consequence`)."""

    doc_title: str
    locator: str
    text: str
    kind: Literal["prohibition", "grant", "figure", "body", "definition", "material", "consequence"] = "prohibition"
    named: str = ""

    @property
    def yes_or_no(self) -> bool:
        return self.kind in ("prohibition", "grant")

    def to_json(self) -> dict:
        return {"kind": self.kind, "doc_title": self.doc_title, "locator": self.locator, "text": self.text,
                "named": self.named or None}


@dataclass(frozen=True)
class Requirements:
    """The rule whose conditions an answer lists ("留学生落户要什么条件？"), and the other routes to the same kind of
    outcome its document offers: a route is often one of several, and the visitor should know of the others."""

    rule: Rule
    other_routes: tuple[str, ...] = ()  # their locators, in document order
    # Routes to the very same outcome, few and short enough to list each as one line ("临时救助对象，是指具有下列情形
    # 之一的…"): `rule` is the first of them, and they are not among `other_routes`.
    alternatives: tuple[Rule, ...] = ()

    def to_json(self) -> dict:
        return {**self.rule.to_json(), "other_routes": list(self.other_routes),
                "alternatives": [r.to_json() for r in self.alternatives]}


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
    clause_answer: ClauseAnswer | None = None  # the clause fragment that answers by itself, when one does
    requirements: Requirements | None = None  # the conditions the answer lists, when the question asks for them

    def to_json(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
            "refused": self.refused,
            "validity": [v.to_json() for v in self.validity],
            "mode": self.mode,
            "uncovered_terms": list(self.uncovered_terms),  # fields are only ever added (the JSON contract)
            "missing_details": list(self.missing_details),
            "verdict": self.verdict_json(),
            # the listed conditions: one rule as `rules --json` shows it, and the document's other routes
            "requirements": self.requirements.to_json() if self.requirements is not None else None,
            # the clause fragment the answer's first line states: a yes or no, a figure, a body, a definition
            "direct_answer": self.clause_answer.to_json() if self.clause_answer is not None else None,
        }

    def verdict_json(self) -> dict | None:
        """The verdict; "no" with the clause when one forbids what is asked ("不可以：…不得…"), "yes" with the clause
        when one grants what a general question asks; "not_covered" for a refusal; None when the question states no
        facts a rule uses."""
        if self.verdict is not None:
            return self.verdict.to_json()
        if self.clause_answer is not None and self.clause_answer.yes_or_no:
            c = self.clause_answer
            granted = c.kind == "grant"
            return {"outcome": "yes" if granted else "no", "facts": [], "rules": [{
                "doc_title": c.doc_title, "locator": c.locator, "outcome_text": c.text,
                "status": "met" if granted else "unmet", "checked_by_staff": False, "conditions": [], "kind": c.kind}]}
        if self.refused and self.standalone_query:  # a refusal, not a notice about unusable input
            return {"outcome": "not_covered", "facts": [], "rules": []}
        return None


# --- an eligibility verdict: the visitor's facts, each rule's conditions checked against them ----------------------


@dataclass(frozen=True)
class Fact:
    kind: str  # amount, percent, duration, multiple, count, age, role, credential, description, order
    value: float
    text: str  # as the visitor wrote it
    topics: frozenset[str] = frozenset()
    qualifiers: frozenset[str] = frozenset()
    level: str | None = None  # ladder of a role or credential
    more: bool = False  # "两年多": a little more than value
    negated: bool = False  # "我不是法人": the visitor says they do not hold this role
    unsure: bool = False  # "我不一定是第一完成人": the visitor doesn't know

    @property
    def key(self) -> tuple[str, str | None, frozenset[str]]:
        """Facts with the same key describe the same thing; the later one wins."""
        return (self.kind, self.level, self.topics)

    def display(self, lang: str) -> str:
        if self.kind in ("role", "credential") and self.negated:
            return f"不是{self.text}" if lang == "zh" else f"not {self.text}"
        if self.kind in ("role", "credential", "description", "order"):
            return self.text
        shown = format_quantity(self.kind, self.value, lang)
        if self.more:  # "两年多", "3家以上": as the visitor put it
            shown = self.text if lang == "zh" else f"over {shown}"
        return shown

    def to_json(self) -> dict:
        return {"kind": self.kind, "value": self.value, "text": self.text, "topics": sorted(self.topics),
                "qualifiers": sorted(self.qualifiers), "level": self.level}


@dataclass(frozen=True)
class CheckedCondition:
    condition: Condition
    status: Status
    fact: Fact | None = None


@dataclass(frozen=True)
class RuleCheck:
    rule: Rule
    status: Status  # met / unmet / unknown
    conditions: tuple[CheckedCondition, ...]  # the conditions the checklist shows (the chosen option each)
    facts_used: int = 0  # how many of the visitor's facts decided one of its conditions, in any option
    # unknown conditions of a requirement whose other options the facts fail: what the verdict turns on
    undecided: tuple[CheckedCondition, ...] = ()

    @property
    def unmet(self) -> list[CheckedCondition]:
        return [c for c in self.conditions if c.status == "unmet"]

    @property
    def unknown(self) -> list[CheckedCondition]:
        return [c for c in self.conditions if c.status == "unknown"]


@dataclass(frozen=True)
class Branch:
    """One reading of the facts (e.g. "the 500万 was a first round") and what it leads to."""

    reading: str | None  # the qualifier assumed, or None when nothing had to be assumed
    best: RuleCheck | None  # the best met rule of the asked kind
    nearest: RuleCheck | None  # when none is met: the rule of the asked kind closest to being met
    fallback: RuleCheck | None  # when none is met: the best met rule of another kind


@dataclass(frozen=True)
class Verdict:
    outcome: VerdictOutcome
    facts: tuple[Fact, ...]
    branches: tuple[Branch, ...]
    checks: tuple[RuleCheck, ...]  # every rule the facts bear on, best first
    asked: str  # the kind of outcome asked about: direct, shorten, points, benefit, hukou or any
    ambiguous_fact: Fact | None = None  # the fact read in two ways, for "depends"
    checked_rules: frozenset[str] = frozenset()  # keys of the rules staff checked (ingest.staff_marks)

    @property
    def main(self) -> RuleCheck | None:
        b = self.branches[0]
        return b.best or b.nearest

    @property
    def rests_on_unchecked_rule(self) -> bool:
        """True when a rule the verdict names has not been checked by staff (the answer says so in small print)."""
        named = [c for b in self.branches for c in (b.best or b.nearest, b.fallback) if c is not None]
        return any(rule_key(c.rule) not in self.checked_rules for c in named)

    def to_json(self) -> dict:
        return {"outcome": self.outcome, "facts": [f.to_json() for f in self.facts],
                "rules": [{"doc_title": c.rule.doc_title, "locator": c.rule.locator,
                           "outcome_text": c.rule.outcome.text, "status": c.status,
                           "checked_by_staff": rule_key(c.rule) in self.checked_rules,
                           "conditions": [{"text": x.condition.text, "status": x.status} for x in c.conditions]}
                          for c in self.checks]}
