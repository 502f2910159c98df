"""The outcome a clause grants, as a typed span: 由7年缩短为5年, 直接申办本市常住户口, 可申办落户, 积120分,
给予…补贴/奖励 with its 最高 amount, 属随迁范围. The first outcome phrase of a sentence; a phrase that names who
("享受本项奖励的企业") grants nothing.

A definition ("最低生活保障家庭，是指…的本市户籍家庭", "本条例所称X，是指…") is a rule too: whoever meets what
follows 是指 counts as the term, which is what the statutes' other articles grant things to.
"""

from __future__ import annotations

import re

from ingest.eligibility.model import Outcome
from ingest.eligibility.quantities import find_quantities

OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    ("shorten", re.compile(r"(?:可以|可)?由\s*(?P<from>\d+)\s*年\s*缩短(?:为|至|到)\s*(?P<to>\d+)\s*年")),
    ("direct_hukou", re.compile(r"(?:可以|可)?直接(?:申办|申请|办理)?(?:本市|上海市?)?(?:常住户口|户口|落户)")),
    ("apply_hukou", re.compile(r"(?:可以|可)(?:申办|申请|办理)(?:本市|上海市?)?(?:常住户口|户口|落户)")),
    ("points", re.compile(r"积\s*(?P<points>\d+)\s*分")),
    # family members who may move their hukou along
    ("family", re.compile(r"(?:可以|可)[^，。；;:：]{0,6}?(?:办理|申办)户口迁移手续|属(?:于)?随迁范围")),
    # "按贷款利息的50%给予补贴": the rate is part of what is granted, not a condition
    ("benefit", re.compile(r"(?:(?:可以|可)?(?:按照?|以)[^，。；;:：]{0,20}?\d+(?:\.\d+)?\s*%[^，。；;:：]{0,6}?)?"
                           r"(?:可以|可|予以|给予|可获得|享受)[^，。；;:：]{0,40}?"
                           r"(?:补贴|补助|资助|贴息|奖励|扶持资金|支持资金)")),
    ("benefit", re.compile(r"(?:补贴|补助|资助|奖励)?标准(?:可以|可)?提高(?:至|到)[^，。；;:：]{0,20}")),
    ("other", re.compile(r"(?<=的[，,])\s*(?:继续|也|均|仍|一律)?(?:可以|可|予以|给予)[^，。；;:：]{2,30}")),
    ("other", re.compile(r"(?<=[，,])\s*(?:可以|可)(?:申请|享受|获得|入住)[^，。；;:：]{2,24}")),
]
# The defined term: after an optional "本条例所称" and before "，是指".
_DEFINITION = re.compile(r"\s*(?:第[一二三四五六七八九十百零〇\d]+条\s*)?(?:(?:本|前款|前条)[\u4e00-\u9fff]{0,6}?所称的?)?"
                         r"[“\"]?(?P<term>[\u4e00-\u9fff]{2,16}?)[”\"]?\s*[，,]?\s*是指")
# What every application's employer or applicant must be: "申请单位应是在本市行政区域内注册登记的…各类企业".
_REQUIRED_OF = re.compile(r"(?:^|(?<=\n))\s*(?:第[一二三四五六七八九十百零〇\d]+条\s*)?(?P<who>申请单位|用人单位|申报单位|申请人|申报人|申请企业)"
                          r"(?:应当|应|须|必须)(?:是|为)")
_MAX_AMOUNT = re.compile(r"^(?:[^。；;]{0,30}?(?:最高|不超过|最多|上限)|\s*)")


def find_outcome(text: str, start: int, end: int) -> Outcome | None:
    """The first outcome phrase in text[start:end]."""
    best: tuple[int, str, re.Match[str]] | None = None
    for kind, pattern in OUTCOMES:
        for m in pattern.finditer(text, start, end):
            # "享受本项奖励的企业…": a phrase that names who, not what is granted
            if text[m.end():m.end() + 1] == "的" or re.search(r"本项|该项|此项|上述", m.group(0)):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), kind, m)
            break
    if best is None:
        return None
    _, kind, m = best
    s, e = m.span()
    value = from_value = None
    if kind == "shorten":
        value, from_value = float(m.group("to")), float(m.group("from"))
    elif kind == "points":
        value = float(m.group("points"))
    elif kind in ("benefit", "other"):
        # The largest amount the outcome grants: inside it ("每月不超过3000元的租房补贴") or right after it
        # ("给予一次性奖励最高50万元").
        amounts = [q for q in find_quantities(text[s:e]) if q.kind == "amount"]
        tail = text[e:end]
        cap = _MAX_AMOUNT.match(tail)
        if not amounts and cap:
            after = [q for q in find_quantities(tail[:cap.end() + 16]) if q.kind == "amount"]
            if after:
                e = e + after[0].end
                amounts = after
        value = max((q.value for q in amounts), default=None)
        if kind == "benefit":
            kind = "reward" if "奖励" in text[m.start():m.end()] else "subsidy"
        if not amounts and "%" not in text[s:e] and re.search(r"\d", text[s:e]) is None:
            value = None
    return Outcome(kind=kind, text=text[s:e], start=s, end=e, value=value, from_value=from_value)  # type: ignore[arg-type]


def find_definition(text: str, start: int, end: int) -> tuple[Outcome, int] | None:
    """The term a sentence defines ("最低生活保障家庭，是指…") as a "status" outcome, or whom it says what they must
    be ("申请单位应是…的各类企业") as an "other" one, and where what follows starts; None when the sentence does
    neither."""
    m = _DEFINITION.match(text, start, end)
    if m:
        return Outcome(kind="status", text=m.group("term"), start=m.start("term"), end=m.end("term")), m.end()
    m = _REQUIRED_OF.search(text, start, end)  # also on the line after an article's title
    if m:
        return Outcome(kind="other", text=m.group("who"), start=m.start("who"), end=m.end("who")), m.end()
    return None
