"""The asked amount, rate, time limit, number of things or scale, read from the quoted passages ("审核要多久？" →
"在10个工作日内完成审核", "二级节点要建几个？" → "打造10个以上标识解析二级节点")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct.spans import RARE_SHARE, fragment
from assistant.query.crosslingual import ExpandedQuery
from ingest.eligibility.quantities import find_quantities

_DETAIL_KIND = {"amount": ("amount",), "rate": ("percent",), "time_limit": ("duration",), "count": ("count",)}
# Asked for a number of things ("二级节点要建几个？", "How many advanced materials…") or for a scale ("目标规模是多少？"):
# answered by a figure like the details of assistant/query/details.py, but no refusal or hedge turns on them.
_COUNT_ASKED = re.compile(r"(?:几|多少)(?P<unit>个|项|家|所|座|条|批|台|只|人|名)|\bhow many\b(?! (?:months|years|days|weeks))",
                          re.I)
# Measure words that say what is counted: "要几项？" is not answered by "不超过3人". 个 counts anything.
_PEOPLE = frozenset("人名")
_MEASURES = frozenset("项家所座条批台只") | _PEOPLE
_SCALE_ASKED = re.compile(r"(?:规模|总量|总额|目标)[^，,。？?]{0,6}(?:多少|多大|几)|\bhow (?:big|large)\b|"
                          r"\bwhat (?:overall |total )?(?:fund )?(?:scale|size)\b", re.I)


def _same_measure(question: str, counted: str) -> bool:
    """Whether a count stated ("3人", "10个以上") counts what the question asks the number of ("几项", "how many")."""
    m = _COUNT_ASKED.search(question)
    asked = m.group("unit") if m else None
    stated = counted.strip()[-1:]
    if not asked or asked == "个" or stated not in _MEASURES:
        return True
    return asked == stated or (asked in _PEOPLE and stated in _PEOPLE)


def figure(question: str, passages: Sequence, asked: Sequence[str], expanded: ExpandedQuery,
           term_share: Callable[[str], float] | None) -> DirectAnswer | None:
    """The fragment stating the figure asked for: `asked` details (assistant/query/details.py), and — only with
    `term_share`, the share of indexed units holding a word — a count or scale."""
    terms = {t.lower() for c in expanded.concepts for t in c.terms if len(t) >= 2}
    kinds = [*asked, *(["amount"] if "amount" not in asked and _SCALE_ASKED.search(question) else []),
             *(["count"] if _COUNT_ASKED.search(question) else [])] if term_share else list(asked)
    for kind in kinds:
        # Of the fragments stating a figure of the asked kind, the one sharing most words with the question
        # ("审核要多久" → "在10个工作日内完成审核", not "回国后2年内来本市"); words of the policy's title are
        # in every fragment of it and decide nothing.
        found = [(sum(t in frag.lower() and t not in p.hit.doc_title for t in terms), -i, p, frag)
                 for i, p in enumerate(passages) for q in find_quantities(p.text)
                 if q.kind in _DETAIL_KIND.get(kind, ()) and (kind != "count" or _same_measure(question, q.text))
                 for frag in (fragment(p.text, q.start),)]
        if kind not in asked and term_share is not None:
            # Plans set counts and scales for many things side by side ("新增上海市品牌引领示范企业30家、…10-15家全国
            # 质量标杆企业"): the fragment must share three words with the question, or two that few clauses use.
            rare = {t for t in terms if term_share(t) < RARE_SHARE}
            found = [x for x in found if x[0] >= 3 or sum(t in x[3].lower() for t in rare) >= 2]
        best = max(found, key=lambda x: (x[0], x[1]), default=None)
        if best is not None and best[0] > 0:  # a figure about something else answers nothing
            return DirectAnswer("figure", best[2].hit, best[3])
    return None
