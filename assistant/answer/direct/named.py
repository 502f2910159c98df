"""Who does it, where to go, and what a term means — answered by the clause that names them.

Official texts say who is responsible in a few fixed shapes, in any policy file: "市人力资源社会保障局负责…日常工作",
"本办法由市经济信息化委、市财政局负责解释", "上海股权托管交易中心是本市区域性股权市场运营机构", "向区民政部门提出申请",
"通过“一网通办”系统提交"; and they define terms as "重点机构是指…" or "本条例所称X，是指…". A question asking who or
where ("谁来审核？", "去哪里备案？", "Which agency…?") is answered by the body such a clause names, a question asking what
a term means by its definition; each only when the clause is about what the question asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.compose import DirectAnswer
from assistant.answer.direct.body_names import english_name
from assistant.answer.direct.spans import (
    FRAGMENT_CUT,
    MAX_SPAN_CHARS,
    SENTENCE_CUT,
    asked_concepts,
    concepts_in,
    top_document,
    without_numbers,
)
from assistant.query.crosslingual import ExpandedQuery

# Asking who does something, or which body or channel to go to. Not who may apply ("谁能申请", "who is eligible"):
# that is the conditions' question.
_WHO_ASKED = re.compile(
    r"谁(?!能|可以|可|有资格|符合|适用)|(?:哪个|哪些|哪一?家|哪一?级|什么)(?:政府)?(?:部门|机构|单位|组织|平台|系统)|哪家|"
    r"(?:找|向|去|到|在)哪(?:里|儿|个)?(?:办|申请|申办|备案|登记|提交|申报|报送|咨询|投诉|认定|交)|找哪|向哪|"
    r"\bwho(?:m)?\b(?! (?:can|may|is eligible|qualif|(?:is|are) [^?]{0,40}\bfor\b))|"
    r"\b(?:which|what) (?:\w+ )?(?:department|agency|body|office|authority|organi[sz]ation|institution|bureau|"
    r"government|entity|platform|system|operator)s?\b|"
    r"\bwhere (?:do|can|should|must|does|to) (?:\w+ ){0,3}(?:apply|register|file|submit|go|report|complain|record)",
    re.I)
# Asking what a term means or what counts as it.
_MEANING_ASKED = re.compile(r"什么是|是什么意思|什么意思|是指什么|指什么|指的是|怎么定义|如何定义|怎么界定|如何界定|"
                            r"的定义|什么叫|指哪|(?:算|属于)(?:是)?(?:什么|哪些|哪类)|什么(?:样的)?(?:单位|机构|企业|人)?算|"
                            r"\bwhat (?:does|do) [^?]{2,60} mean\b|\bwhat counts as\b|\bdefin|\bmeant by\b|"
                            r"\bwhat (?:is|are) (?:an? )", re.I)
# A body: a name ending as official bodies, platforms and channels do, or several joined (项目单位和区产业部门).
_SUFFIX = (r"(?:委员会|管委会|办公室|办事处|部门|中心|政府|机构|协会|银行|公司|法院|平台|系统|网站|窗口|街道|小组|单位|局|委|"
           r"厅|院|事务所|交易所|办(?![理法事结公件])|处(?![理罚置分]))")
_BODY = rf"[^，,；;。：:由向（）()“”]{{0,20}}?{_SUFFIX}+(?:[和、及与或][^，,；;。：:（）()]{{1,20}}?{_SUFFIX}+)*"
_BODY_END = re.compile(rf"{_SUFFIX}$")
_VAGUE = re.compile(r"(?:各?(?:相关|有关)|其他|其|该|本(?!市))")  # 相关部门, 有关单位: no body named
_ALIAS = re.compile(r"[(（]以下简称[^)）]*[)）]")  # 上海市财政局(以下简称“市财政局”)
_ADVERBS = re.compile(r"(?:具体|主要|统一|共同|分别|依法|应当|要|可以|可)+$")
# The body is the subject of a duty ("X负责…", "X牵头"), the agent of 由 or 经 ("由X负责解释", "须经X备案"), the one a
# thing is handed to ("向X提出申请", "到X办理"), the channel ("通过X系统"), or is named as the responsible body
# ("X是…主管部门").
_DUTY = re.compile(r"负责(?!人(?!才)|制(?!定))|牵头|统筹|主管(?!部门)|承担")
_AGENT = re.compile(rf"(?<![理自缘经])由(?![于此])(?P<body>{_BODY})|向(?P<to>{_BODY})|"
                    rf"(?<![已曾])经(?P<by>{_BODY})(?:牵头)?(?:审核|认定|备案|批准|同意|推荐|评审|审定|核准|确认|初审)|"
                    rf"(?:在|到)(?P<at>{_BODY})(?:申请|申报|备案|报送|递交|报备|咨询|投诉|举报|登记|办理|提交|提出)|"
                    r"(?:通过|登录)(?P<via>[^，,；;。的]{2,30}?(?:系统|平台|网站|窗口))")
_NAMED_AS = re.compile(rf"(?P<body>{_BODY})(?:[(（]以下简称[^)）]*[)）])?是(?!指)[^，,；;。]{{0,30}}?(?:主管部门|运营机构|管理机构|责任主体|实施主体|"
                       r"第一责任人|主管机关|日常工作机构)")
# The action asked of the body: "谁来审核", "要谁盖章", "去哪里备案", "哪个部门审批".
_ACTION_ASKED = re.compile(r"(?:谁|哪个部门|哪些部门|什么部门|哪个机构|哪家机构|哪里|哪儿)(?:来|去|负责|可以|能|会)?"
                           r"(?P<verb>[\u4e00-\u9fff]{2})")
_ACTION_ASKED_EN = re.compile(
    r"\b(?:who(?:m)?|(?:which|what) (?:\w+ )?(?:department|agency|body|office|authority|organi[sz]ation|institution|"
    r"bureau|government|entity|operator)s?)\s+(?:(?:has|have|is|are|does|do|will|would|should|must|can|could|to|"
    r"supposed|going|actually|usually|really|else)\s+)*(?P<verb>[a-z]+)", re.I)
_IN_CHARGE = frozenset({"handle", "handles", "run", "runs", "oversee", "oversees", "responsible", "in", "deal",
                        "deals", "take", "takes", "look", "looks", "do", "does", "work", "works", "the", "a", "an",
                        "it", "i", "we", "my", "our", "this", "that", "for", "of"})
_ANOTHER_AGENT = re.compile(r"[，,；;](?=由|向|经)")
# A definition: "重点机构是指…", "本条例所称营商环境，是指…".
_DEFINED = re.compile(r"(?:所称(?:的)?)?[“\"]?(?P<term>[^，,；;。：:“”\"\s]{2,24}?)[”\"]?[，,]?(?:是指|系指|指的是)")
_TERM_PREFIX = re.compile(r"^(?:本[^，,；;。]{0,6}?所称(?:的)?|前款所称(?:的)?|所称(?:的)?)")
MAX_DEFINITION_CHARS = 120
# Words of the duty's own: a clause naming a body always has them, so they say nothing of what it is about.
_DUTY_WORDS = frozenset({"负责", "工作", "管理", "部门", "机构", "单位"})
NAMED_CONCEPTS = 1  # the action asked, said by the clause, counts as one


def asks_who(question: str) -> bool:
    return bool(_WHO_ASKED.search(question))


def asks_meaning(question: str) -> bool:
    return bool(_MEANING_ASKED.search(question))


def _clean_body(raw: str) -> str | None:
    # "就近的社区事务受理服务机构", "其户籍所在地的乡镇人民政府": the body is what the last 的 leads to
    body = without_numbers(raw.strip()).rsplit("的", 1)[-1]
    body = re.sub(r"^(?:由|须经|经)", "", _ADVERBS.sub("", _ALIAS.sub("", body)).strip()).strip("“”\"")
    if not 2 <= len(body) <= 40 or not _BODY_END.search(body) or _VAGUE.match(body):
        return None
    return body


def _bodies(text: str) -> list[tuple[int, str, bool]]:
    """(position, body, whether it is a channel) for each body the text names in one of the responsible shapes."""
    out: list[tuple[int, str, bool]] = []
    for m in _DUTY.finditer(text):
        start = max((c.end() for c in FRAGMENT_CUT.finditer(text, 0, m.start())), default=0)
        body = _clean_body(text[start:m.start()])
        if body:
            out.append((m.start(), body, False))
    for pattern in (_AGENT, _NAMED_AS):
        for m in pattern.finditer(text):
            body = _clean_body(next(g for g in m.groups() if g))
            if body:
                out.append((m.start(), body, m.lastgroup == "via"))
    return out


def _span(text: str, pos: int, concepts: Sequence[set[str]]) -> str:
    """The comma-clause naming the body at `pos` and those after it in its sentence, as far as needed to hold the
    question's concepts the sentence holds (a duty lists its tasks: "…负责对市场参与者进行自律管理,制定有关业务规则…"),
    up to MAX_SPAN_CHARS. A body named inside a bracket ("(须经上海市技术转移协会备案,下同)") gets the bracket's part."""
    start = max((c.end() for c in FRAGMENT_CUT.finditer(text, 0, pos)), default=0)
    stop_at = SENTENCE_CUT.search(text, pos)
    stop = stop_at.start() if stop_at else len(text)
    ends = [c.start() for c in FRAGMENT_CUT.finditer(text, pos, stop)] + [stop]
    opened = max(text.rfind("(", start, pos), text.rfind("（", start, pos))
    if opened >= 0 and not any(c in text[opened:pos] for c in ")）"):
        return text[opened + 1:ends[0]].strip()
    whole = concepts_in(text[start:stop], concepts)
    end = next(e for e in ends if concepts_in(text[start:e], concepts) >= whole or e - start >= MAX_SPAN_CHARS
               or e == stop)
    return without_numbers(text[start:end].strip())


