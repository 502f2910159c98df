"""Clean a PDF-to-text dump without losing policy text.

Every removal is recorded as an `Artifact`, so removals can be audited. That nothing real was dropped is proven
without that record: tests/removal_proof.py diffs the raw text against the cleaned text and checks every removed
stretch against patterns of its own (tests/ingest/test_removals.py, test_clean.py).

The artifacts handled here were all found in the default corpus: page numbers on their own lines, running titles
inserted mid-paragraph (removed by ingest.structure, which knows the titles), spaces between Chinese characters
(`持 股比例`), lines broken mid-sentence, a passage printed twice, `四)` missing its opening bracket, a table of
contents, and web-page noise (`注册`, category/date/view-count lines, copyright and ICP licence lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Characters that behave like Chinese text for spacing purposes: ideographs, CJK and full-width punctuation,
# and the ASCII punctuation this PDF export substituted for full-width punctuation.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJKLIKE = _CJK + r"\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7《》〔〕,;:()、"
_SPACES = r"[ \t\u3000\u00a0\u2002\u2003\u200b]+"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJKLIKE}]){_SPACES}|{_SPACES}(?=[{_CJKLIKE}])")
# Spaces between a digit and a CJK unit also come from justification (`2020 年 12 月`, `500 万元`).

PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
TOC_LINE = re.compile(r"(\.{6,}|…{3,}|·{6,})\s*\d{1,4}\s*$")
WEB_NOISE = [
    re.compile(r"^\s*注册\s*$"),
    re.compile(r"^\s*(其他)?分类.{0,20}\d{4}-\d{2}-\d{2}\s*$"),
    re.compile(r"^\s*其他分类"),
    # Footers, by their shape: a copyright notice that starts the line with its year, a licence number. A word
    # alone (a sentence on copyright, a policy on who needs a 增值电信业务经营许可证) is text, not noise.
    re.compile(r"^\s*(?:Copyright|版权所有)?\s*(?:©|\(c\)|Copyright)\s*\d{4}|All Rights Reserved\.?\s*$", re.I),
    re.compile(r"ICP备\s*\d+号|公网安备\s*\d+号|增值电信业务经营许可证\s*[:：]"),
    re.compile(r"^\s*编号\s*[:：]\s*[A-Z0-9]+\s*$"),
]
TERMINAL = tuple("。！？；;:：!?")

# Heading starts, in the nesting order used by Chinese policy documents.
CN_NUM = "一二三四五六七八九十百零〇两"
HEADING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第[{CN_NUM}]+章")),
    ("annex", re.compile(r"^附件\s*\d*\s*$")),
    # `第三条规定的…` in a sentence is not a heading: an article number is followed by a space, a bracket,
    # or the end of the line, never directly by running text.
    ("article", re.compile(rf"^第[{CN_NUM}]+条(?=[\s(（]|$)")),
    ("section", re.compile(rf"^[{CN_NUM}]+、")),
    ("paren_cn", re.compile(rf"^[(（][{CN_NUM}]+[)）]")),
    ("item", re.compile(r"^\d{1,2}[.．](?!\d)")),
    ("paren_num", re.compile(r"^[(（]\d{1,2}[)）]")),
]
HEADING_RANK = {name: rank for rank, (name, _) in enumerate(HEADING_PATTERNS)}
HEADING_RANK["annex"] = HEADING_RANK["chapter"]

# Inline enumerators that the PDF flattened onto one line: `…成员。 12.在本市…`, `…扩建。 (2)城市…`.
_INLINE_ENUM = re.compile(
    rf"(?<=[。；;:：])\s*(?=(?:\d{{1,2}}[.．](?!\d)|[(（]\d{{1,2}}[)）]|[(（][{CN_NUM}]+[)）])[{_CJK}“《])"
    rf"|(?<=[{_CJK}])\s+(?=(?:\d{{1,2}}[.．](?!\d)|[(（]\d{{1,2}}[)）])[{_CJK}“《])"
)
_MISSING_OPEN = re.compile(rf"^([{CN_NUM}]{{1,3}})([)）])")
_MIN_REPEAT = 30


@dataclass(frozen=True)
class Artifact:
    """Something removed from the source text, kept so that removals are auditable and testable."""

    kind: str  # page_number, running_title, title_block, toc, web_noise, front_matter, duplicate, stray_number, markup, history
    text: str


def heading_kind(line: str) -> str | None:
    """The heading style a line starts with, or None for body text."""
    for name, pattern in HEADING_PATTERNS:
        if pattern.match(line):
            return name
    return None


def is_bare_heading(line: str, whole_line: bool = True) -> bool:
    """A heading line that carries no sentence of its own (so it must never be merged with the next line).

    `whole_line` is False for the last piece of a raw line that held several inline items: such a piece ran to
    the end of the PDF line, so it may well continue on the next one.
    """
    if not whole_line or heading_kind(line) is None:
        return False
    return "。" not in line and len(line) <= 60 and not line.endswith(("，", ",", "、"))


def normalize_spaces(text: str) -> str:
    """Drop the spaces the PDF justified into Chinese text (`持 股比例` → `持股比例`); keep Latin word spaces."""
    return _SPACE_NEAR_CJK.sub("", text)


def fix_missing_bracket(line: str) -> str:
    """`四)发挥…` → `(四)发挥…`: the PDF lost the opening bracket of a few item numbers."""
    match = _MISSING_OPEN.match(line)
    if not match:
        return line
    opening = "（" if match.group(2) == "）" else "("
    return opening + line


def split_inline_items(line: str) -> list[str]:
    """Put inline enumerated items back on lines of their own (no character is removed)."""
    parts = [p for p in _INLINE_ENUM.split(line)]
    return [p for p in (part.strip() for part in parts) if p]


def join_broken_lines(lines: list[tuple[str, bool]]) -> list[str]:
    """Re-join lines the PDF broke mid-sentence into paragraphs.

    `lines` holds (text, whole_line) pairs. A line continues into the next unless it ends a sentence, is a bare
    heading, or the next line starts a heading of its own.
    """
    paragraphs: list[str] = []
    previous_whole = True
    for line, whole_line in lines:
        if not line:
            continue
        if paragraphs:
            previous = paragraphs[-1]
            continues = (
                not previous.rstrip().endswith(TERMINAL)
                and not is_bare_heading(previous, previous_whole)
                and heading_kind(line) is None
            )
            if continues:
                # Keep one space only where both sides are Latin/digits (a wrapped English phrase).
                glue = " " if re.match(r"[A-Za-z0-9]", line) and re.search(r"[A-Za-z0-9]$", previous) else ""
                paragraphs[-1] = previous + glue + line
                previous_whole = whole_line
                continue
        paragraphs.append(line)
        previous_whole = whole_line
    return paragraphs


def immediate_repeats(text: str) -> list[tuple[int, int]]:
    """(start, end) of each passage printed twice in a row: ≥30 chars that repeat, at a sentence boundary, the
    characters just before them. Shared with ingest.provenance, which must skip exactly these passages."""
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    boundary_chars = set("。；;\n")
    while i < n:
        i += 1
        if text[i - 1] not in boundary_chars or i + _MIN_REPEAT > n:
            continue
        # Does text[i:i+L] repeat the L characters just before i?
        head = text[i : i + _MIN_REPEAT]
        window_start = max(0, i - 2000)
        j = text.rfind(head, window_start, i)
        while j != -1:
            length = i - j
            if length >= _MIN_REPEAT and text[i : i + length] == text[j:i]:
                spans.append((i, i + length))
                i += length
                break
            j = text.rfind(head, window_start, j)
    return spans


def remove_immediate_repeats(text: str, artifacts: list[Artifact]) -> str:
    """Remove passages printed twice in a row (see `immediate_repeats`)."""
    out: list[str] = []
    position = 0
    for start, end in immediate_repeats(text):
        out.append(text[position:start])
        artifacts.append(Artifact("duplicate", text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)


_ARTICLE_LABEL = re.compile(rf"^(第[{CN_NUM}]+[条章])\s+(?=\S)")


def _normalize_paragraph(paragraph: str) -> str:
    """normalize_spaces, but keep the one space that separates `第一条 目的和依据` (it marks the heading)."""
    label = _ARTICLE_LABEL.match(paragraph)
    if label:
        return label.group(1) + " " + normalize_spaces(paragraph[label.end():])
    return normalize_spaces(paragraph)


def clean_body_lines(lines: list[str], artifacts: list[Artifact]) -> str:
    """Clean the body lines of one document (page furniture already removed) into its text.

    Returns paragraphs separated by newlines; every removal is appended to `artifacts`.
    """
    kept: list[tuple[str, bool]] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if PAGE_NUMBER.match(line):
            artifacts.append(Artifact("page_number", line))
            continue
        if any(p.search(line) for p in WEB_NOISE):
            artifacts.append(Artifact("web_noise", line))
            continue
        parts = split_inline_items(line)
        for index, part in enumerate(parts):
            whole = len(parts) == 1 or index < len(parts) - 1
            kept.append((fix_missing_bracket(part), whole))
    paragraphs = join_broken_lines(kept)
    text = "\n".join(_normalize_paragraph(p) for p in paragraphs)
    return remove_immediate_repeats(text, artifacts)
