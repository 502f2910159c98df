"""Where in its unit a rule is read from, as a citation names it: "七、" inside a unit that joins 六、–八、,
"第四条（二）" for the second paragraph of 第四条, "第五条（四）15." for point 15 under sub-heading (四), "第十二条"
inside a unit that joins 第十条–第十二条.
"""

from __future__ import annotations

import re

from ingest.eligibility.conditions import ITEM

_ARTICLE_MARK = re.compile(r"^[一二三四五六七八九十百]{1,4}、")
_SUBHEADING = re.compile(r"^\s*[（(]([一二三四五六七八九十]{1,3})[)）]", re.M)
_ARTICLE_LINE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+条)", re.M)
_ARTICLE_RANGE = re.compile(r"^第[一二三四五六七八九十百零〇\d]+条–第[一二三四五六七八九十百零〇\d]+条$")


def item_locator(unit_locator: str, text: str, at: int) -> str:
    """The locator of the item or article the offset `at` of a unit's text lies in. A unit already located to
    its items keeps its locator."""
    at += len(text[at:]) - len(text[at:].lstrip())  # a sentence may start at the line break before it
    line_start = text.rfind("\n", 0, at) + 1
    if _ARTICLE_RANGE.match(unit_locator):
        articles = [m for m in _ARTICLE_LINE.finditer(text) if m.start() <= at]
        return articles[-1].group(1) if articles else unit_locator
    m = ITEM.match(text[line_start:])
    if not m:
        return unit_locator
    mark = m.group(0).strip()
    if _ARTICLE_MARK.match(mark):  # an article of its own, as the unit's locator names them
        return mark if _ARTICLE_MARK.match(unit_locator) else unit_locator
    number = mark.strip("（()）、.．")
    if re.search(r"[（(–]", unit_locator) or _ARTICLE_MARK.match(unit_locator):  # items, a range, or "四、"
        return _point_locator(unit_locator, text, line_start, number) or unit_locator
    return f"{unit_locator}（{number}）" if not number.isdigit() else f"{unit_locator}{number}."


def _point_locator(unit_locator: str, text: str, line_start: int, number: str) -> str | None:
    """"第五条（四）15." for point 15 under the sub-heading "(四)" of a unit that joins 第五条（四）–（五）."""
    article = re.match(r"^(第[一二三四五六七八九十百\d]+条)[（(]", unit_locator)
    heads = list(_SUBHEADING.finditer(text, 0, line_start))
    if not (article and number.isdigit() and heads):
        return None
    return f"{article.group(1)}（{heads[-1].group(1)}）{number}."
