"""Sentences of policy text, and the normal form in which quotes and texts are compared.

Sentence ends are Chinese and ASCII terminators and line breaks, but not the soft wraps of a PDF dump. "Normal
form" removes only what a reader cannot see as a change of wording: Unicode NFKC (full-width ，（ vs half-width ,(
— the PDF dump mixes them) and whitespace (the dump scatters spaces inside Chinese words, "持 股比例").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WS = re.compile(r"\s+")
# Sentence ends: Chinese and ASCII terminators, and line breaks (the PDF dump writes ';' for '；'). Colons
# are not ends: the text after "：" belongs to the clause that introduces it.
_ENDERS = set("。；！？!?;\n")
# A newline after a line of at least this many characters that doesn't end in punctuation is a soft wrap of
# the PDF dump ("…副总裁及以上的高级管理\n人才,最近3年…"), not a sentence end; headings are shorter.
_WRAP_MIN_CHARS = 25
_LINE_ENDERS = set("。；！？!?;:：」”)）")



def normalize(text: str) -> str:
    """NFKC, then drop all whitespace: the form in which quotes and unit texts are compared."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Sentence:
    text: str  # exact slice of the source text, stripped
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split Chinese policy text into sentences on 。；！？ (and ASCII !?;) and newlines.

    A '.' ends a sentence only when followed by whitespace and not between digits, so "1.5倍" and list
    numbers like "1.在国(境)外" stay intact. Returned sentences are exact slices (offsets into `text`).
    """
    out: list[Sentence] = []
    start = 0
    n = len(text)
    line_start = 0
    for i, ch in enumerate(text):
        is_end = ch in _ENDERS
        if ch == "\n":
            is_end = not _soft_wrap(text, line_start, i)
            line_start = i + 1
        if ch == "." and i + 1 < n and text[i + 1] in " \t\n" and not (i > 0 and text[i - 1].isdigit()):
            is_end = True
        if is_end:
            # Keep closing quotes/brackets that belong to this sentence: 。」 or 。)
            end = i + 1
            while end < n and text[end] in "」』”’)）":
                end += 1
            _append(out, text, start, end)
            start = end
    _append(out, text, start, n)
    return out


def _soft_wrap(text: str, line_start: int, newline: int) -> bool:
    """A PDF line break inside a sentence: a long line (headings are short) that ends mid-clause."""
    line = text[line_start:newline].rstrip()
    return len(line) >= _WRAP_MIN_CHARS and line[-1] not in _LINE_ENDERS


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    raw = text[start:end]
    stripped = raw.strip()
    if not stripped:
        return
    lead = len(raw) - len(raw.lstrip())
    s = start + lead
    out.append(Sentence(stripped, s, s + len(stripped)))
