"""Is a quote what its source file says? A check against the file as read (ingest.load), not the cleaned units.

Quotes are slices of cleaned units, so checking them against those units proves little. This module checks a quote
against the raw text of the source file instead, allowing only what cleaning may legitimately change:

- whitespace (the PDF dump justifies spaces into Chinese words and breaks lines mid-sentence);
- NFKC-equivalent characters (full-width `，（` vs half-width `,(`);
- between two characters of the quote, whole fragments that the cleaner removes: page-number lines, web noise,
  table-of-contents lines, Markdown heading marks and HTML comments, running titles, and a passage printed twice.

The fragments are found with the cleaner's own patterns and functions (ingest.clean, ingest.official,
ingest.structure), so the check allows exactly what ingest removes and nothing else. A fragment is skipped whole
or not at all: half a running title between two words of a quote is not a running title. What the cleaner adds
is not allowed either: a quote showing the opening bracket it gives a misprinted item number (`四)` → `(四)`,
ingest.clean.fix_missing_bracket) is not what the file says.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.clean import PAGE_NUMBER, TOC_LINE, WEB_NOISE, immediate_repeats
from ingest.load import LoadError, load_file
from ingest.manifest import read_manifest
from ingest.official import HTML_COMMENT, MARKDOWN_HEADING
from ingest.settings import IndexSettings
from ingest.structure import document_headings, running_title_blocks

log = logging.getLogger(__name__)

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Fragment:
    """A stretch of the raw text that cleaning removes: [start, end) offsets into the raw text."""

    kind: str  # page_number, web_noise, toc, markup, running_title, duplicate
    start: int
    end: int


def _compact(text: str) -> tuple[str, list[int]]:
    """NFKC, whitespace dropped; with the raw offset each remaining character came from."""
    chars: list[str] = []
    origin: list[int] = []
    for offset, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            # \u200b is no `isspace` character, but the cleaner treats it as a space (ingest.clean._SPACES).
            if not c.isspace() and c != "\u200b":
                chars.append(c)
                origin.append(offset)
    return "".join(chars), origin


def _lines(raw: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of the raw text, split the way ingest.structure.parse_source splits it."""
    out: list[tuple[int, str]] = []
    offset = 0
    for match in _LINE_END.finditer(raw):
        out.append((offset, raw[offset:match.start()]))
        offset = match.end()
    out.append((offset, raw[offset:]))
    return out


def line_fragments(raw: str) -> list[Fragment]:
    """Fragments the cleaner recognises line by line, and the running titles it recognises in blocks of lines."""
    fragments: list[Fragment] = []
    lines = _lines(raw)
    # The lines as the structure parser sees them: markup stripped, and (as in a compilation) page numbers blank,
    # which is what sets a running title off from the page's text.
    parsed_lines: list[str] = []
    for offset, line in lines:
        end = offset + len(line)
        stripped = line.strip()
        kind = None
        if HTML_COMMENT.match(line):
            kind = "markup"
        elif PAGE_NUMBER.match(stripped):
            kind = "page_number"
        elif any(p.search(stripped) for p in WEB_NOISE):
            kind = "web_noise"
        elif TOC_LINE.search(line):
            kind = "toc"
        if kind:
            fragments.append(Fragment(kind, offset, end))
            parsed_lines.append("" if kind != "toc" else line)
            continue
        mark = MARKDOWN_HEADING.match(line)
        if mark and line.lstrip().startswith("#"):
            fragments.append(Fragment("markup", offset, offset + mark.end()))
            line = line[mark.end():]
        parsed_lines.append(line)
    for heading in document_headings(parsed_lines):
        for first, end in running_title_blocks(parsed_lines, heading):
            last_offset, last_line = lines[end - 1]
            fragments.append(Fragment("running_title", lines[first][0], last_offset + len(last_line)))
    return fragments


