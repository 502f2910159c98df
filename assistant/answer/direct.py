"""A direct first sentence for questions that are not about eligibility, read from the quoted passages:
the asked amount, rate, time limit, number of things or scale ("审核要多久？" → "在10个工作日内完成审核", "二级节点要建
几个？" → "打造10个以上标识解析二级节点"), whether the policy is still in force ("No — it expired on 2022-10-31"), a prohibition's polarity ("不得…" → "不可以"), or — asked in general
whether something may be done — the clause that grants it ("…可以在登记住所以外开展经营活动" → "可以"). Each rests on the
exact clause fragment it states, or on the document's own dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.eligibility.asked import WH_WORD
from assistant.query.crosslingual import ExpandedQuery
from assistant.types import Validity
from ingest.eligibility.quantities import find_quantities

_IN_FORCE_ASKED = re.compile(r"还有效|是否有效|有效吗|有效期|过期|失效|还在执行|还适用|还能用|还管用|还算数|还作数|"
                             r"still (?:in force|valid|appl|effective|in effect)|expired?|valid until|in effect",
                             re.I)
# Asking whether something may be done, or whether what someone did is lawful ("这合法吗", "Is that legal?").
_PERMISSION_ASKED = re.compile(r"能不能|可不可以|可以.{0,16}吗|能否|是否可以|允许|行不行|合法|违法|违规|合理吗|合规|有权|"
                               r"能这样|可以这样|\bcan (?:i|we|they|a|an|the)\b|\bmay (?:i|we)\b|allowed|legal|lawful|"
                               r"permitted|(?:have|has) the right", re.I)
_PROHIBITION = re.compile(r"不得|禁止|严禁|不允许|不再(?:予以)?支持|不予(?:以)?(?:支持|受理|批准|办理|登记)")
# Asking whether something is possible, offered or supported at all: the asking forms of _PERMISSION_ASKED and those
# of existence and support ("有没有补贴", "鼓不鼓励", "Is there…", "Does the plan support…").
_YES_NO_ASKED = re.compile(_PERMISSION_ASKED.pattern + r"|能[^，,。？?]{0,16}吗|有没有|有无|会不会|是否|[鼓支]不[鼓支]|"
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
# A policy's support (支持, 鼓励) answers only a question about support: "政府支不支持…", "Are VC firms encouraged to…".
# Plans support many things near what a visitor asks about, and that is not what the visitor asked.
_SUPPORT = re.compile(r"(?<!不)(?:支持|鼓励)(?!的)")
_SUPPORT_ASKED = re.compile(r"支持|鼓励|提倡|扶持|\bencourag|\bsupport|\bbacks?\b|\bpromot", re.I)
_GRANT_OR_SUPPORT = re.compile(f"{_GRANT.pattern}|{_SUPPORT.pattern}")
_NEGATION_BEFORE = re.compile(r"(?:不|未|禁止)[^，,；;。]{0,3}$")  # 不再予以支持, 不得享受
_SENTENCE_CUT = re.compile(r"[。；;\n]")
RARE_SHARE = 0.1  # a word held by fewer than this share of the indexed units says what a clause is about
GRANT_CONCEPTS = {"zh": 2, "mixed": 2, "en": 4}
MIN_FRAGMENT_CHARS = 12  # a clause shorter than this ("专项资金不再予以支持") does not say what it is about
MAX_GRANT_CHARS = 90  # a grant is stated with the comma-clauses before it that say to whom it applies, up to this
_DETAIL_KIND = {"amount": ("amount",), "rate": ("percent",), "time_limit": ("duration",), "count": ("count",)}
# Asked for a number of things ("二级节点要建几个？", "How many advanced materials…") or for a scale ("目标规模是多少？"):
# answered by a figure like the details of assistant/query/details.py, but no refusal or hedge turns on them.
_COUNT_ASKED = re.compile(r"(?:几|多少)(?P<unit>个|项|家|所|座|条|批|台|只|人|名)|\bhow many\b(?! (?:months|years|days|weeks))",
                          re.I)
# Measure words that say what is counted: "要几项？" is not answered by "不超过3人". 个 counts anything.
_PEOPLE = frozenset("人名")
_MEASURES = frozenset("项家所座条批台只") | _PEOPLE
_SCALE_ASKED = re.compile(r"(?:规模|总量|总额|目标)[^，,。？?]{0,6}(?:多少|多大|几)|\bhow (?:big|large)\b|"
                          r"\bwhat (?:overall |total )?(?:fund )?(?:scale|size)\b", re.I)
_FRAGMENT_CUT = re.compile(r"[，,；;。:：\n]")
# The number an article or item opens with: 第十一条, 十二、, 4.
_ARTICLE_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+条\s*|[一二三四五六七八九十]+、|\d+[.、]\s*)")


def _fragment(text: str, pos: int) -> str:
    """The comma-clause of `text` around `pos`, without the article number it may open with (第十一条 单位不得…)."""
    starts = [m.end() for m in _FRAGMENT_CUT.finditer(text, 0, pos)]
    start = starts[-1] if starts else 0
    m = _FRAGMENT_CUT.search(text, pos)
    end = m.start() if m else len(text)
    # A comma inside brackets cuts a bracket in half ("…且不是关联企业,技术合同履行率达到70%及以上)的…"): the
    # fragment stops at, or starts after, the bracket it has only one half of.
    depth = 0
    for i in range(start, end):
        if text[i] in "(（":
            depth += 1
        elif text[i] in ")）":
            if depth:
                depth -= 1
            elif i < pos:
                start = i + 1
            else:
                end = i
                break
    return _ARTICLE_NUMBER.sub("", text[start:end].strip())


def _grant_span(text: str, pos: int) -> str:
    """The comma-clause granting at `pos` with those before it in its sentence that say to whom and on what terms
    ("符合条件的天使投资人，依法可享受…"), as many as fit in MAX_GRANT_CHARS."""
    sentence_start = max((m.end() for m in _SENTENCE_CUT.finditer(text, 0, pos)), default=0)
    m = _FRAGMENT_CUT.search(text, pos)
    end = m.start() if m else len(text)
    starts = [sentence_start, *(m.end() for m in _FRAGMENT_CUT.finditer(text, sentence_start, pos))]
    start = next(s for s in starts if end - s <= MAX_GRANT_CHARS or s == starts[-1])
    span = text[start:end].strip()
    if span.count("（") + span.count("(") != span.count("）") + span.count(")"):
        return _fragment(text, pos)  # a bracket cut in half: the clause alone, trimmed to whole brackets
    return _ARTICLE_NUMBER.sub("", span)


def _same_measure(question: str, counted: str) -> bool:
    """Whether a count stated ("3人", "10个以上") counts what the question asks the number of ("几项", "how many")."""
    m = _COUNT_ASKED.search(question)
    asked = m.group("unit") if m else None
    stated = counted.strip()[-1:]
    if not asked or asked == "个" or stated not in _MEASURES:
        return True
    return asked == stated or (asked in _PEOPLE and stated in _PEOPLE)


def _stated(text: str, pos: int) -> str:
    """The comma-clause at `pos`; one too short to say what it is about ("专项资金不再予以支持") with the clauses before
    it that do."""
    fragment = _fragment(text, pos)
    return fragment if len(fragment) >= MIN_FRAGMENT_CHARS else _grant_span(text, pos)


def _concepts_in(text: str, concepts: Sequence[set[str]]) -> int:
    """How many of the question's concepts the text holds, a word counted once however it was cut (营业执照, not
    also 营业 and 执照) and however often the question says it."""
    low = text.lower()
    found = {t for c in concepts for t in c if t in low}
    whole = {t for t in found if not any(t != u and t in u for u in found)}
    return len({frozenset(c) for c in concepts if any(t in whole for t in c)})  # "registered … registered": once


def direct_answer(question: str, passages: Sequence, validity: Sequence[Validity], asked: Sequence[str],
                  expanded: ExpandedQuery, general: bool = False,
                  term_share: Callable[[str], float] | None = None) -> DirectAnswer | None:
    """`passages` are the extractive answer's quoted passages, best first (objects with .hit and .text).
    `general`: the question states nothing about the asker that a rule could judge, so a clause that grants what it
    asks about answers it. `term_share`: the share of indexed units holding a word; a count or a scale asked for is
    answered only with it."""
    if not passages:
        return None
    top = passages[0]
    if _IN_FORCE_ASKED.search(question):
        v = next((x for x in validity if x.doc_title == top.hit.doc_title), None)
        if v is not None:
            return DirectAnswer("validity", top.hit, validity=v)
    terms = {t.lower() for c in expanded.concepts for t in c.terms if len(t) >= 2}
    kinds = [*asked, *(["amount"] if "amount" not in asked and _SCALE_ASKED.search(question) else []),
             *(["count"] if _COUNT_ASKED.search(question) else [])] if term_share else list(asked)
    for kind in kinds:
        # Of the fragments stating a figure of the asked kind, the one sharing most words with the question
        # ("审核要多久" → "在10个工作日内完成审核", not "回国后2年内来本市"); words of the policy's title are
        # in every fragment of it and decide nothing.
        found = [(sum(t in frag.lower() and t not in p.hit.doc_title for t in terms), -i, p, frag)
                 for i, p in enumerate(passages) for q in find_quantities(p.text)
                 if q.kind in _DETAIL_KIND.get(kind, ()) and (kind != "count" or _same_measure(question, q.text))
                 for frag in (_fragment(p.text, q.start),)]
        if kind not in asked and term_share is not None:
            # Plans set counts and scales for many things side by side ("新增上海市品牌引领示范企业30家、…10-15家全国
            # 质量标杆企业"): the fragment must share three words with the question, or two that few clauses use.
            rare = {t for t in terms if term_share(t) < RARE_SHARE}
            found = [x for x in found if x[0] >= 3 or sum(t in x[3].lower() for t in rare) >= 2]
        best = max(found, key=lambda x: (x[0], x[1]), default=None)
        if best is not None and best[0] > 0:  # a figure about something else answers nothing
            return DirectAnswer("figure", best[2].hit, best[3])
    yes_no = general and _YES_NO_ASKED.search(question)
    if _PERMISSION_ASKED.search(question) or yes_no:
        # Of the prohibitions quoted from the document the answer rests on, the one sharing most words with the
        # question (its concepts, each counted once); of equals, the first. A question put in English shares words
        # only through their translations, and one is too often a lucky match ("fraud" in 严禁弄虚作假 of another
        # document), so it needs two.
        concepts = [{t.lower() for t in c.terms if len(t) >= 2} for c in expanded.concepts]
        found = [(sum(any(t in fragment.lower() for t in c) for c in concepts), -i, p, fragment)
                 for i, p in enumerate(passages) if p.hit.doc_id == top.hit.doc_id
                 for m in _PROHIBITION.finditer(p.text) for fragment in (_stated(p.text, m.start()),)]
        best = max(found, key=lambda x: (x[0], x[1]), default=None)
        if best is not None and best[0] >= (1 if expanded.lang == "zh" else 2):
            return DirectAnswer("prohibition", best[2].hit, best[3])
    if yes_no and not (WH_WORD.search(question) or _HOW_ASKED.search(question) or _OBSTACLE_ASKED.search(question)):
        verbs = _GRANT_OR_SUPPORT if _SUPPORT_ASKED.search(question) else _GRANT
        return _grant([p for p in passages if p.hit.doc_id == top.hit.doc_id], expanded, verbs)
    return None


def _grant(passages: Sequence, expanded: ExpandedQuery, verbs: re.Pattern[str]) -> DirectAnswer | None:
    """Of the granting clauses quoted, the one holding most of the question's concepts (words of the policy's title
    aside: every clause of it has them). It must hold two, for a grant to something else answers nothing; four for
    a question in English, whose words reach the clauses only through their translations, often by luck."""
    found = []
    for i, p in enumerate(passages):
        concepts = [{t.lower() for t in c.terms if len(t) >= 2 and t not in p.hit.doc_title} for c in expanded.concepts]
        for m in verbs.finditer(p.text):
            if _NEGATION_BEFORE.search(p.text[max(0, m.start() - 5):m.start()]):
                continue
            span = _grant_span(p.text, m.start())
            # The granting word is the question's asking word too (允许 for "allowed"): it is no evidence.
            found.append((_concepts_in(verbs.sub("", span), concepts), -i, p, span, _SUPPORT.fullmatch(m.group())))
    best = max(found, key=lambda x: (x[0], x[1]), default=None)
    if best is not None and best[0] >= GRANT_CONCEPTS[expanded.lang]:
        # 支持/鼓励 is said as support ("是的：…提出“鼓励…”"), not as a permission
        return DirectAnswer("support" if best[4] else "grant", best[2].hit, best[3])
    return None
