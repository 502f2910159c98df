"""HTML for the conversation and source cards.

Safety rule: every piece of visitor or policy text goes through `esc()`; the only markup emitted is the fixed tags
written in this module. `esc()` also neutralises `$`, braces and backticks so Gradio's HTML template engine
can't interpret them.
"""

from __future__ import annotations

import html
import re

from assistant.answer.compose.requirements_text import BULLET
from assistant.types import Answer, Citation, Validity
from assistant.web.session import Exchange, Session
from assistant.web.strings import STARTERS, t

_TEMPLATE_CHARS = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})
_WS = re.compile(r"\s+")


def esc(text: object) -> str:
    """Escape text for HTML body and attribute context."""
    return html.escape(str(text), quote=True).translate(_TEMPLATE_CHARS)


def esc_multiline(text: str) -> str:
    return esc(text).replace("\n", "<br>")


def _title(doc_title: str) -> str:
    core = doc_title.strip().strip("《》")
    return f"《{core}》"


def validity_badge(validity: Validity | None, lang: str) -> str:
    if validity is None:
        return f'<span class="pa-badge pa-unknown">{esc(t(lang, "unknown_validity"))}</span>'
    if validity.status == "in_force":
        label, cls = t(lang, "in_force"), "pa-in-force"
    elif validity.status == "expired":
        date = validity.expires.isoformat() if validity.expires else "?"
        label, cls = t(lang, "expired", date=date), "pa-expired"
    elif validity.status == "superseded" and validity.replaced_by_title:
        label, cls = t(lang, "superseded_by", title=validity.replaced_by_title.strip("《》")), "pa-expired"
    elif validity.status == "superseded":
        date = validity.replaced_by.isoformat() if validity.replaced_by else "?"
        label, cls = t(lang, "superseded", date=date), "pa-expired"
    elif validity.status == "not_yet_in_force":
        date = validity.effective.isoformat() if validity.effective else "?"
        label, cls = t(lang, "not_yet", date=date), "pa-not-yet"
    else:
        label, cls = t(lang, "no_end_date"), "pa-no-end"
    title = f' title="{esc(validity.note)}"' if validity.note else ""
    return f'<span class="pa-badge {cls}"{title}>{esc(label)}</span>'


def _find(haystack: str, needle: str) -> tuple[int, int] | None:
    """Span of `needle` in `haystack`, tolerating whitespace differences (PDF text has stray spaces)."""
    if not needle:
        return None
    i = haystack.find(needle)
    if i >= 0:
        return i, i + len(needle)
    core = _WS.sub("", needle)
    if not core:
        return None
    pattern = r"\s*".join(re.escape(ch) for ch in core)
    m = re.search(pattern, haystack)
    return (m.start(), m.end()) if m else None


def highlight(unit_text: str, quote: str) -> str:
    """Full unit text with the quoted sentence wrapped in <mark>; both escaped."""
    span = _find(unit_text, quote)
    if span is None:
        return esc_multiline(unit_text)
    a, b = span
    return f"{esc_multiline(unit_text[:a])}<mark>{esc_multiline(unit_text[a:b])}</mark>{esc_multiline(unit_text[b:])}"


def source_card(n: int, citation: Citation, validity: Validity | None, lang: str) -> str:
    unverified = (
        "" if citation.verified else f'<span class="pa-badge pa-unverified">{esc(t(lang, "unverified"))}</span>'
    )
    full = ""
    if citation.unit_text:
        full = (
            f'<details class="pa-full"><summary>{esc(t(lang, "show_full"))}</summary>'
            f'<div class="pa-unit">{highlight(citation.unit_text, citation.quote)}</div></details>'
        )
    return (
        f'<div class="pa-card" data-citation="{esc(citation.id)}">'
        f'<div class="pa-card-head"><span class="pa-num">[{n}]</span>'
        f'<span class="pa-doc">{esc(_title(citation.doc_title))}</span>'
        f'<span class="pa-loc">{esc(citation.locator)}</span>{validity_badge(validity, lang)}{unverified}</div>'
        f'<blockquote class="pa-quote">{esc_multiline(citation.quote)}</blockquote>{full}</div>'
    )


_CHECK_CLASS = {"✓": "pa-met", "✗": "pa-unmet", "？": "pa-check"}


