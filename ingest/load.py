"""Read the files a service hall receives (.txt .md .pdf .docx .html) into `SourceText`s.

A file that can't be read is never fatal: it becomes a `SkippedFile` whose reason names the problem and what to
do, and the other files still load.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.models import SourceText
from ingest.settings import IndexSettings

log = logging.getLogger(__name__)

TEXT_EXTS = {".txt", ".md"}
HTML_EXTS = {".html", ".htm"}
SUPPORTED_EXTS = TEXT_EXTS | HTML_EXTS | {".pdf", ".docx"}
DOCX_EXPANSION = 10  # a .docx may expand to this many times the file size limit (its text is XML)
_SUPPORTED_LIST = " ".join(sorted(SUPPORTED_EXTS))
# CJK Unified Ideographs + CJK punctuation + full-width forms: what a Chinese policy text is made of.
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_BLOCK_TAGS = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "table", "ul", "ol", "blockquote", "pre", "title", "header", "footer", "dd", "dt"]


@dataclass(frozen=True)
class SkippedFile:
    """A file that was not ingested, and why (human-readable, with what to do)."""

    name: str
    reason: str
    path: str = ""


@dataclass
class LoadResult:
    sources: list[SourceText] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


class LoadError(Exception):
    """A file can't be turned into text; the message is the human reason."""


def _collect(paths: list[Path]) -> tuple[list[tuple[Path, Path]], list[SkippedFile]]:
    """Expand directories (recursively) into (file, root) pairs; missing paths become skips."""
    found: list[tuple[Path, Path]] = []
    missing: list[SkippedFile] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                # Hidden files/dirs (.DS_Store, .git) are not documents anyone dropped in on purpose.
                if f.is_file() and not any(part.startswith(".") for part in rel.parts):
                    found.append((f, p))
        elif p.is_file():
            found.append((p, p.parent))
        else:
            missing.append(SkippedFile(p.name or str(p), f"not found: {p} does not exist; check the path", str(p)))
    return found, missing


