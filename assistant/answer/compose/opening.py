"""The one place that writes what the visitor reads first, in Chinese or English, from typed findings.

Retrieval, the refusal gate, the eligibility rules and validity produce findings; this module turns them into
the answer's opening: the verdict and its deciding figures, the conditions still to check (a ✓/✗/？ list),
or the asked figure, the policy's status or a prohibition's polarity — then, only for a real gap, what the
policies don't say. The quotes follow, written by the answer step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.answer.compose.requirements_text import requirements_lines
from assistant.answer.compose.verdict_text import checklist, verdict_line
from assistant.answer.validity import dates_label, validity_label
from assistant.types import AnswerLang, Requirements, SearchHit, Validity, Verdict

_DETAIL_NAMES: dict[str, dict[str, str]] = {
    "zh": {"amount": "具体金额", "rate": "具体比例或利率", "time_limit": "具体期限或办理时间"},
    "en": {"amount": "an amount", "rate": "a rate", "time_limit": "a time limit or processing time"},
}


@dataclass(frozen=True)
class DirectAnswer:
    """A non-eligibility question's answer in one sentence: the asked figure, the policy's status or dates, whether
    something is prohibited, granted, supported or planned, the body responsible, the term's definition, what to
    hand in or what befalls a breach. `text` is the exact clause fragment it rests on (empty for status); `named`
    the body or the defined term, as the clause writes it; `named_en` the body's English name, when it has one
    (resources/body_names.tsv)."""

    kind: Literal["figure", "validity", "prohibition", "grant", "support", "plan", "body", "definition", "material",
                  "consequence"]
    hit: SearchHit
    text: str = ""
    validity: Validity | None = None
    named: str = ""
    named_en: str = ""
    dates_asked: bool = False  # a policy's status asked as when it took effect or ends, not whether it applies


@dataclass(frozen=True)
class Findings:
    lang: AnswerLang
    cited: Sequence[SearchHit] = ()
    validity: Sequence[Validity] = ()
    verdict: Verdict | None = None
    direct: DirectAnswer | None = None
    requirements: Requirements | None = None  # the rule whose conditions a "what are the conditions" question asks
    uncovered: Sequence[str] = ()  # named things the question hinges on that no policy uses
    missing: Sequence[str] = ()  # asked details no quote states
    hedge_department: str | None = None  # weak evidence: whom to ask
    ask: str | None = None  # whom to ask for a detail the clauses don't state


# --- the opening -----------------------------------------------------------------------------------------
def opening(f: Findings) -> str:
    """Everything said before the quotes."""
    if f.verdict is not None:
        return "\n".join([verdict_lead(f.verdict, f.validity, f.lang), *checklist(f.verdict, f.lang)]) + "\n" \
            + source_line(f)
    parts = [uncovered_line(f.lang, f.uncovered),
             missing_detail_line(f.lang, f.missing, None if f.hedge_department else f.ask)]
    if f.direct is not None and not f.missing:
        # The answer in a line of its own, the first; the quotes' line after it. When the quotes open with the
        # policy and article it named, they are not named again (nor the status, if that is what was asked).
        parts.append(direct_line(f.direct, f.lang).rstrip() + "\n")
        if f.cited and f.cited[0].doc_title == f.direct.hit.doc_title:
            return "".join(parts) + quotes_line(f, status=f.direct.kind != "validity")
    elif f.requirements is not None and not f.missing and not f.hedge_department:
        return "\n".join(requirements_lines(f.requirements, f.lang)) + "\n" + source_line(f)
    parts.append(source_line(f))
    return "".join(parts)


def verdict_lead(v: Verdict, validity: Sequence[Validity], lang: AnswerLang) -> str:
    """The verdict line, with the policy's lapse (if any) said inside its first sentence."""
    line, note = verdict_line(v, lang), lapsed_note(v, validity, lang)
    if not note:
        return line
    at = line.find("）。" if lang == "zh" else ").")  # right after the article it rests on
    end = at + 1 if at >= 0 else len(line)
    return line[:end] + note + line[end:]


def lapsed_note(v: Verdict, validity: Sequence[Validity], lang: AnswerLang) -> str:
    """A verdict resting on a policy that is no longer (or not yet) in force says so in the same line."""
    main = v.main
    status = next((x for x in validity if main and x.doc_title == main.rule.doc_title), None)
    if status is None or status.status in ("in_force", "no_end_date"):
        return ""
    if lang == "zh":
        return f"（依据的文件{validity_label(status, 'zh')}）"
    return f" (under a policy that {validity_label(status, 'en')})"


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
        status = _zh_status(label)
        also = "等文件" if more else ""
        if hedge:
            return (f"已收录的政策文件中可能没有与您的问题完全对应的规定。最接近的是《{first.doc_title}》{first.locator}"
                    f"{also}{status}，原文如下；如不适用，请向{hedge}咨询：")
        return f"《{first.doc_title}》{first.locator}{also}对此有规定{status}，相关条款原文如下："
    status = f" (that policy: {validity_label(v, 'en')})" if v and v.status != "in_force" else ""
    also = " and other documents" if more else ""
    if hedge:
        return (f"The indexed policies may not answer this exactly. The closest clauses are in "
                f"《{first.doc_title}》 {first.locator}{also}{status}, quoted below; if they don't fit your "
                f"case, please ask {hedge}:")
    return (f"The indexed policies address this in 《{first.doc_title}》 {first.locator}{also}{status}; "
            f"the relevant clauses, quoted word for word:")


