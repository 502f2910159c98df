"""Offline, deterministic condensing of a follow-up question with the conversation history.

A question is treated as a follow-up when it is short, or leans on the previous turn (那/那么/如果/呢/这个/他们…,
"what about", "and if", "they"…), and names no topic of its own (no domain term such as 落户, 科创板, QFLP,
"hukou", "venture capital"). Then the key terms of the most recent user turn(s) — domain terms, amounts, and the
content words — are appended to it, so "那如果是累计投资呢？" after "can a startup founder with 500万 funding shorten the
7-year requirement" searches for both. Anything else passes through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.crosslingual import english_words
from assistant.textproc import STOPWORDS, default_processor, has_cjk
from assistant.types import Turn

MAX_FOLLOWUP_CJK = 16  # a Chinese question this short rarely stands alone
MAX_FOLLOWUP_WORDS = 9
_ZH_MARKERS = ("那", "那么", "如果", "呢", "这个", "那个", "这些", "那些", "他们", "它们", "其", "还有", "另外", "同样",
               "也", "还", "上述", "该政策", "这项", "这条", "此外", "又")
_EN_MARKERS = ("what about", "how about", "and if", "what if", "and for", "and what", "and how", "and the",
               "also", "same", "they", "them", "their", "it", "its", "that", "this", "those", "these", "he", "she",
               "his", "her", "instead", "else", "too", "then")
# Words that say what the question is about. Attribute words (配偶, 累计, 投资, 材料, 条件…) are not topics:
# they need a topic from earlier in the conversation.
_TOPIC_ZH = ("落户", "户口", "居住证", "留学", "引进人才", "人才引进", "创业投资", "天使投资", "风险投资", "科创板",
             "上市公司", "孵化器", "技术转移", "民营企业", "中小微企业", "区域性股权市场", "股权托管", "在线新经济",
             "上海制造", "专项资金", "零增地", "优质项目", "临港", "长三角", "金融中心", "浦江之光", "QFLP", "QDLP",
             "退市", "股票质押", "再贷款", "再贴现", "纾困", "外资", "理财", "工业用地", "无人工厂", "人身险")
_TOPIC_EN = ("hukou", "residence permit", "returnee", "overseas student", "talent", "venture capital", "vc",
             "angel", "star market", "listed compan", "incubator", "tech transfer", "technology transfer",
             "private enterprise", "private compan", "sme", "equity market", "online new economy",
             "made in shanghai", "manufacturing", "special fund", "zero additional land", "lingang",
             "yangtze", "financial center", "pujiang", "qflp", "qdlp", "delist", "share pledge", "relending",
             "bailout", "foreign", "wealth management", "industrial land", "unmanned factor", "insurance")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s+(million|billion|thousand|years?|months?|percent|points?)\b", re.I)
_QUESTION_NOISE = re.compile(r"[？?！!。，,、；;：:（）()“”\"'《》]")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def topics(text: str) -> set[str]:
    """The policy topics a text names (domain terms such as 落户, QFLP, "venture capital")."""
    t = _norm(text)
    found = {term for term in _TOPIC_ZH if term in t}
    padded = " " + " ".join(english_words(t.lower())) + " "
    return found | {term for term in _TOPIC_EN if f" {term}" in padded}


def has_topic(text: str) -> bool:
    """Does the text name a policy topic of its own?"""
    return bool(topics(text))


def _starts_leaning(q: str) -> bool:
    low = q.lower()
    return q.startswith(("那", "那么", "如果", "还有", "另外")) or bool(
        re.match(r"(and |so |but )?(what|how) about\b|and (if|what|how|for)\b|what if\b", low))


def looks_like_followup(question: str, previous: str = "") -> bool:
    """Short or leaning on the previous turn, and naming no topic of its own — or opening with 那/"what about"
    while only naming topics the previous turn already named ("那要直接落户呢？" after a 落户 question)."""
    q = _norm(question)
    own = topics(q)
    if own:
        return _starts_leaning(q) and bool(previous) and own <= topics(previous)
    low = q.lower()
    words = english_words(low)
    if has_cjk(q):
        cjk = len(re.findall(r"[\u4e00-\u9fff]", q))
        leaning = any(q.startswith(m) or m in q for m in _ZH_MARKERS)
        return cjk <= MAX_FOLLOWUP_CJK or leaning
    leaning = any(re.search(rf"\b{re.escape(m)}\b", low) for m in _EN_MARKERS)
    return len(words) <= MAX_FOLLOWUP_WORDS or leaning


def key_terms(text: str) -> list[str]:
    """Content words of a turn in order, without question words: Chinese words (domain dictionary), amounts,
    and English words kept whole (`7-year`, `500万`) so the cross-lingual expander still sees them."""
    t = _AMOUNT.sub(r"\1\2", _QUESTION_NOISE.sub(" ", _norm(text)))  # "20 million" stays one term
    found: list[str] = []
    for part in re.split(r"([A-Za-z0-9][A-Za-z0-9'&%.\-]*(?:万元|万|亿|年|个月)?)", t):
        if not part.strip():
            continue
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9'&%.\-]*(?:万元|万|亿|年|个月)?", part):
            words = [part.lower().strip(".'-")]
        else:
            words = [w for w in default_processor().words(part) if has_cjk(w) and len(w) >= 2]
        for w in words:
            if len(w) > 1 and w not in STOPWORDS and w not in found and not (w.isdigit() and len(w) < 3):
                found.append(w)
    return found


def condense_offline(question: str, history: list[Turn]) -> str:
    """A standalone query for retrieval: the question, plus the previous user turn's key terms if it is a follow-up."""
    question = question.strip()
    users = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not question or not users or not looks_like_followup(question, " ".join(users)):
        return question
    carried: list[str] = []
    own = set(key_terms(question))
    # The most recent user turn that has a topic (a chain of follow-ups leads back to it); its successors'
    # terms are carried too, so "and the spouse?" -> "and the documents?" keeps both.
    start = len(users) - 1
    while start > 0 and not has_topic(users[start]):
        start -= 1
    for turn in users[start:]:
        for term in key_terms(turn):
            if term not in own and term not in carried:
                carried.append(term)
    if not carried:
        return question
    return f"{question} {' '.join(carried)}"
