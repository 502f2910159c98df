"""What the staff console shows, as typed rows: documents with their status on a day, a document's units and
rules, a retrieval test, and the health of the parts. The pages (assistant.web.admin.routes) only lay them out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.answer.validity import document_statuses
from ingest.records import DocumentInfo
from ingest.staff_marks import StaffMarks, rule_key

EXPIRING_DAYS = 90
SORT_KEYS = ("title", "issuer", "effective", "expires", "status", "units")
BADGES = {  # status → (label, css class); "expiring" is in force with an end date within EXPIRING_DAYS
    "in_force": ("现行有效 In force", "ok"),
    "expiring": ("即将到期 Expires within 90 days", "warn"),
    "expired": ("已失效 Expired", "bad"),
    "superseded": ("已被取代 Replaced", "bad"),
    "not_yet_in_force": ("尚未施行 Not yet in force", "warn"),
    "no_end_date": ("未注明有效期 No end date", "neutral"),
}


@dataclass(frozen=True)
class DocumentRow:
    doc: DocumentInfo
    status: str  # a BADGES key
    replaced_by: str | None  # the successor's title, when replaced

    @property
    def badge(self) -> tuple[str, str]:
        return BADGES[self.status]


def document_rows(documents: list[DocumentInfo], on: date, marks: StaffMarks) -> list[DocumentRow]:
    """Every document's status on `on` (a later version of the same title, or the successor staff marked)."""
    rows = []
    for d, v in zip(documents, document_statuses(documents, on, marks.replaced), strict=True):
        s = v.status
        if s == "in_force" and d.expires is not None and d.expires <= on + timedelta(days=EXPIRING_DAYS):
            s = "expiring"
        rows.append(DocumentRow(d, s, (v.replaced_by_title or d.title) if s == "superseded" else None))
    return rows


def select_rows(rows: list[DocumentRow], query: str = "", status: str = "", sort: str = "title",
                descending: bool = False) -> list[DocumentRow]:
    """The rows whose title/issuer/文号/file holds `query` and whose status is `status`, sorted."""
    q = query.strip().casefold()
    if q:
        rows = [r for r in rows if q in " ".join(filter(None, (r.doc.title, r.doc.issuer, r.doc.doc_number,
                                                                r.doc.source))).casefold()]
    if status in BADGES:
        rows = [r for r in rows if r.status == status]
    key = sort if sort in SORT_KEYS else "title"

    def sort_key(r: DocumentRow) -> Any:
        value = r.status if key == "status" else getattr(r.doc, key)
        return (value is None, value if value is not None else "")

    return sorted(rows, key=sort_key, reverse=descending)


@dataclass(frozen=True)
class RuleRow:
    key: str
    locator: str
    outcome: str
    requirements: list[str]  # each requirement: its alternatives' verbatim spans, joined by 或 / 且
    checked_at: str | None


def rule_rows(rules: Any, doc_title: str, marks: StaffMarks) -> list[RuleRow]:
    out = []
    for r in rules:
        if r.doc_title != doc_title:
            continue
        k = rule_key(r)
        requirements = [" 或 ".join(" 且 ".join(f"「{c.text}」" for c in option) for option in req.options)
                        for req in r.requirements]
        out.append(RuleRow(k, r.locator, r.outcome.text, requirements, marks.checked_rules.get(k)))
    return out


@dataclass(frozen=True)
class RankedUnit:
    rank: int
    doc_title: str
    locator: str
    text: str
    fused: float
    found_by: dict[str, int]  # retriever name → the unit's rank in that retriever's list


def retrieval_test(retriever: Any, query: str, k: int = 10) -> list[RankedUnit]:
    """The units a question retrieves, with the fused score and each retriever's rank (RAGFlow's "retrieval
    testing"); the same lists the assistant fuses for an answer."""
    idx = retriever.index
    lists = retriever.ranked_lists(query, None, idx)
    ranks = {name: {uid: i for i, uid in enumerate(ids, 1)} for name, ids in lists.items()}
    out = []
    for i, (uid, score) in enumerate(retriever.fuse(lists, idx)[:k], 1):
        if uid not in idx.by_id:
            continue
        u = idx.units[idx.by_id[uid]]
        out.append(RankedUnit(i, u.doc_title, u.locator, u.text, score,
                              {name: r[uid] for name, r in ranks.items() if uid in r}))
    return out
