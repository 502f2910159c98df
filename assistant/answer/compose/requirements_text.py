"""What a rule asks, in words, for a question that asks the conditions rather than whether one qualifies: a line
naming the outcome and the article, then one "•" line per requirement (its alternatives joined by 或 / or). Chinese
quotes each condition's span; English names what it is about and its threshold, the span in brackets.
"""

from __future__ import annotations

import re

from assistant.answer.compose.verdict_text import describe, plain_number
from assistant.types import AnswerLang, Requirements
from ingest.eligibility.model import Condition, Rule

BULLET = "•"
# The list is read out of the clause by rules that may miss a condition said in other words: the clause decides.
IN_FULL = {"zh": "以上摘自条文，完整条件以下方原文为准。", "en": "Summarised from the clause; its full wording below decides."}
_MEMBER = {"zh": {"spouse": "配偶", "child": "子女"}, "en": {"spouse": "your spouse", "child": "your child"}}


def _goal(rule: Rule, lang: AnswerLang) -> str:
    """What the rule grants, as something one wants: "由7年缩短为5年", "apply for a Shanghai hukou directly"."""
    o = rule.outcome
    if lang == "zh":
        if o.kind == "shorten":
            return f"持证和社保年限由{plain_number(o.from_value)}年缩短为{plain_number(o.value)}年"
        if o.kind == "direct_hukou":
            return "直接申办本市常住户口"
        if o.kind == "apply_hukou":
            return "申办本市常住户口"
        if o.kind == "points":
            return f"积{plain_number(o.value)}分"
        if o.kind == "family":
            return f"{_MEMBER['zh'].get(rule.beneficiary or '', '家属')}随迁"
        if o.kind == "status":
            return f"属于“{o.text}”"
        if o.kind == "other" and re.match(r"(?:可以|可)?(?:申请|申办|办理|向)", o.text):
            return re.sub(r"^(?:可以|可)", "", o.text)
        return f"享受“{o.text}”"
    if o.kind == "shorten":
        return f"have the {plain_number(o.from_value)} years (residence permit and social insurance) cut to {plain_number(o.value)}"
    if o.kind == "direct_hukou":
        return "apply for a Shanghai hukou directly"
    if o.kind == "apply_hukou":
        return "apply for a Shanghai hukou"
    if o.kind == "points":
        return f"get {plain_number(o.value)} points"
    if o.kind == "family":
        return f"have {_MEMBER['en'].get(rule.beneficiary or '', 'a family member')} move their hukou with yours"
    if o.kind == "status":
        return f"count as 「{o.text}」"
    return f"qualify for 「{o.text}」"


def _spans(option: tuple[Condition, ...]) -> str:
    """An option's condition spans in text order, once each. A bare figure right after a span is joined to it
    ("…平均工资" + "1.5倍" → "…平均工资…1.5倍" when a 的 lies between); others are listed with "，"."""
    out = ""
    last: Condition | None = None
    for c in sorted(dict.fromkeys(option), key=lambda c: (c.unit_id, c.start)):
        if last is not None and c.unit_id == last.unit_id and c.start < last.end:
            continue  # one span holds another condition of the option ("…36个月…3倍")
        if last is not None and _close(last, c):
            out += ("" if c.start == last.end else "…") + c.text
        else:
            out += ("，" if out else "") + c.text
        last = c
    return out


def _option(option: tuple[Condition, ...], lang: AnswerLang) -> str:
    if lang == "zh":
        return _spans(option)
    seen: list[str] = []
    for c in option:
        words = describe(c, "en")
        if words not in seen:
            seen.append(words)
    return " and ".join(seen)


_BARE_FIGURE = re.compile(r"^[\d.]+\s*(?:倍|%|％)")


def _close(a: Condition, b: Condition) -> bool:
    """`b` is a bare figure right after `a` ("…平均工资" then "1.5倍" of "平均工资的1.5倍"): one threshold."""
    return a.unit_id == b.unit_id and 0 <= b.start - a.end <= 3 and bool(_BARE_FIGURE.match(b.text))


def _groups(rule: Rule) -> list[tuple[tuple[Condition, ...], ...]]:
    """The rule's requirements as listed: one that continues the span of the one before ("…12个月…平均工资" and
    "2倍" of "平均工资的2倍") shares its line."""
    out: list[tuple[tuple[Condition, ...], ...]] = []
    for req in rule.requirements:
        if (out and len(out[-1]) == 1 and len(req.options) == 1 and out[-1][0] and req.options[0]
                and _close(max(out[-1][0], key=lambda c: c.end), min(req.options[0], key=lambda c: c.start))):
            out[-1] = ((*out[-1][0], *req.options[0]),)
        else:
            out.append(req.options)
    return out


