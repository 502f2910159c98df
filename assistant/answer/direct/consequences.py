"""What happens to whoever breaks a rule: a question asking the consequence or the penalty ("材料造假被查出来会怎么样？",
"单位不交公积金会被罚吗？", "What happens if a company lies on its application?") is answered by the sentence of the
units the answer quotes that states it for that case ("如有弄虚作假、伪造…等情况的,根据其情节轻重,暂停或取消其申请资格"),
when its breach shares what the question is about; the answer then quotes that sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct.spans import (
    SENTENCE_CUT,
    asked_concepts,
    concepts_in,
    rare_concepts,
    sentence_at,
    top_document,
)
from assistant.query.crosslingual import ExpandedQuery

# Not "以前被罚过" (the asker's past) nor "会不会卡住" (what stands in the way): what will follow a breach.
_CONSEQUENCE_ASKED = re.compile(
    r"会怎么?样|会怎样|怎么处理|如何处理|什么处罚|怎么处罚|如何处罚|怎么罚|会被(?:处)?罚|罚吗|罚多少|罚款多少|处罚吗|"
    r"什么后果|啥后果|有后果|后果是|什么责任|什么下场|会不会被(?:查|罚|取消|撤销|注销|追回|收回|处分)|"
    r"\bwhat (?:happens|will happen|would happen)\b|\bconsequences?\b|\bpenalt|\bpunish|\bsanction|"
    r"\bfined\b|\bfines\b|\b(?:a|the) fine\b|\bbe (?:fined|punished|penali[sz]ed|disqualified|struck off)\b|"
    r"\bin trouble\b", re.I)
# What a clause does to whoever broke it: orders, fines, takes back, revokes, disqualifies, blacklists, prosecutes.
_CONSEQUENCE = re.compile(
    r"责令|罚款|处以|追回|收回|撤销|注销其|取消其?[^，,；;。]{0,12}资格|暂停[^，,；;。]{0,12}资格|给予[^，,；;。]{0,4}处分|依法处分|"
    r"追究[^，,；;。]{0,8}责任|失信(?:名单|惩戒)|黑名单|不良记录|纳入[^，,；;。]{0,16}(?:信用|名单)|市场禁入|予以限制|"
    r"通报批评|予以公告|不予受理[^，,；;。]{0,8}申请")
# Words every such sentence has: they say nothing of which breach it is about.
_CONSEQUENCE_WORDS = frozenset({"处罚", "罚款", "后果", "责任", "追究", "处理", "违反", "规定", "依法"})


def asks_consequence(question: str) -> bool:
    return bool(_CONSEQUENCE_ASKED.search(question))


def _breach(text: str, pos: int) -> str:
    """The sentence at `pos` with the one before it, which often states the breach it follows from ("…严禁弄虚作假。
    一旦发现虚假或伪造,…取消其再申请的资格")."""
    cuts = [m.end() for m in SENTENCE_CUT.finditer(text, 0, pos)]
    start = cuts[-2] if len(cuts) >= 2 else 0
    stop = SENTENCE_CUT.search(text, pos)
    return text[start:stop.start() if stop else len(text)]


def _stated(hits: Sequence, expanded: ExpandedQuery,
            term_share: Callable[[str], float] | None) -> list[tuple[int, int, int, object, str]]:
    """(concepts shared, -rank, -position, hit, sentence) for each sentence of `hits` that states what befalls a
    breach sharing enough of the question's concepts (see `consequence`)."""
    found = []
    seen: set[tuple[str, str]] = set()
    for i, hit in enumerate(hits):
        concepts = asked_concepts(expanded, hit.doc_title, _CONSEQUENCE_WORDS)
        rare = rare_concepts(concepts, term_share) if term_share else []
        for m in _CONSEQUENCE.finditer(hit.text):
            sentence = sentence_at(hit.text, m.start())
            if (hit.id, sentence) in seen:
                continue
            seen.add((hit.id, sentence))
            breach = _breach(hit.text, m.start())
            shared = concepts_in(breach, concepts)
            rare_shared = concepts_in(breach, rare)
            if (rare_shared >= 2 and shared >= 4) if expanded.lang == "en" else (shared >= 2 or rare_shared >= 1):
                found.append((shared, -i, -m.start(), hit, sentence))
    return found


def consequence(passages: Sequence, expanded: ExpandedQuery, term_share: Callable[[str], float] | None = None,
                units: Sequence = ()) -> DirectAnswer | None:
    """Of the sentences that state what befalls a breach, in the whole units quoted from the document the answer
    rests on (and its other `units` the answer may quote), the one whose breach shares most of the question's
    concepts (the policy's title and the words every such sentence has aside): two, or one few indexed clauses use
    (挪用) — given `term_share`, the share of indexed units holding a word; for a question in English, whose words
    reach the clauses through their translations and often by luck (申请, 落户), four, two of them rare."""
    top = [p.hit for _, p in top_document(passages)]
    # the whole unit: what befalls a breach often follows the sentence quoted for it ("严禁弄虚作假。一旦发现虚假…")
    hits = list({h.id: h for h in [*top, *(u for u in units if top and u.doc_id == top[0].doc_id)]}.values())
    best = max(_stated(hits, expanded, term_share), key=lambda x: x[:3], default=None)
    return DirectAnswer("consequence", best[3], best[4]) if best is not None else None
