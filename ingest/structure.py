"""Structure a source into policy documents and citable units.

A compilation (a file with a table of contents whose entries end in page numbers) is split into its documents by
those page numbers; any other file is one document. Each document's body is cleaned (ingest.clean) and split into
units along its own heading hierarchy (ingest.units).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from ingest.clean import (
    PAGE_NUMBER,
    TOC_LINE,
    WEB_NOISE,
    Artifact,
    clean_body_lines,
    normalize_spaces,
)
from ingest.models import PolicyDocument, SourceText, Unit
from ingest.official import (
    History,
    document_kind,
    read_history,
    regulation_issuer,
    strip_markup,
    version_in_name,
)
from ingest.units import split_units


@dataclass
class ParsedSource:
    documents: list[PolicyDocument]
    units: list[Unit]
    artifacts: list[Artifact] = field(default_factory=list)


@dataclass
class _TocEntry:
    title: str
    page: int


_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_EFFECTIVE = re.compile(rf"自{_DATE}起(?:施行|实施|执行|生效)")
_EXPIRES = re.compile(rf"有效期(?:至|截止|截至|到){_DATE}")
_EXTENDED = re.compile(rf"有效期(?:延长?至|顺延至|延期至){_DATE}")
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号$")
_NOTICE_WRAPPER = re.compile(r"^(?P<issuer>.*?)(?:关于)?印发\s*《(?P<title>.+)》\s*(?:的通知)?$")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _to_date(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _title_parts(heading: str) -> tuple[str, str | None]:
    """Split a notice heading into (policy title, issuer).

    `上海市人民政府关于印发《上海市引进人才申办本市常住户口办法》的通知` → the inner title and the issuer;
    `上海市人民政府关于促进…的若干意见` → the `关于…` part and the issuer before it.
    """
    heading = re.sub(r"\s+", " ", heading.strip())
    wrapped = _NOTICE_WRAPPER.match(heading)
    if wrapped and wrapped.group("title"):
        return normalize_spaces(wrapped.group("title")), wrapped.group("issuer").strip() or None
    position = heading.find("关于")
    if position > 0:
        return normalize_spaces(heading[position:]), heading[:position].strip() or None
    return normalize_spaces(heading), None


def _similar(a: str, b: str) -> bool:
    a, b = _compact(a), _compact(b)
    if len(a) < 6 or len(b) < 6:
        return False
    if a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def _parse_toc(lines: list[str]) -> tuple[list[_TocEntry], int, int]:
    """Find the table of contents: entries, index of its first and of its last line (-1 when absent)."""
    entries: list[_TocEntry] = []
    first = last = -1
    for index, line in enumerate(lines):
        if TOC_LINE.search(line):
            title = TOC_LINE.sub("", line).strip()
            page = int(re.search(r"(\d{1,4})\s*$", line).group(1))  # type: ignore[union-attr]
            entries.append(_TocEntry(title, page))
            first = index if first < 0 else first
            last = index
        elif entries and line.strip():
            break
    if len(entries) < 2:
        return [], -1, -1
    return entries, first, last


def _strip_title_block(lines: list[str], toc_title: str, artifacts: list[Artifact]) -> tuple[list[str], str | None]:
    """Remove the document title printed at the top of the document (up to 4 short lines), if present."""
    best: int | None = None
    best_ratio = 0.0
    candidate = ""
    target = _compact(toc_title)
    for count in range(1, min(4, len(lines)) + 1):
        line = lines[count - 1].strip()
        if not line or "。" in line or len(line) > 60:
            break
        candidate += line
        ratio = difflib.SequenceMatcher(None, _compact(candidate), target).ratio()
        contained = _compact(candidate) in target
        if (contained or ratio >= 0.8) and ratio > best_ratio:
            best, best_ratio = count, ratio
    if best is None:
        return lines, None
    block = "\n".join(lines[:best])
    artifacts.append(Artifact("title_block", block))
    return lines[best:], block


def running_title_blocks(lines: list[str], title: str) -> list[tuple[int, int]]:
    """[first, end) line ranges of the blocks of short lines, set off by blank lines, that repeat `title`: the
    PDF printed each document's title as a page header/footer, and in the dump it lands mid-paragraph."""
    blocks: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() == "" or (index > 0 and lines[index - 1].strip() != ""):
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].strip() and end - index < 5:
            end += 1
        block = lines[index:end]
        next_is_blank = end >= len(lines) or lines[end].strip() == ""
        short = all(len(line.strip()) <= 60 and "。" not in line for line in block)
        found = next_is_blank and short and _similar("".join(block), title)
        if found:
            blocks.append((index, end))
        index = end if found else index + 1
    return blocks


def _strip_running_titles(lines: list[str], toc_title: str, artifacts: list[Artifact]) -> tuple[list[str], str | None]:
    """Remove the running titles of `toc_title` (see `running_title_blocks`); returns the lines and the first."""
    out: list[str] = []
    found: str | None = None
    position = 0
    for start, end in running_title_blocks(lines, toc_title):
        out.extend(lines[position:start])
        text = "\n".join(line.strip() for line in lines[start:end])
        artifacts.append(Artifact("running_title", text))
        found = found or text
        position = end
    out.extend(lines[position:])
    return out, found


