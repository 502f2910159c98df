"""Which direct first sentence a question that is not about eligibility gets, read from the quoted passages: the
asked figure (figures.py), whether the policy is still in force ("No — it expired on 2022-10-31") or when it took
effect and ends, what a term means and who is responsible (named.py), what to hand in (materials.py), what befalls a
breach (consequences.py), or whether something may be done or will be (clauses.py). Each rests on the exact clause
fragment it states, or on the document's own dates."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct.clauses import (
    PERMISSION_ASKED,
    YES_NO_ASKED,
    asks_whether_granted,
    grant,
    prohibition,
)
from assistant.answer.direct.consequences import asks_consequence, consequence
from assistant.answer.direct.figures import figure
from assistant.answer.direct.materials import asks_materials, material
from assistant.answer.direct.named import asks_meaning, asks_who, definition, responsible
from assistant.query.crosslingual import ExpandedQuery
from assistant.types import Validity

_IN_FORCE_ASKED = re.compile(r"还有效|是否有效|有效吗|有效期|过期|失效|还在执行|还适用|还能用|还管用|还算数|还作数|"
                             r"still (?:in force|valid|appl|effective|in effect)|expired?|valid until|in effect"
                             r"|(?:什么时候|何时|哪天|哪一天|几号)[^，,。？?]{0,6}(?:施行|生效|实施|开始|截止)|施行日期|生效日期|"
                             r"截止日期|截止时间|\btake effect\b|\beffective date\b", re.I)
_DATES_ASKED = re.compile(r"什么时候|何时|哪天|哪一天|哪年|几号|到哪|多久|\bwhen\b|\bwhat date\b|\buntil when\b|"
                          r"\bhow long\b", re.I)


def direct_answer(question: str, passages: Sequence, validity: Sequence[Validity], asked: Sequence[str],
                  expanded: ExpandedQuery, general: bool = False,
                  term_share: Callable[[str], float] | None = None, units: Sequence = ()) -> DirectAnswer | None:
    """`passages` are the extractive answer's quoted passages, best first (objects with .hit and .text).
    `general`: the question states nothing about the asker that a rule could judge, so a clause that grants what it
    asks about answers it. `term_share`: the share of indexed units holding a word; a count or a scale asked for is
    answered only with it. `units`: all the units the answer may quote (what befalls a breach is read from them)."""
    if not passages:
        return None
    top = passages[0]
    if _IN_FORCE_ASKED.search(question):
        v = next((x for x in validity if x.doc_title == top.hit.doc_title), None)
        if v is not None:
            return DirectAnswer("validity", top.hit, validity=v, dates_asked=bool(_DATES_ASKED.search(question)))
    if (found := figure(question, passages, asked, expanded, term_share)) is not None:
        return found
    if asks_meaning(question) and (found := definition(question, passages, expanded)) is not None:
        return found
    if asks_who(question) and (found := responsible(question, passages, expanded)) is not None:
        return found
    if asks_materials(question) and (found := material(passages, expanded)) is not None:
        return found
    if asks_consequence(question) and (found := consequence(passages, expanded, term_share, units)) is not None:
        return found
    yes_no = general and YES_NO_ASKED.search(question)
    if (PERMISSION_ASKED.search(question) or yes_no) and (found := prohibition(passages, expanded)) is not None:
        return found
    if yes_no and asks_whether_granted(question):
        return grant(question, passages, expanded, term_share)
    return None