def requirements_lines(asked: Requirements, lang: AnswerLang) -> list[str]:
    """The lead line, one line per requirement (or per route, when several lead to the same outcome), and the
    document's other routes to the same kind of outcome."""
    return _alternatives(asked, lang) if asked.alternatives else _requirements(asked, lang)


_MANY_WAYS = 3  # a requirement with this many options reads better as a list of ways than as one line


def _ways(asked: Requirements, lang: AnswerLang) -> list[str] | None:
    """A rule whose one requirement lists several ways to qualify ("…担任…职务，…或者经…认定为高层次人才的留学人员，
    以及…获得博士学位的人员等"): each way on a line, then what binds every way."""
    rule = asked.rule
    groups = _groups(rule)
    ways = [g for g in groups if len(g) >= _MANY_WAYS]
    if rule.general or len(ways) != 1:
        return None
    goal, where = _goal(rule, lang), rule.locator
    also = [("，" if lang == "zh" else " and ").join(_option(o, lang) for o in g) for g in groups if g is not ways[0]]
    if lang == "zh":
        head = f"{goal}，符合以下任一情形即可（{where}）："
        tail = [f"并且都须：{'；'.join(also)}"] if also else []
        tail += [f"并且都须符合{rule.inherited_from}规定的基本条件"] if rule.inherited_from else []
    else:
        head = f"To {goal}, any one of these is enough ({where}):"
        tail = [f"and in every case: {'; '.join(also)}"] if also else []
        tail += [f"and in every case, the general requirements of {rule.inherited_from}"] if rule.inherited_from else []
    lines = [_option(o, lang) for o in ways[0]] + tail
    return [head, *(f"{BULLET} {line}" for line in lines if line), *_other_routes(asked.other_routes, lang),
            IN_FULL[lang]]


def _requirements(asked: Requirements, lang: AnswerLang) -> list[str]:
    listed = _ways(asked, lang)
    if listed is not None:
        return listed
    rule = asked.rule
    goal, where = _goal(rule, lang), rule.locator
    groups = _groups(rule)
    many = len(groups) > 1
    if lang == "zh":
        # "主要": the conditions the rules hold, in the clause's words; the clause quoted below has them all
        head = (f"{goal}，每位申请人都须{'同时' if many else ''}符合的条件主要有（{where}）：" if rule.general
                else f"{goal}的条件主要有（{where}）：")
        lines = ["；或者".join(_option(o, lang) for o in options) for options in groups]
        if rule.inherited_from:
            lines.append(f"以及{rule.inherited_from}规定的基本条件")
    else:
        head = (f"To {goal}, every applicant must meet {'all of ' if many else ''}these, among others ({where}):"
                if rule.general else f"To {goal}, the main conditions are ({where}):")
        lines = ["; or ".join(_option(o, lang) for o in options) for options in groups]
        if rule.inherited_from:
            lines.append(f"and the general requirements of {rule.inherited_from}")
    return [head, *(f"{BULLET} {line}" for line in lines if line), *_other_routes(asked.other_routes, lang),
            IN_FULL[lang]]


def _alternatives(asked: Requirements, lang: AnswerLang) -> list[str]:
    """"有下列情形之一的": the outcome, then each route's conditions on a line of its own."""
    routes = asked.alternatives
    goal, where = _goal(routes[0], lang), _span_of(routes[0].locator, routes[-1].locator)
    either, both = ("或者", "，") if lang == "zh" else (" or ", " and ")
    lines = [both.join(either.join(_option(o, lang) for o in options) for options in _groups(r)) for r in routes]
    if lang == "zh":
        head = f"{goal}，符合以下任一情形即可（{where}）："
    else:
        head = f"To {goal}, any one of these is enough ({where}):"
    return [head, *(f"{BULLET} {line}" for line in lines if line), *_other_routes(asked.other_routes, lang),
            IN_FULL[lang]]


def _span_of(first: str, last: str) -> str:
    """"第十五条（一）" and "第十五条（四）" → "第十五条（一）–（四）"."""
    if first == last:
        return first
    shared = 0
    while shared < min(len(first), len(last)) and first[shared] == last[shared]:
        shared += 1
    cut = max(first.rfind("条", 0, shared) + 1, 0)
    return f"{first}–{last[cut:]}" if cut else f"{first}–{last}"


def _other_routes(locators: tuple[str, ...], lang: AnswerLang, shown: int = 4) -> list[str]:
    if not locators:
        return []
    names = ("、" if lang == "zh" else ", ").join(x.rstrip("、") for x in locators[:shown])
    if lang == "zh":
        return [f"同一文件另有{len(locators)}种途径：{names}{'等' if len(locators) > shown else ''}。"]
    more = ", …" if len(locators) > shown else ""
    return [f"The same document has {len(locators)} other route{'s' if len(locators) > 1 else ''}: {names}{more}."]
