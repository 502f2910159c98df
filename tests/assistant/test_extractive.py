"""The offline extractive answer on units of the real corpus (assistant/answer/extractive.py).

Units come from the lead's real parser (ingest.structure.parse_source) over the bundled compilation; the
cross-lingual expander is the retrieval owner's, built over those units' vocabulary."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from assistant.answer.citations import is_verbatim
from assistant.answer.extractive import answer_language, build_extractive_answer, select_passages
from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.textproc import default_processor
from assistant.types import SearchHit
from ingest.settings import DEFAULT_CORPUS

TODAY = date(2026, 11, 29)
TITLE = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"


@pytest.fixture(scope="module")
def corpus():
    from ingest.models import SourceText
    from ingest.structure import parse_source

    path = DEFAULT_CORPUS / "pujiang-2021-policy-compilation.txt"
    raw = path.read_bytes()
    parsed = parse_source(SourceText(path.name, str(path), raw.decode("utf-8"), hashlib.sha256(raw).hexdigest()))
    tp = default_processor()
    vocab = frozenset(t for u in parsed.units for t in tp.tokenize(u.context_text()))
    return parsed, CrossLingualExpander(tp, vocab)


def _hits(parsed, predicate) -> list[SearchHit]:
    docs = {d.doc_id: d for d in parsed.documents}
    out = []
    for u in parsed.units:
        if predicate(u):
            d = docs[u.doc_id]
            out.append(SearchHit(u.id, u.doc_id, u.doc_title, u.locator, u.text, 1.0, d.issuer, d.effective,
                                 d.expires))
    return out


def _unit_with(parsed, *needles):
    return next(u for u in parsed.units if all(n in u.text.replace(" ", "") for n in needles))


def test_language_of_the_answer() -> None:
    assert answer_language("留学生落户要什么条件") == "zh"
    assert answer_language("can a startup founder with 500万 funding shorten the 7-year requirement") == "en"
    assert answer_language("How do I get a hukou?") == "en"
    # mixed: the language most of its words are in, acronyms aside
    assert answer_language("外资 own majority 的券商和 fund company 在上海可以吗") == "zh"
    assert answer_language("我是公司 IT，业务系统要做等保 assessment，要去哪个部门办？") == "zh"
    assert answer_language("QFLP、QDLP 和 RQFII 的 pilot 要扩大吗？") == "zh"
    assert answer_language("Who qualifies for 低保 (minimum living allowance) in Shanghai?") == "en"


def test_startup_founder_example_quotes_both_thresholds_with_conditions(corpus) -> None:
    parsed, expander = corpus
    q = "can a startup founder with 500万 funding shorten the 7-year requirement"
    target = _unit_with(parsed, "由7年缩短为5年", "首轮创业投资额200万元")
    # The target unit among other units of the same policy, as a retriever's top hits would be.
    others = _hits(parsed, lambda u: u.doc_id == target.doc_id and u.id != target.id)[:3]
    hits = _hits(parsed, lambda u: u.id == target.id) + others
    answer = build_extractive_answer(q, hits, expander.expand(q), TODAY)
    text = answer.answer.replace(" ", "")
    for needle in ("首轮创业投资额200万元", "累计获得创业投资额500万元", "由7年缩短为5年",
                   "首轮创业投资额500万元", "累计获得创业投资额1000万元", "由7年缩短为3年",
                   "持股比例不低于5%", "连续工作满1年", "资金到位并持续投资满1年"):
        assert needle in text, needle
    assert TITLE in answer.answer and target.locator in answer.answer
    assert answer.answer.startswith("The indexed policies")  # English lead for a mixed question
    assert "expired on 2022-10-31" in answer.answer  # validity next to the quotes
    assert answer.mode == "extractive" and not answer.refused and answer.unverified_quotes == 0
    assert answer.citations and all(c.verified and is_verbatim(c.quote, target.text) for c in answer.citations)
    assert [v.status for v in answer.validity] == ["expired"]


def test_chinese_question_gets_a_chinese_lead_and_quotes_the_deciding_sentence(corpus) -> None:
    parsed, expander = corpus
    q = "留学回国人员的配偶可以随迁吗"
    target = _unit_with(parsed, "配偶", "随迁")
    hits = _hits(parsed, lambda u: u.id == target.id) + _hits(parsed, lambda u: u.doc_id != target.doc_id)[:2]
    answer = build_extractive_answer(q, hits, expander.expand(q), TODAY)
    assert "对此有规定" in answer.answer.splitlines()[0]
    assert any("配偶" in c.quote and c.id == target.id for c in answer.citations)
    assert "到期失效" in answer.answer or "未注明有效期" in answer.answer


def test_quotes_are_whole_sentences_and_exact_slices(corpus) -> None:
    parsed, expander = corpus
    q = "创业人才在孵化器里持股多少可以积120分"
    hits = _hits(parsed, lambda u: "积120分" in u.text.replace(" ", ""))[:3]
    passages = select_passages(expander.expand(q), hits)
    assert passages
    for p in passages:
        assert p.hit.text[p.start:p.end] == p.text
        assert p.text.rstrip().endswith(("。", ";", "；")) or p.end == len(p.hit.text.rstrip())


def test_weak_evidence_is_hedged_with_the_department(corpus) -> None:
    parsed, expander = corpus
    q = "留学回国人员的配偶可以随迁吗"
    hits = _hits(parsed, lambda u: "配偶" in u.text)[:2]
    zh = build_extractive_answer(q, hits, expander.expand(q), TODAY, hedge_department="上海市人力资源和社会保障局")
    assert zh.answer.startswith("已收录的政策文件中可能没有") and "请向上海市人力资源和社会保障局咨询" in zh.answer
    en = build_extractive_answer("Can my spouse come too?", hits, expander.expand("spouse"), TODAY,
                                 hedge_department="the issuing department")
    assert en.answer.startswith("The indexed policies may not answer this exactly")
    assert zh.citations and all(c.verified for c in zh.citations)


def test_no_hits_gives_no_quotes(corpus) -> None:
    _, expander = corpus
    answer = build_extractive_answer("anything", [], expander.expand("anything"), TODAY)
    assert answer.citations == [] and answer.validity == []


def _with_closeness(hit: SearchHit, closest: str) -> SearchHit:
    """The hit as retrieval returns it, with each sentence's cosine to the question given by hand: the sentence
    holding `closest` near, the others far."""
    from dataclasses import replace

    from ingest.sentences import split_sentences

    sims = tuple((s.start, 0.9 if closest in s.text else 0.7) for s in split_sentences(hit.text))
    return replace(hit, sentence_similarity=sims)


def test_of_sentences_that_match_the_same_words_the_one_closest_to_the_question_is_quoted(corpus) -> None:
    parsed, expander = corpus
    q = "shorten the 7-year requirement"  # both tiers say 由7年缩短为…: the words don't tell them apart
    target = _unit_with(parsed, "由7年缩短为5年", "由7年缩短为3年")
    plain = _hits(parsed, lambda u: u.id == target.id)
    both = [p.text for p in select_passages(expander.expand(q), plain)]
    assert any("缩短为5年" in t for t in both) and any("缩短为3年" in t for t in both)
    for tier, other in (("由7年缩短为3年", "由7年缩短为5年"), ("由7年缩短为5年", "由7年缩短为3年")):
        quoted = [p.text for p in select_passages(expander.expand(q), [_with_closeness(plain[0], tier)])]
        assert any(tier in t for t in quoted) and not any(other in t for t in quoted), tier
