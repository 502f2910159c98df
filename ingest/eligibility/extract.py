"""Read eligibility rules out of policy clauses, for any policy file.

Chinese policy clauses state eligibility in a few shapes, and this reads those shapes, not any one file:
- "[conditions]的，可以/可/予以/给予[outcome]" — the conditions are the words before the outcome;
- "同时符合下列条件的…[outcome]：" then （一）（二）… — all of the items;
- "符合下列条件之一的…[outcome]：" or "有下列情形之一的，可以[outcome]：" then 1. 2. … — any one item (one rule per
  item);
- 或/或者 between conditions make alternatives, 且/并 and commas conjunctions; "；或…" inside an item splits it
  into alternatives;
- a sentence after the outcome that adds conditions ("企业注册资金不少于50万元(实缴)…") belongs to the same rule;
- a definition ("X，是指…") and what an applicant or employer must be ("申请单位应是…") — definitions.py;
- "申请X的，应当同时符合下列条件：" — what is applied for is what the list grants.
Outcomes: 由7年缩短为5年, 直接申办本市常住户口, 可申办落户, 积120分, 给予…补贴/奖励 (with its 最高 amount).
A document's general requirements bind its routes (general.py); family members get rules of their own (family.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.eligibility.conditions import (
    ITEM,
    PARENS,
    SENTENCE_END,
    Span,
    check_item,
    conditions_in,
    group,
    item_requirements,
)
from ingest.eligibility.definitions import defined_requirements
from ingest.eligibility.family import member_rules
from ingest.eligibility.general import Waiver, bind_routes, waived_for
from ingest.eligibility.locators import item_locator
from ingest.eligibility.model import Outcome, Requirement, Rule
from ingest.eligibility.outcomes import find_definition, find_outcome
from ingest.eligibility.who_list import who_alternatives

_MATERIALS = re.compile(r"^\s*(?:证明材料|申请材料|申办材料|所需材料|需提交)")
# "同时符合下列条件", "符合下列条件之一", and the statutes' "有下列情形之一的" (any one of the items).
_LIST_HEAD = re.compile(r"(同时)?(?:应)?(?:符合|满足|具备|有|具有|属于)(?:以下|下列|如下)(?:全部|所有)?(?:条件|情形)(之一)?")

@dataclass
class _Heading:
    outcome: Outcome
    combine: str  # "all" | "any"
    pre: list[Requirement]
    unit: object
    path0: str
    items: list[Span]
    general: bool = False  # what every applicant must meet, not a route of its own
    defines: bool = False  # a definition's list ("临时救助对象，是指具有下列情形之一的家庭或者个人：")


def _marker_style(sentence: str) -> str:
    """"（一）", "一、", "1." or "（1）": the level an item is at."""
    m = ITEM.match(sentence)
    if not m:
        return ""
    mark = m.group(0).strip()
    digits = any(ch.isdigit() for ch in mark)
    if mark[0] in "（(":
        return "(1)" if digits else "(一)"
    return "1." if digits else "一、"


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a line that starts an item also starts a sentence, a broken line does not."""
    out: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text):
        boundary = SENTENCE_END.match(ch) is not None
        if ch == "\n" and ITEM.match(text[i + 1:]):
            boundary = True
        if boundary:
            if text[start:i + 1].strip():
                out.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def extract_rules(units: Sequence) -> list[Rule]:
    """Rules of one document; `units` are its units in document order (objects with id, doc_title,
    locator, heading_path and text)."""
    units = list(units)
    locators = {u.id: u.locator for u in units}  # a list's items may continue in the next unit
    rules: list[Rule] = []
    general_lists: list[tuple[Rule, list[tuple[Sequence[Requirement], Waiver | None]]]] = []
    heading: _Heading | None = None
    last: Rule | None = None  # the rule the next sentences of its paragraph may add conditions to

    def close() -> None:
        nonlocal heading
        if heading is None:
            return
        h, heading = heading, None
        items = [it for it in h.items if not _is_label(it.body)]
        if not items:
            return
        u = h.unit
        if h.combine == "all":
            per_item = [(item_requirements(it), waived_for(it.body)) for it in items]
            reqs = tuple(h.pre + [r for item_reqs, _ in per_item for r in item_reqs])
            rules.append(Rule(u.id, u.doc_title, u.locator, h.outcome, reqs,  # type: ignore[attr-defined]
                              tuple(dict.fromkeys([u.id, *(it.unit_id for it in items)])),  # type: ignore[attr-defined]
                              general=h.general))
            if h.general:
                general_lists.append((rules[-1], [(tuple(h.pre), None), *per_item]))
            return
        for it in items:
            conds = conditions_in(it)
            reqs = group(it, conds) if conds else [Requirement(((check_item(it),),))]
            if h.defines:
                reqs = defined_requirements(_own_paragraph(it)) or reqs
            locator = item_locator(locators.get(it.unit_id, u.locator), it.text, it.start)  # type: ignore[attr-defined]
            rules.append(Rule(u.id, u.doc_title, locator, h.outcome, tuple(h.pre + reqs),  # type: ignore[attr-defined]
                              tuple(dict.fromkeys([u.id, it.unit_id]))))  # type: ignore[attr-defined]

    for unit in units:
        path0 = unit.heading_path[0] if unit.heading_path else ""
        if heading is not None and path0 != heading.path0:
            close()
        text = unit.text
        for s, e in _sentences(text):
            sentence = text[s:e]
            starts_item = bool(ITEM.match(sentence))
            if _MATERIALS.match(sentence):
                if last is not None and last.unit_id == unit.id and rules and rules[-1] is last:
                    proved = proved_requirements(Span(unit.id, text, s, e), last)
                    if proved:
                        rules[-1] = replace(last, requirements=last.requirements + tuple(proved))
                last = None
                continue
            if heading is not None:
                if starts_item and _is_label(sentence):
                    continue  # "(一)高层次人才": a sub-heading inside the list
                style = _marker_style(sentence)
                first_style = _marker_style(heading.items[0].body) if heading.items else style
                if starts_item and style == first_style:
                    heading.items.append(Span(unit.id, text, s, e))
                    continue
                if heading.items and not ITEM.match(sentence) and heading.items[-1].unit_id == unit.id \
                        and heading.items[-1].end == s and not _LIST_HEAD.search(sentence) \
                        and find_outcome(text, s, e) is None:
                    prev = heading.items[-1]
                    heading.items[-1] = Span(prev.unit_id, text, prev.start, e)  # the item goes on
                    continue
                close()
            outcome = find_outcome(text, s, e)
            head = _LIST_HEAD.search(sentence)
            general = False
            if outcome is None and head and re.search(r"户口|落户|补贴|奖励|资助", sentence):
                # "…申办上海常住户口同时应符合下列条件": a list of requirements for applying
                m = re.search(r"(?:申办|申请|办理)[^，。；]{0,8}?(?:常住户口|户口|落户)", sentence)
                if m:
                    outcome = Outcome("apply_hukou", m.group(0), s + m.start(), s + m.end())
                    general = True
            if outcome is None and head:
                # "职工…申请住房公积金贷款的，应当同时符合下列条件": what is applied for is what the list grants
                m = re.search(r"(?:申请|申办|办理)[^，,。；;：:的]{2,16}(?=的[，,])", sentence)
                if m:
                    outcome = Outcome("other", m.group(0), s + m.start(), s + m.end())
            definition = find_definition(text, s, e) if outcome is None else None
            if definition is not None:
                outcome, body = definition
                if head:
                    pre = defined_requirements(Span(unit.id, text, body, s + head.start())) + defined_requirements(
                        Span(unit.id, text, s + head.end(), e), who=True)
                    heading = _Heading(outcome, "any" if head.group(2) else "all", pre, unit, path0, [],
                                       defines=True)
                else:  # "申请单位应是…" binds every route of the document, as a general list does
                    rules.append(Rule(unit.id, unit.doc_title, item_locator(unit.locator, text, s), outcome,
                                      tuple(defined_requirements(Span(unit.id, text, body, e))), (unit.id,),
                                      general=outcome.kind == "other"))
                    if rules[-1].general:
                        general_lists.append((rules[-1], [(rules[-1].requirements, None)]))
                last = None
                continue
            if outcome is None:
                if (last is not None and not starts_item and last.unit_id == unit.id
                        and "\n" not in text[last.outcome.end:s]):
                    extra = conditions_in(Span(unit.id, text, s, e), stated_only=True)
                    if extra:
                        last = Rule(last.unit_id, last.doc_title, last.locator, last.outcome,
                                    last.requirements + tuple(group(Span(unit.id, text, s, e), extra)),
                                    last.unit_ids)
                        rules[-1] = last
                        continue
                if starts_item:
                    last = None
                continue
            if head:
                pre = conditions_in(Span(unit.id, text, s, s + head.start()))
                heading = _Heading(outcome, "any" if head.group(2) else "all",
                                   group(Span(unit.id, text, s, s + head.start()), pre), unit, path0, [],
                                   general and not head.group(2))
                last = None
                continue
            members = member_rules(unit, text, s, outcome, item_locator(unit.locator, text, s))
            if members:
                rules.extend(members)
                last = None
                continue
            region = Span(unit.id, text, s, outcome.start)
            reqs = group(region, conditions_in(region))
            listed = who_alternatives(region) if outcome.kind != "other" else None
            if listed is not None:  # "A，B，或者C的留学人员，以及D的人员等，…可直接申办落户": one way each
                reqs = listed
            elif outcome.kind == "other" and (reqs or (_WORDED_CASE.search(text, s, outcome.start)
                                                       and "\n" not in text[s:outcome.start].strip())):
                # "…年满十六周岁后，仍在…阶段就读的，继续予以供养": what it grants is no route of the kinds the
                # verdict ranks, and its words are conditions as much as its figures
                reqs = defined_requirements(region)
            for m in PARENS.finditer(text, outcome.end, e):  # "…安家补贴（须签订5年以上劳动合同）"
                tail = Span(unit.id, text, m.start() + 1, m.end() - 1)
                reqs += group(tail, conditions_in(tail))
            rule = Rule(unit.id, unit.doc_title, item_locator(unit.locator, text, s), outcome, tuple(reqs),
                        (unit.id,))
            rules.append(rule)
            last = rule
    close()
    return bind_routes(rules, general_lists, {u.id: u.text for u in units})


