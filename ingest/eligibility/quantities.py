"""Numbers with units, as policy clauses and visitors write them: 200万元, 1.2亿, 一千二百万, 5 million yuan,
6,000,000 RMB, 不低于5%, 满1年, 两年多, 18 months, 社会平均工资3倍, three times, 58岁, 不少于3家.

One parser serves both sides, so a clause's "200万元" and a visitor's "2 million yuan" compare as the same
value: amounts in yuan, durations in months, shares in percent points, multiples as a factor, ages in years.
Every quantity keeps its exact span in the text it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

QuantityKind = Literal["amount", "percent", "duration", "multiple", "count", "age", "points"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
               "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30,
               "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100, "a": 1, "an": 1, "half": 0.5}


def chinese_number(text: str) -> float | None:
    """一千二百 → 1200, 十二 → 12, 两 → 2, 三十 → 30; None when it isn't a Chinese numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
    return float(total + (digit or 0))


_CN_NUM = r"[零〇一二两三四五六七八九十百千]+"
_AR_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = rf"(?:{_AR_NUM}|{_CN_NUM})"
_EN_NUM = r"(?:" + "|".join(sorted((k for k in _EN_NUMBERS if len(k) > 2), key=len, reverse=True)) + r")"


def number_value(text: str) -> float | None:
    text = text.strip()
    if re.fullmatch(_AR_NUM, text):
        return float(text.replace(",", ""))
    if text.lower() in _EN_NUMBERS:
        return float(_EN_NUMBERS[text.lower()])
    return chinese_number(text)


@dataclass(frozen=True)
class Quantity:
    kind: QuantityKind
    value: float
    start: int
    end: int
    text: str
    more: bool = False  # "两年多", "over 2 years": strictly more than `value`


# Order matters: longer, more specific patterns first; a span claimed by one is not read again.
_PATTERNS: list[tuple[QuantityKind, re.Pattern[str]]] = [
    ("multiple", re.compile(rf"(?P<n>{_NUM})\s*倍|(?P<e>{_AR_NUM}|{_EN_NUM})\s*(?:x|×|times)\b", re.I)),
    ("amount", re.compile(
        rf"(?P<n>{_NUM})\s*个?\s*(?P<u>亿元|亿|万元|万|千元|元)(?:人民币)?"
        rf"|(?:RMB|CNY|¥|￥)\s*(?P<n2>{_AR_NUM})\s*(?P<u2>million|billion|m\b|bn\b)?"
        rf"|(?P<e>{_AR_NUM}|{_EN_NUM})\s*(?P<eu>million|billion|thousand|m\b|bn\b|k\b)?\s*(?:yuan|rmb|cny)\b"
        rf"|(?P<e2>{_AR_NUM}|{_EN_NUM})\s*(?P<eu2>million|billion)\b", re.I)),
    ("percent", re.compile(rf"(?P<n>{_AR_NUM})\s*(?:%|％|percent\b|per cent\b)|百分之(?P<c>{_NUM})", re.I)),
    ("age", re.compile(rf"(?P<n>{_NUM})\s*(?:周岁|岁)|(?P<e>{_AR_NUM}|{_EN_NUM})[\s-]*(?:years?[\s-]*old\b)|"
                       # "aged 58", "he's 17 now", "she just turned 16" — not "I'm 5 years into it", "she's 3 months in"
                       rf"\b(?:aged?|i'?m|i am|he'?s|he is|she'?s|she is|(?:just )?turn(?:ed|s)?)\s*(?P<e2>\d{{1,2}})\b"
                       r"(?!\s*(?:%|percent|million|billion|thousand|yuan|rmb|months?|days?|weeks?|times|points?|x\b|-|"
                       r"years?\s+(?:of|in|at|with|working|into|away|since|before|after|ago)))", re.I)),
    ("duration", re.compile(
        rf"(?P<n>{_NUM}|半)\s*(?P<u>个月|年半|年(?!级)|个工作日|工作日|日|天|周)(?P<more>多)?"
        rf"|(?P<e>{_AR_NUM}|{_EN_NUM}|half a)(?P<half> and a half)?\s*(?:\+\s*)?(?P<eu>years?|months?|yrs?|days?|weeks?)\b",
        re.I)),
    ("points", re.compile(rf"积\s*(?P<n>{_NUM})\s*分|(?P<e>{_AR_NUM})\s*points?\b", re.I)),
    ("count", re.compile(rf"(?P<n>{_NUM})\s*(?P<u>家|名|人|项|个|次)(?!月|工作日)")),
]

