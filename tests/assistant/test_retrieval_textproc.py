"""Tokenisation for BM25: the domain dictionary, numbers with units, Latin words, no global jieba side effects."""

from __future__ import annotations

import pytest

from assistant.query.textproc import TextProcessor, cn_numbers_to_digits, normalize


@pytest.fixture(scope="module")
def tp() -> TextProcessor:
    return TextProcessor()


@pytest.mark.parametrize("term", ["居住证", "常住户口", "创业投资", "孵化器", "科创板", "留学回国人员", "社会保险"])
def test_domain_terms_stay_whole(tp, term):
    assert term in tp.tokenize(f"关于{term}的规定")
    assert term in tp.words(f"关于{term}的规定")


def test_pdf_spaces_inside_words_do_not_split_them(tp):
    assert normalize("常 住户口 500 万元") == "常住户口500万元"
    assert "常住户口" in tp.tokenize("申办本市常 住户口")


@pytest.mark.parametrize(("text", "token"), [
    ("累计获得创业投资额 500 万元及以上", "500万"), ("由7年缩短为5年", "7年"), ("持股比例不低于5%", "5%"),
    ("扩大外商股权投资企业(QFLP)试点", "qflp"), ("G60科创走廊", "g60"), ("16 周岁以上", "16周岁"),
    ("十二、获得首轮创业投资额", "首轮"), ("七年", "7年"), ("二十四个月", "24个月"),
])
def test_numbers_latin_and_units(tp, text, token):
    assert token in tp.tokenize(text)


def test_stopwords_and_short_enumerators_dropped(tp):
    toks = tp.tokenize("请问留学生落户要什么条件？1.")
    assert "什么" not in toks and "请问" not in toks and "1" not in toks
    assert {"留学生", "落户", "条件"} <= set(toks)


def test_cn_numbers_only_before_units():
    assert cn_numbers_to_digits("一网通办七年三个月") == "一网通办7年3个月"


def test_own_tokenizer_leaves_global_jieba_alone(tp):
    import jieba

    tp.tokenize("留学回国人员")
    assert tp._tokenizer() is not jieba.dt
    assert "留学回国人员" not in jieba.dt.FREQ  # our user dictionary did not leak into jieba's global one



@pytest.mark.parametrize("text", ["留学生落户要什么条件", "居住证积分和创业投资孵化器", "科创板上市企业核心团队持股"])
def test_tags_match_a_pos_tokenizer_that_reads_its_own_table(text: str) -> None:
    """The shared word-tag table (textproc._pos_tokenizer) tags exactly as jieba's own POSTokenizer over the same
    dictionaries, the domain dictionary's words included; and the preload thread does the loading."""
    import jieba.posseg

    from assistant.query.textproc import USER_DICT

    shared = TextProcessor()
    shared.preload().join(timeout=60)
    assert shared._pos is not None  # noqa: SLF001 — the preload thread loaded the tagger
    own = jieba.Tokenizer()
    own.load_userdict(str(USER_DICT))
    expected = [(p.word, p.flag) for p in jieba.posseg.POSTokenizer(own).lcut(text, HMM=False)]
    assert shared.tagged_words(text) == expected
    assert any(flag == "n" and len(word) >= 3 for word, flag in expected)  # a domain term, tagged as a noun
