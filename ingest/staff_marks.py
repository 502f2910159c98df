"""What staff decided about the index, kept beside it in `DATA_DIR/staff-marks.json`.

Two kinds of decision, both keyed so that they survive a re-ingest of unchanged text:
- **replacements**: an indexed document (doc_id) that staff marked as superseded by another one. Doc ids are
  content-addressed, so a mark stays valid while both documents' text is unchanged.
- **checked rules**: eligibility rules staff read and confirmed, keyed by a hash of the rule as read (its
  outcome, conditions and their verbatim spans), so a rule re-read from the same text keeps its mark and a rule
  whose text changed loses it.

Written atomically (temp file + os.replace); readers see either the old file or the new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.atomic import write_json_atomically

log = logging.getLogger(__name__)

MARKS_FILE = "staff-marks.json"


@dataclass(frozen=True)
class Replacement:
    """Staff marked `old_doc_id` as superseded by `new_doc_id` (titles kept for the audit trail)."""

    new_doc_id: str
    old_title: str
    new_title: str
    marked_at: str


@dataclass
class StaffMarks:
    replacements: dict[str, Replacement] = field(default_factory=dict)  # old doc_id → its replacement
    checked_rules: dict[str, str] = field(default_factory=dict)  # rule key → when it was checked (ISO time)

    @property
    def replaced(self) -> dict[str, str]:
        """Old doc_id → new doc_id."""
        return {old: r.new_doc_id for old, r in self.replacements.items()}

    def to_json(self) -> dict[str, Any]:
        return {"replacements": {k: vars(r) for k, r in self.replacements.items()},
                "checked_rules": dict(self.checked_rules)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StaffMarks:
        reps = {k: Replacement(**v) for k, v in (data.get("replacements") or {}).items()}
        return cls(reps, {str(k): str(v) for k, v in (data.get("checked_rules") or {}).items()})


def marks_path(data_dir: Path) -> Path:
    return Path(data_dir) / MARKS_FILE


def marks_version(data_dir: Path) -> tuple[int, int]:
    """A cheap signature that changes whenever the marks file is rewritten (servers poll it)."""
    try:
        st = marks_path(data_dir).stat()
    except FileNotFoundError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def load_marks(data_dir: Path) -> StaffMarks:
    """The marks, or none when the file is missing; an unreadable file is logged and treated as empty (staff
    see the problem in the console's health page), never a crash of the answer path."""
    path = marks_path(data_dir)
    try:
        return StaffMarks.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return StaffMarks()
    except (OSError, ValueError, TypeError) as e:
        log.warning("staff marks in %s unreadable (%s); answering without them", path, e)
        return StaffMarks()


def save_marks(data_dir: Path, marks: StaffMarks) -> None:
    write_json_atomically(marks_path(data_dir), marks.to_json(), indent=1)


def rule_key(rule: Any) -> str:
    """A rule's identity for the "checked by staff" mark: its document, locator and everything read from the
    text (outcome, conditions, verbatim spans)."""
    blob = json.dumps(rule.to_json(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
