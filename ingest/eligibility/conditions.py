"""Conditions in a span of clause text: thresholds with their comparison (200万元及以上, 不低于5%, 满1年, 等于…
平均工资3倍), roles and credentials, each a verbatim span with what it is about and its qualifiers; and how they
group into requirements (或 makes alternatives, "的" joins the noun they describe, anything else conjunctions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.eligibility.model import Condition, Op, Requirement
from ingest.eligibility.quantities import Quantity, find_quantities
from ingest.eligibility.vocabulary import find_levels, qualifiers_in, topics_in

SENTENCE_END = re.compile(r"[。；;！？!?]")
ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[)）、]|\d{1,2}[.、．](?!\d))")
_OP_BEFORE: list[tuple[re.Pattern[str], Op]] = [
    (re.compile(r"(?:不低于|不少于|不小于|达到|累计达到|满|至少|在)\s*$"), ">="),
    # A social-insurance base "等于…3倍" is the cap itself: a visitor at 3 times (or quoting more) meets it.
    (re.compile(r"等于[^，。；;、]{0,20}$"), ">="),
    (re.compile(r"(?:不超过|不高于|不大于|最多)\s*$"), "<="),
    (re.compile(r"(?:低于|少于|小于|不足|未满)\s*$"), "<"),
    (re.compile(r"(?:超过|高于|大于|多于)\s*$"), ">"),
]
_OP_AFTER: list[tuple[re.Pattern[str], Op]] = [
    (re.compile(r"^\s*(?:及以上|及其以上|或以上|以上)"), ">="),
    (re.compile(r"^\s*(?:及以下|以下|以内|之内|内)"), "<="),
]
_WINDOW_BEFORE = re.compile(r"(?:最近|近|过去)\s*$")  # "最近3年内": the window a count is taken over
_ORDINAL_BEFORE = re.compile(r"(?:第|前)\s*$")  # "第2项", "前4项"
_BACK_STOP = re.compile(r"[，,。；;：:、（）()\n]|或者|或|且|并|的")
_FORWARD_STOP = re.compile(r"[，,。；;：:、（）()\n]|或者|或|且|并|的")
_AVERAGE_WAGE = re.compile(r"(?:不低于|达到|高于)[^，。；;、]{0,24}?平均工资(?![^，。；;]{0,4}?(?:\d|[一二两三四五六七八九十]+)\s*倍)")
_SOFT = re.compile(r"(?:一般|原则上)\s*$")
_ALTERNATIVE_GAP = re.compile(r"或")
PARENS = re.compile(r"[（(][^（()）]*[)）]")
MINOR = re.compile(r"未成年")
AGE_OF_MAJORITY = 18.0  # 未成年: under 18 (民法典 第十七条)


@dataclass(frozen=True)
class Span:
    unit_id: str
    text: str  # the unit text
    start: int
    end: int

    @property
    def body(self) -> str:
        return self.text[self.start:self.end]


def _op(text: str, q: Quantity, lo: int) -> tuple[Op | None, int, int]:
    """The comparison a quantity is read with, and the span of its comparator words."""
    before = text[max(lo, q.start - 12):q.start]
    after = text[q.end:q.end + 5]
    for pattern, op in _OP_AFTER:
        m = pattern.match(after)
        if m:
            return op, q.start, q.end + m.end()
    for pattern, op in _OP_BEFORE:
        m = pattern.search(before)
        if m:
            return op, q.start - (len(before) - m.start()), q.end
    return None, q.start, q.end


# "国(境)外", "市(区)级": a bracket inside a word, which no condition starts after
_INLINE_BRACKET = re.compile(r"[（(][\u4e00-\u9fff]{1,2}[)）]")


def _back(text: str, pos: int, lo: int) -> int:
    """Start of the words a threshold is about: back to the previous delimiter."""
    inline = [(m.start(), m.end()) for m in _INLINE_BRACKET.finditer(text, lo, pos)]
    stops = [m.end() for m in _BACK_STOP.finditer(text, lo, pos)
             if not any(a <= m.start() < b for a, b in inline)]
    return stops[-1] if stops else lo


def _forward(text: str, pos: int, hi: int) -> int:
    m = _FORWARD_STOP.search(text, pos, hi)
    return m.start() if m else hi


def _clause_start(text: str, pos: int, lo: int) -> int:
    """Start of the comma clause holding pos: "在国(境)外高水平大学获得科学、技术…学士学位" says where."""
    stops = [m.end() for m in re.finditer(r"[，,。；;：:\n]", text[lo:pos])]
    return lo + stops[-1] if stops else lo


ARTICLE_LABEL = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条(?:之[一二三四五六七八九十]+)?\s*")


def skip_marker(text: str, start: int, limit: int) -> int:
    """A condition never starts with its item's number or its article's label ("1.留学人员…" → "留学人员…",
    "第二十一条 最低生活保障家庭…" → "最低生活保障家庭…")."""
    m = ARTICLE_LABEL.match(text[start:limit])
    start = start + m.end() if m else start
    m = ITEM.match(text[start:limit])
    return start + m.end() if m else start


def in_parens(text: str, pos: int, lo: int) -> bool:
    opened = max(text.rfind("(", lo, pos), text.rfind("（", lo, pos))
    closed = max(text.rfind(")", lo, pos), text.rfind("）", lo, pos))
    return opened > closed


def conditions_in(span: Span, exclude: tuple[int, int] | None = None, stated_only: bool = False) -> list[Condition]:
    """Every threshold, role and credential stated in the span, in text order. `stated_only`: only numbers
    with a comparison word (不少于, 以上…), for sentences that may merely describe ("租金按市场租金的70%确定")."""
    text, lo, hi = span.text, span.start, span.end
    found: list[Condition] = []
    for q in find_quantities(text[lo:hi]):
        q = Quantity(q.kind, q.value, q.start + lo, q.end + lo, q.text, q.more)
        if exclude and exclude[0] <= q.start < exclude[1]:
            continue
        head = text[max(lo, q.start - 3):q.start]
        if q.kind == "points" or _ORDINAL_BEFORE.search(head) or (q.kind == "duration" and q.value >= 1900 * 12):
            continue
        if q.kind == "duration" and (q.text.endswith("日") and head.endswith("月")):
            continue  # "11月30日": a date, not a period
        if q.kind == "duration" and (_WINDOW_BEFORE.search(head) or head.endswith("上")
                                     or text[q.end:q.end + 1] == "度"):
            continue  # "最近3年内…" is the window a count is taken over; "上一年度" a reference year
        op, s, e = _op(text, q, lo)
        if op is None and (q.kind in ("age", "count") or stated_only):
            continue  # "16周岁的子女", "3家" without a comparison is a description, not a threshold
        start = skip_marker(text, _back(text, s, lo), s)
        end = _forward(text, e, hi)
        context = text[start:end]
        span_end = e if topics_in(text[start:e]) else end
        soft = bool(_SOFT.search(text[max(lo, start - 4):s])) or bool(_SOFT.search(text[max(lo, s - 4):s]))
        found.append(Condition(kind=q.kind, text=text[start:span_end], start=start, end=span_end,
                               op=op or ">=", value=q.value, topics=topics_in(context),
                               qualifiers=qualifiers_in(context), soft=soft, unit_id=span.unit_id))
        minor = MINOR.search(text, start, span_end)
        if q.kind == "age" and op in (">=", ">") and minor:
            # "未成年人年满十六周岁": 16 or older, and still a minor
            found.append(Condition(kind="age", text=minor.group(0), start=minor.start(), end=minor.end(), op="<",
                                   value=AGE_OF_MAJORITY, topics=frozenset({"age"}), unit_id=span.unit_id))
    for m in _AVERAGE_WAGE.finditer(text, lo, hi):
        # "缴费基数不低于上一年度…平均工资": one times the average, though no number is written
        start = skip_marker(text, _back(text, m.start(), lo), m.start())
        found.append(Condition(kind="multiple", text=text[start:m.end()], start=start, end=m.end(), op=">=",
                               value=1.0, topics=topics_in(text[start:m.end()]), unit_id=span.unit_id))
    prev_level_end = lo
    for s, e, kind, ladder, rung in find_levels(text[lo:hi]):
        s, e = s + lo, e + lo
        if (exclude and exclude[0] <= s < exclude[1]) or rung == 0:
            continue  # rung 0 ("非本市户籍") names who, and requires nothing
        if kind == "role" and in_parens(text, s, lo):
            continue  # "法定代表人(担任董事长或总经理)": the parenthesis explains, it adds no alternative
        if kind == "role" and (re.match(r"[^，,。；;、和]{0,4}[、和]", text[e:hi])
                               or re.search(r"[、和]\s*$", text[max(lo, s - 2):s])):
            continue  # "企业高级管理、科技和技能人才": a list of who may apply, not one required role
        start = max(skip_marker(text, _back(text, s, lo), e), prev_level_end)
        at_least = re.match(r"\s*(?:及以上|以上)", text[e:e + 4])
        # A role is quoted as named (so "负责人及其团队核心成员" stays two alternatives); a credential with
        # its words ("具有博士研究生学历").
        end = e + at_least.end() if at_least else (e if kind == "role" else _forward(text, e, hi))
        prev_level_end = end
        found.append(Condition(kind=kind, text=text[start:end], start=start, end=end,  # type: ignore[arg-type]
                               op=">=", value=float(rung), level=ladder, unit_id=span.unit_id,
                               qualifiers=qualifiers_in(text[_clause_start(text, start, lo):end])))
    return sorted(found, key=lambda c: (c.start, c.end))


def group(span: Span, conditions: list[Condition]) -> list[Requirement]:
    """Conditions into requirements: overlapping ones form one option, "或" between options makes them
    alternatives of one requirement, anything else a new requirement."""
    atoms: list[list[Condition]] = []
    for c in conditions:
        if atoms and c.start < max(x.end for x in atoms[-1]):
            atoms[-1].append(c)
        else:
            atoms.append([c])
    groups: list[list[tuple[Condition, ...]]] = []
    prev_end = None
    for atom in atoms:
        start = min(c.start for c in atom)
        gap = PARENS.sub("", span.text[prev_end:start]) if prev_end is not None else ""
        if groups and gap.strip() == "的" and all(c.kind in ("role", "credential") for c in atom):
            # "副总裁及以上的高级管理人才": the noun the conditions before it describe
            groups[-1][-1] = groups[-1][-1] + tuple(atom)
        elif groups and (_ALTERNATIVE_GAP.search(gap) or (gap.strip() in ("及其", "及", "和") and atom[0].kind == "role"
                                                            and groups[-1][-1][-1].kind == "role")) \
                and not SENTENCE_END.search(gap):
            groups[-1].append(tuple(atom))
        else:
            groups.append([tuple(atom)])
        prev_end = max(c.end for c in atom)
    return [Requirement(tuple(g)) for g in groups]


def item_requirements(span: Span) -> list[Requirement]:
    """One item of an "all of the following" list: alternatives split at "；或" (each all of its
    conditions); otherwise its conditions grouped as in a sentence. An item with nothing measurable is one
    condition to check, quoted whole."""
    text = span.text
    cuts = [m.start() + 1 for m in re.finditer(r"[；;，,。]\s*或", text[span.start:span.end])]
    if not cuts:
        cuts = _case_cuts(span)
    if not cuts:
        conds = conditions_in(span)
        return group(span, conds) if conds else [Requirement(((check_item(span),),))]
    bounds = [span.start, *[span.start + c for c in cuts], span.end]
    options = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        conds = conditions_in(Span(span.unit_id, text, a, b))
        options.append(tuple(conds) if conds else (check_item(Span(span.unit_id, text, a, b)),))
    return [Requirement(tuple(options))]


# "符合本条第一款前4项条件的人员，…；符合…第5项条件的人员，…": each case is an alternative of the item
_CASE = re.compile(r"(?:符合|属于|对于?|凡)[^，,。；;]{0,30}的(?:人员|人才|人|企业|单位|机构)?[，,]")


def _case_cuts(span: Span) -> list[int]:
    """Offsets (into the item) of the cases after the first: the item opens with a case, and each "；" that
    starts another case cuts it."""
    body = span.body
    m = ITEM.match(body)
    lead = m.end() if m else 0
    if not _CASE.match(body, lead):
        return []
    return [m.end() for m in re.finditer(r"[；;]\s*", body) if _CASE.match(body, m.end())]


def check_item(span: Span) -> Condition:
    """An item's first sentence (a definition or a note may follow it), without its number."""
    first = SENTENCE_END.search(span.body)
    if first and first.end() < len(span.body.rstrip()):
        span = Span(span.unit_id, span.text, span.start, span.start + first.end())
    body = span.body
    lead = skip_marker(body, 0, len(body))
    while lead < len(body) and body[lead] in "或 \u3000":
        lead += 2 if body[lead:lead + 2] == "或者" else 1
    end = len(body.rstrip("。；;，, \n"))
    return Condition(kind="other", text=body[lead:end], start=span.start + lead, end=span.start + end,
                     unit_id=span.unit_id)
