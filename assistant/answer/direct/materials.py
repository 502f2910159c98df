"""What to hand in: a question asking which documents or proof its case needs ("户籍已经注销了，要交什么材料？", "Which
documents do I submit as a returnee?") is answered by the item of the quoted list that names them for that case
("如留学期间户籍已注销的，提供90天内有效的户籍注销材料"), when one shares what the question is about."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct.spans import asked_concepts, concepts_in, sentence_at, top_document
from assistant.query.crosslingual import ExpandedQuery

_MATERIALS_ASKED = re.compile(
    r"(?:什么|哪些|啥|哪几[样份种])[^，,。？?]{0,6}(?:材料|证明|证件|文件|资料|凭证|document|paper)|"
    r"(?:材料|证明|证件|资料|凭证|document)[^，,。？?]{0,4}(?:要|需要|得)?(?:交|提供|提交|准备|带)[^，,。？?]{0,3}(?:吗|哪些|什么)|"
    r"要(?:交|提供|提交|准备|带)(?:什么|哪些|啥)|"
    r"\b(?:what|which) (?:\w+ ){0,2}(?:documents?|papers?|paperwork|proofs?|materials?|certificates?)\b|"
    r"\b(?:do|must|should) (?:i|we|they|he|she) (?:have to |need to )?(?:submit|provide|hand in|bring|prepare)\b",
    re.I)
# Where a clause names what to hand in: 提供/提交/出具 a document, or a list headed 证明材料:/需提交:.
# Not 提供 of a service ("提供…便利服务") nor what was or is handed in ("所提供的材料", "单位提供的…").
_HANDED_IN = re.compile(r"(?<![所已])(?:提供|提交|出具|报送)(?!的|[^，,；;。]{0,20}(?:便利|服务|支持|保障|帮助|指导|咨询|融资|资金|贷款|"
                        r"担保))|"
                        r"证明材料[:：]|材料[:：]")
# A heading ("家属随迁需提交的材料", "需补充提交以下材料") names no document.
_HEADING = re.compile(r"(?:的|以下|下列|相应|相关)材料$")
# Words every such item has: they say nothing of which case it is for.
_MATERIAL_WORDS = frozenset({"材料", "证明", "提供", "提交", "需要", "申请", "申办", "文件", "资料"})
MATERIAL_CONCEPTS = 2  # one word in common is too often a lucky one (小区 ~ 社区 of 非社区公共户)


def asks_materials(question: str) -> bool:
    return bool(_MATERIALS_ASKED.search(question))


def material(passages: Sequence, expanded: ExpandedQuery) -> DirectAnswer | None:
    """Of the items quoted from the document the answer rests on that name something to hand in, the one sharing
    most of the question's concepts (the policy's title and the words every such item has aside)."""
    found = []
    for i, p in top_document(passages):
        concepts = asked_concepts(expanded, p.hit.doc_title, _MATERIAL_WORDS)
        seen: set[str] = set()
        for m in _HANDED_IN.finditer(p.text):
            item = sentence_at(p.text, m.start())
            if item not in seen and not _HEADING.search(item):
                seen.add(item)
                found.append((concepts_in(item, concepts), -i, -m.start(), p, item))
    best = max(found, key=lambda x: x[:3], default=None)
    if best is not None and best[0] >= MATERIAL_CONCEPTS:
        return DirectAnswer("material", best[3].hit, best[4])
    return None
