"""Every staff action, one JSON line each, appended to `DATA_DIR/audit.jsonl`.

Lines hold the time, the action, whether it succeeded, the client address and the staff-side objects it touched
(file names, document titles, rule keys). Never visitor text: no questions, answers or feedback content, and no
retrieval-test query either.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.jsonl"
ACTIONS = ("login", "login_failed", "login_locked", "logout", "upload", "remove", "replace", "unreplace",
           "rule_check", "rule_uncheck", "feedback_export")


@dataclass(frozen=True)
class AuditEntry:
    time: str
    action: str
    ok: bool
    client: str
    detail: dict[str, Any]


class AuditLog:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / AUDIT_FILE
        self._lock = threading.Lock()

    def record(self, action: str, client: str, ok: bool = True, **detail: Any) -> AuditEntry:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        entry = AuditEntry(datetime.now(UTC).isoformat(timespec="seconds"), action, ok, client, detail)
        line = json.dumps(vars(entry), ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        return entry

    def entries(self, limit: int = 500) -> list[AuditEntry]:
        """The newest `limit` entries, newest first; damaged lines are skipped."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out: list[AuditEntry] = []
        for line in reversed(lines):
            try:
                d = json.loads(line)
                out.append(AuditEntry(d["time"], d["action"], bool(d["ok"]), d.get("client", ""),
                                      d.get("detail") or {}))
            except (ValueError, KeyError, TypeError):
                continue
            if len(out) >= limit:
                break
        return out
