"""The one known way a quote may differ from its source file: an opening bracket the cleaner put back."""

from __future__ import annotations

import re

from ingest.provenance import SourceMatcher

# An opening bracket before a Chinese item number `(一)`: the character ingest.clean.fix_missing_bracket adds where
# the PDF dump lost it (`一)在国(境)外…`).
ADDED_BRACKET = re.compile(r"[(（](?=[一二三四五六七八九十]{1,3}[)）])")


def found_without_an_added_bracket(quote: str, matcher: SourceMatcher | None) -> bool:
    """Whether taking out one such bracket makes the quote what the file says."""
    return matcher is not None and any(
        matcher.contains(quote[:m.start()] + quote[m.end():]) for m in ADDED_BRACKET.finditer(quote))
