"""Per-visitor conversation state (held in a gr.State, never globally), input checks and anonymous feedback."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.types import Answer, Turn

log = logging.getLogger(__name__)

# C0/C1 control characters except tab and newline; they only confuse the tokenizer and the log.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass
class Exchange:
    """One question and what came back for it (the answer, or the message explaining why not)."""

    question: str
    answer: Answer | None = None
    partial: str = ""
    message: str | None = None  # shown instead of an answer (input problem or error); never sent as history
    vote: str | None = None


@dataclass
class Session:
    """One visitor's conversation. Lives only in that visitor's gr.State."""

    lang: str = "zh"
    exchanges: list[Exchange] = field(default_factory=list)
    last_active: float | None = None

    def touch(self) -> None:
        self.last_active = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.last_active is None else time.monotonic() - self.last_active

    def history(self, max_turns: int) -> list[Turn]:
        """Answered exchanges as alternating turns, newest last, at most `max_turns` turns."""
        turns: list[Turn] = []
        for ex in self.exchanges:
            if ex.answer is not None:
                turns += [Turn("user", ex.question), Turn("assistant", ex.answer.answer)]
        return turns[-max_turns:] if max_turns > 0 else []

    def latest_answered(self) -> Exchange | None:
        for ex in reversed(self.exchanges):
            if ex.answer is not None:
                return ex
        return None


def clean_question(text: str | None) -> str:
    """Drop control characters and surrounding whitespace; keep everything else (emoji, RTL, markup) as text."""
    text = unicodedata.normalize("NFC", text or "")
    return _CONTROL.sub("", text).strip()


def question_problem(question: str, max_chars: int) -> tuple[str, dict] | None:
    """Why `question` can't be asked, as (ui_text key, format args), or None when it's fine."""
    if not question:
        return "empty", {}
    if len(question) > max_chars:
        return "too_long", {"n": len(question), "limit": max_chars}
    return None


class FeedbackLog:
    """Appends thumbs up/down to a JSONL file. No session id, IP or browser data: two votes can't be linked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one writer at a time so lines never interleave

    def record(self, exchange: Exchange, vote: str) -> dict:
        answer = exchange.answer
        if answer is None:
            raise ValueError("only answered exchanges can be rated")
        record = {
            # minute resolution: enough for trends, too coarse to pair up one visitor's votes
            "time": datetime.now(UTC).replace(second=0, microsecond=0).isoformat(),
            "vote": vote,
            "question": exchange.question,
            "answer": answer.answer,
            "mode": answer.mode,
            "refused": answer.refused,
            "citations": [c.to_json() for c in answer.citations],
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        log.info("feedback recorded: %s", vote)
        return record
