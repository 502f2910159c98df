"""Cutting a clause down to what a direct answer states: the comma-clause around a word, whole brackets, without the
article or item number it opens with, with the clauses before it that say to whom it applies when it needs them."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from assistant.query.crosslingual import ExpandedQuery

SENTENCE_CUT = re.compile(r"[。；;\n]")
FRAGMENT_CUT = re.compile(r"[，,；;。:：\n]")
MIN_FRAGMENT_CHARS = 12  # a clause shorter than this ("专项资金不再予以支持") does not say what it is about
RARE_SHARE = 0.1  # a word held by fewer than this share of the indexed units says what a clause is about
MAX_SENTENCE_CHARS = 120  # a sentence longer than this is stated from the clauses nearest the word it is about
MAX_SPAN_CHARS = 90  # a clause is stated with the comma-clauses before it that say to whom it applies, up to this
# The number an article or item opens with: 第十一条, 十二、, 4.
ARTICLE_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+条\s*|[一二三四五六七八九十]+、|\d+[.、]\s*)")
ITEM_NUMBER = re.compile(r"^[(（][一二三四五六七八九十\d]+[)）]\s*")  # (三)


def without_numbers(text: str) -> str:
    """`text` without the article number and then the item number it opens with (第五条 (四)…)."""
    return ITEM_NUMBER.sub("", ARTICLE_NUMBER.sub("", text))


def fragment(text: str, pos: int) -> str:
    """The comma-clause of `text` around `pos`, without the article number it may open with (第十一条 单位不得…)."""
    starts = [m.end() for m in FRAGMENT_CUT.finditer(text, 0, pos)]
    start = starts[-1] if starts else 0
    m = FRAGMENT_CUT.search(text, pos)
    end = m.start() if m else len(text)
    # A comma inside brackets cuts a bracket in half ("…且不是关联企业,技术合同履行率达到70%及以上)的…"): the
    # fragment stops at, or starts after, the bracket it has only one half of.
    depth = 0
    for i in range(start, end):
        if text[i] in "(（":
            depth += 1
        elif text[i] in ")）":
            if depth:
                depth -= 1
            elif i < pos:
                start = i + 1
            else:
                end = i
                break
    return ARTICLE_NUMBER.sub("", text[start:end].strip())


def clause_span(text: str, pos: int) -> str:
    """The comma-clause at `pos` with those before it in its sentence that say to whom and on what terms
    ("符合条件的天使投资人，依法可享受…"), as many as fit in MAX_SPAN_CHARS."""
    sentence_start = max((m.end() for m in SENTENCE_CUT.finditer(text, 0, pos)), default=0)
    m = FRAGMENT_CUT.search(text, pos)
    end = m.start() if m else len(text)
    starts = [sentence_start, *(m.end() for m in FRAGMENT_CUT.finditer(text, sentence_start, pos))]
    start = next(s for s in starts if end - s <= MAX_SPAN_CHARS or s == starts[-1])
    span = text[start:end].strip()
    if span.count("（") + span.count("(") != span.count("）") + span.count(")"):
        return fragment(text, pos)  # a bracket cut in half: the clause alone, trimmed to whole brackets
    return ARTICLE_NUMBER.sub("", span)


def sentence_at(text: str, pos: int) -> str:
    """The list item or sentence around `pos` ("离异的,提供离婚证、离婚协议书或法院调解书、判决书等"), without its numbers;
    of one longer than MAX_SENTENCE_CHARS, the clause at `pos` with those before it (clause_span)."""
    start = max((m.end() for m in SENTENCE_CUT.finditer(text, 0, pos)), default=0)
    stop_at = SENTENCE_CUT.search(text, pos)
    sentence = text[start:stop_at.start() if stop_at else len(text)].strip()
    return without_numbers(clause_span(text, pos) if len(sentence) > MAX_SENTENCE_CHARS else sentence)


def stated(text: str, pos: int) -> str:
    """The comma-clause at `pos`; one too short to say what it is about ("专项资金不再予以支持") with the clauses before
    it that do."""
    short = fragment(text, pos)
    return short if len(short) >= MIN_FRAGMENT_CHARS else clause_span(text, pos)


def concepts_in(text: str, concepts: Sequence[set[str]]) -> int:
    """How many of the question's concepts the text holds, a word counted once however it was cut (营业执照, not
    also 营业 and 执照) and however often the question says it."""
    low = text.lower()
    found = {t for c in concepts for t in c if t in low}
    whole = {t for t in found if not any(t != u and t in u for u in found)}
    return len({frozenset(c) for c in concepts if any(t in whole for t in c)})  # "registered … registered": once


def rare_concepts(concepts: Sequence[set[str]], term_share: Callable[[str], float]) -> list[set[str]]:
    """The concepts with a word few indexed units hold (fewer than RARE_SHARE of them): what a clause is about."""
    return [c for c in concepts if c and min(term_share(t) for t in c) < RARE_SHARE]


def top_document(passages: Sequence) -> list[tuple[int, object]]:
    """(rank, passage) for the passages quoted from the document the answer rests on: the first passage's."""
    top = passages[0].hit.doc_id
    return [(i, p) for i, p in enumerate(passages) if p.hit.doc_id == top]


def asked_concepts(expanded: ExpandedQuery, title: str, besides: Collection[str] = frozenset()) -> list[set[str]]:
    """The question's concepts, each as its words of two characters or more, leaving out the words of the policy's
    title (every clause of it has them) and `besides` (words every clause of the kind looked for has)."""
    return [{t.lower() for t in c.terms if len(t) >= 2 and t not in title and t not in besides}
            for c in expanded.concepts]
