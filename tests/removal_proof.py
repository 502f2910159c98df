"""What cleaning removed, judged without the cleaner's own record of it.

The cleaned text is aligned with the raw text character by character (whitespace ignored: the cleaner may change
spacing and line breaks). The only stretches of the raw text the alignment may leave out are fragments of a kind
that may be removed, recognised by patterns written for these tests (not imported from ingest): a page number, a
running title or the title printed at a document's head, a table-of-contents line, the front matter before a table
of contents, a known web-noise line, Markdown/HTML markup, an adoption/amendment history line, or a passage printed
twice in a row. Everything else must be kept, in order; the one character the cleaner may add is the opening
bracket of a misprinted item number (`四)` → `(四)`).

The alignment is exact, not a heuristic diff: it explores every way of leaving out whole fragments, so a removal
is explained whenever some choice of fragments explains it, and a single character removed from a sentence fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUM = "一二三四五六七八九十百零〇两"
PAGE_NUMBER = [re.compile(r"^\d{1,4}$"), re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$"),
               re.compile(r"^第\s*\d{1,4}\s*页(\s*共\s*\d{1,4}\s*页)?$")]
TOC_LINE = re.compile(r"(?:\.{4,}|…{2,}|·{4,})\s*\d{1,4}$")
WEB_NOISE = [re.compile(p, re.I) for p in (
    r"^注册$", r"^(其他)?分类.{0,20}\d{4}-\d{2}-\d{2}$", r"^编号\s*[:：]\s*[A-Z0-9]+$",
    r"^(Copyright|©|\(c\)|版权所有).{0,120}$", r"^.{0,120}All Rights Reserved\.?$",
    r"^.{0,40}(ICP备\d+号|公网安备\s*\d+号|增值电信业务经营许可证\s*[:：]).{0,100}$",
)]
MARKUP_LINE = re.compile(r"^<!--.*-->$")
MARKDOWN_MARK = re.compile(r"^#{1,6}(?=\s|$)")
HISTORY_LINE = re.compile(r"^[（(]?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,200}(通过|修正|修订)[）)]?$")
ARTICLE = re.compile(rf"^(#+\s*)?第[{_NUM}]+[条章]")
ADDED = re.compile(rf"[(（](?=[{_NUM}]{{1,3}}[)）])")  # the one addition allowed: a bracket put back
MIN_PASSAGE = 10  # a "passage printed twice" is at least this long; shorter repeats are words, not passages
MAX_PASSAGE = 2000
TITLE_LINES = 5  # a title printed on a page wraps over at most this many lines


@dataclass
class Proof:
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, raw text) of each fragment left out
    problems: list[str] = field(default_factory=list)  # what no removable fragment explains


def _compact(text: str) -> tuple[str, list[int]]:
    kept = [(i, c) for i, c in enumerate(text) if not c.isspace() and c != "\u200b"]
    return "".join(c for _, c in kept), [i for i, _ in kept]


def _squash(text: str) -> str:
    return _compact(text)[0]


class _Raw:
    """The raw text, compacted, and the fragments of it that may be left out: compact start -> [(end, kind)]."""

    def __init__(self, raw: str, titled: bool) -> None:
        self.raw = raw
        self.text, origin = _compact(raw)
        compact_at = [0] * (len(raw) + 1)  # raw offset -> index of the first compact character at or after it
        k = len(origin)
        for offset in range(len(raw), -1, -1):
            while k > 0 and origin[k - 1] >= offset:
                k -= 1
            compact_at[offset] = k
        lines = [(m.start(), m.end(), m.group().strip()) for m in re.finditer(r"[^\r\n]+", raw)]
        lines = [(start, end, text) for start, end, text in lines if text]
        toc = [start for start, _, text in lines if TOC_LINE.search(text)]
        toc_start = toc[0] if len(toc) >= 2 else -1
        self.titles = [_squash(TOC_LINE.sub("", t)) for _, _, t in lines if TOC_LINE.search(t)] if toc_start >= 0 else []
        if lines and titled:
            self.titles.append(_squash(MARKDOWN_MARK.sub("", lines[0][2])))
        first_article = next((start for start, _, text in lines if ARTICLE.match(text)), len(raw))
        self.fragments: dict[int, list[tuple[int, str]]] = {}

        def add(start: int, end: int, kind: str) -> None:
            s, e = compact_at[start], compact_at[end]
            if e > s:
                self.fragments.setdefault(s, []).append((e, kind))

        for index, (start, end, text) in enumerate(lines):
            kind = self._line_kind(text, start, toc_start, first_article)
            if kind:
                add(start, end, kind)
            mark = MARKDOWN_MARK.match(text)
            if mark:
                add(start, raw.index("#", start) + len(mark.group()), "markup")
            for count in range(1, TITLE_LINES + 1):
                block = lines[index:index + count]
                if len(block) < count or not self._is_title("".join(t for _, _, t in block)):
                    continue
                add(start, block[-1][1], "title")

    @staticmethod
    def _line_kind(line: str, offset: int, toc_start: int, first_article: int) -> str | None:
        if any(p.match(line) for p in PAGE_NUMBER):
            return "page_number"
        if TOC_LINE.search(line):
            return "toc"
        if any(p.match(line) for p in WEB_NOISE):
            return "web_noise"
        if MARKUP_LINE.match(line):
            return "markup"
        if HISTORY_LINE.match(line) and offset < first_article:
            return "history"
        if 0 <= offset < toc_start:
            return "front_matter"
        return None

    def _is_title(self, text: str) -> bool:
        """Part of a title the file states (a TOC entry or its first line), or all of it up to one misprinted
        character (the compilation's TOC prints 金融支长三角 for the title's 金融支持长三角)."""
        block = _squash(MARKDOWN_MARK.sub("", text))
        return len(block) >= 6 and any(block in t or _one_edit(block, t) for t in self.titles)


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by at most one inserted, deleted or replaced character."""
    if abs(len(a) - len(b)) > 1:
        return False
    prefix = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return a[prefix + (len(a) >= len(b)):] == b[prefix + (len(b) >= len(a)):]


