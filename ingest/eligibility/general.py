"""A document's general requirements bind its routes: a list of what every applicant must meet
("留学回国人员申办上海常住户口同时应符合下列条件") or what every employer must be ("申请单位应是…注册资金在100万元人民币
及以上…的各类企业") is carried by each hukou route of the same document, except
- the items that name the route's article (or its paragraph) as an exception ("(符合下述第四条第一款条件的除外)");
- a requirement the route states for itself: a route's own "企业注册资金不少于50万元" replaces the general 100万.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.eligibility.conditions import ITEM
from ingest.eligibility.model import Requirement, Rule
from ingest.eligibility.quantities import chinese_number

# "(符合下述第四条第一款条件的除外)": an item of the general list that the named article (or one 款 of it) spares
_WAIVER = re.compile(r"[（(][^（()）]*?(第[一二三四五六七八九十百\d]+条)(?:第([一二三四五六七八九十\d]+)款)?"
                     r"[^（()）]*?除外[)）]")
_HUKOU_ROUTES = {"direct_hukou", "apply_hukou"}


@dataclass(frozen=True)
class Waiver:
    article: str  # "第四条"
    paragraph: int | None  # 1 for "第一款"; None: the whole article


def waived_for(item: str) -> Waiver | None:
    m = _WAIVER.search(item)
    if not m:
        return None
    n = m.group(2)
    paragraph = None if n is None else int(n) if n.isdigit() else int(chinese_number(n) or 1)
    return Waiver(m.group(1), paragraph)


def _paragraph_of(text: str, at: int) -> int:
    """Which numbered paragraph of its article an offset lies in: "（二）…" is the second."""
    lines = text[:at].split("\n")
    return max(1, sum(bool(ITEM.match(line)) for line in lines))


def bind_routes(rules: list[Rule], general_lists: Sequence[tuple[Rule, Sequence[tuple[Sequence[Requirement],
                Waiver | None]]]], texts: dict[str, str]) -> list[Rule]:
    """Every hukou route of the document carries the requirements of its general list, except the items
    that name the route's article (or its paragraph) as an exception."""
    if not general_lists:
        return rules

    def spared(rule: Rule, waiver: Waiver | None) -> bool:
        if waiver is None or not rule.locator.startswith(waiver.article):
            return False
        return waiver.paragraph is None or _paragraph_of(texts.get(rule.unit_id, ""), rule.outcome.start) \
            == waiver.paragraph

    out = []
    for rule in rules:
        if rule.general or rule.outcome.kind not in _HUKOU_ROUTES:
            out.append(rule)
            continue
        inherited: list[Requirement] = []
        sources: list[str] = []
        own = {(c.kind, c.topics) for c in rule.conditions if c.value is not None and c.topics}
        for general, parts in general_lists:
            kept = [r for reqs, waiver in parts if not spared(rule, waiver) for r in reqs
                    if not any((c.kind, c.topics) in own for option in r.options for c in option)]
            if kept:
                inherited += kept
                sources.append(general.locator)
        out.append(replace(rule, inherited=tuple(inherited), inherited_from="、".join(dict.fromkeys(sources))))
    return out
