"""A verdict in words, Chinese or English: the first line (yes / no / it depends, with the deciding figures and
the article), and its conditions as a ✓ met / ✗ unmet / ？ to-check list. Chinese quotes each condition's own
span; English names what it is about and its threshold, the span in brackets.
"""

from __future__ import annotations

import re

from assistant.answer.eligibility.verdict import OTHERWISE
from assistant.types import AnswerLang, Branch, CheckedCondition, Fact, RuleCheck, Verdict
from ingest.eligibility.model import Condition, Rule
from ingest.eligibility.quantities import format_quantity
from ingest.eligibility.vocabulary import LEVEL_NAMES_EN

_FIGURES = ("amount", "percent", "duration", "multiple", "count", "age")
_MARK = {"met": "✓", "unmet": "✗", "unknown": "？"}
_TOPIC_EN = {"investment": "investment", "stake": "stake", "work": "work there", "social_insurance":
             "social insurance", "wage": "contribution base (times the average wage)", "tax": "income tax",
             "trade": "technology transaction volume", "capital": "registered capital", "revenue": "revenue",
             "profit": "profit margin", "growth": "revenue growth", "employees": "employees hired",
             "study": "study abroad", "contract": "contract term", "age": "age", "rent": "rent",
             "area": "floor area", "unemployment": "unemployment"}
_QUALIFIER_EN = {"first_round": "first-round", "cumulative": "cumulative", "continuous": "continuous",
                 "paid_in": "paid-in"}
_OP_EN = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "=": ""}
_OP_ZH = {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "=": ""}

_MEMBER = {"zh": {"spouse": "您的配偶", "child": "您的子女"}, "en": {"spouse": "your spouse", "child": "your child"}}


def _member(rule: Rule, lang: AnswerLang) -> str:
    return _MEMBER[lang].get(rule.beneficiary or "", "家属" if lang == "zh" else "your family member")


def _outcome_phrase(rule: Rule, lang: AnswerLang) -> str:
    o = rule.outcome
    if o.kind == "family":
        return (f"{_member(rule, lang)}可以随迁（“{o.text}”）" if lang == "zh"
                else f"{_member(rule, lang)} can move their hukou with yours (「{o.text}」)")
    if o.kind == "status":
        return f"您属于“{o.text}”" if lang == "zh" else f"you count as 「{o.text}」"
    if lang == "zh":
        if o.kind == "other" and re.match(r"(?:也)?(?:可以|可)|(?:申请|申办|办理|向)", o.text):
            # "申请住房公积金贷款", "可以按照简易程序办理注销登记": what is asked for, as said
            return f"可以{re.sub(r'^(?:也)?(?:可以|可)', '', o.text)}"
        if o.kind == "shorten":
            return f"持证和社保年限可由{plain_number(o.from_value)}年缩短为{plain_number(o.value)}年"
        if o.kind == "direct_hukou":
            return "可以直接申办本市常住户口"
        if o.kind == "apply_hukou":
            return "可以申办本市常住户口"
        if o.kind == "points":
            return f"可积{plain_number(o.value)}分"
        return f"可以享受“{o.text}”" + (f"（最高{format_quantity('amount', o.value, 'zh')}）" if o.value else "")
    if o.kind == "shorten":
        return (f"the {plain_number(o.from_value)} years (residence permit and social insurance) become "
                f"{plain_number(o.value)} years")
    if o.kind == "direct_hukou":
        return "you can apply for a Shanghai hukou directly"
    if o.kind == "apply_hukou":
        return "you can apply for a Shanghai hukou"
    if o.kind == "points":
        return f"you get {plain_number(o.value)} points"
    cap = f" (up to {format_quantity('amount', o.value, 'en')})" if o.value else ""
    return f"you qualify for 「{o.text}」{cap}"


def _short(rule: Rule, lang: AnswerLang) -> str:
    """The outcome in a few words, for branches: "3年" / "3 years"."""
    o = rule.outcome
    if o.kind == "shorten":
        return (f"可由{plain_number(o.from_value)}年缩短为{plain_number(o.value)}年" if lang == "zh"
                else f"the {plain_number(o.from_value)} years become {plain_number(o.value)}")
    return _outcome_phrase(rule, lang)


