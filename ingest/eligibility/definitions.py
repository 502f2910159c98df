"""What a definition requires: "最低生活保障家庭，是指在本市共同生活的家庭成员人均可支配收入低于本市最低生活保障
标准，且符合最低生活保障家庭财产标准规定的本市户籍家庭" — whoever meets every part counts as the term.

A definition's parts are mostly words nothing can measure, and they are what it is about, so none is left out:
each comma part yields its measurable conditions (本市户籍, 六十周岁以上) and, for the words before them, one
condition to check ("在本市共同生活的家庭成员人均可支配收入低于本市最低生活保障标准"). A rule that listed only the
measurable part would tell anyone with a local hukou that they qualify for 低保.
"""

from __future__ import annotations

import re

from ingest.eligibility.conditions import Span, conditions_in, group, in_parens, skip_marker
from ingest.eligibility.model import Condition, Requirement

_PART_END = re.compile(r"[，,；;。：:]")
_LEAD = re.compile(r"^(?:\s|、|且|并且|并|同时|而且|以及|或者|或|的)+")
_WHO = re.compile(r"(?:家庭|人员|个人|人|者|单位|企业|机构)$")  # "…的非本市户籍家庭": who, not a condition
_TAIL = re.compile(r"(?:\s|的|、|和|及|[（(])+$")
_MIN_WORDS = 4  # "无劳动能力" is a condition; "的人员" is not
_ALTERNATIVE = re.compile(r"[，,；;]\s*或(?:者)?")  # a part that starts with 或者 is another way to qualify
_WHO_LIST = re.compile(r"、[^、]*(?:以及|或者|和)")  # "本市户籍老年人、残疾人以及未满十六周岁的未成年人"


def defined_requirements(span: Span, who: bool = False) -> list[Requirement]:
    """The requirements of a definition's body, or of one item of its list. `who`: the span names who the
    definition is about after its list ("…的本市户籍老年人、残疾人以及未满十六周岁的未成年人"): of a list of
    persons, only the words before the first 、 apply to all of them. Parts after "，或者" are alternatives
    ("职工享受城市居民最低生活保障，或者连续失业两年以上且家庭生活严重困难，或者…"): one requirement, an option each."""
    text = span.text
    start = skip_marker(text, span.start, span.end)
    cuts = [c.end() for c in _ALTERNATIVE.finditer(text, start, span.end)] if not who else []
    if not cuts:
        return _conjunction(span.unit_id, text, start, span.end, who)
    bounds = [start, *cuts, span.end]
    options = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        option = tuple(c for req in _conjunction(span.unit_id, text, a, b, who) for c in req.options[0])
        if option:
            options.append(option)
    return [Requirement(tuple(options))] if options else []


def _conjunction(unit_id: str, text: str, start: int, end: int, who: bool) -> list[Requirement]:
    out: list[Requirement] = []
    for a, b in comma_parts(text, start, end):
        part = Span(unit_id, text, a, b)
        found = [c for c in conditions_in(part) if not in_parens(text, c.start, a)]  # a bracket explains
        if who and _WHO_LIST.search(text, a, b):
            cut = text.index("、", a, b)
            found = [c for c in found if c.start < cut]
        lead_end = min((c.start for c in found), default=b)
        check = _to_check(unit_id, text, a, lead_end)
        if check is not None and not who:
            out.append(Requirement(((check,),)))
        out += group(part, found)
        tail = _to_check(unit_id, text, max((c.end for c in found), default=b), b) if found else None
        if tail is not None and not who and not (len(tail.text) <= 8 and _WHO.search(tail.text)):
            out.append(Requirement(((tail,),)))  # "…连续失业两年以上且家庭生活严重困难": the words after a figure
    return out


def comma_parts(text: str, start: int, end: int, ends: re.Pattern[str] = _PART_END) -> list[tuple[int, int]]:
    """The comma parts of a span, outside brackets (`ends`: the marks that end a part)."""
    parts: list[tuple[int, int]] = []
    depth, a = 0, start
    for i in range(start, end):
        ch = text[i]
        depth += 1 if ch in "（(" else -1 if ch in "）)" else 0
        if depth == 0 and ends.match(ch):
            parts.append((a, i))
            a = i + 1
    parts.append((a, end))
    return [(x, y) for x, y in parts if text[x:y].strip()]


def _to_check(unit_id: str, text: str, a: int, b: int) -> Condition | None:
    """The words of a part before its measurable conditions, as a condition to check; None when they are only
    joining words ("且", "的")."""
    lead = _LEAD.match(text[a:b])
    a += lead.end() if lead else 0
    tail = _TAIL.search(text[a:b])
    b = a + tail.start() if tail else b
    if sum("\u4e00" <= ch <= "\u9fff" for ch in text[a:b]) < _MIN_WORDS:
        return None
    return Condition(kind="other", text=text[a:b], start=a, end=b, unit_id=unit_id)
