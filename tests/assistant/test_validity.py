"""Policy status on a given day, and its zh/en labels (assistant/answer/validity.py)."""

from __future__ import annotations

from datetime import date

from assistant.answer.validity import bilingual_label, policy_validity, validity_for_hits, validity_label
from assistant.types import SearchHit

TODAY = date(2026, 11, 29)


def test_expired_policy() -> None:
    v = policy_validity("实施办法", date(2015, 11, 1), date(2022, 10, 31), TODAY)
    assert v.status == "expired" and v.expires == date(2022, 10, 31)
    assert validity_label(v, "zh") == "已于2022年10月31日到期失效"
    assert validity_label(v, "en") == "expired on 2022-10-31"
    assert v.to_json() == {"doc_title": "实施办法", "status": "expired", "expires": "2022-10-31",
                           "version": None, "replaced_by": None, "replaced_by_title": None, "replaces": None}


def test_in_force_until_a_date() -> None:
    v = policy_validity("办法", date(2020, 12, 1), date(2027, 1, 31), TODAY)
    assert v.status == "in_force"
    assert "2027年1月31日" in validity_label(v, "zh") and "until 2027-01-31" in validity_label(v, "en")


def test_expiry_day_itself_is_still_in_force() -> None:
    assert policy_validity("办法", None, TODAY, TODAY).status == "in_force"


def test_no_end_date_is_reported_as_such_not_as_in_force() -> None:
    v = policy_validity("意见", date(2019, 8, 1), None, TODAY)
    assert v.status == "no_end_date" and v.to_json()["expires"] is None
    assert "未注明有效期" in validity_label(v, "zh") and "no end date stated" in validity_label(v, "en")
    assert "未注明有效期" in bilingual_label(v) and "no end date stated" in bilingual_label(v)


def test_not_yet_in_force() -> None:
    v = policy_validity("新办法", date(2027, 1, 1), date(2030, 1, 1), TODAY)
    assert v.status == "not_yet_in_force"
    assert "2027-01-01" in validity_label(v, "en")


def test_one_validity_per_document_in_citation_order() -> None:
    def hit(doc: str, uid: str, expires: date | None) -> SearchHit:
        return SearchHit(uid, doc, f"title-{doc}", "一、", "text", 1.0, expires=expires)

    vs = validity_for_hits([hit("b", "1", None), hit("a", "2", date(2020, 1, 1)), hit("b", "3", None)], TODAY)
    assert [(v.doc_title, v.status) for v in vs] == [("title-b", "no_end_date"), ("title-a", "expired")]


def test_a_regulation_without_an_end_date_is_in_force_since_its_effective_date() -> None:
    v = policy_validity("上海市社会救助条例", date(2019, 5, 1), None, TODAY, kind="regulation",
                        version=date(2024, 12, 31))
    assert v.status == "in_force"
    assert validity_label(v, "zh") == "现行有效（自2019年5月1日起施行，2024年12月31日修正）"
    assert validity_label(v, "en") == "in force since 2019-05-01, as amended on 2024-12-31"
    assert v.to_json()["version"] == "2024-12-31"
    rule = policy_validity("上海市住房公积金管理若干规定", date(2006, 1, 1), None, TODAY, kind="rule",
                           version=date(2006, 1, 1))
    assert validity_label(rule, "en") == "in force since 2006-01-01"  # not amended: no amendment date


def test_a_replaced_version_is_superseded_whatever_its_own_dates_say() -> None:
    v = policy_validity("上海市社会救助条例", date(2019, 5, 1), None, TODAY, kind="regulation",
                        version=date(2018, 11, 22), replaced_by=date(2024, 12, 31))
    assert v.status == "superseded" and v.to_json()["replaced_by"] == "2024-12-31"
    assert validity_label(v, "zh") == "已被2024年12月31日的新版本取代"
    assert validity_label(v, "en") == "replaced by the version of 2024-12-31"
    # a version that takes over only in the future doesn't replace anything yet
    later = policy_validity("条例", date(2019, 5, 1), None, TODAY, kind="regulation", replaced_by=date(2027, 1, 1))
    assert later.status == "in_force"
