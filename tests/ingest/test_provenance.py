"""Quotes are checked against the source file as read, not against the cleaned units they were cut from.

Made-up files show what the check allows (whitespace, NFKC, whole removable fragments between words) and what it
rejects (a changed character, skipped text that is not a removable fragment, half a fragment); the real corpus
shows the same on the places where its PDF dump put a running title and a page number inside a sentence.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from quote_helpers import found_without_an_added_bracket

from eval.regulations import regulation_files
from ingest.load import load_sources
from ingest.manifest import Manifest, SourceEntry, write_manifest
from ingest.models import SourceText
from ingest.provenance import IndexedSources, SourceMatcher, quote_in_source
from ingest.settings import DEFAULT_CORPUS, IndexSettings
from ingest.structure import parse_source

TITLE = "上海市测试人才服务办法"
RAW = f"""{TITLE}

第一条 为了做好人才服务工作,制定本办法。
第二条 符合条件的人才可以申请住 房补贴,补贴标准为每

12

月 2000 元。

{TITLE}

第三条 申请人应当提交申请表。

本办法由市人社局负责解释

第四条 本办法自2024年1月1日起施行。
Copyright © 2024 某某网络科技有限公司 All Rights Reserved
"""


def test_a_quote_crossing_a_removed_page_number_is_found() -> None:
    assert quote_in_source("补贴标准为每月2000元。", RAW)


def test_a_quote_crossing_a_removed_running_title_and_page_number_is_found() -> None:
    assert quote_in_source("补贴标准为每月2000元。第三条 申请人应当提交申请表。", RAW)


def test_whitespace_and_nfkc_equivalent_characters_are_the_same_text() -> None:
    # full-width comma and digits, an ideographic space, a line break where the file has none
    assert quote_in_source("第二条　符合条件的人才可以申请住房补贴，补贴标准\n为每月２０００元。", RAW)


def test_a_quote_with_one_character_changed_is_rejected() -> None:
    assert not quote_in_source("补贴标准为每月3000元。", RAW)
    assert not quote_in_source("补贴标准为每年2000元。", RAW)


def test_a_quote_skipping_a_sentence_is_rejected() -> None:
    # 第二条 lies between; it is policy text, not a removable fragment
    assert not quote_in_source("为了做好人才服务工作,制定本办法。补贴标准为每月2000元。", RAW)


def test_a_quote_skipping_a_short_line_that_is_not_the_title_is_rejected() -> None:
    # set off by blank lines like a running title, but it doesn't repeat the document's title: it is text
    assert not quote_in_source("第三条 申请人应当提交申请表。第四条 本办法自2024年1月1日起施行。", RAW)
    assert quote_in_source("第三条 申请人应当提交申请表。本办法由市人社局负责解释", RAW)


def test_a_fragment_is_skipped_whole_or_not_at_all() -> None:
    assert not quote_in_source("月2000元。上海市测试第三条", RAW)  # half the running title skipped
    assert quote_in_source("月2000元。上海市测试人才服务办法第三条", RAW)  # what the file says, title and all


def test_a_quote_crossing_a_passage_printed_twice_is_found() -> None:
    passage = "实施光伏工厂专项工程,推广光储充一体化、光伏智能微网等项目,支持企业开展节能改造;"
    raw = f"一、绿色发展。{passage}{passage}推进工业余热利用。"
    assert quote_in_source(f"一、绿色发展。{passage}推进工业余热利用。", raw)
    other = "实施数据中心专项工程,推广算力网络一体化、边缘计算等项目,支持企业开展数字改造;"
    assert not quote_in_source(f"一、绿色发展。{passage}推进工业余热利用。", f"一、绿色发展。{passage}{other}推进工业余热利用。")


def test_markdown_heading_marks_between_articles_are_skipped_but_text_is_not() -> None:
    raw = "# 上海市测试条例\n\n<!-- INFO END -->\n\n第一条 为了测试,制定本条例。\n\n## 第二章 管理\n\n第二条 由市政府负责。\n"
    assert quote_in_source("制定本条例。第二章 管理 第二条 由市政府负责。", raw)
    assert not quote_in_source("制定本条例。第二条 由市政府负责。", raw)


def test_web_noise_lines_are_skipped() -> None:
    raw = "本细则自2020年12月1日起施行。\n注册\n增值电信业务经营许可证:陕B2-20210327 | 陕ICP备13005001号\n附件:申请表"
    assert quote_in_source("本细则自2020年12月1日起施行。附件:申请表", raw)


def test_an_empty_quote_is_not_found() -> None:
    assert not quote_in_source(" \n", RAW)


@pytest.fixture(scope="module")
def corpus() -> SourceMatcher:
    return SourceMatcher((DEFAULT_CORPUS / "pujiang-2021-policy-compilation.txt").read_text(encoding="utf-8"))


def test_real_corpus_a_sentence_the_pdf_split_with_a_running_title_and_page_number(corpus: SourceMatcher) -> None:
    quote = "支持上市公司实施更为灵活规范有效的股权激励、员工持股计划,扩大国有控股上市公司员工持股计划试点范围。"
    span = corpus.locate(quote)
    assert span is not None
    between = corpus.raw[span[0]:span[1]]
    assert "关于推动提高上海上市公司质量的若干措施" in between and "\n1\n" in between
    assert not corpus.contains(quote.replace("试点范围", "试点规模"))


def test_real_corpus_a_four_line_running_title_inside_a_sentence(corpus: SourceMatcher) -> None:
    assert corpus.contains("加强金融科技在监管领域的应用,牢牢守住不发生系统性金融风险的底线。")
    assert not corpus.contains("加强金融科技在监管领域的运用,牢牢守住不发生系统性金融风险的底线。")


def test_indexed_sources_reads_the_file_the_manifest_names_and_notices_a_change(tmp_path: Path) -> None:
    policy = tmp_path / "policy.txt"
    policy.write_text(RAW, encoding="utf-8")
    settings = IndexSettings(data_dir=tmp_path / "data", _env_file=None)
    entry = SourceEntry("policy.txt", str(policy), hashlib.sha256(policy.read_bytes()).hexdigest(), 1, 4, "now")
    write_manifest(settings.manifest_path, Manifest("m", "c", sources={"policy.txt": entry}))
    assert IndexedSources(settings).contains("policy.txt", "补贴标准为每月2000元。")
    assert not IndexedSources(settings).contains("other.txt", "补贴标准为每月2000元。")
    policy.write_text(RAW.replace("2000", "3000"), encoding="utf-8")
    # what is on disk is no longer what was indexed: nothing can be checked against it
    assert not IndexedSources(settings).contains("policy.txt", "补贴标准为每月3000元。")


def _real_sources() -> list[SourceText]:
    return load_sources([DEFAULT_CORPUS, *regulation_files()], IndexSettings(_env_file=None)).sources


@pytest.mark.parametrize("source", _real_sources(), ids=lambda s: s.name)
def test_every_unit_of_the_real_files_is_what_its_file_says(source: SourceText) -> None:
    """Whatever gets retrieved: each unit, whole, is in its file, up to what cleaning may change."""
    matcher = SourceMatcher(source.text)
    units = parse_source(source).units
    not_found = [u for u in units if not matcher.contains(u.text)]
    assert len(units) > 10
    assert [u.locator for u in not_found if not found_without_an_added_bracket(u.text, matcher)] == []
    # The compilation's three re-bracketed items: 三、(四), 四、(八), and (一) of the returnees' 第四条.
    assert len(not_found) == (3 if source.name.startswith("pujiang") else 0)
