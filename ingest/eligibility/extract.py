"""Read eligibility rules out of policy clauses, for any policy file.

Chinese policy clauses state eligibility in a few shapes, and this reads those shapes, not any one file:
- "[conditions]的，可以/可/予以/给予[outcome]" — the conditions are the words before the outcome;
- "同时符合下列条件的…[outcome]：" then （一）（二）… — all of the items;
- "符合下列条件之一的…[outcome]：" then 1. 2. … — any one item (one rule per item);
- 或/或者 between conditions make alternatives, 且/并 and commas conjunctions; "；或…" inside an item splits it
  into alternatives;
- a sentence after the outcome that adds conditions ("企业注册资金不少于50万元(实缴)…") belongs to the same rule.
Outcomes: 由7年缩短为5年, 直接申办本市常住户口, 可申办落户, 积120分, 给予…补贴/奖励 (with its 最高 amount).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.eligibility.model import Condition, Op, Outcome, Requirement, Rule
from ingest.eligibility.quantities import Quantity, find_quantities
from ingest.eligibility.vocabulary import find_levels, qualifiers_in, topics_in

_SENTENCE_END = re.compile(r"[。；;！？!?]")
_ITEM = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[)）、]|\d{1,2}[.、．](?!\d))")
_MATERIALS = re.compile(r"^\s*(?:证明材料|申请材料|申办材料|所需材料|需提交)")
_LIST_HEAD = re.compile(r"(同时)?(?:应)?(?:符合|满足|具备)(?:以下|下列|如下)(?:全部|所有)?(?:条件|情形)(之一)?")

_OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    ("shorten", re.compile(r"(?:可以|可)?由\s*(?P<from>\d+)\s*年\s*缩短(?:为|至|到)\s*(?P<to>\d+)\s*年")),
    ("direct_hukou", re.compile(r"(?:可以|可)?直接(?:申办|申请|办理)?(?:本市|上海市?)?(?:常住户口|户口|落户)")),
    ("apply_hukou", re.compile(r"(?:可以|可)(?:申办|申请|办理)(?:本市|上海市?)?(?:常住户口|户口|落户)")),
    ("points", re.compile(r"积\s*(?P<points>\d+)\s*分")),
    # family members who may move their hukou along
    ("other", re.compile(r"(?:可以|可)[^，。；;:：]{0,6}?(?:办理|申办)户口迁移手续|属(?:于)?随迁范围")),
    # "按贷款利息的50%给予补贴": the rate is part of what is granted, not a condition
    ("benefit", re.compile(r"(?:(?:可以|可)?(?:按照?|以)[^，。；;:：]{0,20}?\d+(?:\.\d+)?\s*%[^，。；;:：]{0,6}?)?"
                           r"(?:可以|可|予以|给予|可获得|享受)[^，。；;:：]{0,40}?"
                           r"(?:补贴|补助|资助|贴息|奖励|扶持资金|支持资金)")),
    ("benefit", re.compile(r"(?:补贴|补助|资助|奖励)?标准(?:可以|可)?提高(?:至|到)[^，。；;:：]{0,20}")),
    ("other", re.compile(r"(?<=的[，,])\s*(?:可以|可|予以|给予)[^，。；;:：]{2,30}")),
    ("other", re.compile(r"(?<=[，,])\s*(?:可以|可)(?:申请|享受|获得|入住)[^，。；;:：]{2,24}")),
]
_MAX_AMOUNT = re.compile(r"^(?:[^。；;]{0,30}?(?:最高|不超过|最多|上限)|\s*)")

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
_PARENS = re.compile(r"[（(][^（()）]*[)）]")


@dataclass(frozen=True)
class _Span:
    unit_id: str
    text: str  # the unit text
    start: int
    end: int

    @property
    def body(self) -> str:
        return self.text[self.start:self.end]


def _outcome(text: str, start: int, end: int) -> Outcome | None:
    """The first outcome phrase in text[start:end]."""
    best: tuple[int, str, re.Match[str]] | None = None
    for kind, pattern in _OUTCOMES:
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


def _back(text: str, pos: int, lo: int) -> int:
    """Start of the words a threshold is about: back to the previous delimiter."""
    stops = [m.end() for m in _BACK_STOP.finditer(text, lo, pos)]
    return stops[-1] if stops else lo


def _forward(text: str, pos: int, hi: int) -> int:
    m = _FORWARD_STOP.search(text, pos, hi)
    return m.start() if m else hi


def _clause_start(text: str, pos: int, lo: int) -> int:
    """Start of the comma clause holding pos: "在国(境)外高水平大学获得科学、技术…学士学位" says where."""
    stops = [m.end() for m in re.finditer(r"[，,。；;：:\n]", text[lo:pos])]
    return lo + stops[-1] if stops else lo


def _skip_marker(text: str, start: int, limit: int) -> int:
    """A condition never starts with its item's number ("1.留学人员…" → "留学人员…")."""
    m = _ITEM.match(text[start:limit])
    return start + m.end() if m else start


