"""The offline answer: the decisive sentences of the retrieved clauses, quoted verbatim.

Used when no LLM is configured and whenever the LLM fails. Sentences are scored by the query's concepts (from
the cross-lingual expander, so "shorten the 7-year requirement" finds 由7年缩短为…), each concept weighted by
how rare it is among the candidate sentences, plus how close each sentence's vector is to the question's. Quotes
are exact slices of the unit text, whole sentences, so a threshold is never quoted without its conditions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from assistant.answer.citations import verify_citations
from assistant.answer.compose import DirectAnswer, Findings, opening
from assistant.answer.direct import direct_answer
from assistant.answer.validity import validity_for_hits, validity_label
from assistant.query.crosslingual import ExpandedQuery, detect_language
from assistant.query.details import states, unstated
from assistant.query.matching import concept_in, informative_concepts, text_tokens
from assistant.types import Answer, AnswerLang, Citation, ClauseAnswer, Requirements, SearchHit, Verdict
from ingest.eligibility.model import Rule
from ingest.sentences import Sentence, normalize, split_sentences

MAX_HITS = 4  # candidate units whose sentences compete (the answer step gets settings.top_k ≤ this)
MAX_QUOTES = 4
RELATIVE_CUTOFF = 0.55  # a sentence is quoted when it scores ≥ this share of the best sentence
RANK_DECAY = 0.08  # later hits' sentences score slightly less: retrieval order is evidence too
# How much a sentence's closeness to the question (its stored vector, 0..1 over the candidates) adds, as a share of
# the best word-match score: words alone miss what a visitor says in other words or another language. 1.0 was
# the best of 0.5/1/2 on the regulations dev set and the compilation's eval set (docs/evaluation.md).
DENSE_WEIGHT = 1.0
# A sentence that opens with one of these qualifies the sentence before it and is quoted with it.
_CONTINUATION = re.compile(r"^(?:其中|但|但是|同时|并且|且|上述|前款|本款|符合上述|对于上述|如|此外)")
_ENUM_START = re.compile(r"^(?:\(|（)?[一二三四五六七八九十\d]{1,3}(?:\)|）|、|\.)")
_COLON_END = re.compile(r"[:：]$")


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def answer_language(question: str) -> AnswerLang:
    """The language most of the question's words are in: "外资 own majority 的券商和 fund company 在上海可以吗" is
    Chinese with English terms in it, "can a startup founder with 500万 funding shorten the 7-year requirement"
    English with a Chinese figure. A Chinese word is counted as two characters; acronyms (QFLP, IT) count for
    neither."""
    lang = detect_language(question)
    if lang != "mixed":
        return lang
    english = [w for w in _LATIN_WORD.findall(question) if not (w.isupper() and len(w) > 1)]
    return "en" if len(english) > len(_CJK_CHAR.findall(question)) / 2 else "zh"


@dataclass(frozen=True)
class Passage:
    """A run of sentences of one retrieved unit, quoted as one exact slice of the unit text."""

    hit_rank: int
    hit: SearchHit
    start: int
    end: int
    score: float

    @property
    def text(self) -> str:
        return self.hit.text[self.start:self.end]


def display_quote(text: str) -> str:
    """The quote as shown: stray spaces next to Chinese removed, and a paragraph break inside the quote (a
    heading and its first item) shown as an ideographic space, so `…条件之一　1.在…` doesn't run together.
    Verification ignores whitespace, so this is still the verbatim text."""
    text = re.sub(r"\s*\n\s*", "\u3000", text.strip())
    return re.sub(r"(?<=[\u3400-\u9fff，。,、:：;；()（）])[ \t]+|[ \t]+(?=[\u3400-\u9fff，。,、:：;；()（）])",
                  "", text)


# Answers re-read the same clauses' sentences over and over; jieba segmenting them was a third of a warm `ask`
# (cProfile, 2026-12-03: 2.9 of 7.2 s over the 184 eval questions). Bounded, so a large index can't grow it.
def score_sentences(expanded: ExpandedQuery, hits: Sequence[SearchHit],
                    asked: Sequence[str] = ()) -> list[tuple[float, int, Sentence]]:
    """(score, hit rank, sentence) for every sentence of the first MAX_HITS hits. Each asked detail
    (assistant/query/details.py: 多久 → a period) counts as one more concept, found in sentences that state one, so
    "认定时间不超过10个工作日" beats a sentence that only names the procedure."""
    pool: list[tuple[int, Sentence, str, frozenset[str]]] = []
    for rank, hit in enumerate(hits[:MAX_HITS]):
        for s in split_sentences(hit.text):
            norm = normalize(s.text).lower()
            pool.append((rank, s, norm, text_tokens(s.text)))
    concepts = informative_concepts(expanded.concepts)
    if not pool or not concepts:
        return []
    matches = [[concept_in(c, norm, toks) for c in concepts] + [states(k, norm) for k in asked]
               for _, _, norm, toks in pool]
    weights = [c.weight for c in concepts] + [1.0] * len(asked)
    n = len(pool)
    # IDF over the candidate sentences: a concept every sentence shares (e.g. 户口 in a hukou document)
    # decides nothing; the amount or the "7年" that only two sentences contain decides a lot.
    idf = [math.log(1 + n / (1 + sum(m[i] for m in matches))) for i in range(len(weights))]
    k = len(concepts)
    base = [sum(w * idf[i] for i, w in enumerate(weights[:k]) if m[i]) for m in matches]
    floor = RELATIVE_CUTOFF * max(base)
    closeness = _closeness(hits, [(rank, s) for rank, s, _, _ in pool])
    best = max(base) or 1.0
    out = []
    for (rank, s, _, _), m, b, near in zip(pool, matches, base, closeness, strict=True):
        # The asked detail only reorders sentences already on topic: a number alone makes nothing relevant.
        score = b + (sum(weights[i] * idf[i] for i in range(k, len(weights)) if m[i]) if b and b >= floor else 0.0)
        out.append(((score + DENSE_WEIGHT * best * near) * (1 - RANK_DECAY * rank), rank, s))
    return out


def _closeness(hits: Sequence[SearchHit], pool: Sequence[tuple[int, Sentence]]) -> list[float]:
    """Each candidate sentence's cosine with the question (retrieval's sentence vectors), scaled to 0..1 over
    the candidates: 0 where retrieval gave none."""
    by_hit = [dict(h.sentence_similarity) for h in hits[:MAX_HITS]]
    cosines = [by_hit[rank].get(s.start) for rank, s in pool]
    known = [c for c in cosines if c is not None]
    if not known or max(known) <= min(known):
        return [0.0] * len(pool)
    lo, hi = min(known), max(known)
    return [0.0 if c is None else (c - lo) / (hi - lo) for c in cosines]


def select_passages(expanded: ExpandedQuery, hits: Sequence[SearchHit], asked: Sequence[str] = ()) -> list[Passage]:
    """The decisive sentences, grouped into passages, in retrieval then text order."""
    scored = score_sentences(expanded, hits, asked)
    if not scored:
        return []
    best = max(s for s, _, _ in scored)
    if best <= 0:
        return []
    chosen = sorted((x for x in scored if x[0] >= RELATIVE_CUTOFF * best), key=lambda x: -x[0])[:MAX_QUOTES]
    by_unit: dict[int, list[tuple[float, Sentence]]] = {}
    for score, rank, s in chosen:
        by_unit.setdefault(rank, []).append((score, s))
    passages: list[Passage] = []
    for rank in sorted(by_unit):
        hit = hits[rank]
        sentences = split_sentences(hit.text)
        idx = {s.start: i for i, s in enumerate(sentences)}
        keep = {idx[s.start]: score for score, s in by_unit[rank] if s.start in idx}
        for i in list(keep):
            _keep_conditions_together(sentences, i, keep)
        for run in _runs(sorted(keep), sentences, hit.text):
            passages.append(Passage(rank, hit, sentences[run[0]].start, sentences[run[-1]].end,
                                    max(keep[i] for i in run)))
    return passages


def deciding_rules(verdict: Verdict) -> list[Rule]:
    """The rules a verdict states: each branch's met (or nearest) rule and what is met instead."""
    return [c.rule for b in verdict.branches for c in (b.best or b.nearest, b.fallback) if c is not None]


