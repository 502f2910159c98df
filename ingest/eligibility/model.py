"""Eligibility rules as typed data: what a clause grants, under which conditions, each part an exact span.

A rule is a conjunction of requirements; a requirement is met by any one of its options; an option is a
conjunction of conditions ("首轮…200万元及以上" *or* "累计…500万元及以上"; "合伙人" *or* "连续2年担任副总裁及以上").
Offsets are into the unit's text, so every condition and outcome can be quoted and checked verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ConditionKind = Literal["amount", "percent", "duration", "multiple", "count", "age", "role", "credential",
                        "qualifier", "order", "other"]
# "status": being what a definition defines (最低生活保障家庭, 特困人员), which other articles grant things to
OutcomeKind = Literal["direct_hukou", "apply_hukou", "shorten", "points", "subsidy", "reward", "family", "status",
                      "other"]
Op = Literal[">=", ">", "<=", "<", "="]
Status = Literal["met", "unmet", "unknown"]


@dataclass(frozen=True)
class Condition:
    kind: ConditionKind
    text: str  # verbatim span of the unit text
    start: int
    end: int
    op: Op | None = None
    value: float | None = None
    topics: frozenset[str] = frozenset()  # what the threshold is about: investment, stake, work, tax…
    qualifiers: frozenset[str] = frozenset()  # first_round, cumulative, paid_in, continuous
    level: str | None = None  # role/credential: the ladder rung it names (e.g. "doctorate", "partner")
    soft: bool = False  # "一般", "原则上": usually, not always
    # kind "order": an event before (op "<") or after (op ">") another; topics "event:…" and "anchor:…"
    unit_id: str = ""  # the unit whose text start/end index (a list's items may sit in the next unit)

    def to_json(self) -> dict:
        return {"text": self.text, "kind": self.kind, "op": self.op, "value": self.value,
                "topics": sorted(self.topics), "qualifiers": sorted(self.qualifiers), "level": self.level,
                "soft": self.soft}


@dataclass(frozen=True)
class Requirement:
    options: tuple[tuple[Condition, ...], ...]  # any option; every condition of that option


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    text: str  # verbatim span
    start: int
    end: int
    value: float | None = None  # years after shortening, points, the largest amount in yuan
    from_value: float | None = None  # years before shortening

    def to_json(self) -> dict:
        return {"text": self.text, "kind": self.kind, "value": self.value, "from": self.from_value}


@dataclass(frozen=True)
class Rule:
    unit_id: str
    doc_title: str
    locator: str
    outcome: Outcome
    requirements: tuple[Requirement, ...]
    unit_ids: tuple[str, ...] = field(default=())  # every unit the rule's spans come from (heading + items)
    # A document's list of what every applicant must meet ("申办…户口同时应符合下列条件") is a rule of its own
    # (general) and also binds the document's routes: each route carries those requirements (inherited) and
    # the locator they come from, so a route that is met but fails the age limit of the general list is unmet.
    general: bool = False
    inherited: tuple[Requirement, ...] = field(default=())
    inherited_from: str = ""
    beneficiary: str | None = None  # a family member the rule is for ("spouse", "child"); None: the applicant

    @property
    def conditions(self) -> list[Condition]:
        return [c for r in self.requirements for option in r.options for c in option]

    def to_json(self) -> dict:
        return {"unit_id": self.unit_id, "doc_title": self.doc_title, "locator": self.locator,
                "outcome": self.outcome.to_json(),
                "requirements": [[[c.to_json() for c in option] for option in r.options]
                                 for r in self.requirements],
                "general": self.general, "general_requirements_from": self.inherited_from or None,
                "beneficiary": self.beneficiary}
