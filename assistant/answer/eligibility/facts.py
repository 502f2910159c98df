"""The visitor's own facts, from the question and the conversation: 500万 first round, a 12% stake, two
years and more at the company, a doctorate, a partner at a VC firm — in Chinese, English or both.

A fact carries what it is about (topics) and its qualifiers, read from the words around it, with the same
vocabulary the rules were read with (ingest/eligibility/vocabulary.py). A later question updates the facts of
an earlier one: "那如果是累计投资1000万呢？" replaces the amount, "不对，是累计的" re-labels it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.types import Fact
from ingest.eligibility.quantities import find_quantities
from ingest.eligibility.vocabulary import (
    EVENTS,
    EXCLUSIVE_QUALIFIERS,
    events_in,
    find_levels,
    hukou_status,
    qualifiers_in,
    relations_in,
    topics_in,
)

_CLAUSE = re.compile(r"[，,。；;！？!?]")
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?:\s|$)")
# "5.0%, not 4.9%", "不是4.9%": a figure the visitor takes back
_NEGATED = re.compile(r"(?:\bnot|\bnot even|rather than|instead of|不是|并非|而非|而不是)\s*$", re.I)
# "不一定是第一完成人", "not sure if I'm the first completer": a role or credential the visitor can't vouch for
_UNSURE = re.compile(r"(?:不一定是|不一定算|不确定算不算|不确定是不是|不确定是否|不知道是不是|不清楚是不是|说不清是不是|不确定|"
                     r"not sure (?:if|whether) (?:i'?m|i am|he'?s|she'?s|we'?re)?|not necessarily|may or may not be)"
                     r"\s*(?:the |a |an )?$", re.I)
# "他当董事长", "he's the chairman": a post someone else holds; "法人是另一个合伙人": the visitor doesn't hold it
_HELD_BY_ANOTHER = re.compile(r"(?:他|她|别人|对方)(?:当|是|担任|任)\s*$|\b(?:he|she)(?:'s| is| was)\s+(?:the\s+|our\s+)?$",
                              re.I)
# "创始人把他的6%股份转给了我", "the founder gave me 6%": the role is the giver's, not the visitor's
_GIVES_TO_ME = re.compile(r"[^，。,；;！？]{0,14}?(?:转让给|转给|分给|让给|送给|给)了?我(?!们)|"
                          r"\s+(?:gave|transferred|handed|granted|sold)\s+(?:me\b|[^.,;]{0,30}?\bto me\b)", re.I)
# "这样算不算创业人才", "我能算“创业人才”吗": a term the visitor asks about, not one they claim
_ASKED_TERM = re.compile(r"(?:算不算|能不能算|能算|可以算|算是|属不属于|是否属于)\s*[“\"「]?([\u4e00-\u9fff]{2,8}?)[”\"」]?"
                         r"(?=吗|呢|[，,。？?]|$)")
_ANOTHER_HOLDS = re.compile(r"\s*(?:是|为)\s*(?:另一个|另一位|另外一个|别人|其他人)|\s*is (?:someone else|another|the other)",
                            re.I)
_NO_STAKE = re.compile(r"没有股份|没有持股|不持股|没股份|零持股|no (?:shares|equity|stake)|"
                       r"(?:don't|do not) (?:own|hold) (?:any )?(?:shares|equity)", re.I)
# "居转户的7年能缩到几年", "能缩短到5年吗": the policy's own period, or the one hoped for, not the visitor's
_FRAMING_AFTER = re.compile(r"^\s*(?:的)?(?:要求|年限|期限|门槛|requirement|rule|wait|能缩|可以缩|能不能缩|缩短|缩到|能减|减到|"
                            r"can be (?:cut|shortened)|be shortened|shortened|down to)", re.I)
# ...and "再等两个月", "in another two months": a wait, not how long the visitor has done anything
_FRAMING_BEFORE = re.compile(r"(?:缩短(?:为|到|至)?|缩到|减到|减少到|shorten(?:ed)?(?: it| the)?(?: to)?|cut(?: it)? to|cut the|"
                             r"down to|become|instead of(?: the)?|from(?: the)?|再(?:等|过|交|干)|还要等|"
                             r"wait(?: for)?(?: another)?|in another)\s*$", re.I)
# After "一个月"/"a year": an amount or what is earned or paid in it
_PER_PERIOD = re.compile(r"\s*(?:就|才|只|能|大概|差不多)?\s*(?:挣|赚|收入|工资|拿|交|付|花|[\d一二两三四五六七八九十几]+\s*(?:千|万|百|块|元))|"
                         r"\s*(?:of (?:salary|pay|income|rent)|salary|income)", re.I)
_WINDOW = re.compile(r"(?:最近|近|过去|(?:over |in )?the (?:last|past))\s*$", re.I)  # "最近4年内…36个月"
_RETIREMENT = re.compile(r"退休|retire", re.I)
# "但没上市", "公司还未挂牌": a short phrase the visitor says is not so (not the question forms 有没有, 是不是)
_DENIED = re.compile(r"(?:(?<!有)没有|(?<!有)没|尚未|还未|并未|(?<!是)不是|并非)([\u4e00-\u9fff]{2,6}?)(?=[，,。；;！？!?、\s]|$)")
# A base at the average wage itself, with no multiple: "按上年度平均工资交", "at exactly the city's average wage"
_AT_AVERAGE_WAGE = re.compile(r"(?:按|按照|是|等于|就是)(?:上一?年度|去年|本市)?(?:的)?(?:社会|城镇|职工|社平)?平均工资"
                              r"(?!的?\s*[\d.一二两三四五六七八九十]+\s*(?:倍|%))|"
                              r"\bat (?:exactly |just )?the (?:city'?s |shanghai |local )?average (?:wage|salary)\b", re.I)
_CLAUSE_STOP = re.compile(r"[，,。；;！？!?、\n]|\band\b|\bbut\b|但|而且")


def _context(text: str, start: int, end: int, bounds: Sequence[tuple[int, int]]) -> str:
    """The words around a quantity, up to the nearest punctuation or another quantity."""
    lo = max([0, *[e for s, e in bounds if e <= start]])
    hi = min([len(text), *[s for s, e in bounds if s >= end]])
    before = text[lo:start]
    stops = list(_CLAUSE_STOP.finditer(before))
    if stops:
        before = before[stops[-1].end():]
    after = text[end:hi]
    m = _CLAUSE_STOP.search(after)
    if m:
        after = after[:m.start()]
    return before[-24:] + " " + after[:24]


_EVENT = "|".join(sorted({w for words in EVENTS.values() for w in words}, key=len, reverse=True))
_ZH_REL, _EN_REL = r"(?P<rel>以前|之前|前|以后|之后|后)", r"\b(?P<rel>before|after)\b"
_GAP = r"[^，。,.;；！？!?]{0,16}?"
# The event relative to the anchor, in the orders the two languages say it: "回国以后才结的婚", "结婚是在回国前",
# "we married after I came back", "after I came back we got married".
_ORDERED = [re.compile(rf"(?P<anchor>{_EVENT})\s*{_ZH_REL}{_GAP}(?P<event>{_EVENT})", re.I),
            re.compile(rf"(?P<event>{_EVENT}){_GAP}(?P<anchor>{_EVENT})\s*{_ZH_REL}", re.I),
            re.compile(rf"(?P<event>{_EVENT}){_GAP}{_EN_REL}{_GAP}(?P<anchor>{_EVENT})", re.I),
            re.compile(rf"{_EN_REL}{_GAP}(?P<anchor>{_EVENT}){_GAP}(?P<event>{_EVENT})", re.I)]
_RELATIVE_AGE = re.compile(r"\b(?:son|daughter|child|kid|husband|wife)\b\s+(?:is|was|just turned|turned)\s+"
                           r"(\d{1,2})\b(?!\s*(?:%|percent|million|yuan|months?|years? (?:ago|of)))", re.I)


def _orders(text: str) -> list[Fact]:
    """When the visitor says one event came before or after another: +1 after, -1 before."""
    found: dict[tuple[int, int], Fact] = {}
    for pattern in _ORDERED:
        for m in pattern.finditer(text):
            event, anchor = events_in(m.group("event")), events_in(m.group("anchor"))
            if event and anchor and not event & anchor and m.span() not in found:
                value = 1.0 if m.group("rel").lower() in ("以后", "之后", "后", "after") else -1.0
                found[m.span()] = Fact("order", value, m.group(0),
                                       frozenset({*(f"event:{e}" for e in event), *(f"anchor:{a}" for a in anchor)}))
    return list(found.values())


def facts_in(text: str) -> list[Fact]:
    """Every fact stated in one message."""
    quantities = [q for q in find_quantities(text) if not (q.kind == "duration" and q.value >= 1900 * 12)]
    bounds = [(q.start, q.end) for q in quantities]
    facts: list[Fact] = []
    sentence_of: list[int] = []  # which sentence of the message each quantity fact is in
    for q in quantities:
        context = _context(text, q.start, q.end, bounds)
        kind = q.kind
        if kind == "points" or _NEGATED.search(text[max(0, q.start - 12):q.start]):
            continue
        if kind == "duration" and (_FRAMING_AFTER.match(text[q.end:q.end + 12])
                                   or _FRAMING_BEFORE.search(text[max(0, q.start - 16):q.start])
                                   or _WINDOW.search(text[max(0, q.start - 12):q.start])):
            continue
        if kind == "count" and q.value == 1 and not q.text[0].isdigit():
            continue  # "一家创投机构", "一名员工": an article, not a count
        if kind == "duration" and _PER_PERIOD.match(text[q.end:q.end + 8]) and q.value in (1, 12):
            continue  # "一个月三千出头", "a month": how much per period, not how long
        topics = topics_in(context)
        if kind == "duration" and any(level_kind == "role" for _, _, level_kind, _, _ in find_levels(context)):
            topics = topics | {"work"}  # "当副总裁才一年": time served in a role
        if kind == "age":
            whose = {r for _, _, r in relations_in(context)}  # "女儿17岁": whose age it is
            topics = topics | whose | {"age"}  # an age is about age, whoever's it is
        if kind == "duration" and not topics and facts and facts[-1].kind == "multiple" and facts[-1].topics \
                and not _CLAUSE_STOP.search(text, text.find(facts[-1].text), q.start):
            topics = facts[-1].topics  # "社保也是3倍交满了24个月": the months are of the base just named
        facts.append(Fact(kind, q.value, q.text, topics, qualifiers_in(context), more=q.more))
        sentence_of.append(len(_SENTENCE_END.findall(text, 0, q.start)))
    for m in _AT_AVERAGE_WAGE.finditer(text):
        # "社保按上年度平均工资交了7个月", "paid at exactly the city's average wage": one times the average
        facts.append(Fact("multiple", 1.0, m.group(0), frozenset({"wage"})))
        sentence_of.append(len(_SENTENCE_END.findall(text, 0, m.start())))
    for i, f in enumerate(facts):
        if f.kind == "amount" and not f.topics and f.qualifiers & set(EXCLUSIVE_QUALIFIERS):
            # "又投了我们350万，加上孵化器那笔累计530万": a total said beside its parts is a total of the same thing
            part = next((g for g, n in zip(facts, sentence_of, strict=True)
                         if g.kind == "amount" and g.topics and n == sentence_of[i]), None)
            facts[i] = replace(f, topics=part.topics) if part is not None else f
    abroad = qualifiers_in(text) & {"abroad", "domestic"}  # "留学回国的博士", "国内985的博士": where earned
    asked = list(_ASKED_TERM.finditer(text))
    for s, e, kind, ladder, rung in find_levels(text):
        if ladder == "hukou" or _HELD_BY_ANOTHER.search(text[max(0, s - 12):s]) or _GIVES_TO_ME.match(text, e):
            continue  # "他当董事长": someone else's post; a hukou is read below, as the visitor says it
        if any(m.start(1) <= s < m.end(1) for m in asked):
            continue  # "算不算创业人才": asked about, not claimed
        negated = bool(_NEGATED.search(text[max(0, s - 8):s]) or _ANOTHER_HOLDS.match(text[e:e + 16]))
        unsure = bool(_UNSURE.search(text[max(0, s - 24):s]))
        facts.append(Fact(kind, float(rung), text[s:e], qualifiers=abroad if kind == "credential" else frozenset(),
                          level=ladder, negated=negated and not unsure, unsure=unsure))
    facts += [Fact("description", 0.0, m.group(0), frozenset({m.group(1)}), negated=True)
              for m in _DENIED.finditer(text)]
    facts += [Fact("role", 1.0, text[s:e], level=relation) for s, e, relation in relations_in(text)]
    facts += [Fact("age", float(m.group(1)), m.group(0), frozenset({"age"}) | {r for _, _, r in relations_in(m.group(0))})
              for m in _RELATIVE_AGE.finditer(text)]
    facts += _orders(text)
    hukou = hukou_status(text)
    if hukou:
        facts.append(Fact("credential", float(hukou[0]), hukou[1], level="hukou"))
    no_stake = _NO_STAKE.search(text)
    if no_stake:
        facts.append(Fact("percent", 0.0, no_stake.group(0), frozenset({"stake"})))
    facts += _years_to_retirement(text, facts)
    facts += [Fact("description", 0.0, part, qualifiers=frozenset({"domestic"})) for part in _CLAUSE.split(text)
              if qualifiers_in(part) & {"abroad", "domestic"} == {"domestic"}]  # "我是国内高校的副教授"
    return facts


def _years_to_retirement(text: str, facts: Sequence[Fact]) -> list[Fact]:
    """"56岁，法定退休年龄60岁" → 4 years before retirement age, the figure clauses set limits on."""
    ages = [f for f in facts if f.kind == "age"]
    retire = [f for f in ages if _RETIREMENT.search(text[max(0, text.find(f.text) - 10):text.find(f.text)])]
    own = [f for f in ages if f not in retire]
    if retire and own:
        years = retire[0].value - own[0].value
        return [Fact("duration", years * 12, f"{own[0].text}/{retire[0].text}", frozenset({"age"}))]
    return []


# "那老王呢？", "我们合伙人老王呢", "我同事也是硕士，他能落户吗", "what about my colleague?": a message that turns to
# someone else, whose facts are not the visitor's. Family members are not someone else: their routes rest on the
# visitor's facts. 老/小 before a common surname is how one speaks of a colleague or a friend.
_SURNAMES = ("王张李赵刘陈杨黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭"
             "廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武洪")
_SOMEONE_ELSE = re.compile(
    rf"^\s*(?:那|那么|还有|再问一下?|另外)?[，,\s]*(?:我的?)?(?:朋友|同事|同学|老乡|邻居|室友|[老小][{_SURNAMES}])|"
    rf"^\s*(?:那|那么)?[^，,。？?！!]{{0,8}}?[老小][{_SURNAMES}](?:呢|的情况|[，,]?\s*[他她])|"
    r"\b(?:what|how) about (?:my |our )?(?:friend|colleague|co-?worker|classmate|neighbou?r|flatmate|roommate)\b|"
    r"^\s*(?:and )?(?:my |our )(?:friend|colleague|co-?worker|classmate|neighbou?r|flatmate|roommate)\b", re.I)


def about_someone_else(message: str) -> bool:
    """Whether a message asks about another person than the visitor (not a family member)."""
    return bool(_SOMEONE_ELSE.search(message))


def merge_facts(messages: Sequence[str]) -> list[Fact]:
    """The facts of a conversation, oldest message first: a later fact replaces an earlier one about the
    same thing, and a later message that only names a qualifier ("不对，是累计的", "it was cumulative")
    re-labels the amounts already given. A message about someone else ("那老王呢？") starts their facts afresh."""
    facts: list[Fact] = []
    for message in messages:
        if about_someone_else(message):
            facts = []
        new = facts_in(message)
        said = qualifiers_in(message) & set(EXCLUSIVE_QUALIFIERS)
        if said and not any(f.kind == "amount" for f in new):
            facts = [replace(f, qualifiers=(f.qualifiers - set(EXCLUSIVE_QUALIFIERS)) | said)
                     if f.kind == "amount" else f for f in facts]
        prior = list(facts)  # facts of one message don't replace each other ("56岁…退休年龄60岁")
        for f in new:
            replaced = [old for old in prior if _same_thing(old, f) and old in facts]
            if replaced and not f.topics:  # "it's exactly 5.0%": the same thing as before, corrected
                kept = replaced[-1].qualifiers
                if f.qualifiers & set(EXCLUSIVE_QUALIFIERS):  # "那如果是累计700万呢": no longer the first round
                    kept = kept - set(EXCLUSIVE_QUALIFIERS)
                f = replace(f, topics=replaced[-1].topics, qualifiers=f.qualifiers | kept)
            facts = [old for old in facts if old not in replaced]
            facts.append(f)
    return facts


def _same_thing(old: Fact, new: Fact) -> bool:
    if old.kind != new.kind or old.level != new.level:
        return False
    if new.kind in ("role", "credential"):
        return True
    return not old.topics or not new.topics or bool(old.topics & new.topics)


def one_round(f: Fact, facts: Sequence[Fact]) -> bool:
    """An amount that is neither first round nor cumulative beside one of the same thing that is ("又投了350万，
    累计530万"): the visitor said which sum is which, and this one is a later round, for no threshold of either."""
    return f.kind == "amount" and not f.qualifiers & set(EXCLUSIVE_QUALIFIERS) and any(
        g.kind == "amount" and g.topics == f.topics and g.qualifiers & set(EXCLUSIVE_QUALIFIERS) for g in facts)
