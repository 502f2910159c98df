"""BM25 tokens of unit texts kept on disk, so a restart does not tokenise the whole index again."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.query.textproc import STOPWORDS, TOKENIZER_VERSION, USER_DICT, TextProcessor
from ingest.models import content_hash

if TYPE_CHECKING:
    from ingest.models import Unit

log = logging.getLogger(__name__)


class TokenCache:
    """BM25 tokens of unit texts on disk, keyed by the text's hash and the tokenizer's version: jieba over the
    corpus x100 takes ~30 s, so a restart should not redo it. Best effort: an unreadable or read-only cache
    only costs time (serving must work from a read-only data dir)."""

    def __init__(self, path: Path, processor: TextProcessor) -> None:
        self.path = path
        self.processor = processor
        self.version = content_hash(USER_DICT.read_text(encoding="utf-8") + "|" + " ".join(sorted(STOPWORDS))
                                    + "|" + TOKENIZER_VERSION)

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data.get("tokens", {}) if data.get("version") == self.version else {}

    def tokens(self, units: list[Unit]) -> list[list[str]]:
        cached = self._read()
        out: dict[str, str] = {}
        result = []
        missed = 0
        for u in units:
            key = content_hash(u.context_text())
            if key not in cached:
                cached[key] = "\x1f".join(self.processor.tokenize(u.context_text()))
                missed += 1
            out[key] = cached[key]
            result.append(out[key].split("\x1f") if out[key] else [])
        if missed or len(out) != len(cached):  # new units, or stale entries to drop
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps({"version": self.version, "tokens": out}, ensure_ascii=False),
                               encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError as exc:
                log.warning("BM25 token cache not written (%s); the next start will tokenise again", exc)
        return result
