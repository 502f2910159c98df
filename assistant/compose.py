"""The one place that writes what the visitor reads first, in Chinese or English, from typed findings.

Retrieval, the refusal gate, the eligibility rules and validity produce findings; this module turns them into
the answer's opening: the verdict and its deciding figures, the conditions still to check (a ✓/✗/？ list),
or the asked figure, the policy's status or a prohibition's polarity — then, only for a real gap, what the
policies don't say. The quotes follow, written by the answer step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.eligibility.facts import Fact
from assistant.eligibility.verdict import Branch, CheckedCondition, RuleCheck, Verdict
from assistant.types import SearchHit, Validity
from assistant.validity import validity_label
from ingest.eligibility.model import Condition, Rule
from ingest.eligibility.quantities import format_quantity

AnswerLang = Literal["zh", "en"]

_DETAIL_NAMES: dict[str, dict[str, str]] = {
    "zh": {"amount": "具体金额", "rate": "具体比例或利率", "time_limit": "具体期限或办理时间"},
    "en": {"amount": "an amount", "rate": "a rate", "time_limit": "a time limit or processing time"},
}
_MARK = {"met": "✓", "unmet": "✗", "unknown": "？"}
_TOPIC_EN = {"investment": "investment", "stake": "stake", "work": "work there", "social_insurance":
             "social insurance", "wage": "contribution base (times the average wage)", "tax": "income tax",
             "trade": "technology transaction volume", "capital": "registered capital", "revenue": "revenue",
             "profit": "profit margin", "growth": "revenue growth", "employees": "employees hired",
             "study": "study abroad", "contract": "contract term", "age": "age", "rent": "rent",
             "area": "floor area"}
_QUALIFIER_EN = {"first_round": "first-round", "cumulative": "cumulative", "continuous": "continuous",
                 "paid_in": "paid-in"}
_OP_EN = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "=": ""}
_OP_ZH = {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "=": ""}


@dataclass(frozen=True)
class DirectAnswer:
    """A non-eligibility question's answer in one sentence: the asked figure, the policy's status, or
    whether something is prohibited. `text` is the exact clause fragment it rests on (empty for status)."""

    kind: Literal["figure", "validity", "prohibition"]
    hit: SearchHit
    text: str = ""
    validity: Validity | None = None


@dataclass(frozen=True)
class Findings:
    lang: AnswerLang
    cited: Sequence[SearchHit] = ()
    validity: Sequence[Validity] = ()
    verdict: Verdict | None = None
    direct: DirectAnswer | None = None
    uncovered: Sequence[str] = ()  # named things the question hinges on that no policy uses
    missing: Sequence[str] = ()  # asked details no quote states
    hedge_department: str | None = None  # weak evidence: whom to ask
    ask: str | None = None  # whom to ask for a detail the clauses don't state
    extra: Sequence[str] = field(default=())


# --- the opening -----------------------------------------------------------------------------------------
def opening(f: Findings) -> str:
    """Everything said before the quotes."""
    if f.verdict is not None:
        return "\n".join([verdict_line(f.verdict, f.lang), *checklist(f.verdict, f.lang)]) + "\n" \
            + source_line(f)
    parts = [uncovered_line(f.lang, f.uncovered),
             missing_detail_line(f.lang, f.missing, None if f.hedge_department else f.ask)]
    if f.direct is not None and not f.missing:
        parts.append(direct_line(f.direct, f.lang))
    parts.append(source_line(f))
    return "".join(parts)


def source_line(f: Findings) -> str:
    """Where the answer rests and, if so, that the policy's period has ended; hedged, naming whom to ask,
    when the evidence is weak."""
    if not f.cited:
        return ""
    first = f.cited[0]
    v = next((x for x in f.validity if x.doc_title == first.doc_title), None)
    more = len({h.doc_title for h in f.cited}) > 1
    hedge = f.hedge_department if f.verdict is None and f.direct is None else None
    if f.lang == "zh":
        label = validity_label(v, "zh") if v and v.status != "in_force" else ""
        status = f"（{'' if label.startswith('文件') else '该文件'}{label}）" if label else ""
        also = "等文件" if more else ""
        if hedge:
            return (f"汇编政策中可能没有与您的问题完全对应的规定。最接近的是《{first.doc_title}》{first.locator}"
                    f"{also}{status}，原文如下；如不适用，请向{hedge}咨询：")
        return f"《{first.doc_title}》{first.locator}{also}对此有规定{status}，相关条款原文如下："
    status = f" (that policy: {validity_label(v, 'en')})" if v and v.status != "in_force" else ""
    also = " and other documents" if more else ""
    if hedge:
        return (f"The compiled policies may not answer this exactly. The closest clauses are in "
                f"《{first.doc_title}》 {first.locator}{also}{status}, quoted below; if they don't fit your "
                f"case, please ask {hedge}:")
    return (f"The compiled policies address this in 《{first.doc_title}》 {first.locator}{also}{status}; "
            f"the relevant clauses, quoted word for word:")


def uncovered_line(lang: AnswerLang, uncovered: Sequence[str]) -> str:
    """"The policies never use the word X" — a checked fact about the corpus, said before the closest clauses."""
    if not uncovered:
        return ""
    if lang == "zh":
        return "汇编政策中没有出现“" + "”“".join(uncovered) + ("”这个词。" if len(uncovered) == 1 else "”这些词。")
    words = "”, “".join(uncovered)
    return f"The compiled policies never use the word{'s' if len(uncovered) > 1 else ''} “{words}”. "


def missing_detail_line(lang: AnswerLang, kinds: Sequence[str], ask: str | None = None) -> str:
    """"The quoted clauses don't state an amount." — said before the quotes, so nobody reads one into them,
    with whom to ask for it."""
    names = [_DETAIL_NAMES[lang][k] for k in kinds]
    if not names:
        return ""
    if lang == "zh":
        return "所引条款没有写明" + "、".join(names) + (f"，请向{ask}咨询。" if ask else "。")
    return f"The quoted clauses don't state {' or '.join(names)}" + (f"; please ask {ask}. " if ask else ". ")


def direct_line(d: DirectAnswer, lang: AnswerLang) -> str:
    where = f"《{d.hit.doc_title}》{d.hit.locator}" if lang == "zh" else f"《{d.hit.doc_title}》 {d.hit.locator}"
    if d.kind == "validity" and d.validity is not None:
        v = d.validity
        if lang == "zh":
            word = {"expired": "不是", "in_force": "是", "not_yet_in_force": "还没有"}.get(v.status, "文件本身没有写明")
            return f"{word}：{where}{validity_label(v, 'zh')}。"
        word = {"expired": "No", "in_force": "Yes", "not_yet_in_force": "Not yet"}.get(v.status, "The text doesn't say")
        return f"{word} — {validity_label(v, 'en')} ({where}). "
    if d.kind == "prohibition":
        if lang == "zh":
            return f"不可以：{where}规定“{d.text}”。"
        return f"No — {where} prohibits it: 「{d.text}」. "
    if lang == "zh":
        return f"按{where}：{d.text}。"
    return f"{where} states: 「{d.text}」. "


# --- verdicts ------------------------------------------------------------------------------------------
def _outcome_phrase(rule: Rule, lang: AnswerLang) -> str:
    o = rule.outcome
    if lang == "zh":
        if o.kind == "shorten":
            return f"持证和社保年限可由{_n(o.from_value)}年缩短为{_n(o.value)}年"
        if o.kind == "direct_hukou":
            return "可以直接申办本市常住户口"
        if o.kind == "apply_hukou":
            return "可以申办本市常住户口"
        if o.kind == "points":
            return f"可积{_n(o.value)}分"
        return f"可以享受“{o.text}”" + (f"（最高{format_quantity('amount', o.value, 'zh')}）" if o.value else "")
    if o.kind == "shorten":
        return (f"the {_n(o.from_value)} years (residence permit and social insurance) become "
                f"{_n(o.value)} years")
    if o.kind == "direct_hukou":
        return "you can apply for a Shanghai hukou directly"
    if o.kind == "apply_hukou":
        return "you can apply for a Shanghai hukou"
    if o.kind == "points":
        return f"you get {_n(o.value)} points"
    cap = f" (up to {format_quantity('amount', o.value, 'en')})" if o.value else ""
    return f"you qualify for 「{o.text}」{cap}"


def _short(rule: Rule, lang: AnswerLang) -> str:
    """The outcome in a few words, for branches: "3年" / "3 years"."""
    o = rule.outcome
    if o.kind == "shorten":
        return (f"可由{_n(o.from_value)}年缩短为{_n(o.value)}年" if lang == "zh"
                else f"the {_n(o.from_value)} years become {_n(o.value)}")
    return _outcome_phrase(rule, lang)


def describe(c: Condition, lang: AnswerLang) -> str:
    """A condition in plain words: zh quotes its span; en names what it is about and the threshold."""
    if lang == "zh" or c.kind in ("other",):
        return c.text if lang == "zh" else f"「{c.text}」"
    if c.kind in ("role", "credential"):
        from ingest.eligibility.vocabulary import LEVEL_NAMES_EN

        name = LEVEL_NAMES_EN.get(c.level or "", {}).get(int(c.value or 0), c.text)
        return f"{name} (「{c.text}」)"
    what = " ".join([*(_QUALIFIER_EN[q] for q in sorted(c.qualifiers) if q in _QUALIFIER_EN),
                     *(_TOPIC_EN[t] for t in sorted(c.topics) if t in _TOPIC_EN)][:3]) or c.kind
    threshold = format_quantity(c.kind, c.value or 0, "en")
    return f"{what} {_OP_EN.get(c.op or '>=', '')} {threshold}".replace("  ", " ") + f" (「{c.text}」)"


def _you(x: CheckedCondition, lang: AnswerLang) -> str:
    if x.fact is None:
        return ""
    return f"（您：{x.fact.display('zh')}）" if lang == "zh" else f" (you: {x.fact.display('en')})"


def checklist(v: Verdict, lang: AnswerLang) -> list[str]:
    """The deciding rule's conditions, each ✓ met, ✗ unmet or ？ to check."""
    main = v.main
    if main is None:
        return []
    return [f"{_MARK[x.status]} {describe(x.condition, lang)}{_you(x, lang)}" for x in main.conditions]


