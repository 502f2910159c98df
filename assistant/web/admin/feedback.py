"""Visitors' 👍/👎 as staff read them: 👎 first, filtered by date, vote and cited document, exportable as CSV.

The records are the anonymous ones assistant.web.session.FeedbackLog writes (time to the minute, the exchange,
the citations; nothing that identifies a visitor), so nothing here can identify one either.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# A spreadsheet runs a cell that starts with one of these as a formula: visitor text must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FeedbackRow:
    time: str
    vote: str  # "up" or "down"
    question: str
    answer: str
    documents: tuple[str, ...]  # titles of the cited documents
    refused: bool


def read_feedback(path: Path) -> list[FeedbackRow]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    rows = []
    for line in lines:
        try:
            d = json.loads(line)
            titles = tuple(dict.fromkeys(c.get("doc_title", "") for c in d.get("citations") or []))
            rows.append(FeedbackRow(str(d["time"]), str(d["vote"]), str(d.get("question", "")),
                                    str(d.get("answer", "")), titles, bool(d.get("refused"))))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged line never hides the others
    return rows


def filter_feedback(rows: list[FeedbackRow], since: date | None = None, until: date | None = None,
                    vote: str = "", document: str = "") -> list[FeedbackRow]:
    """Filtered rows, 👎 first, newest first within each vote."""
    out = [r for r in rows
           if (since is None or r.time[:10] >= since.isoformat())
           and (until is None or r.time[:10] <= until.isoformat())
           and (vote not in ("up", "down") or r.vote == vote)
           and (not document or any(document in t for t in r.documents))]
    out.sort(key=lambda r: r.time, reverse=True)
    out.sort(key=lambda r: r.vote != "down")  # stable: 👎 first, each group newest first
    return out


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def feedback_csv(rows: list[FeedbackRow]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["time", "vote", "question", "answer", "documents", "refused"])
    for r in rows:
        writer.writerow([r.time, r.vote, _cell(r.question), _cell(r.answer), _cell(" | ".join(r.documents)),
                         "yes" if r.refused else "no"])
    return "\ufeff" + buf.getvalue()  # the BOM makes Excel read the Chinese text as UTF-8
