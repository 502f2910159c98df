"""Kiosk pieces: the QR code that carries an answer to the visitor's phone, and the page assets (CSS/JS).

The QR code is made locally with segno and inlined as a data: URI, so it works with no internet.
"""

from __future__ import annotations

import json
from pathlib import Path

import segno

from assistant.types import Answer
from assistant.web.render import esc
from assistant.web.session import Exchange
from assistant.web.strings import t

STATIC_DIR = Path(__file__).resolve().parent / "static"

# A QR code of at most ~1,300 bytes stays at version <= 25 (117 modules): still easy for a phone camera to read
# off a kiosk screen. Longer answers are cut; the sources are always kept whole (they are the point).
QR_BUDGET_BYTES = 1300
_QUESTION_CHARS = 120


def _sources(answer: Answer, lang: str) -> list[str]:
    by_title = {v.doc_title: v for v in answer.validity}
    seen: set[tuple[str, str]] = set()
    lines = []
    for c in answer.citations:
        key = (c.doc_title, c.locator)
        if key in seen:
            continue
        seen.add(key)
        v = by_title.get(c.doc_title)
        status = ""
        if v is not None and v.status == "expired" and v.expires:
            status = f" ({t(lang, 'expired', date=v.expires.isoformat())})"
        elif v is not None and v.status == "superseded" and v.replaced_by_title:
            status = f" ({t(lang, 'superseded_by', title=v.replaced_by_title.strip('《》'))})"
        elif v is not None and v.status == "superseded" and v.replaced_by:
            status = f" ({t(lang, 'superseded', date=v.replaced_by.isoformat())})"
        elif v is not None and v.status == "in_force":
            status = f" ({t(lang, 'in_force')})"
        title = c.doc_title.strip().strip("《》")
        lines.append(f"- 《{title}》{c.locator}{status}")
    return lines


def _fit(text: str, budget: int, suffix: str) -> str:
    """Longest prefix of `text` (plus `suffix` if cut) whose UTF-8 size fits `budget` bytes."""
    if len(text.encode("utf-8")) <= budget:
        return text
    room = budget - len(suffix.encode("utf-8"))
    out = text.encode("utf-8")[: max(room, 0)].decode("utf-8", errors="ignore")
    return out + suffix


def qr_payload(exchange: Exchange, lang: str, budget: int = QR_BUDGET_BYTES) -> str:
    """Plain text for the QR code: the question, the answer (cut to fit) and every source with its status."""
    answer = exchange.answer
    if answer is None:
        raise ValueError("only answered exchanges have a QR code")
    cut = t(lang, "truncated")
    question = exchange.question
    if len(question) > _QUESTION_CHARS:
        question = question[:_QUESTION_CHARS] + "…"
    head = f"{t(lang, 'qr_q')}: {question}\n"
    sources = _sources(answer, lang)
    tail = f"\n{t(lang, 'qr_src')}:\n" + "\n".join(sources) if sources else ""
    tail = _fit(tail, budget * 3 // 5, "…")  # sources keep up to 60%; the answer gets the rest
    room = budget - len(head.encode("utf-8")) - len(tail.encode("utf-8")) - len(f"{t(lang, 'qr_a')}: ".encode())
    body = f"{t(lang, 'qr_a')}: " + _fit(answer.answer.strip(), max(room, 0), "…" + cut)
    return head + body + tail


def qr_html(exchange: Exchange | None, lang: str) -> str:
    """The QR panel for the latest answer (a placeholder until there is one)."""
    if exchange is None or exchange.answer is None:
        return (
            f'<div class="pa-qr pa-qr-empty"><div class="pa-qr-title">{esc(t(lang, "qr_title"))}</div>'
            f'<div class="pa-qr-caption">{esc(t(lang, "qr_empty"))}</div></div>'
        )
    code = segno.make(qr_payload(exchange, lang), error="l", micro=False)
    uri = code.svg_data_uri(scale=4, border=4, dark="#000000", light="#ffffff")
    return (
        f'<div class="pa-qr"><div class="pa-qr-title">{esc(t(lang, "qr_title"))}</div>'
        f'<img class="pa-qr-img" src="{esc(uri)}" alt="{esc(t(lang, "qr_alt"))}" data-version="{code.version}">'
        f'<div class="pa-qr-caption">{esc(t(lang, "qr_caption"))}</div></div>'
    )


def page_css(kiosk: bool) -> str:
    """The app's stylesheet; the kiosk layer adds large type and touch targets."""
    css = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
    if kiosk:
        css += "\n" + (STATIC_DIR / "kiosk.css").read_text(encoding="utf-8")
    return css


def page_js(kiosk: bool, idle_seconds: int) -> str:
    """Page-load JS: in kiosk mode, a timer that presses the hidden reset button after `idle_seconds` idle."""
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    warning = f"{t('zh', 'idle_warning')}\n{t('en', 'idle_warning')}"  # the next visitor may read either
    config = {"kiosk": kiosk, "idleSeconds": int(idle_seconds), "warning": warning}
    return script.replace("__PA_CONFIG__", json.dumps(config, ensure_ascii=False))