def _threshold(x: CheckedCondition, lang: AnswerLang) -> str:
    c = x.condition
    if c.kind in ("role", "credential", "other") or c.value is None:
        return describe(c, lang)
    if lang == "zh":
        return f"{c.text}"
    return describe(c, lang)


def _basis(check: RuleCheck, lang: AnswerLang) -> str:
    """The thresholds the visitor's figures meet, for an outcome that has no figure of its own."""
    met = [x for x in check.conditions if x.status == "met" and x.fact is not None
           and x.condition.kind not in ("role", "credential", "other")]
    if not met:
        return ""
    if lang == "zh":
        return "您的" + "、".join(f"{x.fact.display('zh')}达到“{x.condition.text}”" for x in met) + "。"
    return " Your " + "; ".join(f"{x.fact.display('en')} meets {describe(x.condition, 'en')}" for x in met) + "."


def _failed(check: RuleCheck, lang: AnswerLang) -> str:
    parts = []
    for x in check.unmet:
        if lang == "zh":
            parts.append(f"需“{_threshold(x, lang)}”{_you(x, lang)}")
        else:
            parts.append(f"it requires {_threshold(x, lang)}{_you(x, lang)}")
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def _reading(b: Branch, fact: Fact | None, lang: AnswerLang) -> str:
    shown = fact.display(lang) if fact else ""
    if lang == "zh":
        return {"first_round": f"如果这{shown}是首轮创业投资", "cumulative": "如果是累计获得的投资"}.get(
            b.reading or "", f"如果{b.reading}")
    return {"first_round": f"if the {shown} was a first round", "cumulative": "if it is cumulative"}.get(
        b.reading or "", f"if {b.reading}")


def _not_phrase(rule: Rule, lang: AnswerLang) -> str:
    o = rule.outcome
    if lang == "zh":
        return {"shorten": f"不能由{_n(o.from_value)}年缩短为{_n(o.value)}年", "direct_hukou": "不能直接申办本市常住户口",
                "apply_hukou": "按这一条不能申办本市常住户口", "points": f"不能积{_n(o.value)}分"}.get(
            o.kind, f"不符合“{o.text}”的条件")
    return {"shorten": f"No, the {_n(o.from_value)} years don't become {_n(o.value)}",
            "direct_hukou": "No, you can't apply for a Shanghai hukou directly",
            "apply_hukou": "No, not under this route to a Shanghai hukou",
            "points": f"No, you don't get the {_n(o.value)} points"}.get(o.kind, f"No, you don't qualify for 「{o.text}」")


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


def _n(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if x == int(x) else f"{x:g}"
