"""The rule a question asking for the conditions is answered with ("留学生落户要什么条件？", "What are the requirements
for the startup route?"): no facts to judge, so the answer lists what the rule asks, each condition a span of its
clause.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.eligibility.asked import FAMILIES, PROCEDURAL, asked_kind, named_share
from assistant.query.asked_form import asks_conditions
from assistant.types import Requirements, SearchHit
from ingest.eligibility.model import Rule
from ingest.eligibility.vocabulary import relations_in

# Routes to one outcome listed one per line when there are at most this many, their conditions this long in all.
MAX_ALTERNATIVES = 9
MAX_ALTERNATIVES_CHARS = 400


def requirements_asked(question: str, rules: Sequence[Rule], hits: Sequence[SearchHit],
                       every_rule: Sequence[Rule] = (), terms: Sequence[str] = (),
                       doc_of: Callable[[str], str | None] | None = None) -> Requirements | None:
    """Of the rules with conditions whose clause is among `hits` (retrieved, best first), the one the question
    asks the conditions of. It is of the kind of outcome asked about, for the applicant unless a family member
    is asked about (the one named, if any) — or it is a document's list of what every applicant (or employer:
    "申请单位") must meet whose outcome the question names — from the document of the best-ranked such clause.
    Of a document's lists of what every applicant must meet, one comes first when the question asks about hukou
    in general (落户, hukou): the one naming most of the question's `terms`, then the best-ranked. Otherwise the
    rule whose outcome names most of them (and most of a defined term: "低保" names 最低生活保障家庭 more than
    最低生活保障边缘家庭), then the best-ranked, then the one whose conditions name most ("创业人才" names the founders'
    route, not the VC partners' in the same article), then the first in the text (the lowest bar). The other
    routes are counted among `every_rule` (the index's), or `rules` without it, in the same document (`doc_of`:
    unit id → document id; an earlier version of the same title has routes of its own)."""
    if not asks_conditions(question):
        return None
    rank = {h.id: i for i, h in enumerate(hits)}
    asked = asked_kind(question)
    family = FAMILIES.get(asked)
    relations = {relation for _, _, relation in relations_in(question)} if asked == "family" else set()
    words = {t for t in terms if len(t) >= 2 and t not in PROCEDURAL}

    def named_in(text: str) -> int:
        return sum(t in text for t in words)

    def of_kind(r: Rule) -> bool:
        return bool(r.conditions) and (r.beneficiary is not None) == (asked == "family") and (
            not relations or r.beneficiary in relations) and (family is None or r.outcome.kind in family)

    candidates = [r for r in rules if r.unit_id in rank and r.conditions and (
        of_kind(r) or (r.general and named_in(r.outcome.text)))]
    if not candidates:
        return None
    first = min(candidates, key=lambda r: rank[r.unit_id])
    if family is not None and asked != "hukou" and doc_of is not None and not any(of_kind(r) for r in candidates):
        # "…get a Shanghai hukou directly?" retrieved the document's general list, not its direct route: the
        # document's rules of the kind asked stand after what was retrieved
        document = doc_of(first.unit_id)
        unranked = [r for r in every_rule if of_kind(r) and doc_of(r.unit_id) == document and r.unit_id not in rank]
        rank |= {r.unit_id: len(hits) for r in unranked}
        candidates += unranked
    same_document = [r for r in candidates if r.doc_title == first.doc_title]
    general = [r for r in same_document if r.general]
    if general and asked == "hukou":
        chosen = min(general, key=lambda r: (-named_in(r.outcome.text), rank[r.unit_id], r.outcome.start))
    else:
        # A rule of the kind asked before a general list that names the question's words ("directly" asks for 第四条（一）,
        # not for what every applicant must meet)
        chosen = min(same_document, key=lambda r: (not of_kind(r), -named_in(r.outcome.text), -named_share(r, terms),
                                                    rank[r.unit_id], -named_in(" ".join(c.text for c in r.conditions)),
                                                    r.outcome.start))
        if (asked == "any" or chosen.outcome.kind in ("other", "status")) and not named_in(chosen.outcome.text):
            # Nothing says which outcome is asked about (or only "a benefit"), and this one names none of the
            # question's words: "申请补贴" is not answered with the grounds for 提取.
            return None
    # Other routes to the same outcome: of the kind asked, or — when no kind is — granting the same thing
    # (第七条's nine grounds for 提取; not the other definitions of a 社会救助条例).
    document = doc_of(chosen.unit_id) if doc_of else None
    routes = [r for r in (every_rule or rules) if r.doc_title == chosen.doc_title and of_kind(r) and not r.general
              and (asked != "any" or r.outcome.text == chosen.outcome.text)
              and (doc_of is None or doc_of(r.unit_id) == document)]
    same = [r for r in routes if r.outcome.text == chosen.outcome.text and r.outcome.kind == chosen.outcome.kind]
    if not chosen.general and 1 < len(same) <= MAX_ALTERNATIVES and sum(
            len(c.text) for r in same for c in r.conditions) <= MAX_ALTERNATIVES_CHARS:
        # "有下列情形之一的…": every ground is listed, as the clause lists them
        others = dict.fromkeys(r.locator for r in routes if r not in same)
        return Requirements(same[0], tuple(others), tuple(same))
    others = dict.fromkeys(r.locator for r in routes if r.locator != chosen.locator)
    return Requirements(chosen, tuple(others))
