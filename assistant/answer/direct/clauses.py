"""Whether something may be done, answered by the clause that forbids it ("不得…" → 不可以) or, asked in general, by
the clause that grants it ("…可以在登记住所以外开展经营活动" → 可以; a plan's 支持/鼓励 → 是的, when support is asked;
what a plan or regulation says the city will do — 推动设立…, 建立…制度 — → 是的, when whether it will is asked)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct.spans import (
    asked_concepts,
    clause_span,
    concepts_in,
    rare_concepts,
    stated,
    top_document,
)
from assistant.answer.eligibility.asked import WH_WORD
from assistant.query.crosslingual import ExpandedQuery

# Asking whether something may be done, or whether what someone did is lawful ("这合法吗", "Is that legal?").
PERMISSION_ASKED = re.compile(r"能不能|可不可以|可以.{0,16}吗|能否|是否可以|允许|行不行|合法|违法|违规|合理吗|合规|有权|"
                              r"能这样|可以这样|\bcan (?:i|we|they|a|an|the)\b|\bmay (?:i|we)\b|allowed|legal|lawful|"
                              r"permitted|(?:have|has) the right", re.I)
_PROHIBITION = re.compile(r"不得|禁止|严禁|不允许|不再(?:予以)?支持|不予(?:以)?(?:支持|受理|批准|办理|登记)")
# Asking whether something is possible, offered or supported at all: the asking forms of PERMISSION_ASKED and those
# of existence and support ("有没有补贴", "鼓不鼓励", "Is there…", "Does the plan support…").
YES_NO_ASKED = re.compile(PERMISSION_ASKED.pattern + r"|能[^，,。？?]{0,16}吗|有没有|有无|会不会|是否|[鼓支]不[鼓支]|"
                          r"(?:支持|鼓励|允许|提倡)[^，,。？?]{0,10}吗|"
                          r"(?:^|[.?!]\s+)(?:is|are|does|do|will|would|has|have|can|could|may)\b", re.I)
# A question about what stands in the way ("会不会卡住", "Is it a problem that…") is not answered by a grant.
_OBSTACLE_ASKED = re.compile(r"卡住|卡在|影响|有问题|受限|a problem|affect|block|stand in the way|hold (?:me|us) back", re.I)
# What (and how) is asked, not whether: "要满足什么条件才能参加？", "怎么才能…", "how can we…".
_HOW_ASKED = re.compile(r"怎么|怎样|如何|多[高大]|\bhow\b", re.I)
# A clause that grants: may (可以, 可按…), is allowed or exempted (允许, 无需, 免于), or is made easier (提供便利).
# 可 only as a modal: not 可持续, 认可, 许可. A grant said with a negation before it (不可, 不需) grants nothing.
_GRANT = re.compile(r"(?<![认许不])可(?=以|按|在|由|向|为|将|申请|申办|享受|免|获|参照|自行|直接|同时|办理|提取|选择|继续|适当)|"
                    r"(?<!不)(?:允许|准予|无需|无须|不需要?|免于|免予)|提供便利")
# A policy's support (支持, 鼓励) answers a question about support: "政府支不支持…", "Are VC firms encouraged to…", not
# one about permission: plans support many things near what a visitor asks about, and that is not what was asked.
_SUPPORT = re.compile(r"(?<!不)(?:支持|鼓励)(?!的)")
_SUPPORT_ASKED = re.compile(r"支持|鼓励|提倡|扶持|\bencourag|\bsupport|\bbacks?\b|\bpromot", re.I)
_GRANT_OR_SUPPORT = re.compile(f"{_GRANT.pattern}|{_SUPPORT.pattern}")
# Asking whether the city will do, set up or offer something at all: "会不会建…", "有没有这方面的政策", "是不是要推广…",
# "Is there a scheme…", "Will Shanghai…", "Does the city plan to…".
_PLAN_ASKED = re.compile(r"有没有|有无|会不会|是不是(?:要|会|打算|准备|在)|是否(?:会|要|有|将|计划|打算)|打算|计划|"
                         r"\b(?:is|are) there\b|\bwill (?:shanghai|the city|the government|there|they|banks?)\b|"
                         r"\bplan(?:s|ning)?\b|\bgoing to\b|\bany (?:help|support|scheme|programme|program|policy|plan)",
                         re.I)
# What a plan or regulation says the city will do: set up, build, promote, pilot, provide (推动设立…, 建立…机制,
# 探索开展…, 本市应当建立…); not a thing already provided ("所提供的材料").
_PLANNED = re.compile(r"(?:推动|推进|推广|建立|建设|设立|组建|搭建|打造|探索|开展|试点|实施|实行|培育|引导|"
                      r"开设|开通|举办|给予|予以|提供|应当)(?!的)")
_GRANT_SUPPORT_OR_PLAN = re.compile(f"{_GRANT_OR_SUPPORT.pattern}|{_PLANNED.pattern}")
_NEGATION_BEFORE = re.compile(r"(?:不|未|禁止)[^，,；;。]{0,3}$")  # 不再予以支持, 不得享受
GRANT_CONCEPTS = {"zh": 2, "mixed": 2, "en": 4}
PLAN_CONCEPTS = {"zh": 3, "mixed": 3, "en": 4}  # of which PLAN_RARE_CONCEPTS must be rare words
PLAN_RARE_CONCEPTS = 2


def prohibition(passages: Sequence, expanded: ExpandedQuery) -> DirectAnswer | None:
    """Of the prohibitions quoted from the document the answer rests on (the first passage's), the one sharing most
    words with the question (its concepts, each counted once); of equals, the first. A question put in English
    shares words only through their translations, and one is too often a lucky match ("fraud" in 严禁弄虚作假 of
    another document), so it needs two."""
    top = passages[0]
    concepts = [{t.lower() for t in c.terms if len(t) >= 2} for c in expanded.concepts]
    found = [(sum(any(t in fragment.lower() for t in c) for c in concepts), -i, p, fragment)
             for i, p in enumerate(passages) if p.hit.doc_id == top.hit.doc_id
             for m in _PROHIBITION.finditer(p.text) for fragment in (stated(p.text, m.start()),)]
    best = max(found, key=lambda x: (x[0], x[1]), default=None)
    if best is not None and best[0] >= (1 if expanded.lang == "zh" else 2):
        return DirectAnswer("prohibition", best[2].hit, best[3])
    return None


def asks_whether_granted(question: str) -> bool:
    """A yes/no question that a granting clause answers: not how, what, or what stands in the way."""
    return bool(YES_NO_ASKED.search(question)) and not (
        WH_WORD.search(question) or _HOW_ASKED.search(question) or _OBSTACLE_ASKED.search(question))


def grant(question: str, passages: Sequence, expanded: ExpandedQuery,
          term_share: Callable[[str], float] | None = None) -> DirectAnswer | None:
    """Of the granting clauses quoted from the document the answer rests on, the one holding most of the question's
    concepts (words of the policy's title aside: every clause of it has them). It must hold two, for a grant to
    something else answers nothing; four for a question in English, whose words reach the clauses only through their
    translations, often by luck. Asked whether the city will do something, what a plan says it will do answers too
    — given `term_share`, the share of indexed units holding a word: plans say they will do many things near what a
    visitor asks about, so such a clause must hold three of the question's concepts, two of them rare words."""
    support_asked = bool(_SUPPORT_ASKED.search(question))
    plan_asked = term_share is not None and not support_asked and bool(_PLAN_ASKED.search(question))
    verbs = _GRANT_SUPPORT_OR_PLAN if plan_asked else _GRANT_OR_SUPPORT if support_asked else _GRANT
    found = []
    for i, p in top_document(passages):
        concepts = asked_concepts(expanded, p.hit.doc_title)
        rare = rare_concepts(concepts, term_share) if plan_asked else []
        for m in verbs.finditer(p.text):
            if _NEGATION_BEFORE.search(p.text[max(0, m.start() - 5):m.start()]):
                continue
            span = clause_span(p.text, m.start())
            # The granting word is the question's asking word too (允许 for "allowed"): it is no evidence.
            said = verbs.sub("", span)
            kind = ("grant" if _GRANT.match(p.text, m.start()) else
                    "support" if _SUPPORT.match(p.text, m.start()) else "plan")
            shared = concepts_in(said, concepts)
            if plan_asked and kind != "grant":
                if shared < PLAN_CONCEPTS[expanded.lang] or concepts_in(said, rare) < PLAN_RARE_CONCEPTS:
                    continue
            elif shared < GRANT_CONCEPTS[expanded.lang]:
                continue
            found.append((shared, -i, p, span, kind))
    best = max(found, key=lambda x: (x[0], x[1]), default=None)
    # 支持/鼓励 and what the city will do are said as such ("是的：…提出“鼓励…”"), not as a permission
    return DirectAnswer(best[4], best[2].hit, best[3]) if best is not None else None
