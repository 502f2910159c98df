"""Conditions said in words, with nothing to measure ("本市传统医学等特殊行业紧缺急需的专门人才", "离休、退休的",
"企业在证券交易所挂牌上市"): met when the visitor names them, failed or met when the visitor says something is
not so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.query.textproc import default_processor
from assistant.types import CheckedCondition, Fact
from ingest.eligibility.model import Condition, Rule
from ingest.eligibility.vocabulary import find_levels

_ALTERNATIVES = re.compile(r"[、，,]|或者|或")
# What frames a degree's qualifier: "(在国(境))外…学习获得" before and after "高水平大学".
_DEGREE_LEAD = re.compile(r"^(?:具有|取得|获得|在)?(?:国\s*[(（]境[)）]\s*外|境外|国外|外)?")
_DEGREE_TAIL = re.compile(r"(?:学习)?(?:获得|取得)?的?$")
_LONG = 24  # characters
# A bar the clause doesn't state: "达到或者超过规定比例", "低于本市最低生活保障标准"
_SET_ELSEWHERE = re.compile(r"(?:达到|超过|超出|高于|低于|不足|不超过|不低于)[^，,。；;]{0,20}?(?:规定比例|规定标准|标准)")
_ABROAD = re.compile(r"国\s*[(（]境[)）]\s*外|境外|国外|海外")  # a condition met only abroad
_BAR = re.compile(r"超出|超过|高于|低于|不足|达到|不少于|不低于|比例|标准")  # a comparison with a bar


def described(c: Condition, terms: Sequence[str], facts: Sequence[Fact], one_of_several: bool = False) -> CheckedCondition:
    """A condition with nothing to measure ("本市传统医学等特殊行业紧缺急需的专门人才") is met as described when the
    visitor names it in at least two of its distinctive words ("传统" and "医学"), and unmet when the visitor
    says it is not so ("没上市" against "企业…挂牌上市"). A long description that is one of several ways to
    qualify takes three: a visitor's words easily touch one of a list of posts."""
    denials = [f for f in facts if f.kind == "description" and f.negated]
    denied = next((f for f in denials if any(w in c.text for w in f.topics)), None)
    if denied is not None:  # "没犯罪记录" meets "无刑事犯罪记录", "没上市" fails "挂牌上市"
        word = next(w for w in denied.topics if w in c.text)
        says_none = re.search(rf"(?:无|没有|未|不|非)[\u4e00-\u9fff]{{0,3}}{re.escape(word)}", c.text)
        return CheckedCondition(c, "met" if says_none else "unmet", denied)
    matched = [t for t in terms if t in c.text and not any(t in w for f in denials for w in f.topics)]
    # One of a list of long descriptions ("在世界500强知名企业、跨国公司等担任高级管理、技术、科研职务", "在国(境)外
    # 高水平大学…担任相当于副教授…职务") shares two words with many questions ("企业", "技术"; "大学", "水平");
    # naming it takes one more.
    long = one_of_several and len(c.text) > _LONG
    if len(matched) >= (3 if long else 2):
        if _SET_ELSEWHERE.search(c.text):
            # "家庭年医疗费用支出…达到或者超过规定比例" named by "医疗费": what it measures, not the bar, which the
            # text leaves to another rule; the answer turns on it
            return CheckedCondition(c, "unknown", Fact("description", 1.0, "、".join(matched), unsure=True))
        home = next((f for f in facts if f.kind == "description" and "domestic" in f.qualifiers
                     and max(matched, key=len) in f.text), None)
        if home is not None and _ABROAD.search(c.text):
            # "我是国内高校的副教授" against "在国(境)外高水平大学…担任相当于副教授…职务": named, but held at home
            return CheckedCondition(c, "unmet", home)
        return CheckedCondition(c, "met", Fact("description", 1.0, "、".join(matched)))
    # A short condition the visitor names whole: "退休" is one of "离休、退休的"
    whole = [t for t in matched if not long
             and t in {a.strip().removesuffix("的") for a in _ALTERNATIVES.split(c.text)}]
    if whole:
        return CheckedCondition(c, "met", Fact("description", 1.0, whole[0]))
    if len(matched) == 1 and default_processor().words(c.text)[:1] == matched and _BAR.search(c.text, len(matched[0])):
        # The visitor names what the condition measures, its first word, but the bar is one the text doesn't state
        # ("房租" against "房租超出家庭工资收入的规定比例的"): the answer turns on it. A word further in says less
        # ("单位" of "…并与单位终止劳动关系的"), and so does a kind ("出境" of "出境定居的", when it is 旅游).
        return CheckedCondition(c, "unknown", Fact("description", 1.0, matched[0], unsure=True))
    return CheckedCondition(c, "unknown")


def degree_qualifier(c: Condition) -> tuple[Condition, Condition] | None:
    """What a degree condition asks beyond the degree, before it in the text: where or in what it was earned
    ("高水平大学" of "外高水平大学学习获得博士学位", "工程和数学等紧缺急需专业" of "…专业学士及以上"), as a condition
    of its own span, and the degree itself from where it is named ("博士学位"). A doctorate meets "博士学位";
    whether the university qualifies is another matter."""
    if c.kind != "credential" or c.level != "degree":
        return None
    starts = [start for start, _, kind, *_ in find_levels(c.text) if kind == "credential"]
    if not starts:
        return None
    head = c.text[:starts[0]]
    lo = _DEGREE_LEAD.match(head).end()  # type: ignore[union-attr]  # an optional pattern always matches
    hi = _DEGREE_TAIL.search(head, lo).start()  # type: ignore[union-attr]
    if hi - lo < 2:
        return None
    return (Condition("other", head[lo:hi], c.start + lo, c.start + hi, unit_id=c.unit_id),
            replace(c, text=c.text[starts[0]:], start=c.start + starts[0]))


def distinctive(terms: Sequence[str], rules: Sequence[Rule]) -> list[str]:
    """The question's words that name few of the rules' unmeasurable conditions (人才 names them all), and
    no outcome ("上海常住户口" speaks of what is granted, not of who may have it)."""
    others = [c.text for r in rules for c in r.conditions if c.kind == "other"]
    granted = {r.outcome.text for r in rules}
    words = {t for t in terms if len(t) >= 2 and re.search(r"[\u4e00-\u9fff]", t)
             and not any(t in o for o in granted)}
    return sorted(t for t in words if 0 < sum(t in o for o in others) <= 2)
