"""Cross-lingual expansion: language detection, numbers, glossary phrases, CC-CEDICT restricted to the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.query.crosslingual import (
    GLOSSARY,
    CrossLingualExpander,
    build_cedict_index,
    detect_language,
    load_glossary,
    load_zh_synonyms,
    stem,
)
from assistant.query.textproc import TextProcessor

CORPUS = Path(__file__).resolve().parents[2] / "ingest" / "corpus" / "pujiang-2021-policy-compilation.txt"


@pytest.fixture(scope="module")
def processor() -> TextProcessor:
    return TextProcessor()


@pytest.fixture(scope="module")
def corpus_df(processor) -> dict[str, int]:
    """Document frequencies of the default corpus's tokens (paragraphs as documents)."""
    df: dict[str, int] = {}
    for para in CORPUS.read_text(encoding="utf-8").split("\n"):
        for tok in set(processor.tokenize(para)):
            df[tok] = df.get(tok, 0) + 1
    return df


@pytest.fixture(scope="module")
def expander(processor, corpus_df) -> CrossLingualExpander:
    return CrossLingualExpander(processor, corpus_df)


@pytest.mark.parametrize(("text", "lang"), [
    ("留学生落户要什么条件", "zh"),
    ("QFLP试点范围是什么", "zh"),  # an acronym does not make a question English
    ("留学生落户<i>急</i>，要什么条件？<br/>", "zh"),  # nor does markup typed into it
    ("<b>angel investors</b> 可以享受落户政策吗", "mixed"),
    ("can a startup founder with 500万 funding shorten the 7-year requirement", "mixed"),
    ("angel investors 可以享受落户政策吗", "mixed"),
    ("What is the STAR Market?", "en"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(("query", "expected"), [
    ("5 million yuan", "500万"), ("a 7-year requirement", "7年"), ("seven years", "7年"),
    ("30 million RMB", "3000万"), ("over 16 years old", "16周岁"), ("6 months", "6个月"), ("5%", "5%"),
    ("120 points", "120分"), ("by 2023", "2023年"), ("1.5 billion", "15亿"),
])
def test_english_amounts_become_corpus_number_tokens(expander, processor, query, expected):
    terms = [t for c in expander.expand(query).concepts if c.origin == "number" for t in c.terms]
    assert expected in terms
    # ...and the same token is what the corpus text produces
    assert expected in processor.tokenize(f"累计{expected.replace('万', '万元')}以上")


def test_longest_phrase_wins(expander):
    concepts = expander.expand("a venture capital firm").concepts
    assert [c.source for c in concepts] == ["venture capital firm"]
    assert "创业投资机构" in concepts[0].terms


def test_glossary_outranks_cedict_and_unknown_words(expander):
    concepts = {c.source: c for c in expander.expand("Can my spouse get hukou? xyzzy").concepts}
    assert concepts["hukou"].origin == "glossary" and "户口" in concepts["hukou"].terms
    assert concepts["xyzzy"].origin == "latin"
    assert concepts["hukou"].weight > concepts["xyzzy"].weight


def test_startup_founder_question_reaches_the_clause_wording(expander):
    e = expander.expand("can a startup founder with 500万 funding shorten the 7-year requirement")
    terms = {t for c in e.concepts for t in c.terms}
    assert {"创业人才", "500万", "7年", "缩短"} <= terms
    assert e.lang == "mixed" and "创业人才" in e.chinese


def test_a_corporate_career_reaches_the_wording_of_posts_at_large_companies(expander):
    e = expander.expand("a senior R&D director at a Fortune Global 500 company")
    terms = {t for c in e.concepts for t in c.terms}
    assert {"世界500强", "研发", "科研"} <= terms


def test_chinese_colloquialisms_map_to_policy_wording(expander):
    concepts = {c.source: c for c in expander.expand("留学生的老婆能随迁吗").concepts}
    assert "留学回国人员" in concepts["留学生"].terms
    assert "配偶" in concepts["老婆"].terms


def test_cedict_restricted_to_vocabulary_and_ordered_by_corpus_frequency():
    index = build_cedict_index({"配偶": 3, "支持": 40, "承受": 2})
    assert index[(stem("spouse"),)] == ("配偶",)
    assert index[(stem("support"),)][:2] == ("支持", "承受")  # the corpus's usual word first
    assert build_cedict_index({"配偶": 3, "支持": 1, "承受": 40})[(stem("support"),)][0] == "承受"
    words = {w for alts in index.values() for w in alts}
    assert words <= {"配偶", "支持", "承受"}


def test_cedict_on_the_corpus_vocabulary_finds_english_words(expander):
    assert len(expander.cedict) > 1000
    assert "孵化器" in expander.cedict[(stem("incubator"),)]


def test_glossary_file_is_well_formed_and_mostly_in_corpus_wording():
    raw = GLOSSARY.read_text(encoding="utf-8").splitlines()
    rows = [line for line in raw if line.strip() and not line.startswith("#")]
    assert all(len(line.split("\t")) == 2 for line in rows)
    glossary = load_glossary()
    assert len(glossary) >= len(rows) * 0.95  # duplicates of one key would shadow each other
    corpus = re.sub(r"\s+", "", CORPUS.read_text(encoding="utf-8"))
    terms = {t for alts in glossary.values() for t in alts}
    found = [t for t in terms if re.sub(r"\s+", "", t) in corpus]
    assert len(found) / len(terms) > 0.9, sorted(terms - set(found))


def test_zh_synonyms_keep_the_word_itself_first():
    syn = load_zh_synonyms()
    assert syn and all(alts[0] == word for word, alts in syn.items())


def test_bad_glossary_line_names_the_file_and_line(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("hukou 户口\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g\.tsv:1"):
        load_glossary(bad)