def describe(c: Condition, lang: AnswerLang, shared: bool = False) -> str:
    """A condition in plain words: zh quotes its span; en names what it is about and the threshold. `shared`: the
    span also holds another condition of the rule ("累计36个月…社会平均工资3倍" is a duration and a multiple), so
    the Chinese line says which of its thresholds this one is."""
    if lang == "zh" and c.value is not None and c.kind in _FIGURES and (shared or not re.search(r"\d", c.text)):
        # "连续失业两年以上（2年）": the figure in digits; "…36个月…3倍（不低于3倍）": the threshold this line checks
        op = _OP_ZH.get(c.op or ">=", "") if shared else ""
        return f"{c.text}（{op}{format_quantity(c.kind, c.value, 'zh')}）"
    if lang == "zh" or c.kind in ("other",):
        return c.text if lang == "zh" else f"「{c.text}」"
    if c.kind in ("role", "credential"):
        name = LEVEL_NAMES_EN.get(c.level or "", {}).get(int(c.value or 0), c.text)
        return f"{name} (「{c.text}」)"
    topics, qualifiers, base = set(c.topics), sorted(c.qualifiers), []
    threshold = format_quantity(c.kind, c.value or 0, "en")
    if c.kind == "duration" and "退休" in c.text:  # 距法定退休年龄5年以上: a time before retirement, not an age
        return f"{_OP_EN.get(c.op or '>=', '')} {threshold} before the statutory retirement age (「{c.text}」)"
    if c.kind == "duration" and "回国" in c.text and c.op in ("<=", "<"):  # 回国后2年内: since coming back
        return f"within {threshold} of returning from abroad (「{c.text}」)"
    if c.kind == "multiple" and "wage" in topics:
        # "social insurance contribution base at least 3 times the average wage"; 累计 says how the months add up
        topics.discard("wage")
        threshold += " the average wage"
        base, qualifiers = ["contribution base" if "social_insurance" in topics else "pay"], []
    elif c.kind == "duration":
        topics.discard("wage")  # how long, not at what base: the base is its own line
    what = " ".join([*(_QUALIFIER_EN[q] for q in qualifiers if q in _QUALIFIER_EN),
                     *(_TOPIC_EN[t] for t in sorted(topics) if t in _TOPIC_EN), *base][:4]) or c.kind
    usually = "usually " if c.soft else ""  # 一般/原则上: the clause allows exceptions
    return f"{what} {usually}{_OP_EN.get(c.op or '>=', '')} {threshold}".replace("  ", " ") + f" (「{c.text}」)"


def _you(x: CheckedCondition, lang: AnswerLang) -> str:
    if x.fact is None:
        return ""
    return f"（您：{x.fact.display('zh')}）" if lang == "zh" else f" (you: {x.fact.display('en')})"


def checklist(v: Verdict, lang: AnswerLang) -> list[str]:
    """The deciding rule's conditions, each ✓ met, ✗ unmet or ？ to check."""
    main = v.main
    if main is None:
        return []
    shared = _shared_spans(main)
    return [f"{_MARK[x.status]} {describe(x.condition, lang, x.condition.text in shared)}{_you(x, lang)}"
            for x in main.conditions]


def _shared_spans(check: RuleCheck) -> set[str]:
    """Spans that hold more than one of the rule's conditions."""
    texts = [c.text for c in check.rule.conditions]
    return {t for t in texts if texts.count(t) > 1}


def _basis(check: RuleCheck, lang: AnswerLang) -> str:
    """The thresholds the visitor's figures meet, for an outcome that has no figure of its own."""
    met = [x for x in check.conditions if x.status == "met" and x.fact is not None
           and x.condition.kind not in ("role", "credential", "other")]
    if not met:
        return ""
    if lang == "zh":
        shared = _shared_spans(check)
        return "您的" + "、".join(f"{x.fact.display('zh')}达到“{describe(x.condition, lang, x.condition.text in shared)}”"
                                for x in met) + "。"
    return " Your " + "; ".join(f"{x.fact.display('en')} meets {describe(x.condition, 'en')}" for x in met) + "."


def _failed(check: RuleCheck, lang: AnswerLang) -> str:
    parts = []
    shared = _shared_spans(check)
    for x in check.unmet:
        if lang == "zh":
            parts.append(f"需“{describe(x.condition, lang, x.condition.text in shared)}”{_you(x, lang)}")
        else:
            parts.append(f"it requires {describe(x.condition, lang)}{_you(x, lang)}")
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


