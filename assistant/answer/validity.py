"""Whether a cited policy is in force on a given day, with labels for visitors in Chinese and English.

What "no end date" means depends on the kind of document: a regulation (条例) or rule (规定) stays in force from its
effective date until it is amended or repealed, so it is in force; a normative document (通知, 办法, 意见…) normally
states its period of validity, and without one nobody can tell from the text whether it still applies. A document
replaced by a later version of the same title is superseded, whatever its own dates say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from assistant.types import AnswerLang, SearchHit, Validity
from ingest.records import DocumentInfo, replacements

LASTING_KINDS = ("regulation", "rule")


def policy_validity(doc_title: str, effective: date | None, expires: date | None, today: date,
                    note: str | None = None, kind: str = "normative", version: date | None = None,
                    replaced_by: date | None = None, replaced_by_title: str | None = None,
                    replaces_title: str | None = None) -> Validity:
    """Status on `today`: not yet in force, superseded, expired, in force, or no end date stated.

    `replaced_by_title` names a successor staff marked (ingest.staff_marks); without a date it supersedes now.
    """
    if effective is not None and effective > today:
        status = "not_yet_in_force"
    elif (replaced_by is not None and replaced_by <= today) or (replaced_by is None and replaced_by_title):
        status = "superseded"
    elif expires is not None and expires < today:
        status = "expired"
    elif expires is not None or kind in LASTING_KINDS:
        status = "in_force"
    else:
        status = "no_end_date"
    return Validity(doc_title=doc_title, status=status, expires=expires, effective=effective, note=note,
                    version=version if kind in LASTING_KINDS else None, replaced_by=replaced_by,
                    replaced_by_title=replaced_by_title, replaces_title=replaces_title)


def validity_for_hits(hits: Iterable[SearchHit], today: date) -> list[Validity]:
    """One Validity per distinct cited document, in order of first citation."""
    seen: dict[str, Validity] = {}
    for h in hits:
        if h.doc_id not in seen:
            seen[h.doc_id] = policy_validity(h.doc_title, h.effective, h.expires, today, kind=h.kind,
                                             version=h.version, replaced_by=h.replaced_by,
                                             replaced_by_title=h.replaced_by_title, replaces_title=h.replaces_title)
    return list(seen.values())


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _amended(v: Validity, lang: AnswerLang) -> str:
    """`，2024年12月31日修正` when this version is later than its effective date (an amended regulation)."""
    if not v.version or (v.effective and v.version <= v.effective):
        return ""
    return f"，{_zh_date(v.version)}修正" if lang == "zh" else f", as amended on {v.version.isoformat()}"


def validity_label(v: Validity, lang: AnswerLang) -> str:
    """A short human label, e.g. "已于2023年12月31日失效" / "expired on 2023-12-31"; a document staff marked as
    replacing another one says so: "现行有效（…；取代《…》）"."""
    label = _status_label(v, lang)
    if v.replaces_title and v.status != "superseded":
        old = v.replaces_title.strip("《》")
        label += f"；取代《{old}》" if lang == "zh" else f"; replaces 《{old}》"
    return label


def _status_label(v: Validity, lang: AnswerLang) -> str:
    if v.status == "superseded" and v.replaced_by_title:
        if lang == "zh":
            when = f"自{_zh_date(v.replaced_by)}起" if v.replaced_by else ""
            return f"已被《{v.replaced_by_title}》取代{('（' + when + '）') if when else ''}"
        when = f" from {v.replaced_by.isoformat()}" if v.replaced_by else ""
        return f"replaced by 《{v.replaced_by_title}》{when}"
    if v.status == "superseded" and v.replaced_by:
        if lang == "zh":
            return f"已被{_zh_date(v.replaced_by)}的新版本取代"
        return f"replaced by the version of {v.replaced_by.isoformat()}"
    if v.status == "expired" and v.expires:
        return f"已于{_zh_date(v.expires)}到期失效" if lang == "zh" else f"expired on {v.expires.isoformat()}"
    if v.status == "in_force":
        if v.expires:
            return f"现行有效（有效期至{_zh_date(v.expires)}）" if lang == "zh" else \
                f"in force (until {v.expires.isoformat()})"
        if v.effective:
            if lang == "zh":
                return f"现行有效（自{_zh_date(v.effective)}起施行{_amended(v, lang)}）"
            return f"in force since {v.effective.isoformat()}{_amended(v, lang)}"
        return "现行有效" if lang == "zh" else "in force"
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


def document_statuses(documents: Sequence[DocumentInfo], today: date,
                      staff: Mapping[str, str] | None = None) -> list[Validity]:
    """The status of every indexed document on `today`, replaced versions included (for `docs` and the console);
    `staff` holds the replacements staff marked (ingest.staff_marks)."""
    replaced = replacements(documents, staff)
    out = []
    for d in documents:
        s = replaced.get(d.doc_id)
        out.append(policy_validity(d.title, d.effective, d.expires, today, d.validity_note, d.kind, d.version,
                                   s.on if s else None, s.doc.title if s and s.by_staff else None))
    return out


def dates_label(v: Validity, lang: AnswerLang) -> str:
    """The status label led by the date the policy took effect, when the label does not give it ("自2020年1月1日起
    施行，已于2022年10月26日到期失效"): what "什么时候施行、到哪天" asks."""
    label = validity_label(v, lang)
    if v.effective is None or _zh_date(v.effective) in label or v.effective.isoformat() in label:
        return label
    if lang == "zh":
        return f"自{_zh_date(v.effective)}起施行，{label}"
    return f"effective from {v.effective.isoformat()}; {label}"


def bilingual_label(v: Validity) -> str:
    """Both languages, for places that serve either visitor (the UI's status badge)."""
    return f"{validity_label(v, 'zh')} / {validity_label(v, 'en')}"
