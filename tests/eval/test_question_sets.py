"""The conditions and yes/no question sets (eval/data/{conditions,yesno}_*.jsonl) are well-formed: unique ids, a
language each, and a gold document that is a real title whose gold articles are printed in its text."""

from __future__ import annotations

import json
import re

import pytest

from eval.questions import EVAL_DATA
from eval.regulations import REGULATIONS_DIR
from ingest.settings import DEFAULT_CORPUS

SETS = sorted([*EVAL_DATA.glob("conditions_*.jsonl"), *EVAL_DATA.glob("yesno_*.jsonl")])


def _texts() -> dict[str, str]:
    """Each policy file's text, without spaces (the compilation's lines break inside words)."""
    files = [*DEFAULT_CORPUS.glob("*.txt"), *REGULATIONS_DIR.glob("*.md")]
    return {p.name: re.sub(r"\s", "", p.read_text(encoding="utf-8")) for p in files}


def test_there_are_the_four_sets() -> None:
    assert [p.name for p in SETS] == ["conditions_dev.jsonl", "conditions_holdout.jsonl", "yesno_dev.jsonl",
                                      "yesno_holdout.jsonl"]


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_each_question_names_a_real_document_and_articles_printed_in_it(path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 32 and len({r["id"] for r in rows}) == 32
    assert {r["lang"] for r in rows} == {"zh", "en", "mixed"}
    texts = _texts()
    for r in rows:
        assert r["question"].strip(), r["id"]
        if r["doc"] is None:  # a question about something no indexed policy grants
            assert r["articles"] == [], r["id"]
            continue
        title = re.sub(r"\s", "", r["doc"])
        holders = [t for t in texts.values() if title in t]
        assert holders, f"{r['id']}: no policy file holds the title {r['doc']}"
        for article in r["articles"]:
            assert any(article in t for t in holders), f"{r['id']}: {article} is not in {r['doc']}"