# A condition that reads as a clause ("在全日制中学就读", "最近4年内累计36个月…") follows 如果 as it is; one that names a
# thing ("高水平大学", "家庭生活严重困难") is quoted: "如果符合“高水平大学”".
_CLAUSE_START = re.compile(r"^(?:在|与|于|获得|取得|具有|具备|持有|担任|最近|近|连续|累计|已|未|无|有|仍|是|属|经|被|从事|缴纳|"
                           r"签订|入选|参加|须|应|年满|距)")


def _reading(b: Branch, fact: Fact | None, lang: AnswerLang) -> str:
    shown = fact.display(lang) if fact else ""
    if lang == "zh":
        reading = b.reading or ""
        condition = reading if _CLAUSE_START.match(reading) else f"符合“{reading}”"
        return {"first_round": f"如果这{shown}是首轮创业投资", "cumulative": "如果是累计获得的投资",
                OTHERWISE: "否则"}.get(reading, f"如果{condition}")
    return {"first_round": f"if the {shown} was a first round", "cumulative": "if it is cumulative",
            OTHERWISE: "otherwise"}.get(b.reading or "", f"if 「{b.reading}」")


def _not_phrase(rule: Rule, lang: AnswerLang) -> str:
    o = rule.outcome
    if o.kind == "family":
        return f"{_member(rule, lang)}不能随迁" if lang == "zh" else f"No, {_member(rule, lang)} can't move their hukou with yours"
    if o.kind == "status":
        return f"不属于“{o.text}”" if lang == "zh" else f"No, you don't count as 「{o.text}」"
    if lang == "zh":
        return {"shorten": f"不能由{plain_number(o.from_value)}年缩短为{plain_number(o.value)}年", "direct_hukou": "不能直接申办本市常住户口",
                "apply_hukou": "按这一条不能申办本市常住户口", "points": f"不能积{plain_number(o.value)}分"}.get(
            o.kind, f"不符合“{o.text}”的条件")
    return {"shorten": f"No, the {plain_number(o.from_value)} years don't become {plain_number(o.value)}",
            "direct_hukou": "No, you can't apply for a Shanghai hukou directly",
            "apply_hukou": "No, not under this route to a Shanghai hukou",
            "points": f"No, you don't get the {plain_number(o.value)} points"}.get(o.kind, f"No, you don't qualify for 「{o.text}」")


def verdict_line(v: Verdict, lang: AnswerLang) -> str:
    """The first, largest line: yes / no / it depends, with the deciding figures. The article is named
    (the policy's title follows, with the quotes)."""
    main = v.main
    where = ""
    if main is not None:
        where = f"（{main.rule.locator}）" if lang == "zh" else f" ({main.rule.locator})"
    if v.outcome == "depends":
        if lang == "zh":
            parts = [f"{_reading(b, v.ambiguous_fact, lang)}，{_short(b.best.rule, lang) if b.best else '不符合条件'}"
                     for b in v.branches]
            head = "可以，" if all(b.best for b in v.branches) else "要看情况："
            return f"{head}{'；'.join(parts)}{where}。"
        parts = [f"{_reading(b, v.ambiguous_fact, lang)}, {_short(b.best.rule, lang) if b.best else 'you do not qualify'}"
                 for b in v.branches]
        head = "Yes. " if all(b.best for b in v.branches) else "It depends: "
        text = "; ".join(parts)
        return f"{head}{text[0].upper()}{text[1:]}{where}."
    b = v.branches[0]
    if v.outcome == "yes" and b.best is not None:
        basis = _basis(b.best, lang) if b.best.rule.outcome.value is None else ""
        if lang == "zh":
            return f"可以。按您说的情况，{_outcome_phrase(b.best.rule, lang)}{where}。{basis}"
        return f"Yes. From what you say, {_outcome_phrase(b.best.rule, lang)}{where}.{basis}"
    near = b.nearest
    if near is None:
        return ""
    if lang == "zh":
        text = f"{_not_phrase(near.rule, lang)}{where}：{_failed(near, lang)}。"
        if b.fallback is not None:
            text += f"但按{b.fallback.rule.locator}，{_outcome_phrase(b.fallback.rule, lang)}。"
        return text
    text = f"{_not_phrase(near.rule, lang)}{where}: {_failed(near, lang)}."
    if b.fallback is not None:
        text += f" But under {b.fallback.rule.locator}, {_outcome_phrase(b.fallback.rule, lang)}."
    return text


def plain_number(x: float | None) -> str:
    """3.0 → "3", 1.5 → "1.5"; "?" for no value."""
    if x is None:
        return "?"
    return str(int(x)) if x == int(x) else f"{x:g}"