def quotes_line(f: Findings, status: bool = True) -> str:
    """The words before the quotes when the sentence before them has named where they come from: the policy's
    status, if it is not simply in force, and that the quotes follow."""
    first = f.cited[0]
    v = next((x for x in f.validity if x.doc_title == first.doc_title), None)
    label = validity_label(v, f.lang) if status and v and v.status != "in_force" else ""
    if f.lang == "zh":
        return _zh_status(label) + "相关条款原文如下："
    return f"The clauses, quoted word for word{f' (that policy: {label})' if label else ''}:"


def _zh_status(label: str) -> str:
    """"（该文件已于…到期失效）"; a label that names the document itself ("文件未注明有效期…") takes no 该文件."""
    return f"（{'' if label.startswith('文件') else '该文件'}{label}）" if label else ""


def uncovered_line(lang: AnswerLang, uncovered: Sequence[str]) -> str:
    """"The policies never use the word X" — a checked fact about the corpus, said before the closest clauses."""
    if not uncovered:
        return ""
    if lang == "zh":
        return "已收录的政策文件中没有出现“" + "”“".join(uncovered) + ("”这个词。" if len(uncovered) == 1 else "”这些词。")
    words = "”, “".join(uncovered)
    return f"The indexed policies never use the word{'s' if len(uncovered) > 1 else ''} “{words}”. "


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
        v, title = d.validity, f"《{d.hit.doc_title}》"
        if d.dates_asked:  # "什么时候施行、到哪天": the dates, not a yes or no to a question not asked
            return f"{title}{dates_label(v, 'zh')}。" if lang == "zh" else f"{title}: {dates_label(v, 'en')}. "
        if lang == "zh":
            word = {"expired": "不是", "superseded": "不是", "in_force": "是", "not_yet_in_force": "还没有"}.get(
                v.status, "文件本身没有写明")
            return f"{word}：{title}{validity_label(v, 'zh')}。"
        word = {"expired": "No", "superseded": "No", "in_force": "Yes", "not_yet_in_force": "Not yet"}.get(
            v.status, "The text doesn't say")
        return f"{word} — {title} {validity_label(v, 'en')}. "
    zh, en = _DIRECT_WORDING.get(d.kind, _STATED)
    if lang == "zh":
        return zh.format(where=where, text=d.text, named=d.named)
    # A body named in English keeps its Chinese name beside it: the name the quotes and the hall's signs use.
    named = f"{d.named_en[:1].upper()}{d.named_en[1:]} ({d.named})" if d.named_en else d.named
    return en.format(where=where, text=d.text, named=named)


# How each kind of clause answer is said: (Chinese, English); anything else is stated as the clause says it.
_DIRECT_WORDING = {
    "prohibition": ("不可以：{where}规定“{text}”。", "No — {where} prohibits it: 「{text}」. "),
    "grant": ("可以：{where}规定“{text}”。", "Yes — {where} provides: 「{text}」. "),
    "support": ("是的：{where}提出“{text}”。", "Yes — {where} supports it: 「{text}」. "),
    "plan": ("是的：{where}提出“{text}”。", "Yes — {where} says: 「{text}」. "),
    "body": ("{named}：{where}规定“{text}”。", "{named} — {where} provides: 「{text}」. "),
    "definition": ("按{where}：{text}。", "{where} defines it: 「{text}」. "),
}
_STATED = ("按{where}：{text}。", "{where} states: 「{text}」. ")

# --- verdicts ------------------------------------------------------------------------------------------


def llm_answer_text(f: Findings, checked_text: str) -> str:
    """An LLM's checked reply framed as offline answers are: the verdict and its checklist first, or the
    conditions asked for (or what the policies don't say), then the reply, then each cited policy's status."""
    status = "\n".join(f"《{v.doc_title}》 · {validity_label(v, f.lang)}" for v in f.validity)
    body = f"{checked_text}\n\n{status}" if status else checked_text
    if f.verdict is not None:
        return "\n".join([verdict_lead(f.verdict, f.validity, f.lang), *checklist(f.verdict, f.lang)]) + "\n" + body
    if f.requirements is not None and not f.missing:
        return "\n".join(requirements_lines(f.requirements, f.lang)) + "\n" + body
    return uncovered_line(f.lang, f.uncovered) + missing_detail_line(f.lang, f.missing) + body
