"""Whether a cited policy is in force on a given day, with labels for visitors in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from assistant.types import SearchHit, Validity

Lang = Literal["zh", "en"]


def policy_validity(doc_title: str, effective: date | None, expires: date | None, today: date,
                    note: str | None = None) -> Validity:
    """Status on `today`. A policy whose start date is in the future is not yet in force; one with an end
    date before today expired; one with no end date stated is reported as such (not as "in force": the
    compilation can't tell whether it was repealed)."""
    if effective is not None and effective > today:
        status = "not_yet_in_force"
    elif expires is not None and expires < today:
        status = "expired"
    elif expires is not None:
        status = "in_force"
    else:
        status = "no_end_date"
    return Validity(doc_title=doc_title, status=status, expires=expires, effective=effective, note=note)


def validity_for_hits(hits: Iterable[SearchHit], today: date) -> list[Validity]:
    """One Validity per distinct cited document, in order of first citation."""
    seen: dict[str, Validity] = {}
    for h in hits:
        if h.doc_id not in seen:
            seen[h.doc_id] = policy_validity(h.doc_title, h.effective, h.expires, today)
    return list(seen.values())


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def validity_label(v: Validity, lang: Lang) -> str:
    """A short human label, e.g. "已于2023年12月31日失效" / "expired on 2023-12-31"."""
    if v.status == "expired" and v.expires:
        return f"已于{_zh_date(v.expires)}到期失效" if lang == "zh" else f"expired on {v.expires.isoformat()}"
    if v.status == "in_force":
        if lang == "zh":
            return f"现行有效（有效期至{_zh_date(v.expires)}）" if v.expires else "现行有效"
        return f"in force (until {v.expires.isoformat()})" if v.expires else "in force"
    if v.status == "not_yet_in_force" and v.effective:
        if lang == "zh":
            return f"尚未施行（自{_zh_date(v.effective)}起施行）"
        return f"not yet in force (takes effect {v.effective.isoformat()})"
    # no_end_date
    if lang == "zh":
        since = f"，自{_zh_date(v.effective)}起施行" if v.effective else ""
        return f"文件未注明有效期{since}，请向发文部门确认是否仍在执行"
    since = f"; effective from {v.effective.isoformat()}" if v.effective else ""
    return f"no end date stated{since} — check with the issuing department that it still applies"


def bilingual_label(v: Validity) -> str:
    """Both languages, for places that serve either visitor (the UI's status badge)."""
    return f"{validity_label(v, 'zh')} / {validity_label(v, 'en')}"
