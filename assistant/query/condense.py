"""Offline, deterministic condensing of a follow-up question with the conversation history.

A question is treated as a follow-up when it is short, or leans on the previous turn (那/那么/如果/呢/这个/他们…,
"what about", "and if", "they"…), and names no topic of its own: no word that points to documents other than
the ones the conversation was about (assistant.query.topics, computed from the index). Then the key terms of the most
recent user turn(s) — domain terms, amounts, and the content words — are appended to it, so "那如果是累计投资呢？"
after "can a startup founder with 500万 funding shorten the 7-year requirement" searches for both. Anything else passes through unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.query.crosslingual import english_words
from assistant.query.textproc import STOPWORDS, default_processor, has_cjk
from assistant.query.topics import TopicIndex
from assistant.types import Turn

MAX_FOLLOWUP_CJK = 16  # a Chinese question this short rarely stands alone
MAX_FOLLOWUP_WORDS = 9
_ZH_MARKERS = ("那", "那么", "如果", "呢", "这个", "那个", "这些", "那些", "他们", "它们", "其", "还有", "另外", "同样",
               "也", "还", "上述", "该政策", "这项", "这条", "此外", "又")
_EN_MARKERS = ("what about", "how about", "and if", "what if", "and for", "and what", "and how", "and the",
               "also", "same", "they", "them", "their", "it", "its", "that", "this", "those", "these", "he", "she",
               "his", "her", "instead", "else", "too", "then")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s+(million|billion|thousand|years?|months?|percent|points?)\b", re.I)
_QUESTION_NOISE = re.compile(r"[？?！!。，,、；;：:（）()“”\"'《》]")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def looks_like_followup(question: str, previous: str, index: TopicIndex) -> bool:
    """Short or leaning on the previous turn, and naming no topic outside the documents the previous turn was
    about ("那要直接落户呢？" after a 落户 question, "那配偶呢？" after one about the returnees' hukou; not
    "那QFLP呢？")."""
    q = _norm(question)
    if index.continues(q, previous) is False:
        return False  # it names a topic of its own, in other documents than the conversation's
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


def condense_offline(question: str, history: list[Turn], index: TopicIndex) -> str:
    """A standalone query for retrieval: the question, plus the previous user turn's key terms if it is a follow-up."""
    question = question.strip()
    users = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not question or not users or not looks_like_followup(question, " ".join(users), index):
        return question
    carried: list[str] = []
    own = set(key_terms(question))
    # The most recent user turn that has a topic (a chain of follow-ups leads back to it); its successors'
    # terms are carried too, so "and the spouse?" -> "and the documents?" keeps both.
    start = len(users) - 1
    while start > 0 and not index.topics(users[start]):
        start -= 1
    for turn in users[start:]:
        for term in key_terms(turn):
            if term not in own and term not in carried:
                carried.append(term)
    if not carried:
        return question
    return f"{question} {' '.join(carried)}"