_AMOUNT_UNITS = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "元": 1.0, "million": 1e6,
                 "m": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3, "k": 1e3}
_DURATION_MONTHS = {"年": 12, "个月": 1, "年半": 12, "year": 12, "years": 12, "yr": 12, "yrs": 12, "month": 1,
                    "months": 1, "工作日": 1 / 22, "个工作日": 1 / 22, "日": 1 / 30, "天": 1 / 30, "day": 1 / 30,
                    "days": 1 / 30, "周": 7 / 30, "week": 7 / 30, "weeks": 7 / 30}
# "两年多", "over 2 years", "2+ years": more than the number says
_MORE_AFTER = re.compile(r"^\s*(?:多|以上|有余|plus\b)", re.I)
_MORE_BEFORE = re.compile(r"(?:over|more than|over the|above|超过)\s*$", re.I)


def _value(kind: QuantityKind, m: re.Match[str]) -> float | None:
    g = m.groupdict()
    num_text = next((g[k] for k in ("n", "n2", "e", "e2", "c") if g.get(k)), None)
    if num_text is None:
        return None
    if num_text.lower() == "half a" or num_text == "半":
        base = 0.5
    else:
        value = number_value(num_text)
        if value is None:
            return None
        base = value
    if kind == "amount":
        unit = (g.get("u") or g.get("u2") or g.get("eu") or g.get("eu2") or "").lower()
        return base * _AMOUNT_UNITS.get(unit, 1.0)
    if kind == "duration":
        unit = (g.get("u") or g.get("eu") or "").lower()
        months = base * _DURATION_MONTHS.get(unit, 12)
        half = unit == "年半" or (g.get("half") and unit.startswith("y"))
        return months + 6 if half else months
    return base


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in the text, in text order, none overlapping."""
    taken: list[tuple[int, int]] = []
    found: list[Quantity] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            value = _value(kind, m)
            if value is None:
                continue
            more = bool(m.groupdict().get("more")) or bool(_MORE_AFTER.match(text[e:e + 4])) \
                or bool(_MORE_BEFORE.search(text[max(0, s - 12):s]))
            found.append(Quantity(kind, value, s, e, text[s:e], more))
            taken.append((s, e))
    return sorted(found, key=lambda q: q.start)


def format_quantity(kind: str, value: float, lang: str) -> str:
    """A value as a visitor reads it: 1000万元 / 10 million yuan, 3年 / 3 years, 5% , 3倍 / 3 times."""
    if kind == "amount":
        if lang == "zh":
            if value >= 1e8 and value % 1e7 == 0:
                return f"{_num(value / 1e8)}亿元"
            return f"{_num(value / 1e4)}万元" if value >= 1e4 else f"{_num(value)}元"
        if value >= 1e6:
            return f"{_num(value / 1e6)} million yuan"
        return f"{_num(value)} yuan"
    if kind == "duration":
        if value >= 12 and value % 12 == 0:
            years = value / 12
            return f"{_num(years)}年" if lang == "zh" else f"{_num(years)} year{'s' if years != 1 else ''}"
        return f"{_num(value)}个月" if lang == "zh" else f"{_num(value)} month{'s' if value != 1 else ''}"
    if kind == "percent":
        return f"{_num(value)}%"
    if kind == "multiple":
        return f"{_num(value)}倍" if lang == "zh" else f"{_num(value)} times"
    if kind == "age":
        return f"{_num(value)}岁" if lang == "zh" else f"{_num(value)} years old"
    if kind == "points":
        return f"{_num(value)}分" if lang == "zh" else f"{_num(value)} points"
    return _num(value)


def _num(x: float) -> str:
    return f"{x:.10g}" if x != int(x) else str(int(x))
