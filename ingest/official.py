"""What an official text says about itself: markup to drop, its adoption and amendment history, its kind.

Regulations published by law collections and official sites open with a heading, then lines such as
`2020年4月10日 上海市第十五届人民代表大会常务委员会第二十次会议通过` and `…《关于修改…的决定》第一次修正`. Those lines
are the document's history, not its text: they name the issuer and the dates of each version. Markdown heading marks
and HTML comments are presentation, not text. Everything removed here is kept as an `Artifact`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from ingest.clean import Artifact, heading_kind

MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
HTML_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# A history line starts with a date (often inside brackets) and ends with what happened on it.
_HISTORY_LINE = re.compile(
    r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,200}?(通过|修正|修订|批准|公布|发布|修改)\s*[）)]?\s*$"
)
_AMENDED = re.compile(r"(修正|修订|修改)\s*[）)]?\s*$")
_BODY = re.compile(r"^(上海市|[\u4e00-\u9fff]{2,8}[省市区县])?(第[一二三四五六七八九十百零〇]+届)?"
                   r"(?P<body>人民代表大会(常务委员会)?|人民政府)")
_GOVERNMENT_ORDER = re.compile(r"(?P<gov>[\u4e00-\u9fff]{2,12}人民政府)令")
_VERSION_IN_NAME = re.compile(r"[(（](\d{4})-(\d{2})-(\d{2})[)）]")

# Kinds of document, by what their title calls them: a 条例 is a local regulation, a 规定 a rule; both stay in
# force from their effective date until amended or repealed. Other documents (通知, 办法, 意见, 细则…) usually
# state a period of validity; without one, nobody can tell from the text whether they still apply.
REGULATION = "regulation"
RULE = "rule"
NORMATIVE = "normative"


@dataclass(frozen=True)
class History:
    """What the history lines state: the adopting body, the date of adoption and of each amendment."""

    issuer: str | None = None
    adopted: date | None = None
    amended: tuple[date, ...] = ()

    @property
    def latest(self) -> date | None:
        return self.amended[-1] if self.amended else self.adopted


def strip_markup(lines: list[str], artifacts: list[Artifact]) -> list[str]:
    """Drop Markdown heading marks (`## 第一章 总则` → `第一章 总则`) and whole-line HTML comments."""
    out: list[str] = []
    for line in lines:
        if HTML_COMMENT.match(line):
            artifacts.append(Artifact("markup", line.strip()))
            continue
        mark = MARKDOWN_HEADING.match(line)
        if mark and line.lstrip().startswith("#"):
            artifacts.append(Artifact("markup", mark.group(0).strip()))
            line = line[mark.end():]
        out.append(line)
    return out


def _to_date(match: re.Match[str]) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _issuer(line: str) -> str | None:
    """`2020年4月10日 上海市第十五届人民代表大会常务委员会第二十次会议通过` → 上海市人民代表大会常务委员会."""
    after_date = _DATE.sub("", line, count=1).strip(" （()）\u3000")
    body = _BODY.match(after_date)
    if body:
        return (body.group(1) or "") + body.group("body")
    order = _GOVERNMENT_ORDER.search(after_date)
    return order.group("gov") if order else None


def read_history(lines: list[str], artifacts: list[Artifact]) -> tuple[list[str], History]:
    """Take the history lines from the top of a document (before its first article or chapter)."""
    kept: list[str] = []
    issuer: str | None = None
    adopted: date | None = None
    amended: list[date] = []
    in_header = True
    for line in lines:
        stripped = line.strip().replace("\u3000", " ").strip()
        if in_header and stripped and heading_kind(stripped) is not None:
            in_header = False
        if in_header and _HISTORY_LINE.match(stripped):
            artifacts.append(Artifact("history", stripped))
            when = _DATE.search(stripped)
            day = _to_date(when) if when else None
            if _AMENDED.search(stripped):
                if day:
                    amended.append(day)
            else:
                adopted = adopted or day
                issuer = issuer or _issuer(stripped)
            continue
        kept.append(line)
    return kept, History(issuer=issuer, adopted=adopted, amended=tuple(sorted(amended)))


def version_in_name(source_name: str) -> date | None:
    """The version date a file name carries, e.g. `上海市社会救助条例(2024-12-31).md`."""
    match = _VERSION_IN_NAME.search(PurePath(source_name).stem)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def document_kind(title: str, doc_number: str | None, history: History) -> str:
    """regulation (条例, or adopted by a people's congress), rule (规定, or issued by a government order), or
    normative (everything else)."""
    if title.endswith("条例") or "人民代表大会" in (history.issuer or ""):
        return REGULATION
    if title.endswith("规定") or (doc_number and "令" in doc_number):
        return RULE
    return NORMATIVE


_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,6}?(?:省|市|自治区))")


def regulation_issuer(title: str) -> str | None:
    """A local regulation (`上海市…条例`) that prints no history was adopted by its place's people's congress
    standing committee — the body that adopts local regulations."""
    place = _PLACE.match(title)
    return f"{place.group(1)}人民代表大会常务委员会" if place and title.endswith("条例") else None