def _dates(text: str) -> tuple[date | None, date | None, str | None]:
    compact = _compact(text)
    effective = next((d for m in _EFFECTIVE.finditer(compact) if (d := _to_date(m))), None)
    expires = next((d for m in _EXPIRES.finditer(compact) if (d := _to_date(m))), None)
    note = None
    for match in _EXTENDED.finditer(compact):
        extended = _to_date(match)
        if extended and (expires is None or extended > expires):
            expires = extended
            note = next((line for line in text.splitlines() if _EXTENDED.search(_compact(line))), None)
    return effective, expires, note


def _doc_id(source: str, title: str) -> str:
    return hashlib.sha1(f"{source}\n{title}".encode()).hexdigest()[:10]


def _version(history: History, source_name: str, effective: date | None) -> date | None:
    return history.latest or version_in_name(source_name) or effective


def _build_document(
    source: SourceText, body_lines: list[str], heading: str, title_text: str | None, artifacts: list[Artifact]
) -> tuple[PolicyDocument, list[Unit]]:
    body_lines, history = read_history(body_lines, artifacts)
    text = clean_body_lines(body_lines, artifacts)
    title, issuer = _title_parts(title_text.replace("\n", " ") if title_text else heading)
    toc_title, toc_issuer = _title_parts(heading)
    issuer = toc_issuer or issuer or history.issuer or regulation_issuer(title)
    doc_number = next(
        (normalize_spaces(line.strip()) for line in (title_text or "").splitlines()
         if _DOC_NUMBER.match(normalize_spaces(line.strip()))),
        None,
    )
    effective, expires, note = _dates(text)
    notice = normalize_spaces(heading) if normalize_spaces(heading) != title else None
    doc = PolicyDocument(
        doc_id=_doc_id(source.name, title), title=title, text=text, source=source.name, issuer=issuer,
        doc_number=doc_number, effective=effective, expires=expires, validity_note=note, notice_title=notice,
        kind=document_kind(title, doc_number, history), adopted=history.adopted, amended=history.amended,
        version=_version(history, source.name, effective),
    )
    return doc, split_units(doc)


def _parse_compilation(
    source: SourceText, lines: list[str], toc: list[_TocEntry], toc_first: int, toc_last: int
) -> ParsedSource:
    artifacts = [Artifact("front_matter", line) for line in lines[:toc_first] if line.strip()]
    artifacts += [Artifact("toc", line) for line in lines[toc_first : toc_last + 1] if line.strip()]
    # Assign each body line to a page: a standalone number equal to the expected next page closes a page.
    page = toc[0].page
    paged: list[tuple[int, str]] = []
    for line in lines[toc_last + 1 :]:
        stripped = line.strip()
        if PAGE_NUMBER.match(stripped):
            kind = "page_number" if int(stripped) == page else "stray_number"
            if kind == "page_number":
                page += 1
            artifacts.append(Artifact(kind, stripped))
            paged.append((page, ""))  # keeps the blank-line shape that running-title detection relies on
            continue
        if any(p.search(stripped) for p in WEB_NOISE):
            artifacts.append(Artifact("web_noise", stripped))
            continue
        paged.append((page, line))
    documents: list[PolicyDocument] = []
    units: list[Unit] = []
    for index, entry in enumerate(toc):
        end_page = toc[index + 1].page if index + 1 < len(toc) else 10**6
        body = [line for p, line in paged if entry.page <= p < end_page]
        body, title_block = _strip_title_block(_drop_leading_blanks(body), entry.title, artifacts)
        body, running = _strip_running_titles(body, entry.title, artifacts)
        doc, doc_units = _build_document(source, body, entry.title, title_block or running, artifacts)
        documents.append(doc)
        units.extend(doc_units)
    return ParsedSource(documents, units, artifacts)


def _drop_leading_blanks(lines: list[str]) -> list[str]:
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    return lines[start:]


def _title_line(body: list[str]) -> str | None:
    """The first line of a single policy file, when it reads as a title (short, not a sentence)."""
    first = body[0].strip() if body else ""
    return first if first and len(first) <= 80 and "。" not in first else None


def document_headings(lines: list[str], name: str = "") -> list[str]:
    """The headings whose running titles parse_source removes: a compilation's TOC entries, else the file's
    title line (or its name). `lines` are the source's lines after strip_markup."""
    toc, _, _ = _parse_toc(lines)
    if toc:
        return [entry.title for entry in toc]
    title = _title_line(_drop_leading_blanks(lines))
    return [title] if title else ([PurePath(name).stem] if name else [])


def _parse_single(source: SourceText, lines: list[str]) -> ParsedSource:
    artifacts: list[Artifact] = []
    body = _drop_leading_blanks(lines)
    first = _title_line(body)
    if first:
        heading = first
        artifacts.append(Artifact("title_block", first))
        body = body[1:]
    else:
        heading = PurePath(source.name).stem
    body, _ = _strip_running_titles(body, heading, artifacts)
    doc, units = _build_document(source, body, heading, None, artifacts)
    if not doc.text.strip():
        return ParsedSource([], [], artifacts)
    return ParsedSource([doc], units, artifacts)


def parse_source(source: SourceText) -> ParsedSource:
    """Split a source into its policy documents and their units."""
    lines = source.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    markup: list[Artifact] = []
    lines = strip_markup(lines, markup)
    toc, toc_first, toc_last = _parse_toc(lines)
    if toc:
        parsed = _parse_compilation(source, lines, toc, toc_first, toc_last)
    else:
        parsed = _parse_single(source, lines)
    parsed.artifacts[:0] = markup
    return parsed