def grounds(verdict: Verdict | None, requirements: Requirements | None) -> list[str]:
    """The units (ids) whose clauses a verdict or a list of conditions rests on, conditions' own units included:
    the answer quotes each of them, however low retrieval ranked it."""
    rules = deciding_rules(verdict) if verdict is not None else (
        list(requirements.alternatives or [requirements.rule]) if requirements is not None else [])
    return list(dict.fromkeys(u for r in rules for u in (r.unit_id, *(c.unit_id for c in r.conditions)) if u))


def verdict_passages(verdict: Verdict, hits: Sequence[SearchHit]) -> list[Passage]:
    """The sentences holding the deciding rules' outcomes and conditions, for each retrieved unit they are in."""
    return rule_passages(deciding_rules(verdict), hits)


def rule_passages(rules: Sequence[Rule], hits: Sequence[SearchHit]) -> list[Passage]:
    """The sentences holding these rules' outcomes and conditions, for each retrieved unit they are in."""
    rank = {h.id: i for i, h in enumerate(hits)}
    out: list[Passage] = []
    for rule in rules:
        spans: dict[str, list[tuple[int, int]]] = {}
        spans.setdefault(rule.unit_id, []).append((rule.outcome.start, rule.outcome.end))
        for c in rule.conditions:
            spans.setdefault(c.unit_id or rule.unit_id, []).append((c.start, c.end))
        for uid, parts in spans.items():
            if uid not in rank:
                continue
            hit = hits[rank[uid]]
            lo, hi = min(a for a, _ in parts), max(b for _, b in parts)
            sentences = [x for x in split_sentences(hit.text) if x.end > lo and x.start < hi]
            if not sentences:
                continue
            start, end = sentences[0].start, sentences[-1].end
            if any(p.hit is hit and p.start <= start and end <= p.end for p in out):
                continue
            out = [p for p in out if not (p.hit is hit and start <= p.start and p.end <= end)]
            out.append(Passage(rank[uid], hit, start, end, float("inf")))
    return sorted(out, key=lambda p: (p.hit_rank, p.start))