def _in_parens(text: str, pos: int, lo: int) -> bool:
    opened = max(text.rfind("(", lo, pos), text.rfind("（", lo, pos))
    closed = max(text.rfind(")", lo, pos), text.rfind("）", lo, pos))
    return opened > closed


def _conditions(span: _Span, exclude: tuple[int, int] | None = None, stated_only: bool = False) -> list[Condition]:
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
        start = _skip_marker(text, _back(text, s, lo), s)
        end = _forward(text, e, hi)
        context = text[start:end]
        span_end = e if topics_in(text[start:e]) else end
        soft = bool(_SOFT.search(text[max(lo, start - 4):s])) or bool(_SOFT.search(text[max(lo, s - 4):s]))
        found.append(Condition(kind=q.kind, text=text[start:span_end], start=start, end=span_end,
                               op=op or ">=", value=q.value, topics=topics_in(context),
                               qualifiers=qualifiers_in(context), soft=soft, unit_id=span.unit_id))
    for m in _AVERAGE_WAGE.finditer(text, lo, hi):
        # "缴费基数不低于上一年度…平均工资": one times the average, though no number is written
        start = _skip_marker(text, _back(text, m.start(), lo), m.start())
        found.append(Condition(kind="multiple", text=text[start:m.end()], start=start, end=m.end(), op=">=",
                               value=1.0, topics=topics_in(text[start:m.end()]), unit_id=span.unit_id))
    prev_level_end = lo
    for s, e, kind, ladder, rung in find_levels(text[lo:hi]):
        s, e = s + lo, e + lo
        if exclude and exclude[0] <= s < exclude[1]:
            continue
        if kind == "role" and _in_parens(text, s, lo):
            continue  # "法定代表人(担任董事长或总经理)": the parenthesis explains, it adds no alternative
        if kind == "role" and (re.match(r"[^，,。；;、和]{0,4}[、和]", text[e:hi])
                               or re.search(r"[、和]\s*$", text[max(lo, s - 2):s])):
            continue  # "企业高级管理、科技和技能人才": a list of who may apply, not one required role
        start = max(_skip_marker(text, _back(text, s, lo), e), prev_level_end)
        at_least = re.match(r"\s*(?:及以上|以上)", text[e:e + 4])
        # A role is quoted as named (so "负责人及其团队核心成员" stays two alternatives); a credential with
        # its words ("具有博士研究生学历").
        end = e + at_least.end() if at_least else (e if kind == "role" else _forward(text, e, hi))
        prev_level_end = end
        found.append(Condition(kind=kind, text=text[start:end], start=start, end=end,  # type: ignore[arg-type]
                               op=">=", value=float(rung), level=ladder, unit_id=span.unit_id,
                               qualifiers=qualifiers_in(text[_clause_start(text, start, lo):end])))
    return sorted(found, key=lambda c: (c.start, c.end))


def _group(span: _Span, conditions: list[Condition]) -> list[Requirement]:
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
        gap = _PARENS.sub("", span.text[prev_end:start]) if prev_end is not None else ""
        if groups and gap.strip() == "的" and all(c.kind in ("role", "credential") for c in atom):
            # "副总裁及以上的高级管理人才": the noun the conditions before it describe
            groups[-1][-1] = groups[-1][-1] + tuple(atom)
        elif groups and (_ALTERNATIVE_GAP.search(gap) or (gap.strip() in ("及其", "及", "和") and atom[0].kind == "role"
                                                            and groups[-1][-1][-1].kind == "role")) \
                and not _SENTENCE_END.search(gap):
            groups[-1].append(tuple(atom))
        else:
            groups.append([tuple(atom)])
        prev_end = max(c.end for c in atom)
    return [Requirement(tuple(g)) for g in groups]


def _item_requirements(span: _Span) -> list[Requirement]:
    """One item of an "all of the following" list: alternatives split at "；或" (each all of its
    conditions); otherwise its conditions grouped as in a sentence. An item with nothing measurable is one
    condition to check, quoted whole."""
    text = span.text
    cuts = [m.start() + 1 for m in re.finditer(r"[；;，,。]\s*或", text[span.start:span.end])]
    if not cuts:
        conds = _conditions(span)
        return _group(span, conds) if conds else [Requirement(((_check_item(span),),))]
    bounds = [span.start, *[span.start + c for c in cuts], span.end]
    options = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        conds = _conditions(_Span(span.unit_id, text, a, b))
        options.append(tuple(conds) if conds else (_check_item(_Span(span.unit_id, text, a, b)),))
    return [Requirement(tuple(options))]


def _check_item(span: _Span) -> Condition:
    body = span.body
    m = _ITEM.match(body)
    lead = m.end() if m else 0
    while lead < len(body) and body[lead] in "或 \u3000":
        lead += 1
    end = len(body.rstrip("。；;，, \n"))
    return Condition(kind="other", text=body[lead:end], start=span.start + lead, end=span.start + end,
                     unit_id=span.unit_id)


