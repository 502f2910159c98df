"""Split one cleaned document into citable units along its heading hierarchy.

Documents mix numbering styles (第X章/第X条, 一、, （一）, 1., （1）); a heading's rank comes from its style. A unit is
the smallest whole heading block that fits `MAX_UNIT_CHARS`; small sibling blocks are packed together, a bare
heading joins its body, and an over-long block splits at item boundaries, then at sentence ends — never
mid-sentence. Units are exact slices of the document text, so they can be quoted verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import HEADING_PATTERNS, HEADING_RANK, heading_kind
from ingest.models import PolicyDocument, Unit, content_hash

MAX_UNIT_CHARS = 600
MIN_STANDALONE_CHARS = 120  # an intro shorter than this joins its first child rather than standing alone
# Articles (第X条) are cited one by one; an article shorter than SHORT_ARTICLE_CHARS may share a unit with its
# neighbours in the same chapter, up to MAX_ARTICLE_GROUP_CHARS (a one-line article alone is a weak search target).
SHORT_ARTICLE_CHARS = 120
MAX_ARTICLE_GROUP_CHARS = 300
PREAMBLE = "序言"
CLOSING = "末段"

_CLOSING_LINE = re.compile(r"^(本(实施)?(措施|意见|办法|细则|实施细则|实施办法|方案|行动方案|行动计划|通知|规定|指引)|注[:：])")
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_FULLWIDTH = str.maketrans({"(": "（", ")": "）", "．": "."})


@dataclass
class _Node:
    kind: str
    label: str
    title: str
    rank: int
    first: int  # index of its first paragraph
    last: int = -1  # index of its last paragraph, descendants included
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None

    def path(self) -> list[_Node]:
        nodes: list[_Node] = []
        node: _Node | None = self
        while node is not None and node.kind != "root":
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    def locator(self) -> str:
        nodes = self.path()
        if any(n.kind == "article" for n in nodes):
            nodes = [n for n in nodes if n.kind != "chapter"]  # article numbers are unique in a document
        return "".join(n.label for n in nodes) or PREAMBLE


def _label(kind: str, line: str) -> str:
    pattern = dict(HEADING_PATTERNS)[kind]
    match = pattern.match(line)
    assert match is not None
    label = match.group(0).strip().translate(_FULLWIDTH)
    return "附件" if kind == "annex" else label


def _title(line: str) -> str:
    head = re.split(r"[。；;]", line, maxsplit=1)[0]
    return head if len(head) <= 40 else head[:40] + "…"


def _build_tree(paragraphs: list[str]) -> _Node:
    root = _Node("root", "", "", -1, 0)
    stack = [root]
    for index, paragraph in enumerate(paragraphs):
        kind = heading_kind(paragraph)
        if kind is not None:
            rank = HEADING_RANK[kind]
            while stack[-1].rank >= rank:
                stack.pop()
            node = _Node(kind, _label(kind, paragraph), _title(paragraph), rank, index, parent=stack[-1])
        elif (
            _CLOSING_LINE.match(paragraph)
            and stack[-1].kind != "closing"
            and stack[-1].rank >= HEADING_RANK["section"]
        ):
            # Closing clauses (effective dates, definitions) belong to the whole document, not the last item.
            stack = [root]
            node = _Node("closing", CLOSING, CLOSING, 99, index, parent=root)
        else:
            continue
        node.parent.children.append(node)  # type: ignore[union-attr]
        stack.append(node)
    _set_last(root, len(paragraphs) - 1)
    return root


def _set_last(node: _Node, last: int) -> None:
    node.last = last
    for index, child in enumerate(node.children):
        following = node.children[index + 1].first - 1 if index + 1 < len(node.children) else last
        _set_last(child, following)


class _Splitter:
    def __init__(self, doc: PolicyDocument) -> None:
        self.doc = doc
        self.paragraphs = doc.text.split("\n")
        self.offsets: list[int] = []
        position = 0
        for paragraph in self.paragraphs:
            self.offsets.append(position)
            position += len(paragraph) + 1
        self.units: list[Unit] = []

    def chars(self, first: int, last: int) -> int:
        return self.offsets[last] + len(self.paragraphs[last]) - self.offsets[first]

    def add(self, start: int, end: int, node: _Node, locator: str) -> None:
        """Add the unit doc.text[start:end], splitting at sentence ends when it is too long."""
        text = self.doc.text[start:end]
        if len(text) <= MAX_UNIT_CHARS * 1.25:  # a little over is better than a one-sentence orphan
            self._append(start, text, node, locator)
            return
        piece = ""
        for sentence in _SENTENCE_END.split(text):
            if piece and len(piece) + len(sentence) > MAX_UNIT_CHARS:
                self._append(start, piece, node, locator)
                start += len(piece)
                piece = ""
            piece += sentence
        if piece:
            self._append(start, piece, node, locator)

    def _append(self, start: int, text: str, node: _Node, locator: str) -> None:
        stripped = text.strip("\n")
        start += len(text) - len(text.lstrip("\n"))
        if not stripped:
            return
        digest = content_hash(stripped)
        path = tuple(n.title for n in node.path()) or (PREAMBLE,)
        self.units.append(Unit(
            id=f"{self.doc.doc_id}:{locator}:{digest[:8]}", doc_id=self.doc.doc_id, doc_title=self.doc.title,
            locator=locator, heading_path=path, text=stripped, start=start, order=len(self.units),
            source=self.doc.source, content_hash=digest,
        ))

    def add_paragraphs(self, first: int, last: int, node: _Node) -> None:
        """A long article without numbered items, split between its paragraphs (款): `第十五条第二款–第三款`."""
        base = node.locator()
        group_first = first
        for index in range(first, last + 1):
            ends_group = index == last or self.chars(group_first, index + 1) > MAX_UNIT_CHARS
            if not ends_group:
                continue
            start, end = group_first - first + 1, index - first + 1
            if (start, end) == (1, last - first + 1):
                locator = base
            elif start == end:
                locator = f"{base}第{_cn_number(start)}款"
            else:
                locator = f"{base}第{_cn_number(start)}款–第{_cn_number(end)}款"
            self.add(*self.span(group_first, index), node, locator)
            group_first = index + 1

    def span(self, first: int, last: int) -> tuple[int, int]:
        return self.offsets[first], self.offsets[last] + len(self.paragraphs[last])

    def emit(self, node: _Node, prefix: int | None = None) -> None:
        """Emit units for `node`; `prefix` is the first paragraph of a bare parent heading to prepend."""
        first = node.first if prefix is None else prefix
        if node.kind == "root" and not node.children:
            self.add(*self.span(first, node.last), node, PREAMBLE)
            return
        containers = ("root", "chapter", "annex")  # always cited by their articles/sections, never whole
        if node.kind not in containers and (self.chars(first, node.last) <= MAX_UNIT_CHARS or not node.children):
            if node.kind == "article" and self.chars(first, node.last) > MAX_UNIT_CHARS * 1.25:
                self.add_paragraphs(first, node.last, node)
            else:
                self.add(*self.span(first, node.last), node, node.locator())
            return
        own_last = node.children[0].first - 1
        pending: int | None = first
        if own_last >= first and (
            node.kind == "root" or self.chars(first, own_last) >= MIN_STANDALONE_CHARS
        ):
            self.add(*self.span(first, own_last), node, node.locator())
            pending = None
        elif own_last < first:
            pending = None
        group: list[_Node] = []
        group_first: int | None = None
        for child in node.children:
            if child.kind == "article" and self.chars(child.first, child.last) < SHORT_ARTICLE_CHARS and (
                not group or (group[-1].kind == "article"
                              and self.chars(group_first, child.last) <= MAX_ARTICLE_GROUP_CHARS)  # type: ignore[arg-type]
            ):
                if not group:  # a one-line article joins its neighbours in the same chapter, and only them
                    group_first = pending if pending is not None else child.first
                    pending = None
                group.append(child)
                continue
            if child.kind == "article" or _holds_articles(child):  # articles are cited one by one
                self._flush(node, group, group_first)
                group, group_first = [], None
                if child.kind == "article" and self.chars(child.first, child.last) < SHORT_ARTICLE_CHARS:
                    group_first, group = child.first if pending is None else pending, [child]
                    pending = None
                    continue
                self.emit(child, prefix=pending)
                pending = None
                continue
            if group and group[-1].kind == "article":
                self._flush(node, group, group_first)
                group, group_first = [], None
            start = pending if (pending is not None and not group) else child.first
            if self.chars(child.first, child.last) > MAX_UNIT_CHARS or (
                not group and self.chars(start, child.last) > MAX_UNIT_CHARS
            ):
                self._flush(node, group, group_first)
                group, group_first = [], None
                self.emit(child, prefix=pending if pending is not None else None)
                pending = None
                continue
            small = self.chars(child.first, child.last) < MIN_STANDALONE_CHARS
            limit = MAX_UNIT_CHARS * 1.25 if small else MAX_UNIT_CHARS  # don't orphan a one-line item
            if group and self.chars(group_first, child.last) > limit:  # type: ignore[arg-type]
                self._flush(node, group, group_first)
                group, group_first = [], None
            if not group:
                group_first = pending if pending is not None else child.first
                pending = None
            group.append(child)
        self._flush(node, group, group_first)

    def _flush(self, parent: _Node, group: list[_Node], group_first: int | None) -> None:
        if not group or group_first is None:
            return
        if len(group) == 1:
            locator = group[0].locator()
            node = group[0]
        elif len(group) == len(parent.children) and group_first <= parent.first and parent.kind not in (
            "root", "chapter", "annex"
        ):
            locator, node = parent.locator(), parent
        else:
            base = parent.locator() if parent.kind not in ("root", "chapter") else ""
            locator = f"{base}{group[0].label}–{group[-1].label}"
            node = parent if parent.kind != "root" else group[0]
        self.add(*self.span(group_first, group[-1].last), node, locator)


def _holds_articles(node: _Node) -> bool:
    return any(c.kind == "article" or _holds_articles(c) for c in node.children)


def _cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (paragraph numbers in citations)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def split_units(doc: PolicyDocument) -> list[Unit]:
    """The document's units, in reading order, each an exact slice of `doc.text`."""
    if not doc.text.strip():
        return []
    splitter = _Splitter(doc)
    splitter.emit(_build_tree(splitter.paragraphs))
    return splitter.units