def _keep_conditions_together(sentences: list[Sentence], i: int, keep: dict[int, float]) -> None:
    """Add the sentence a chosen one qualifies ("其中…", "但…") and the list a chosen one introduces ("…:")."""
    score = keep[i]
    j = i
    while j > 0 and _CONTINUATION.match(sentences[j].text):
        j -= 1
        keep.setdefault(j, score)
    if _COLON_END.search(sentences[i].text):
        k = i + 1
        while k < len(sentences) and k - i <= 6 and _ENUM_START.match(sentences[k].text):
            keep.setdefault(k, score)
            k += 1


def _runs(indices: list[int], sentences: list[Sentence], text: str) -> list[list[int]]:
    """Adjacent chosen sentences of one paragraph form one quote; a paragraph break starts a new one."""
    runs: list[list[int]] = []
    for i in indices:
        prev = runs[-1][-1] if runs else None
        if prev == i - 1 and "\n" not in text[sentences[prev].end:sentences[i].start]:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _with_stated_sentence(direct: DirectAnswer | None, passages: list[Passage],
                          hits: Sequence[SearchHit]) -> list[Passage]:
    """The passages, with the sentence the first line states quoted first when no passage holds it: a direct
    answer read from the whole unit (what befalls a breach often follows the sentence that forbids it) is shown."""
    if direct is None or not direct.text or any(p.hit is direct.hit and direct.text in p.text for p in passages):
        return passages
    at = direct.hit.text.find(direct.text)
    if at < 0:
        return passages
    covering = [s for s in split_sentences(direct.hit.text) if s.start < at + len(direct.text) and at < s.end]
    rank = next((i for i, h in enumerate(hits) if h.id == direct.hit.id), len(hits))
    stated = Passage(rank, direct.hit, covering[0].start, covering[-1].end, 0.0)
    return [stated, *(p for p in passages if not (p.hit is direct.hit and p.start < stated.end and stated.start < p.end))]


