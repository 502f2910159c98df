"""The data that flows through ingest: a source file, its policy documents, and their citable units."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


def content_hash(text: str) -> str:
    """Stable hash of a text (hex, 16 chars): the key of the embedding cache and part of unit ids."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SourceText:
    """A file read and decoded into text, before cleaning."""

    name: str  # display name / stable key, e.g. "pujiang-2021-policy-compilation.txt"
    path: str
    text: str
    sha256: str  # of the raw bytes
    encoding: str = "utf-8"


@dataclass(frozen=True)
class PolicyDocument:
    """One policy (a 通知/办法/意见…) with what is needed to cite it and to judge whether it is in force."""

    doc_id: str
    title: str
    text: str  # cleaned body text; units are exact slices of it
    source: str  # SourceText.name
    issuer: str | None = None
    doc_number: str | None = None
    effective: date | None = None
    expires: date | None = None
    validity_note: str | None = None  # e.g. the note that extended the expiry
    notice_title: str | None = None  # the title of the covering notice, when different
    kind: str = "normative"  # regulation, rule or normative (ingest.official)
    adopted: date | None = None
    amended: tuple[date, ...] = ()
    version: date | None = None  # date of this version: the last amendment, else adoption (or the file name's)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title + "\n" + self.text)


@dataclass(frozen=True)
class Unit:
    """One citable unit (article, section or item) of one document: a verbatim slice of its text."""

    id: str
    doc_id: str
    doc_title: str
    locator: str  # human-readable heading path, e.g. "第五条（四）" or "三、（七）"
    heading_path: tuple[str, ...]
    text: str
    start: int  # offset of `text` in PolicyDocument.text
    order: int  # position of the unit in its document
    source: str
    content_hash: str = field(default="")

    def context_text(self) -> str:
        """What is embedded and indexed: title and heading path give a short unit its context."""
        path = " › ".join(self.heading_path)
        return f"{self.doc_title}\n{path}\n{self.text}" if path else f"{self.doc_title}\n{self.text}"
