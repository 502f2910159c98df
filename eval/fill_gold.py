"""Fill each gold span's doc_title and locator from the structured corpus (ingest.structure.parse_source).

    .venv/bin/python -m eval.fill_gold            # rewrite eval/data/questions.jsonl in place
    .venv/bin/python -m eval.fill_gold --check    # only verify; exit 1 when anything is missing/stale

A span must lie inside exactly one unit; a span that is not found, or found in several units, is an error
(the question set must then be fixed by hand — locators are never guessed).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from eval.questions import DEFAULT_CORPUS_FILE, QUESTIONS_PATH, norm, read_records
from ingest.load import load_file
from ingest.models import Unit
from ingest.structure import parse_source

log = logging.getLogger(__name__)


class GoldError(Exception):
    """A gold span is missing from the structured corpus or ambiguous."""


@dataclass(frozen=True)
class UnitIndex:
    """The units of the default corpus with their matching form."""

    units: list[Unit]
    normed: list[str]

    def find(self, span: str) -> list[Unit]:
        s = norm(span)
        return [u for u, t in zip(self.units, self.normed, strict=True) if s in t]


def load_units(corpus_file: Path = DEFAULT_CORPUS_FILE, settings: Settings | None = None) -> list[Unit]:
    settings = settings or Settings()
    source = load_file(corpus_file, corpus_file.name, settings)
    return parse_source(source).units


def build_index(units: list[Unit]) -> UnitIndex:
    return UnitIndex(units=units, normed=[norm(u.text) for u in units])


def locate(span: str, index: UnitIndex) -> Unit:
    hits = index.find(span)
    if not hits:
        raise GoldError(f"span not found in any unit: {span!r}")
    if len(hits) > 1:
        where = "; ".join(f"{u.doc_title} {u.locator}" for u in hits)
        raise GoldError(f"span is ambiguous ({len(hits)} units: {where}): {span!r}")
    return hits[0]


def fill(records: list[dict], index: UnitIndex) -> tuple[list[dict], list[str]]:
    """Return records with doc_title/locator filled, and the list of errors (empty when all spans resolve)."""
    errors: list[str] = []
    for rec in records:
        for gold in rec["gold"]:
            try:
                unit = locate(gold["span"], index)
            except GoldError as e:
                errors.append(f"{rec['id']}: {e}")
                continue
            gold["doc_title"] = unit.doc_title
            gold["locator"] = unit.locator
    return records, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS_PATH)
    parser.add_argument("--check", action="store_true", help="verify only, do not write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    records = read_records(args.questions)
    before = json.dumps(records, ensure_ascii=False)
    filled, errors = fill(json.loads(before), build_index(load_units()))
    for e in errors:
        log.error(e)
    if errors:
        log.error("%d gold span(s) could not be placed; fix the spans in %s", len(errors), args.questions)
        return 1
    changed = json.dumps(filled, ensure_ascii=False) != before
    if args.check:
        if changed:
            log.error("doc_title/locator are stale; run: .venv/bin/python -m eval.fill_gold")
            return 1
        log.info("all %d questions' gold spans resolve to exactly one unit; locators up to date", len(records))
        return 0
    with args.questions.open("w", encoding="utf-8") as f:
        for rec in filled:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    log.info("filled %d questions (%s)", len(filled), "changed" if changed else "no change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