def _asked_action(question: str, expanded: ExpandedQuery) -> set[str]:
    """The words of what the question asks someone to do ("谁来审核" → 审核 and its synonyms; "Who interprets…" →
    解释): the clause naming the body must say it. Empty when the question names no action, or only being in
    charge ("Who handles…"), which every duty says."""
    m = _ACTION_ASKED.search(question)
    if m is not None and m.group("verb")[0] not in "的是呢啊吗了":
        verb = m.group("verb")
        return {verb} | next((set(c.terms) for c in expanded.concepts if verb in c.terms), set())
    m = _ACTION_ASKED_EN.search(question)
    if m is None or m.group("verb").lower() in _IN_CHARGE:
        return set()
    verb = m.group("verb").lower()
    return next((set(c.terms) for c in expanded.concepts if c.source.lower() == verb and c.origin != "latin"), set())


def responsible(question: str, passages: Sequence, expanded: ExpandedQuery) -> DirectAnswer | None:
    """Of the clauses quoted from the document the answer rests on that name a body and say the action asked, the
    one sharing most of the question's concepts (the policy's title and the words every duty has aside); of equals,
    a body before a channel."""
    action = _asked_action(question, expanded)
    found = []
    for i, p in top_document(passages):
        concepts = asked_concepts(expanded, p.hit.doc_title, _DUTY_WORDS)
        for pos, body, channel in _bodies(p.text):
            span = _span(p.text, pos, concepts)
            # said of this body: not in a later clause of another agent ("…提出申请，由有关部门依法处理")
            if action and not any(t in _ANOTHER_AGENT.split(span)[0] for t in action):
                continue
            # the action asked, said by the clause, is evidence even in words of the title ("住房公积金由谁来管理")
            found.append((concepts_in(span, concepts) + bool(action), -i, not channel, -pos, p, span, body))
    best = max(found, key=lambda x: x[:4], default=None)
    if best is not None and best[0] >= NAMED_CONCEPTS:
        return DirectAnswer("body", best[4].hit, best[5], named=best[6], named_en=english_name(best[6]))
    return None


def definition(question: str, passages: Sequence, expanded: ExpandedQuery) -> DirectAnswer | None:
    """The quoted clause defining a term the question names: in its own words for a question in Chinese, through
    its translations for one in English."""
    low = question.lower()
    concepts = [{t.lower() for t in c.terms if len(t) >= 2} for c in expanded.concepts]
    for p in passages:
        for m in _DEFINED.finditer(p.text):
            term = without_numbers(_TERM_PREFIX.sub("", m.group("term")))
            if len(term) < 2:
                continue
            named = term in low if expanded.lang != "en" else concepts_in(term, concepts) >= 1
            if not named:
                continue
            # The whole sentence: a definition cut at a comma drops its "且…" and says something else.
            end = SENTENCE_CUT.search(p.text, m.end())
            span = p.text[m.start():end.start() if end else len(p.text)].strip()
            if "下列" in span or len(span) > MAX_DEFINITION_CHARS:
                continue  # the definition is a list below, or too long for a sentence: the quotes show it
            span = without_numbers(_TERM_PREFIX.sub("", span))
            return DirectAnswer("definition", p.hit, span, named=term)
    return None