def _names(files: list[tuple[Path, Path]]) -> list[str]:
    """File name as the stable key; a path relative to its root when two files share a name."""
    counts: dict[str, int] = {}
    for f, _ in files:
        counts[f.name] = counts.get(f.name, 0) + 1
    out = []
    for f, root in files:
        if counts[f.name] == 1:
            out.append(f.name)
        else:
            try:
                out.append(str(f.relative_to(root.parent)))
            except ValueError:
                out.append(str(f))
    return out


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 first, then GB18030 when it yields Chinese, then charset-normalizer."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("looks like a binary file, not text; supply a .txt/.md/.pdf/.docx/.html file")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # charset-normalizer misreads short GBK text as Big5 and the like; GB18030 (a superset of GBK) is strict
    # enough that a clean decode that is mostly Chinese is the right answer for files from Chinese offices.
    try:
        text = data.decode("gb18030")
        non_ascii = [c for c in text if ord(c) > 127]
        if non_ascii and sum(1 for c in non_ascii if _CJK.match(c)) / len(non_ascii) > 0.9:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("text encoding could not be detected; re-save the file as UTF-8")
    text = str(best)
    bad = sum(1 for c in text if c == "\ufffd" or (ord(c) < 32 and c not in "\n\r\t\f"))
    if bad > max(3, len(text) // 100):
        raise LoadError("text is not decodable (garbled or binary content); re-save the file as UTF-8")
    return text, best.encoding


def _read_pdf(path: Path) -> tuple[str, str]:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as e:  # pdfminer raises many types for broken files
        raise LoadError(f"cannot be read as a PDF (corrupt, truncated or encrypted: {type(e).__name__}); "
                        "re-export it from the original or supply a text version") from e
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError("the PDF has no extractable text (scanned images?); OCR it or supply a text version")
    return text, "pdf"


def _check_zip_expansion(path: Path, limit: int) -> None:
    """A .docx is a zip: refuse one that would expand far beyond any real document (a zip bomb) before any part
    of it is decompressed. The sizes its directory declares are what zipfile enforces while reading."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            expanded = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise LoadError(f"cannot be read as a Word .docx file (corrupt or not really .docx: {type(e).__name__}); "
                        "open and re-save it in Word/WPS as .docx") from e
    if expanded > limit:
        raise LoadError(f"the .docx would expand to {expanded / 1024 / 1024:.0f} MB, far more than any policy "
                        f"document (at most {limit / 1024 / 1024:.0f} MB); re-save it from Word/WPS")


def _read_docx(path: Path, expanded_limit: int = 200 * 1024 * 1024) -> tuple[str, str]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_zip_expansion(path, expanded_limit)
    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        # Walk the body in order so tables stay where they are in the document.
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                for row in Table(child, document).rows:
                    cells: list[str] = []
                    for cell in row.cells:
                        if not cells or cells[-1] != cell.text:  # merged cells repeat their text
                            cells.append(cell.text)
                    lines.append("\t".join(cells))
    except Exception as e:  # zipfile/lxml/KeyError for broken packages
        raise LoadError(f"cannot be read as a Word .docx file (corrupt or not really .docx: {type(e).__name__}); "
                        "open and re-save it in Word/WPS as .docx") from e
    return "\n".join(lines), "docx"


def _read_html(raw: bytes) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    text, enc = decode_bytes(raw)
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    # Newlines only at block boundaries: inline tags (<b>, <span>) must not break a sentence.
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    heading = soup.find("h1")
    title = heading.get_text("").strip() if heading else ""
    body = soup.get_text("")
    body = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", "\n", body)
    if title and f"\n{title}\n" in f"\n{body}\n":
        # An official page puts its navigation and breadcrumbs before the document's own <h1> title.
        body = body[f"\n{body}\n".index(f"\n{title}\n"):]
    return body.strip(), enc


def load_file(path: Path, name: str, settings: IndexSettings) -> SourceText:
    """Read one file or raise `LoadError` with a human reason."""
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTS:
        raise LoadError(f"unsupported file type '{ext or '(none)'}'; supported: {_SUPPORTED_LIST}")
    size = path.stat().st_size
    limit = settings.max_file_mb * 1024 * 1024
    if size > limit:
        raise LoadError(f"file is {size / 1024 / 1024:.1f} MB, over the {settings.max_file_mb:g} MB limit; "
                        "split it, or raise POLICY_ASSISTANT_MAX_FILE_MB")
    if size == 0:
        raise LoadError("file is empty (0 bytes); supply the complete file")
    raw = path.read_bytes()
    if ext in TEXT_EXTS:
        text, enc = decode_bytes(raw)
    elif ext in HTML_EXTS:
        text, enc = _read_html(raw)
    elif ext == ".pdf":
        text, enc = _read_pdf(path)
    else:
        text, enc = _read_docx(path, expanded_limit=int(limit * DOCX_EXPANSION))
    if not text.strip():
        raise LoadError("contains no text (only whitespace or markup); supply the complete file")
    return SourceText(name=name, path=str(path), text=text, sha256=hashlib.sha256(raw).hexdigest(), encoding=enc)


def load_sources(paths: list[Path], settings: IndexSettings) -> LoadResult:
    """Load every supported file under `paths`; unreadable files are skipped with a reason."""
    files, result_skipped = _collect(paths)
    result = LoadResult(skipped=result_skipped)
    for (path, _), name in zip(files, _names(files), strict=True):
        try:
            result.sources.append(load_file(path, name, settings))
        except LoadError as e:
            log.info("skipped %s: %s", name, e)  # the report names it; no duplicate warning
            result.skipped.append(SkippedFile(name, str(e), str(path)))
        except OSError as e:
            result.skipped.append(SkippedFile(name, f"cannot be opened ({e.strerror}); check permissions", str(path)))
    return result
