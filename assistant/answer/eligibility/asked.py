"""What a question asks: which kind of outcome (直接落户, 缩短年限, 积分, 补贴, any hukou route), and whether it asks
if the visitor qualifies at all (能…吗, can I, is there) rather than what the conditions are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.query.asked_form import asks_conditions
from ingest.eligibility.model import Rule
from ingest.eligibility.vocabulary import without_hukou_status

NAMED_SHARE = 0.5  # a definition is what is asked when the question names at least half its term

# Which outcomes a question asks about.
ASKS: list[tuple[str, re.Pattern[str]]] = [
    # a family member moving their hukou along with the visitor's
    ("family", re.compile(r"随迁|随调|(?:一起|一并|跟着?我?|同时)[^，。？?]{0,6}(?:迁|落户|办户口)|"
                          r"(?:配偶|老公|老婆|丈夫|妻子|爱人|孩子|女儿|儿子|子女)[^，。？?]{0,10}(?:落户|迁户口|户口迁|迁入|随)|"
                          r"\b(?:move|transfer|bring)\b[^.?!]{0,40}\b(?:along|with (?:me|him|her|us))\b|"
                          r"\b(?:wife|husband|spouse|son|daughter|child|children|kids?)\b[^.?!]{0,40}\b(?:hukou|join|accompany)|"
                          r"\baccompany", re.I)),
    # "直接落户", "能直接拿户口吗" — not "回国后直接来了上海"
    ("direct", re.compile(r"直接[^，,。？?]{0,6}?(?:落户|申办|申请|办理|拿|户口|落|入户)|directly|straight away|right away|"
                          r"immediately|at once|outright", re.I)),
    # "缩短到几年" asks for a period; "十几年", "好几年", "17年" are the visitor's own years, not the asked 7
    ("shorten", re.compile(r"缩短|少等|(?<![\d十百好])几年|多少年|(?<![\d十])[7七]年|shorten|how many years|"
                           r"\b7[- ]year|seven[- ]year|"
                           r"wait less|cut the|shortest|how short", re.I)),
    ("points", re.compile(r"积分|加分|加\d+分|积\d+分|多少分|\bpoints?\b", re.I)),
    ("benefit", re.compile(r"补贴|补助|奖励|资助|贴息|subsid|grant|reward|bonus", re.I)),
    ("hukou", re.compile(r"落户|户口|户籍|居转户|(?:转|迁)(?:到|入|进|来)?(?:上海|本市|沪)|入沪|hukou|residency|settle",
                         re.I)),
]
FAMILIES = {"family": {"family"}, "direct": {"direct_hukou"}, "shorten": {"shorten"}, "points": {"points"},
             "benefit": {"subsidy", "reward", "other"}, "hukou": {"direct_hukou", "apply_hukou", "shorten"}}


# A question that asks whether the visitor qualifies, rather than what the conditions are.
YES_NO = re.compile(r"能不能|能否|可以吗|可不可以|可否|能.{0,16}吗|行不行|行吗|是否|够格|够不够|符合|算不算|有没有|有无|"
                     r"\bis there\b|\bare there\b|"
                     r"\b(?:can|could|may) (?:i|we|he|she|they|my|our)\b|\beligible|\bqualif|\b(?:am|is|are) (?:i|he|she|we)\b|"
                     r"\b(?:do|does|will|would) (?:i|he|she|we|that|this|it)\b", re.I)


# "不确定学校在不在世界排名前500", "本科是不是双一流我也说不清", "not sure where it ranks": the visitor doubts something
# the answer may turn on — not "不知道能不能落户", which only asks.
_DOUBT = re.compile(r"不确定|说不清|拿不准|(?:不清楚|不知道)(?:是不是|算不算|在不在|有没有)|\bnot sure\b|\bunsure\b|"
                    r"\b(?:don'?t|do not) know (?:if|whether|where|how)\b", re.I)
_ABOUT_OUTCOME = re.compile(r"^.{0,8}?(?:能不能|能否|可不可以|可以|落户|申请|申办|符合|够格|够条件|qualify|eligible|can i|apply)", re.I)


def voices_doubt(question: str) -> bool:
    """Whether the visitor says they are unsure of something about themselves (not of the answer)."""
    return any(not _ABOUT_OUTCOME.match(question[m.end():]) for m in _DOUBT.finditer(question))


# The clause a message asks in: its last one before a question mark, else its last one.
_CLAUSES = re.compile(r"[^，,；;。！!？?\n]+[？?]|[^，,；;。！!？?\n]+$")
WH_WORD = re.compile(r"哪|什么|啥|多少|多久|多长|几|何时|\b(?:when|which|what(?! about)|where|how (?:many|long|much|soon))\b", re.I)
# "有没有一个清单可以查", "is there a list": a document asked for, not whether one qualifies
_LIST_ASKED = re.compile(r"(?:有没有|有无|是否有)[^，,。？?]{0,6}(?:清单|名单|目录|列表)|\bis there an? (?:list|directory)\b",
                         re.I)


def asks_for_information(question: str) -> bool:
    """Whether a message asks for a fact about the policies rather than whether the visitor qualifies: the clause
    it asks in is a wh-question that names no outcome ("…，这个过渡期到哪一年结束？"), or it asks for a list ("有没有
    一个清单可以查"). "能缩短几年？" names an outcome and is judged."""
    if _LIST_ASKED.search(question):
        return True
    clauses = [m.group(0) for m in _CLAUSES.finditer(question) if m.group(0).strip()]
    if not clauses:
        return False
    at = next((i for i in reversed(range(len(clauses))) if clauses[i].rstrip().endswith(("？", "?"))), len(clauses) - 1)
    asking = clauses[at]
    if asks_conditions(asking):
        return False  # "能直接落户吗？需要什么条件？": what the verdict's checklist answers
    # "…多久之内来上海还算数？我是不是快miss了": a yes/no question after it asks about the visitor after all
    return (bool(WH_WORD.search(asking)) and not any(YES_NO.search(x) or "是不是" in x for x in clauses[at:])
            and asked_kind(asking) == "any" and asked_years(asking) is None)


_YEARS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# The shortened period a question asks for: "缩到3年", "缩短为五年", "cut to 3 years", "3 years instead of 7"
_ASKED_YEARS = re.compile(r"(?:缩短?|减少?|变)(?:到|至|为|成)\s*(\d|[一两二三四五六])\s*年|"
                          r"\b(?:to|become|becomes|into)\s+(\d|one|two|three|four|five|six)[- ]years?\b|"
                          r"\b(\d|two|three|four|five|six)[- ]years? instead\b", re.I)


def asked_years(question: str) -> float | None:
    """The number of years a question asks a wait to be shortened to, if it names one."""
    m = _ASKED_YEARS.search(question)
    if m is None:
        return None
    word = next(g for g in m.groups() if g)
    return float(_YEARS.get(word.lower(), word) if not word.isdigit() else word)


def asked_kind(question: str) -> str:
    question = without_hukou_status(question)  # "我们家都是外地户口，能申请低保吗" asks about 低保
    for name, pattern in ASKS:
        if pattern.search(question):
            return name
    return "any"


# Words of any application ("申请…", "可以办理…"): naming one says nothing about which outcome is asked for.
# Nor does the city every indexed policy is about.
PROCEDURAL = frozenset({"申请", "申办", "办理", "可以", "享受", "给予", "获得", "条件", "要求", "需要", "满足", "符合",
                        "本市", "上海"})


_HUKOU = dict(ASKS)["hukou"]
_FEW_RULES = 5  # a word in the worded conditions of at most this many of the index's rules names a route


def _worded(r: Rule) -> str:
    return " ".join(c.text for c in r.conditions if c.kind in ("role", "credential", "other"))


def _measured(r: Rule) -> str:
    return " ".join(c.text for c in r.conditions if c.kind not in ("role", "credential", "other"))


def named_routes(rules: Sequence[Rule], terms: Sequence[str], every_rule: Sequence[Rule] = ()) -> list[Rule]:
    """The rules whose route the question's words name: what the rule grants ("公积金" of "…申请提取本人住房公积金
    账户内的存储余额", "低保" of "最低生活保障家庭" by its expansion), or who it is for — a condition that measures
    nothing, in words few of the index's rules use ("团队核心成员", "特殊才能"; not "人才", which most talent routes
    use), or a term the index defines inside a threshold ("最低生活保障边缘家庭" of "…边缘家庭中六十周岁以上"; not
    "工作" of "在企业连续工作满2年"). For a question that asks about no kind of outcome, a hukou word only says
    where the visitor's hukou is ("我是外地户口")."""
    index = every_rule or rules
    words = [t for t in terms if len(t) >= 2 and t not in PROCEDURAL and not _HUKOU.search(t)
             and not any(ch.isdigit() for ch in t)]  # "5年" is the visitor's figure, not a route's name
    worded = {id(r): _worded(r) for r in index}
    limit = min(_FEW_RULES, len(index) // 2)  # and at most half of a small index's
    few = [t for t in words if sum(t in text for text in worded.values()) <= limit]
    defined = [r.outcome.text for r in index if r.outcome.kind == "status"]
    terms_defined = [t for t in words if any(t in d for d in defined)]
    return [r for r in rules if any(t in r.outcome.text for t in words) or any(t in _worded(r) for t in few)
            or any(t in _measured(r) for t in terms_defined)]


def named_share(rule: Rule, terms: Sequence[str]) -> float:
    """How much of a defined term the question names: 低保 (→ 最低生活保障) names most of 最低生活保障家庭, less of
    最低生活保障边缘家庭; 0 for outcomes that are not a defined term."""
    if rule.outcome.kind != "status":
        return 0.0
    found = [t for t in terms if len(t) >= 2 and t in rule.outcome.text]
    return max((len(t) for t in found), default=0) / len(rule.outcome.text)


def named_definitions(rules: Sequence[Rule], doc_of: Callable[[str], str | None], documents: set[str],
                      terms: Sequence[str], already: Sequence[Rule] = ()) -> list[Rule]:
    """The definitions in `documents` whose term the question names ("能申请低保吗" → 第十条 最低生活保障家庭), though
    retrieval ranked other articles of the document first. `doc_of`: unit id → document id."""
    return [r for r in rules if r.outcome.kind == "status" and r not in already
            and named_share(r, terms) >= NAMED_SHARE and doc_of(r.unit_id) in documents]
