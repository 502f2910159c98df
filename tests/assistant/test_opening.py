"""What the visitor reads before the quotes (assistant/answer/compose/opening.py), on made-up findings: a first
sentence that answers is a line of its own, and when it names the policy and the article, the line before the quotes
does not name them again."""

from __future__ import annotations

from datetime import date

from assistant.answer.compose import DirectAnswer, Findings, opening
from assistant.types import SearchHit, Validity

TITLE = "某区个体商户管理办法"
HIT = SearchHit(id="u1", doc_id="d1", doc_title=TITLE, locator="第八条",
                text="本区登记的个体商户可以在登记场所以外设摊经营。", score=1.0)
OTHER = SearchHit(id="u2", doc_id="d2", doc_title="某区市场管理条例", locator="第三条", text="…", score=0.5)
EXPIRED = Validity(TITLE, "expired", date(2022, 10, 31))
GRANT = DirectAnswer("grant", HIT, "本区登记的个体商户可以在登记场所以外设摊经营")


def test_after_a_grant_the_quotes_follow_without_the_title_again_but_with_the_status() -> None:
    zh = opening(Findings("zh", [HIT], [EXPIRED], direct=GRANT))
    assert zh == ("可以：《某区个体商户管理办法》第八条规定“本区登记的个体商户可以在登记场所以外设摊经营”。\n"
                  "（该文件已于2022年10月31日到期失效）相关条款原文如下：")
    en = opening(Findings("en", [HIT], [EXPIRED], direct=GRANT))
    first, second = en.split("\n")
    assert first.startswith("Yes — 《某区个体商户管理办法》 第八条") and TITLE not in second
    assert second == "The clauses, quoted word for word (that policy: expired on 2022-10-31):"


def test_a_status_asked_for_is_said_once() -> None:
    lead = opening(Findings("zh", [HIT], [EXPIRED], direct=DirectAnswer("validity", HIT, validity=EXPIRED)))
    assert lead.count("到期失效") == 1 and lead.endswith("相关条款原文如下：")


def test_quotes_led_by_another_document_still_say_where_they_come_from() -> None:
    lead = opening(Findings("zh", [OTHER, HIT], [EXPIRED], direct=GRANT))
    assert lead.split("\n")[1] == "《某区市场管理条例》第三条等文件对此有规定，相关条款原文如下："


def test_support_is_said_as_support_not_as_a_permission() -> None:
    support = DirectAnswer("support", HIT, "鼓励个体商户在登记场所以外设摊经营")
    zh = opening(Findings("zh", [HIT], [], direct=support)).split("\n")[0]
    assert zh == "是的：《某区个体商户管理办法》第八条提出“鼓励个体商户在登记场所以外设摊经营”。"
    en = opening(Findings("en", [HIT], [], direct=support)).split("\n")[0]
    assert en.startswith("Yes — 《某区个体商户管理办法》 第八条 supports it: 「鼓励")
