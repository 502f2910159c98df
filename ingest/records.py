"""How a unit and its document are stored as one Chroma record (document text + flat metadata), and back.

Every field is a str/int (Chroma metadata can't hold None or dates): dates are ISO strings, missing values ''.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ingest.models import PolicyDocument, Unit, content_hash

_PATH_SEP = " › "


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed policy document, as `docs` lists it."""

    doc_id: str
    title: str
    issuer: str | None
    doc_number: str | None
    effective: date | None
    expires: date | None
    validity_note: str | None
    units: int
    source: str
    notice_title: str | None = None
    kind: str = "normative"
    adopted: date | None = None
    amended: tuple[date, ...] = ()
    version: date | None = None

    def to_json(self) -> dict:
        return {"title": self.title, "issuer": self.issuer, "doc_number": self.doc_number,
                "effective": _iso_or_none(self.effective), "expires": _iso_or_none(self.expires),
                "units": self.units, "doc_id": self.doc_id, "validity_note": self.validity_note,
                "source": self.source, "kind": self.kind, "adopted": _iso_or_none(self.adopted),
                "amended": [d.isoformat() for d in self.amended], "version": _iso_or_none(self.version)}


def _iso_or_none(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _date(s: Any) -> date | None:
    return date.fromisoformat(s) if s else None


def _none(s: Any) -> str | None:
    return s if s else None


def record_hash(unit: Unit, doc: PolicyDocument | None, doc_order: int = 0) -> str:
    """Hash of everything stored for a unit: a changed expiry date must rewrite the unit's metadata."""
    meta = _doc_meta(doc) if doc else {}
    parts = [unit.context_text(), unit.locator, str(unit.order), str(unit.start), str(doc_order),
             repr(sorted(meta.items()))]
    return content_hash("\x1f".join(parts))


def _doc_meta(doc: PolicyDocument) -> dict[str, str]:
    return {"issuer": doc.issuer or "", "doc_number": doc.doc_number or "", "effective": _iso(doc.effective),
            "expires": _iso(doc.expires), "validity_note": doc.validity_note or "",
            "notice_title": doc.notice_title or "", "kind": doc.kind, "adopted": _iso(doc.adopted),
            "amended": ",".join(d.isoformat() for d in doc.amended), "version": _iso(doc.version)}


def unit_metadata(unit: Unit, doc: PolicyDocument | None, doc_order: int = 0) -> dict[str, Any]:
    context = unit.context_text()
    meta: dict[str, Any] = {
        "doc_id": unit.doc_id, "doc_title": unit.doc_title, "locator": unit.locator,
        "heading_path": _PATH_SEP.join(unit.heading_path), "order": unit.order, "start": unit.start,
        "source": unit.source, "content_hash": unit.content_hash or content_hash(unit.text),
        "record_hash": record_hash(unit, doc, doc_order), "doc_order": doc_order,
        # The stored document is the embedded context text; the unit's own text is its tail.
        "body_offset": len(context) - len(unit.text),
    }
    meta.update(_doc_meta(doc) if doc else {})
    return meta


def unit_from_record(uid: str, document: str, meta: dict[str, Any]) -> Unit:
    path = meta.get("heading_path") or ""
    return Unit(id=uid, doc_id=meta["doc_id"], doc_title=meta["doc_title"], locator=meta.get("locator", ""),
                heading_path=tuple(path.split(_PATH_SEP)) if path else (), text=document[int(meta["body_offset"]):],
                start=int(meta.get("start", 0)), order=int(meta.get("order", 0)), source=meta.get("source", ""),
                content_hash=meta.get("content_hash", ""))


def doc_info(m: dict, units: int) -> DocumentInfo:
    return DocumentInfo(doc_id=m["doc_id"], title=m.get("doc_title", ""), issuer=_none(m.get("issuer")),
                        doc_number=_none(m.get("doc_number")), effective=_date(m.get("effective")),
                        expires=_date(m.get("expires")), validity_note=_none(m.get("validity_note")),
                        units=units, source=m.get("source", ""), notice_title=_none(m.get("notice_title")),
                        kind=m.get("kind") or "normative", adopted=_date(m.get("adopted")),
                        amended=tuple(date.fromisoformat(d) for d in (m.get("amended") or "").split(",") if d),
                        version=_date(m.get("version")))


def _title_key(title: str) -> str:
    return unicodedata.normalize("NFKC", "".join(title.split()))


@dataclass(frozen=True)
class Successor:
    """The document that replaced an indexed one, and from which day."""

    doc: DocumentInfo
    on: date | None  # the successor's version date (same title) or effective date (a staff mark; None if undated)
    by_staff: bool = False


def replacements(docs: Iterable[DocumentInfo], staff: Mapping[str, str] | None = None) -> dict[str, Successor]:
    """Each replaced document (doc_id) → its successor.

    Versions of one title are ordered by their version date (last amendment, adoption, or the file name's date),
    then by their effective date; each is replaced by the next newer one. Documents of one title with no such date
    can't be ordered and replace nothing. `staff` (old doc_id → new doc_id, ingest.staff_marks) adds replacements
    staff marked by hand, e.g. a new policy with a new title; they win over the automatic ones.
    """
    docs = list(docs)
    by_title: dict[str, list[DocumentInfo]] = {}
    for d in docs:
        by_title.setdefault(_title_key(d.title), []).append(d)
    replaced: dict[str, Successor] = {}
    for versions in by_title.values():
        dated = sorted((d for d in versions if d.version or d.effective),
                       key=lambda d: (d.version or d.effective, d.effective or date.min))  # type: ignore[operator]
        for older, newer in zip(dated, dated[1:], strict=False):
            if (newer.version or newer.effective) != (older.version or older.effective):
                replaced[older.doc_id] = Successor(newer, newer.version or newer.effective)
    by_id = {d.doc_id: d for d in docs}
    for old, new in (staff or {}).items():
        if old in by_id and new in by_id and old != new:
            newer = by_id[new]
            replaced[old] = Successor(newer, newer.effective or newer.version, by_staff=True)
    return replaced
