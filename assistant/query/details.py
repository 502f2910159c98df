"""The detail a question asks for — an amount, a rate, a time limit — and whether a clause states one.

"在上海养狗一年多少钱？" finds clauses about 上海, but none of them names a sum of money; "审核要多久？" is answered
only by a clause with a period (5个工作日, 2年内). This is the expected-answer-type check of classic question
answering, done with patterns: a question asks for a kind when its wording does (多少钱, how much does it cost,
利率, how long…), and a text states it when it contains a value of that kind (a number with 元/万元/%, a number
with 个月/年/工作日, 期限…). The refusal gate counts an asked detail that the best passages don't state against
the answer (assistant/refusal/gate.py), and answers say so: "所引条款没有写明具体金额". "Where" and "when" were
measured too (2026-12-02, eval + dev sets) and left out: place words (局, 中心, 部门) and time words are in nearly
every clause, so the check never fired usefully.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"

_ASKS: dict[str, re.Pattern[str]] = {
    "amount": re.compile(
        r"多少钱|几块钱|费用|收费|多少费|补多少|奖励多少|给多少|资助多少|拿多少|多少补贴|补贴多少|多少资金|"
        r"how much (?:does|do|is|are|will|money|it cost|subsidy|funding|support|grant|of a (?:subsidy|grant))|"
        r"how much\s*(?:[?？]|$)|"
        r"\bcosts?\b|\bfees?\b|\bprices?\b|\bpremiums?\b", re.IGNORECASE),
    "rate": re.compile(r"利率|税率|费率|比例是多少|多少比例|百分之几|百分之多少|(?:率|比例|持股|股份)[^，,。？?]{0,6}多少|"
                       r"多少\s*(?:percent|%)|interest rates?|tax rates?|what percent(?:age)?", re.IGNORECASE),
    "time_limit": re.compile(r"多久|多长时间|多少天|几天|几个月|how long|how many (?:months|years|days|weeks)",
                             re.IGNORECASE),
}
_STATES: dict[str, re.Pattern[str]] = {
    "amount": re.compile(rf"{_NUM}\s*(?:万元|亿元|元|万|亿)|{_NUM}\s*%|百分之|免费|减免"),
    "rate": re.compile(rf"{_NUM}\s*%|百分之|利率|基准"),
    "time_limit": re.compile(rf"{_NUM}\s*(?:个月|年|日|天|周|个工作日|工作日)|期限|当年|当月"),
}
DETAIL_KINDS = tuple(_ASKS)

def asked_details(question: str) -> tuple[str, ...]:
    """The kinds of detail the question asks for, in DETAIL_KINDS order."""
    return tuple(kind for kind, pattern in _ASKS.items() if pattern.search(question))


def states(kind: str, text: str) -> bool:
    return bool(_STATES[kind].search(text))


def unstated(kinds: Iterable[str], texts: Iterable[str]) -> tuple[str, ...]:
    """The asked kinds that none of the texts states."""
    texts = list(texts)
    return tuple(kind for kind in kinds if not any(states(kind, t) for t in texts))