# "对未发生债权债务…，并由全体投资人书面承诺…的，可以按照简易程序办理注销登记": a case said in words only, closed by
# "的，" right before what it grants
_WORDED_CASE = re.compile(r"的[，,]\s*(?:也|均|都)?$")
_PROOF = re.compile(r"[^、，,；;：:]*?证明")  # one document of a materials list: "…从业时间不低于3年的证明"


def proved_requirements(materials: Span, rule: Rule) -> list[Requirement]:
    """Thresholds that a rule's list of proofs names and its own sentence does not: "证明材料：股东证明、创业投资领域
    从业时间不低于3年的证明" after a route makes three years in the field one more requirement of it. Only
    numbers with a comparison word count, and one the rule already states (a proof of "持续投资满1年") adds
    nothing."""
    stated = {(c.kind, c.op, c.value) for c in rule.conditions}
    found: list[Requirement] = []
    for m in _PROOF.finditer(materials.text, materials.start, materials.end):
        proof = Span(materials.unit_id, materials.text, m.start(), m.end())
        new = [c for c in conditions_in(proof, stated_only=True) if c.value is not None
               and (c.kind, c.op, c.value) not in stated]
        if new:
            found += group(proof, new)
            stated |= {(c.kind, c.op, c.value) for c in new}
    return found


def _own_paragraph(item: Span) -> Span:
    """An item without a paragraph that follows the list ("区人民政府可以根据本行政区的实际情况，规定…为临时救助
    对象。"), which says who else may be added, not what this item requires."""
    end = SENTENCE_END.search(item.text, item.start, item.end)
    cut = item.text.find("\n", end.end(), item.end) if end else -1
    return Span(item.unit_id, item.text, item.start, cut) if cut > 0 else item


def _is_label(body: str) -> bool:
    """"(一)高层次人才": a sub-heading inside a list, not an item."""
    m = ITEM.match(body)
    rest = body[m.end():] if m else body
    return len(rest.strip()) <= 12 and not re.search(r"[，,。；;：:]", rest)
