"""Structure of the real default corpus: 13 documents, their metadata, and clean citable units."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.models import PolicyDocument, SourceText
from ingest.structure import parse_source
from ingest.units import split_units

CORPUS = Path(__file__).resolve().parents[2] / "ingest" / "corpus" / "pujiang-2021-policy-compilation.txt"
TALENT_2015 = "关于服务具有全球影响力的科技创新中心建设实施更加开放的国内人才引进政策的实施办法"
HUKOU_2020 = "上海市引进人才申办本市常住户口办法"
RETURNEES = "留学回国人员申办上海常住户口实施细则"


@pytest.fixture(scope="module")
def raw() -> str:
    return CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(raw):
    return parse_source(SourceText(CORPUS.name, str(CORPUS), raw, "test"))


def doc(parsed, title):
    return next(d for d in parsed.documents if d.title == title)


def units_of(parsed, title):
    return [u for u in parsed.units if u.doc_title == title]


def test_compilation_splits_into_its_13_documents_with_titles(parsed):
    titles = [d.title for d in parsed.documents]
    assert len(titles) == 13 and len(set(titles)) == 13
    assert titles[0] == "关于推动提高上海上市公司质量的若干措施"
    assert titles[2] == HUKOU_2020
    assert titles[3] == "关于进一步加快推进上海国际金融中心建设和金融支持长三角一体化发展的意见"
    assert titles[11] == TALENT_2015
    assert titles[12] == RETURNEES
    assert all(u.doc_title in titles for u in parsed.units)


def test_stated_dates_and_the_extension_note(parsed):
    hukou = doc(parsed, HUKOU_2020)
    assert (hukou.effective, hukou.expires) == (date(2020, 12, 1), date(2025, 11, 30))
    talent = doc(parsed, TALENT_2015)
    assert talent.effective == date(2015, 11, 1)
    assert talent.expires == date(2022, 10, 31)  # 2017-10-31 as printed, extended by the note
    assert "沪人社法〔2017〕409号" in talent.validity_note
    assert "延至2022年10月31日" in talent.text  # the note is kept in the text
    fund = doc(parsed, "上海市促进产业高质量发展专项资金管理办法(暂行)")
    assert (fund.effective, fund.expires) == (date(2020, 10, 27), date(2022, 10, 26))
    listed = doc(parsed, "关于推动提高上海上市公司质量的若干措施")
    assert (listed.effective, listed.expires) == (date(2020, 12, 1), None)


def test_issuers_come_from_the_notices(parsed):
    assert doc(parsed, HUKOU_2020).issuer == "上海市人民政府"
    assert doc(parsed, RETURNEES).issuer == "上海市人力资源和社会保障局"
    assert doc(parsed, TALENT_2015).issuer == "上海市人力资源和社会保障局等"


def test_the_7_to_3_year_clause_is_in_section_four_of_the_2015_measures(parsed):
    hits = [u for u in units_of(parsed, TALENT_2015) if "由7年缩短为3年" in u.text]
    assert hits and all(u.locator.startswith("四、") for u in hits[:1])
    unit = hits[0]
    # Both thresholds of section 四 stay together with their conditions.
    for fact in ("首轮创业投资额200万元", "累计获得创业投资额1000万元", "持股比例不低于5%", "由7年缩短为5年"):
        assert fact in unit.text


def test_article_five_of_the_hukou_measures_is_intact_with_items_1_to_18(parsed):
    units = [u for u in units_of(parsed, HUKOU_2020) if u.locator.startswith("第五条")]
    joined = "\n".join(u.text for u in units)
    for item in range(1, 19):
        assert re.search(rf"(^|\n){item}\.", joined), f"item {item}. missing from 第五条"
    assert joined.startswith("第五条(申办条件)")
    assert "市政府有关部门根据本市经济社会发展,及时调整人才引进重点支持范围。" in joined


def test_no_unit_contains_page_numbers_running_titles_noise_or_toc(parsed):
    running = [a.text for a in parsed.artifacts if a.kind == "running_title"]
    assert len(running) >= 10
    for unit in parsed.units:
        assert not any(re.fullmatch(r"\d+", line.strip()) for line in unit.text.split("\n")), unit.id
        assert "Copyright" not in unit.text and "ICP" not in unit.text and "公网安备" not in unit.text
        assert "....." not in unit.text and "目录 >>" not in unit.text and "前言 >>" not in unit.text
        assert "会员服务期刊" not in unit.text and "修订后的《政策汇编2021》" not in unit.text
        assert "2022-09-28" not in unit.text
        for title in running:
            compact = re.sub(r"\s", "", title)
            # A policy may cite another by its title in 《》; a bare title inside the text is a running title.
            assert compact not in unit.text.replace(f"《{compact}》", ""), (unit.id, title)
    # The running title that the PDF put inside 员工持|股计划 is gone and the sentence is whole again.
    assert any("员工持股计划,扩大国有控股上市公司员工持股计划试点范围" in u.text for u in parsed.units)


def test_misprints_and_duplicates_are_repaired(parsed):
    texts = "\n".join(u.text for u in parsed.units)
    assert "\n(四)发挥产业引领作用" in texts and "\n(八)做好退市处置工作" in texts
    plan = doc(parsed, "全力打响“上海制造”品牌加快迈向全球卓越制造基地三年行动计划(2021-2023年)")
    assert plan.text.count("严格限制高耗能行业增长") == 1


def test_no_unit_starts_or_ends_mid_sentence(parsed):
    by_doc = {d.doc_id: d for d in parsed.documents}
    for unit in parsed.units:
        text = by_doc[unit.doc_id].text
        end = unit.start + len(unit.text)
        assert end == len(text) or text[end] == "\n" or unit.text[-1] in "。；;", unit.id
        assert unit.start == 0 or text[unit.start - 1] == "\n" or text[unit.start - 1] in "。；;", unit.id
        assert unit.text[-1] not in ",，、", unit.id


def test_units_reproduce_each_document(parsed):
    # That the documents keep every character of the file but page furniture and noise: tests/ingest/test_removals.py
    for document in parsed.documents:
        assert _concatenate(document, [u for u in parsed.units if u.doc_id == document.doc_id]) == document.text


def test_unit_ids_are_stable_and_unique(raw, parsed):
    again = parse_source(SourceText(CORPUS.name, str(CORPUS), raw, "test"))
    assert [u.id for u in again.units] == [u.id for u in parsed.units]
    assert len({u.id for u in parsed.units}) == len(parsed.units)


def test_units_are_quotable_size(parsed):
    sizes = [len(u.text) for u in parsed.units]
    assert max(sizes) <= 750
    assert sorted(sizes)[len(sizes) // 2] >= 200


def test_a_single_policy_file_is_one_document_titled_by_its_first_line():
    text = "关于测试的办法\n第一条 目的\n为了测试,制定本办法。\n第二条 施行\n本办法自2024年1月1日起施行,有效期至2029年12月31日。"
    parsed = parse_source(SourceText("x.txt", "x.txt", text, "h"))
    assert [d.title for d in parsed.documents] == ["关于测试的办法"]
    assert parsed.documents[0].expires == date(2029, 12, 31)
    assert [u.locator for u in parsed.units] == ["第一条–第二条"]


def _concatenate(document: PolicyDocument, units) -> str:
    pieces, position = [], 0
    for unit in sorted(units, key=lambda u: u.start):
        assert document.text[unit.start : unit.start + len(unit.text)] == unit.text
        gap = document.text[position : unit.start]
        assert gap.strip() == ""
        pieces.append(gap + unit.text)
        position = unit.start + len(unit.text)
    assert document.text[position:].strip() == ""
    return "".join(pieces) + document.text[position:]


_LINES = st.sampled_from([
    "第一章 总则", "第三条 适用对象", "第三条规定的人员可以申请。", "一、总体要求", "(二)重点任务", "3.具体措施。",
    "(4)细项。", "附件", "本办法自2020年1月1日起施行。", "支持企业发展,加大投入力度。" * 3,
    "这是一个没有标点的很长的句子" * 8, "短句。", "",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=40))
def test_splitter_units_concatenated_reproduce_the_document(lines):
    text = "\n".join(line for line in lines if line)
    if not text:
        return
    document = PolicyDocument(doc_id="d", title="t", text=text, source="s")
    units = split_units(document)
    assert _concatenate(document, units) == text
    assert all(u.text.strip() == u.text and u.text for u in units)