def render_answer_text(answer: Answer) -> str:
    """The answer's words; with a verdict, its first line as the verdict (the largest line) and the ✓/✗/？
    lines after it as a checklist; with a clause that grants or forbids what was asked, its first line as the yes or
    the no."""
    if answer.verdict is None and answer.requirements is not None:
        return _requirements_text(answer.answer)
    if answer.verdict is None and answer.clause_answer is not None:
        # A clause that answers by itself: its first line is the yes or the no, or the figure, body, definition,
        # documents to hand in or what befalls a breach.
        head, _, rest = answer.answer.partition("\n")
        if not answer.clause_answer.yes_or_no:
            return f'<div class="pa-lead" role="status">{esc(head)}</div>{esc_multiline(rest)}'
        outcome = "yes" if answer.clause_answer.kind == "grant" else "no"
        return f'<div class="pa-verdict pa-verdict-{outcome}" role="status">{esc(head)}</div>{esc_multiline(rest)}'
    if answer.verdict is None:
        return esc_multiline(answer.answer)
    lines = answer.answer.split("\n")
    head, rest = lines[0], lines[1:]
    checks = []
    while rest and rest[0][:1] in _CHECK_CLASS:
        checks.append(rest.pop(0))
    items = "".join(f'<li class="{_CHECK_CLASS[line[0]]}"><span class="pa-mark">{esc(line[0])}'
                    f'</span>{esc(line[1:].strip())}</li>' for line in checks)
    checklist = f'<ul class="pa-checklist">{items}</ul>' if items else ""
    outcome = esc(answer.verdict.outcome)
    return (f'<div class="pa-verdict pa-verdict-{outcome}" role="status">{esc(head)}</div>'
            f'{checklist}{esc_multiline(chr(10).join(rest))}')


def _requirements_text(text: str) -> str:
    """The listed conditions: the line naming the outcome as the lead, the "•" lines after it as a list."""
    lines = text.split("\n")
    head, rest = lines[0], lines[1:]
    items = []
    while rest and rest[0].startswith(BULLET):
        items.append(f"<li>{esc(rest.pop(0)[len(BULLET):].strip())}</li>")
    listed = f'<ul class="pa-requirements">{"".join(items)}</ul>' if items else ""
    return f'<div class="pa-lead">{esc(head)}</div>{listed}{esc_multiline(chr(10).join(rest))}'


def render_answer(answer: Answer, lang: str) -> str:
    parts = []
    if answer.mode == "extractive" and not (answer.refused and not answer.citations):
        detail = f'<span class="pa-notice-detail">{esc(answer.notice)}</span>' if answer.notice else ""
        parts.append(f'<div class="pa-notice" role="note">{esc(t(lang, "extractive"))}{detail}</div>')
    cls = "pa-answer pa-refused" if answer.refused else "pa-answer"
    parts.append(f'<div class="{cls}">{render_answer_text(answer)}</div>')
    if answer.verdict is not None and answer.verdict.rests_on_unchecked_rule:
        parts.append(f'<div class="pa-smallprint" role="note">{esc(t(lang, "unchecked_rule"))}</div>')
    if answer.citations:
        by_title = {v.doc_title: v for v in answer.validity}
        cards = "".join(
            source_card(i, c, by_title.get(c.doc_title), lang) for i, c in enumerate(answer.citations, 1)
        )
        parts.append(f'<div class="pa-sources"><div class="pa-sources-title">{esc(t(lang, "sources"))}</div>{cards}</div>')
    return "".join(parts)


def render_exchange(ex: Exchange, lang: str, streaming: bool = False) -> str:
    user = (
        f'<div class="pa-msg pa-user"><div class="pa-who">{esc(t(lang, "you"))}</div>'
        f'<div class="pa-bubble">{esc_multiline(ex.question)}</div></div>'
    )
    if ex.answer is not None:
        body = render_answer(ex.answer, lang)
    elif ex.message is not None:
        body = f'<div class="pa-error" role="alert">{esc(ex.message)}</div>'
    elif ex.partial:
        body = f'<div class="pa-answer pa-streaming">{esc_multiline(ex.partial)}<span class="pa-cursor"></span></div>'
    else:
        body = f'<div class="pa-thinking">{esc(t(lang, "thinking"))}</div>'
    busy = ' aria-busy="true"' if streaming else ""
    return (
        f'{user}<div class="pa-msg pa-bot"{busy}><div class="pa-who">{esc(t(lang, "assistant"))}</div>'
        f'<div class="pa-bubble">{body}</div></div>'
    )


def render_welcome(lang: str, kiosk: bool) -> str:
    extra = f'<p class="pa-kiosk-hint">{esc(t(lang, "kiosk_hint"))}</p>' if kiosk else ""
    examples = "".join(f"<li>{esc(q)}</li>" for q in STARTERS.get(lang, STARTERS["zh"])[:2])
    return (
        f'<div class="pa-welcome"><p class="pa-hint-title">{esc(t(lang, "hint_title"))}</p>'
        f'<p>{esc(t(lang, "hint_body"))}</p><ul>{examples}</ul>{extra}</div>'
    )


def render_conversation(session: Session | None, kiosk: bool, lang: str | None = None, streaming: bool = False) -> str:
    lang = lang or (session.lang if session else "zh")
    if session is None or not session.exchanges:
        inner = render_welcome(lang, kiosk)
    else:
        last = len(session.exchanges) - 1
        inner = "".join(render_exchange(ex, lang, streaming and i == last) for i, ex in enumerate(session.exchanges))
    count = len(session.exchanges) if session else 0
    return f'<div class="pa-chat" data-exchanges="{count}" lang="{esc(lang)}">{inner}</div>'