def build_extractive_answer(question: str, hits: Sequence[SearchHit], expanded: ExpandedQuery, today: date,
                            notice: str | None = None, standalone_query: str = "",
                            hedge_department: str | None = None, uncovered: Sequence[str] = (),
                            asked: Sequence[str] = (), department: str | None = None,
                            verdict: Verdict | None = None, requirements: Requirements | None = None,
                            general: bool = False, term_share: Callable[[str], float] | None = None) -> Answer:
    """Lead line + quoted passages grouped by unit, each unit with its policy's status. Returns an Answer
    with refused=False; the caller decides on refusal before calling this. With `hedge_department` (weak
    evidence that still passed the refusal gate) the lead says the clauses may not fit and whom to ask; with
    `uncovered` words it first says the policies never use them; for `asked` details (assistant/query/details.py)
    that no quote states, that the quoted clauses don't state them — and then the lead is hedged too, naming
    `department` (a quote without the asked figure doesn't answer "how much"). `requirements`: the rule whose
    conditions the question asks (assistant/answer/eligibility/overview.py), listed when nothing else answers it.
    `general`: the question (with its history) states no facts of the asker's, so a clause granting what it asks
    answers it — the asker's own case is the verdict's to judge. `term_share` (the share of indexed units holding a
    word) lets a count or scale asked for be answered with the figure."""
    lang = answer_language(question)
    passages = select_passages(expanded, hits, asked)
    quoted_validity = validity_for_hits(list(dict.fromkeys(p.hit for p in passages)), today)
    if verdict is not None or hedge_department or (requirements is not None and direct_answer(
            standalone_query or question, passages, quoted_validity, asked, expanded) is not None):
        # A verdict, the asked figure or a prohibition answers; weak evidence is not answered with some rule's
        # conditions.
        requirements = None
    if verdict is not None or requirements is not None:
        # The clauses the verdict (or the listed conditions) rest on come first, whole sentences: the proof of
        # every figure it states.
        decisive = verdict_passages(verdict, hits) if verdict is not None else rule_passages(
            requirements.alternatives or [requirements.rule], hits)
        passages = decisive + [p for p in passages if not any(p.hit is d.hit and p.start < d.end and d.start < p.end
                                                               for d in decisive)]
        passages = passages[:max(MAX_QUOTES, len(decisive))]
    if not passages and hits:  # nothing scored (e.g. only unknown words): quote the best unit's first sentence
        first = split_sentences(hits[0].text)[:1]
        passages = [Passage(0, hits[0], s.start, s.end, 0.0) for s in first]
    validity = validity_for_hits(list(dict.fromkeys(p.hit for p in passages)), today)
    direct = direct_answer(standalone_query or question, passages, validity, asked, expanded,
                           general=general and verdict is None and requirements is None,
                           term_share=term_share if requirements is None else None,  # a list asked for comes first
                           units=hits)
    passages = _with_stated_sentence(direct, passages, hits)
    cited_hits = list(dict.fromkeys(p.hit for p in passages))
    status_of = {v.doc_title: v for v in validity}
    citations: list[Citation] = []
    blocks: list[str] = []
    for hit in cited_hits:
        v = status_of[hit.doc_title]
        lines = [f"《{hit.doc_title}》{hit.locator} · {validity_label(v, lang)}"]
        for p in (p for p in passages if p.hit is hit):
            quote = display_quote(p.text)
            citations.append(Citation(id=hit.id, doc_title=hit.doc_title, locator=hit.locator, quote=quote,
                                      verified=True, unit_text=hit.text))
            lines.append(f"「{quote}」[{len(citations)}]")
        blocks.append("\n".join(lines))
    citations, unverified = verify_citations(citations)  # extractive quotes are checked like any other
    missing = unstated(asked, (c.quote for c in citations if c.verified))
    # An answered question's uncovered words are named only when the answer is hedged anyway (a real gap):
    # then "the policies never use 公积金" says why. Refusals always name them.
    shown_uncovered = tuple(uncovered) if hedge_department and verdict is None and direct is None else ()
    # The fragment the first line states; none when that line says instead what the quotes don't state.
    clause_answer = (ClauseAnswer(direct.hit.doc_title, direct.hit.locator, direct.text,
                                  "grant" if direct.kind in ("support", "plan") else direct.kind, direct.named)
                     if direct is not None and direct.kind != "validity" and not missing else None)
    lead = opening(Findings(lang, cited_hits, validity, verdict=verdict, direct=direct, uncovered=shown_uncovered,
                            missing=missing, hedge_department=hedge_department, ask=department,
                            requirements=requirements))
    text = "\n\n".join([lead, *blocks])
    return Answer(answer=text, citations=citations, refused=False, validity=validity, mode="extractive",
                  notice=notice, unverified_quotes=unverified, standalone_query=standalone_query,
                  uncovered_terms=tuple(uncovered), missing_details=missing, verdict=verdict, clause_answer=clause_answer,
                  requirements=requirements if direct is None and not missing else None)
