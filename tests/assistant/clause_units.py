"""Made-up clause text as units, the shape ingest gives the rule extractor (id, title, locator, path, text)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClauseUnit:
    id: str
    doc_title: str
    locator: str
    heading_path: tuple[str, ...]
    text: str
    doc_id: str = "d"
    order: int = 0


def clause_units(title: str, clauses: list[tuple[str, str]]) -> list[ClauseUnit]:
    """One unit per (locator, text), in document order."""
    return [ClauseUnit(f"u{i}", title, loc, (loc,), text, order=i) for i, (loc, text) in enumerate(clauses)]