class SourceMatcher:
    """The raw text of one source file, prepared to check many quotes against it."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text, self._origin = _compact(raw)
        self.fragments = line_fragments(raw)
        # Compact-text intervals a quote may jump over: start -> ends.
        self._jumps: dict[int, set[int]] = {}
        for fragment in self.fragments:
            start, end = self._to_compact(fragment.start), self._to_compact(fragment.end)
            if end > start:
                self._jumps.setdefault(start, set()).add(end)
        # The cleaner finds repeated passages in text without page furniture; here they are sought in the compact
        # text, where the spaces the PDF scattered in each copy no longer hide the repeat.
        for start, end in immediate_repeats(self.text):
            self.fragments.append(Fragment("duplicate", self._origin[start], self._origin[end - 1] + 1))
            self._jumps.setdefault(start, set()).add(end)

    def _to_compact(self, raw_offset: int) -> int:
        """Index of the first compact character at or after a raw offset."""
        lo, hi = 0, len(self._origin)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._origin[mid] < raw_offset:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _closure(self, states: dict[int, int]) -> dict[int, int]:
        """Every position reachable by skipping whole fragments (several in a row, too); values = match starts."""
        out = dict(states)
        stack = list(states)
        while stack:
            position = stack.pop()
            for end in self._jumps.get(position, ()):
                if end not in out:
                    out[end] = out[position]
                    stack.append(end)
        return out

    def locate(self, quote: str) -> tuple[int, int] | None:
        """[start, end) raw offsets of the first place the quote appears, or None when it doesn't."""
        q, _ = _compact(quote)
        if not q:
            return None
        text = self.text
        at = text.find(q)
        if at >= 0:  # most quotes cross nothing the cleaner removed
            return self._origin[at], self._origin[at + len(q) - 1] + 1
        # position after the last matched character -> compact index where the match started
        states = {m.start() + 1: m.start() for m in re.finditer(re.escape(q[0]), text)}
        for ch in q[1:]:
            if not states:
                return None
            states = {p + 1: start for p, start in self._closure(states).items() if p < len(text) and text[p] == ch}
        if not states:
            return None
        end, start = min(states.items(), key=lambda item: item[1])
        return self._origin[start], self._origin[end - 1] + 1

    def contains(self, quote: str) -> bool:
        return self.locate(quote) is not None


def quote_in_source(quote: str, raw: str) -> bool:
    """True when `quote` appears in the raw source text, up to whitespace, NFKC and removable fragments."""
    return SourceMatcher(raw).contains(quote)


class IndexedSources:
    """The indexed source files, read as ingest read them, to check quotes of their units (one matcher each).

    A file that is gone, unreadable, or no longer the bytes that were indexed (its sha256 differs from the
    manifest's) has no matcher: its quotes can't be checked and count as not found.
    """

    def __init__(self, settings: IndexSettings) -> None:
        self._settings = settings
        manifest = read_manifest(settings.manifest_path)
        self._entries = manifest.sources if manifest else {}
        self._matchers: dict[str, SourceMatcher | None] = {}

    def matcher(self, source: str) -> SourceMatcher | None:
        if source not in self._matchers:
            self._matchers[source] = self._load(source)
        return self._matchers[source]

    def _load(self, source: str) -> SourceMatcher | None:
        entry = self._entries.get(source)
        if entry is None:
            log.warning("source %s is not in the manifest; its quotes can't be checked", source)
            return None
        try:
            loaded = load_file(Path(entry.path), source, self._settings)
        except (LoadError, OSError) as e:
            log.warning("source %s can't be read from %s (%s); its quotes can't be checked", source, entry.path, e)
            return None
        if loaded.sha256 != entry.sha256:
            log.warning("source %s changed since it was indexed; its quotes can't be checked", source)
            return None
        return SourceMatcher(loaded.text)

    def contains(self, source: str, quote: str) -> bool:
        matcher = self.matcher(source)
        return matcher is not None and matcher.contains(quote)