# A state of the alignment: (raw position, kept position being read again inside a repeated passage, or -1).
_State = tuple[int, int]
# What a state left out so far, as a linked list (kind, raw compact text, rest): cheap to share between states.
_Path = tuple | None


def _closure(source: _Raw, kept: str, j: int, states: dict[_State, tuple[_Path, int]]) -> dict:
    """Every state reachable without reading kept[j]: leave out a fragment, or read a passage again that
    repeats the kept text just before j. Values: (path, raw position where a repeated passage began)."""
    text = source.text
    out = dict(states)
    stack = list(states)
    while stack:
        state = stack.pop()
        i, d = state
        path, begun = out[state]
        moves: list[tuple[_State, _Path, int]] = [
            ((end, d), (kind, text[i:end], path), begun) for end, kind in source.fragments.get(i, ())]
        if d < 0 and j >= MIN_PASSAGE:
            window = max(0, j - MAX_PASSAGE)
            needle = text[i:i + MIN_PASSAGE]
            at = kept.find(needle, window, j) if len(needle) == MIN_PASSAGE else -1
            while at != -1 and at <= j - MIN_PASSAGE:
                moves.append(((i, at), path, i))
                at = kept.find(needle, at + 1, j)
        elif d >= 0 and i < len(text) and text[i] == kept[d]:
            if d + 1 == j:  # the whole passage read again: it was printed twice
                moves.append(((i + 1, -1), ("duplicate", text[begun:i + 1], path), -1))
            else:
                moves.append(((i + 1, d + 1), path, begun))
        for new, new_path, new_begun in moves:
            if new not in out:
                out[new] = (new_path, new_begun)
                stack.append(new)
    return out


def prove_removals(raw: str, cleaned: list[str], titled: bool = True) -> Proof:
    """Align a raw text with what cleaning made of it (the texts of its documents, in order). `titled`: the
    raw text is a whole file, whose first line is its title (not so for a document's body lines)."""
    source = _Raw(raw, titled)
    text = source.text
    kept = "".join(_squash(t) for t in cleaned)
    states: dict[_State, tuple[_Path, int]] = {(0, -1): (None, -1)}
    for j, ch in enumerate(kept):
        reachable = _closure(source, kept, j, states)
        states = {(i + 1, -1): value for (i, d), value in reachable.items()
                  if d < 0 and i < len(text) and text[i] == ch}
        if ADDED.match(kept, j):
            states.update({(i, -1): value for (i, d), value in reachable.items() if d < 0})
        if not states:
            furthest = max(i for i, d in reachable if d < 0)
            # Where the cleaned text picks up again in the raw text: what lies between is what it lost.
            resumes = text.find(kept[j:j + 20], furthest)
            gone = text[furthest:resumes] if resumes > furthest else text[furthest:furthest + 60] + "…"
            return Proof(problems=[f"after {kept[max(0, j - 20):j]!r}, the cleaned text lost {gone!r}, "
                                   f"and no removable fragment explains it (it goes on with {kept[j:j + 20]!r})"])
    reachable = _closure(source, kept, len(kept), states)
    end = reachable.get((len(text), -1))
    if end is None:
        furthest = max(i for i, d in reachable if d < 0)
        return Proof(problems=[f"the cleaned text ends, but the raw text goes on with "
                               f"{text[furthest:furthest + 60]!r}, which is no removable fragment"])
    removed: list[tuple[str, str]] = []
    path = end[0]
    while path is not None:
        kind, gone, path = path
        removed.append((kind, gone))
    return Proof(removed=removed[::-1])
