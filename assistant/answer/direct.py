"""A direct first sentence for questions that are not about eligibility, read from the quoted passages:
the asked amount, rate or time limit ("审核要多久？" → "在10个工作日内完成审核"), whether the policy is still in
force ("No — it expired on 2022-10-31"), or a prohibition's polarity ("不得…" → "不可以"). Each rests on the
exact clause fragment it states, or on the document's own dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.compose import DirectAnswer
from assistant.query.crosslingual import ExpandedQuery
from assistant.types import Validity
from ingest.eligibility.quantities import find_quantities

_IN_FORCE_ASKED = re.compile(r"还有效|是否有效|有效吗|有效期|过期|失效|还在执行|还适用|还能用|还管用|还算数|还作数|"
                             r"still (?:in force|valid|appl|effective|in effect)|expired?|valid until|in effect",
                             re.I)
# Asking whether something may be done, or whether what someone did is lawful ("这合法吗", "Is that legal?").
_PERMISSION_ASKED = re.compile(r"能不能|可不可以|可以.{0,16}吗|能否|是否可以|允许|行不行|合法|违法|违规|合理吗|合规|有权|"
                               r"能这样|可以这样|\bcan (?:i|we|they|a|an|the)\b|\bmay (?:i|we)\b|allowed|legal|lawful|"
                               r"permitted|(?:have|has) the right", re.I)
_PROHIBITION = re.compile(r"不得|禁止|严禁|不允许")
_DETAIL_KIND = {"amount": ("amount",), "rate": ("percent",), "time_limit": ("duration",)}
_FRAGMENT_CUT = re.compile(r"[，,；;。:：\n]")
_ARTICLE_NUMBER = re.compile(r"^第[一二三四五六七八九十百零〇\d]+条\s*")


def _fragment(text: str, pos: int) -> str:
    """The comma-clause of `text` around `pos`, without the article number it may open with (第十一条 单位不得…)."""
    starts = [m.end() for m in _FRAGMENT_CUT.finditer(text, 0, pos)]
    start = starts[-1] if starts else 0
    m = _FRAGMENT_CUT.search(text, pos)
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
    return _ARTICLE_NUMBER.sub("", text[start:end].strip())


def direct_answer(question: str, passages: Sequence, validity: Sequence[Validity], asked: Sequence[str],
                  expanded: ExpandedQuery) -> DirectAnswer | None:
    """`passages` are the extractive answer's quoted passages, best first (objects with .hit and .text)."""
    if not passages:
        return None
    top = passages[0]
    if _IN_FORCE_ASKED.search(question):
        v = next((x for x in validity if x.doc_title == top.hit.doc_title), None)
        if v is not None:
            return DirectAnswer("validity", top.hit, validity=v)
    terms = {t.lower() for c in expanded.concepts for t in c.terms if len(t) >= 2}
    for kind in asked:
        # Of the fragments stating a figure of the asked kind, the one sharing most words with the question
        # ("审核要多久" → "在10个工作日内完成审核", not "回国后2年内来本市"); words of the policy's title are
        # in every fragment of it and decide nothing.
        found = [(sum(t in frag.lower() and t not in p.hit.doc_title for t in terms), -i, p, frag)
                 for i, p in enumerate(passages) for q in find_quantities(p.text)
                 if q.kind in _DETAIL_KIND.get(kind, ()) for frag in (_fragment(p.text, q.start),)]
        best = max(found, key=lambda x: (x[0], x[1]), default=None)
        if best is not None and best[0] > 0:  # a figure about something else answers nothing
            return DirectAnswer("figure", best[2].hit, best[3])
    if _PERMISSION_ASKED.search(question):
        # Of the prohibitions quoted from the document the answer rests on, the one sharing most words with the
        # question (its concepts, each counted once); of equals, the first. A question put in English shares words
        # only through their translations, and one is too often a lucky match ("fraud" in 严禁弄虚作假 of another
        # document), so it needs two.
        concepts = [{t.lower() for t in c.terms if len(t) >= 2} for c in expanded.concepts]
        found = [(sum(any(t in fragment.lower() for t in c) for c in concepts), -i, p, fragment)
                 for i, p in enumerate(passages) if p.hit.doc_id == top.hit.doc_id
                 for m in _PROHIBITION.finditer(p.text) for fragment in (_fragment(p.text, m.start()),)]
        best = max(found, key=lambda x: (x[0], x[1]), default=None)
        if best is not None and best[0] >= (1 if expanded.lang == "zh" else 2):
            return DirectAnswer("prohibition", best[2].hit, best[3])
    return None