@dataclass
class _Heading:
    outcome: Outcome
    combine: str  # "all" | "any"
    pre: list[Requirement]
    unit: object
    path0: str
    items: list[_Span]


def _marker_style(sentence: str) -> str:
    """"（一）", "一、", "1." or "（1）": the level an item is at."""
    m = _ITEM.match(sentence)
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
        boundary = _SENTENCE_END.match(ch) is not None
        if ch == "\n" and _ITEM.match(text[i + 1:]):
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
    rules: list[Rule] = []
    heading: _Heading | None = None
    last: tuple[Rule, int] | None = None  # the rule the next sentences may add conditions to, and its item start

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
            reqs = tuple(h.pre + [r for it in items for r in _item_requirements(it)])
            rules.append(Rule(u.id, u.doc_title, u.locator, h.outcome, reqs,  # type: ignore[attr-defined]
                              tuple(dict.fromkeys([u.id, *(it.unit_id for it in items)]))))  # type: ignore[attr-defined]
            return
        for it in items:
            conds = _conditions(it)
            reqs = _group(it, conds) if conds else [Requirement(((_check_item(it),),))]
            rules.append(Rule(u.id, u.doc_title, u.locator, h.outcome, tuple(h.pre + reqs),  # type: ignore[attr-defined]
                              tuple(dict.fromkeys([u.id, it.unit_id]))))  # type: ignore[attr-defined]

    for unit in units:
        path0 = unit.heading_path[0] if unit.heading_path else ""
        if heading is not None and path0 != heading.path0:
            close()
        text = unit.text
        for s, e in _sentences(text):
            sentence = text[s:e]
            starts_item = bool(_ITEM.match(sentence))
            if _MATERIALS.match(sentence):
                last = None
                continue
            if heading is not None:
                if starts_item and _is_label(sentence):
                    continue  # "(一)高层次人才": a sub-heading inside the list
                style = _marker_style(sentence)
                first_style = _marker_style(heading.items[0].body) if heading.items else style
                if starts_item and style == first_style:
                    heading.items.append(_Span(unit.id, text, s, e))
                    continue
                if heading.items and not _ITEM.match(sentence) and heading.items[-1].unit_id == unit.id \
                        and heading.items[-1].end == s and not _LIST_HEAD.search(sentence) \
                        and _outcome(text, s, e) is None:
                    prev = heading.items[-1]
                    heading.items[-1] = _Span(prev.unit_id, text, prev.start, e)  # the item goes on
                    continue
                close()
            outcome = _outcome(text, s, e)
            head = _LIST_HEAD.search(sentence)
            if outcome is None and head and re.search(r"户口|落户|补贴|奖励|资助", sentence):
                # "…申办上海常住户口同时应符合下列条件": a list of requirements for applying
                m = re.search(r"(?:申办|申请|办理)[^，。；]{0,8}?(?:常住户口|户口|落户)", sentence)
                if m:
                    outcome = Outcome("apply_hukou", m.group(0), s + m.start(), s + m.end())
            if outcome is None:
                if (last is not None and not starts_item and last[0].unit_id == unit.id
                        and "\n" not in text[last[0].outcome.end:s]):
                    extra = _conditions(_Span(unit.id, text, s, e), stated_only=True)
                    if extra:
                        rule, item_start = last
                        rule = Rule(rule.unit_id, rule.doc_title, rule.locator, rule.outcome,
                                    rule.requirements + tuple(_group(_Span(unit.id, text, s, e), extra)),
                                    rule.unit_ids)
                        rules[-1] = rule
                        last = (rule, item_start)
                        continue
                if starts_item:
                    last = None
                continue
            if head:
                pre = _conditions(_Span(unit.id, text, s, s + head.start()))
                heading = _Heading(outcome, "any" if head.group(2) else "all",
                                   _group(_Span(unit.id, text, s, s + head.start()), pre), unit, path0, [])
                last = None
                continue
            region = _Span(unit.id, text, s, outcome.start)
            reqs = _group(region, _conditions(region))
            for m in _PARENS.finditer(text, outcome.end, e):  # "…安家补贴（须签订5年以上劳动合同）"
                tail = _Span(unit.id, text, m.start() + 1, m.end() - 1)
                reqs += _group(tail, _conditions(tail))
            rule = Rule(unit.id, unit.doc_title, unit.locator, outcome, tuple(reqs), (unit.id,))
            rules.append(rule)
            last = (rule, s)
    close()
    return rules


def _is_label(body: str) -> bool:
    """"(一)高层次人才": a sub-heading inside a list, not an item."""
    m = _ITEM.match(body)
    rest = body[m.end():] if m else body
    return len(rest.strip()) <= 12 and not re.search(r"[，,。；;：:]", rest)
