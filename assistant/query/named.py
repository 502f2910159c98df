"""Documents a question names by title ("社会救助条例", "营商环境条例 2020 年那版"), so retrieval can prefer them.

A document is named when the question contains the end of its title — at least `MIN_TITLE_TAIL` characters,
which always include the kind of document (…救助条例, …管理办法) — and, when several versions share the title and
the question gives a year, the version of that year.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ingest.records import DocumentInfo

MIN_TITLE_TAIL = 5
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _compact(text: str) -> str:
    return re.sub(r"[\s《》〈〉“”\"'()（）]", "", unicodedata.normalize("NFKC", text))


def _names(question: str, title: str) -> bool:
    t = _compact(title)
    return any(t[-n:] in question for n in range(len(t), MIN_TITLE_TAIL - 1, -1))


def named_documents(question: str, docs: Iterable[DocumentInfo]) -> frozenset[str]:
    q = _compact(question)
    named = [d for d in docs if len(_compact(d.title)) >= MIN_TITLE_TAIL and _names(q, d.title)]
    years = set(_YEAR.findall(q))
    if years:
        by_title: dict[str, list[DocumentInfo]] = {}
        for d in named:
            by_title.setdefault(_compact(d.title), []).append(d)
        for versions in by_title.values():
            dated = [d for d in versions if d.version and str(d.version.year) in years]
            if len(versions) > 1 and dated:
                named = [d for d in named if d not in versions or d in dated]
    return frozenset(d.doc_id for d in named)
