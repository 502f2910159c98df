"""Quote verification.

Every quote shown to a visitor, whether an LLM wrote it or the extractive answerer picked it, must be a
verbatim span of the unit it cites. "Verbatim" is judged after normalisation that only removes differences a
reader cannot see as a change of wording: Unicode NFKC (full-width ，（ vs half-width ,( — the PDF dump mixes
them) and whitespace (the dump scatters spaces inside Chinese words, "持 股比例").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.types import Citation, SearchHit
from ingest.sentences import normalize

# A quote in an LLM answer: 「…」 optionally followed by its source marker [n] (or several: [1][2]).
_QUOTE = re.compile(r"「([^「」]{1,2000})」((?:\s*\[\d{1,3}\])*)")
_MARKER = re.compile(r"\[(\d{1,3})\]")
UNVERIFIED_MARK = "⚠[未能核实 / unverified]"

def is_verbatim(quote: str, source: str) -> bool:
    """True when `quote` (non-empty after normalisation) is a contiguous span of `source`."""
    q = normalize(quote)
    return bool(q) and q in normalize(source)


@dataclass
class VerifiedText:
    """An LLM answer after its quotes were checked. Markers [k] in `text` index `citations` (1-based)."""

    text: str  # unverifiable quotes visibly marked, markers renumbered to citation positions
    citations: list[Citation]
    unverified: int


def verify_llm_answer(text: str, hits: Sequence[SearchHit]) -> VerifiedText:
    """Check every 「quote」 of an LLM answer against the unit its [n] marker cites (n indexes `hits`).

    A quote with no marker is accepted only if it is verbatim in one of the retrieved units (which then
    becomes its citation). A quote whose marker points to no retrieved unit, or that is not verbatim in the
    cited unit, is marked in the text with UNVERIFIED_MARK and becomes a Citation with verified=False.
    Each quote becomes its own citation; a bare marker [n] becomes (or reuses) a citation of unit n with no
    quote. Markers that point to no retrieved unit are dropped from the text.
    """
    citations: list[Citation] = []
    unverified = 0
    bare_index: dict[str, int] = {}  # unit id -> citation number used for its bare markers

    def cite(hit: SearchHit | None, quote: str, verified: bool) -> int:
        citations.append(_citation(hit, quote, verified))
        return len(citations)

    def bare(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if not 1 <= n <= len(hits):
            return ""
        hit = hits[n - 1]
        if hit.id not in bare_index:
            existing = next((i for i, c in enumerate(citations, 1) if c.id == hit.id and c.verified), None)
            bare_index[hit.id] = existing or cite(hit, "", True)
        return f"[{bare_index[hit.id]}]"

    def check(match: re.Match[str]) -> str:
        nonlocal unverified
        quote, tail = match.group(1), match.group(2) or ""
        cited = [int(m) for m in _MARKER.findall(tail)]
        candidates = [hits[m - 1] for m in cited if 1 <= m <= len(hits)]
        if not cited:
            candidates = [h for h in hits if is_verbatim(quote, h.text)][:1]
        hit = next((h for h in candidates if is_verbatim(quote, h.text)), None)
        if hit is not None:
            return f"「{quote}」[{cite(hit, quote, True)}]"
        unverified += 1
        k = cite(candidates[0] if candidates else None, quote, False)
        return f"「{quote}」[{k}]{UNVERIFIED_MARK}"

    # Quotes first (they own the markers right after them), then the remaining bare markers.
    parts: list[str] = []
    pos = 0
    for match in _QUOTE.finditer(text):
        parts.append(_MARKER.sub(bare, text[pos:match.start()]))
        parts.append(check(match))
        pos = match.end()
    parts.append(_MARKER.sub(bare, text[pos:]))
    return VerifiedText("".join(parts), citations, unverified)


def verify_citations(citations: Sequence[Citation]) -> tuple[list[Citation], int]:
    """Re-check citations that carry their unit text (extractive answers); returns (citations, unverified)."""
    out: list[Citation] = []
    bad = 0
    for c in citations:
        ok = (not c.quote) or is_verbatim(c.quote, c.unit_text)
        bad += 0 if ok else 1
        out.append(replace(c, verified=ok))
    return out, bad


def _citation(hit: SearchHit | None, quote: str, verified: bool) -> Citation:
    if hit is None:
        return Citation(id="", doc_title="", locator="", quote=quote, verified=verified)
    return Citation(id=hit.id, doc_title=hit.doc_title, locator=hit.locator, quote=quote, verified=verified,
                    unit_text=hit.text)


def has_valid_marker(text: str, n_sources: int) -> bool:
    """Whether the text cites at least one of the n sources with a [k] marker."""
    return any(1 <= int(m) <= n_sources for m in _MARKER.findall(text))
