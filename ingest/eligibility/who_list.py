"""A list of who qualifies, before the outcome: "在…担任相当于副教授…及以上职务，在世界500强…担任高级管理…职务，
或者经…认定为高层次人才的留学人员，以及在…获得博士学位的人员等，全职来本市工作后可直接申办落户".

Legal drafting writes alternatives as "A，B，或者C": comma parts ended by one that opens with 或者. "以及" adds
another group of persons ("…，以及…的人员等"). Each such part is one way to qualify; the parts after the last of
them ("全职来本市工作后") bind every way. A part with nothing measurable is one condition to check, quoted whole,
so a list of posts is not read as its one measurable alternative (a doctorate) alone.
"""

from __future__ import annotations

import re

from ingest.eligibility.conditions import Span, conditions_in, group, skip_marker
from ingest.eligibility.definitions import comma_parts
from ingest.eligibility.model import Condition, Requirement

_PART_END = re.compile(r"[，,；;：:]")
_OR = re.compile(r"^\s*(?:或者|或)")
_AND_ALSO = re.compile(r"^\s*以及")
# A part that says who: "…的留学人员", "…的人员等", "…的企业"
_WHO_END = re.compile(r"的[\u4e00-\u9fff]{0,6}(?:人员|人才|个人|人|者|家庭|企业|单位|机构)等?\s*$")
_CONJOINED = re.compile(r"^\s*(?:且|并且|并|同时|而且)")  # "，并…": every part binds
_FRAMING = re.compile(r"^\s*(?:对于?|凡|其中)")  # "对…的人员，": who the sentence is about, no alternative
_TRIM_LEAD = re.compile(r"^(?:\s|或者|或|以及)+")
_TRIM_TAIL = re.compile(r"(?:的[\u4e00-\u9fff]{0,6}(?:人员|人才|个人|人|者|家庭|企业|单位|机构)等?|等)?\s*$")
_MIN_WORDS = 4


def who_alternatives(region: Span) -> list[Requirement] | None:
    """The requirements of a region that lists who qualifies as comma-part alternatives, or None when the
    region has no such list (then its conditions are read as one sentence)."""
    text = region.text
    parts = comma_parts(text, skip_marker(text, region.start, region.end), region.end, _PART_END)
    if len(parts) < 2:
        return None
    opens = [i for i, (a, b) in enumerate(parts) if _OR.match(text[a:b])
             or (_AND_ALSO.match(text[a:b]) and _WHO_END.search(text[a:b]))]
    if not opens or opens[0] == 0 or not all(_WHO_END.search(text[a:b]) or text[a:b].rstrip().endswith("的")
                                              for a, b in (parts[i] for i in opens)):
        return None  # "…，可以缩短…年限，或办理直接落户": alternatives of what is granted, not of who
    last = opens[-1]
    listed = parts[:last + 1]
    if any(_CONJOINED.match(text[a:b]) for a, b in listed) or _FRAMING.match(text[parts[0][0]:parts[0][1]]):
        return None
    options = [_option(region.unit_id, text, a, b) for a, b in listed]
    if sum(1 for o in options if o) < 2:
        return None
    requirements = [Requirement(tuple(o for o in options if o))]
    for a, b in parts[last + 1:]:  # "全职来本市工作后": binds every way listed
        shared = Span(region.unit_id, text, a, b)
        requirements += group(shared, conditions_in(shared))
    return requirements


def _option(unit_id: str, text: str, a: int, b: int) -> tuple[Condition, ...]:
    """One way to qualify: its measurable conditions, or its words as one condition to check."""
    lead = _TRIM_LEAD.match(text[a:b])
    a += lead.end() if lead else 0
    found = conditions_in(Span(unit_id, text, a, b))
    if found:
        return tuple(found)
    tail = _TRIM_TAIL.search(text[a:b])
    b = a + tail.start() if tail else b
    if sum("\u4e00" <= ch <= "\u9fff" for ch in text[a:b]) < _MIN_WORDS:
        return ()
    return (Condition(kind="other", text=text[a:b], start=a, end=b, unit_id=unit_id),)
