"""Family members a clause lets move their hukou along with the person it admits: one rule per member, each
with that member's own conditions.

"其配偶(须在留学人员学成回国前与其结婚,年龄距法定退休年龄5年以上)和16周岁及以下或16周岁以上、在普通高中就读的子女属随迁
范围" gives the spouse's rule (married before coming back; at least 5 years before retirement age) and the
child's (16 or younger, or older and at a regular senior high school). "其配偶、未成年子女可以同时办理户口迁移手续"
gives a spouse's rule without conditions and a child's rule for minors. A spouse's conditions are the brackets
after the word; a child's are the words before "的子女"/"子女" back to the previous member.

Each rule's first requirement is the member itself, a role condition ("配偶", "子女") that the visitor's own words
meet ("我老公", "our son"): a verdict then judges the member asked about, with that member's facts.
"""

from __future__ import annotations

import re

from ingest.eligibility.conditions import AGE_OF_MAJORITY, MINOR, Span, conditions_in
from ingest.eligibility.model import Condition, Outcome, Requirement, Rule
from ingest.eligibility.vocabulary import events_in

_MEMBER = re.compile(r"配偶|子女")
_MEMBERS = {"配偶": "spouse", "子女": "child"}
_BRACKETS = re.compile(r"\s*[（(]([^（()）]*)[)）]")
_JOINERS = re.compile(r"[\s、，,和及与]*(?:以及|及其|其)?")
# "须在留学人员学成回国前与其结婚": an event (结婚) before (前) or after (后) another (回国)
_ORDER = re.compile(r"在(?P<anchor>[^，,。；;]{2,14}?)(?P<rel>以前|之前|前|以后|之后|后)(?P<event>[^，,。；;]{2,10})")


def member_rules(unit, text: str, start: int, outcome: Outcome, locator: str) -> list[Rule]:
    """One rule per family member named in text[start:outcome.start]; [] when the outcome is not a family
    member's move or the sentence names no member."""
    if outcome.kind != "family":
        return []
    mentions = list(_MEMBER.finditer(text, start, outcome.start))
    rules: list[Rule] = []
    previous_end = start
    for m in mentions:
        member = _MEMBERS[m.group(0)]
        who = Condition("role", m.group(0), m.start(), m.end(), value=1.0, level=member, unit_id=unit.id)
        if member == "spouse":
            own = _BRACKETS.match(text, m.end(), outcome.start)
            reqs = _spouse_requirements(unit.id, text, own.start(1), own.end(1)) if own else []
            previous_end = own.end() if own else m.end()
        else:
            reqs = _child_requirements(unit.id, text, previous_end, m.start())
            previous_end = m.end()
        rules.append(Rule(unit.id, unit.doc_title, locator, outcome, (Requirement(((who,),)), *reqs), (unit.id,),
                          beneficiary=member))
    return rules


def _spouse_requirements(unit_id: str, text: str, start: int, end: int) -> list[Requirement]:
    reqs: list[Requirement] = []
    for part in _parts(text, start, end, "，,；;"):
        order = _order(unit_id, text, *part)
        found = [order] if order else conditions_in(Span(unit_id, text, *part))
        reqs += [Requirement(((c,),)) for c in found]
    return reqs


def _child_requirements(unit_id: str, text: str, start: int, end: int) -> list[Requirement]:
    """"16周岁及以下或16周岁以上、在普通高中就读" → one requirement, two options; "未成年" → under 18."""
    lead = _JOINERS.match(text, start, end)
    start = lead.end() if lead else start
    while end > start and text[end - 1] in "的 ":
        end -= 1
    options: list[tuple[Condition, ...]] = []
    for s, e in _parts(text, start, end, "或"):
        conds = list(conditions_in(Span(unit_id, text, s, e)))
        minor = MINOR.search(text, s, e)
        if minor:
            conds.append(Condition("age", minor.group(0), minor.start(), minor.end(), op="<",
                                   value=AGE_OF_MAJORITY, topics=frozenset({"age"}), unit_id=unit_id))
        rest = max([s, *(c.end for c in conds)])
        rest += len(text[rest:e]) - len(text[rest:e].lstrip(" 、，,"))
        if len(re.findall(r"[\u4e00-\u9fff]", text[rest:e])) >= 2:  # "在普通高中就读": said, not measured
            conds.append(Condition("other", text[rest:e].rstrip(), rest, rest + len(text[rest:e].rstrip()),
                                   unit_id=unit_id))
        if conds:
            options.append(tuple(conds))
    return [Requirement(tuple(options))] if options else []


def _parts(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    out, s = [], start
    for i in range(start, end + 1):
        if i == end or text[i] in separators:
            if text[s:i].strip():
                out.append((s, i))
            s = i + 1
    return out


def _order(unit_id: str, text: str, start: int, end: int) -> Condition | None:
    m = _ORDER.search(text, start, end)
    if not m:
        return None
    event, anchor = events_in(m.group("event")), events_in(m.group("anchor"))
    if not (event and anchor):
        return None
    lead = text[start:m.start()]
    s = start + len(lead) - len(lead.lstrip())  # "须在…" whole
    return Condition("order", text[s:m.end()].rstrip(), s, s + len(text[s:m.end()].rstrip()),
                     op="<" if "前" in m.group("rel") else ">", value=0.0,
                     topics=frozenset({*(f"event:{e}" for e in event), *(f"anchor:{a}" for a in anchor)}),
                     unit_id=unit_id)
