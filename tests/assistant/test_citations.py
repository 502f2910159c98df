"""Quote verification and Chinese sentence splitting (assistant/answer/citations.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.answer.citations import (
    UNVERIFIED_MARK,
    has_valid_marker,
    is_verbatim,
    verify_citations,
    verify_llm_answer,
)
from assistant.types import Citation, SearchHit
from ingest.sentences import normalize, split_sentences

CLAUSE = ("四、获得科技企业孵化器或创业投资机构(须经上海市创业投资行 业协会备案,下同)首轮创业投资额 200 万元及以上"
          "或累计获得创业投资额500万元及以上(须资金到位并持续投资满1年)的本市企业中持 股比例不低于5%的创业人才,"
          "在企业连续工作满1年的,申办本市常住户口时,持有《上海市居住证》和参加本市职工社会保险的累计年限可以由7年缩短为5年。\n"
          "证明材料:股东证明、投资协议等。")


def _hit(text: str, uid: str = "d:四、:1") -> SearchHit:
    return SearchHit(id=uid, doc_id="d", doc_title="实施办法", locator="四、", text=text, score=1.0)


def test_whitespace_and_width_differences_still_verbatim() -> None:
    assert is_verbatim("持股比例不低于5%的创业人才", CLAUSE)  # source has "持 股"
    assert is_verbatim("首轮创业投资额200万元及以上", CLAUSE)  # source has "200 万元"
    assert is_verbatim("（须资金到位并持续投资满1年）", CLAUSE)  # full-width brackets vs the dump's ASCII ones
    assert normalize("a \n b\u3000c") == "abc"


def test_changed_words_are_not_verbatim() -> None:
    assert not is_verbatim("可以由7年缩短为1年", CLAUSE)
    assert not is_verbatim("持股比例不低于10%", CLAUSE)
    assert not is_verbatim("   ", CLAUSE)  # an empty quote verifies nothing


@given(st.integers(0, len(CLAUSE) - 1), st.integers(1, 80))
def test_every_slice_of_the_source_verifies(start: int, length: int) -> None:
    piece = CLAUSE[start:start + length]
    if piece.strip():
        assert is_verbatim(piece, CLAUSE)


def test_sentences_split_on_chinese_terminators_and_newlines() -> None:
    text = "第一句。第二句;第三句！第四句？\n标题\n正文第五句"
    assert [s.text for s in split_sentences(text)] == ["第一句。", "第二句;", "第三句！", "第四句？", "标题", "正文第五句"]


def test_sentences_never_split_inside_numbers_or_list_numbers() -> None:
    text = "补贴标准为1.5倍,最高不超过2.0万元。1.在国(境)外高校学习获得博士学位。"
    sents = [s.text for s in split_sentences(text)]
    assert sents == ["补贴标准为1.5倍,最高不超过2.0万元。", "1.在国(境)外高校学习获得博士学位。"]


def test_pdf_soft_wrap_is_not_a_sentence_end() -> None:
    text = "六、本市创业投资机构的合伙人或连续2年担任副总裁及以上的高级管理\n人才,可以由7年缩短为2年。\n一、总则\n正文。"
    sents = [s.text for s in split_sentences(text)]
    assert sents[0] == "六、本市创业投资机构的合伙人或连续2年担任副总裁及以上的高级管理\n人才,可以由7年缩短为2年。"
    assert sents[1:] == ["一、总则", "正文。"]


def test_sentence_offsets_are_exact_slices() -> None:
    for s in split_sentences(CLAUSE):
        assert CLAUSE[s.start:s.end] == s.text


def test_llm_quotes_verified_against_the_cited_unit_and_markers_renumbered() -> None:
    hits = [_hit("其他条款,与本问题无关。", "d:一:0"), _hit(CLAUSE)]
    text = "可以缩短。「可以由7年缩短为5年」[2] 另见[2]。"
    out = verify_llm_answer(text, hits)
    assert out.unverified == 0
    assert [(c.id, c.verified, c.quote) for c in out.citations] == [("d:四、:1", True, "可以由7年缩短为5年")]
    # [2] (the second source) became [1] (the first citation) both after the quote and when bare.
    assert out.text == "可以缩短。「可以由7年缩短为5年」[1] 另见[1]。"


def test_fabricated_quote_is_marked_and_counted() -> None:
    out = verify_llm_answer("「可以由7年缩短为1年」[1] 和 「持股比例不低于5%的创业人才」[1]", [_hit(CLAUSE)])
    assert out.unverified == 1
    assert [c.verified for c in out.citations] == [False, True]
    assert f"「可以由7年缩短为1年」[1]{UNVERIFIED_MARK}" in out.text
    assert UNVERIFIED_MARK not in out.text.split("和")[1]


def test_quote_citing_the_wrong_source_is_unverified() -> None:
    hits = [_hit("其他条款,与本问题无关。", "d:一:0"), _hit(CLAUSE)]
    out = verify_llm_answer("「可以由7年缩短为5年」[1]", hits)  # true words, but [1] doesn't contain them
    assert out.unverified == 1 and out.citations[0].id == "d:一:0" and not out.citations[0].verified


def test_unmarked_quote_is_attributed_only_if_found_in_a_source() -> None:
    hits = [_hit(CLAUSE)]
    found = verify_llm_answer("「连续工作满1年」", hits)
    assert found.unverified == 0 and found.citations[0].id == hits[0].id
    missing = verify_llm_answer("「连续工作满3年」", hits)
    assert missing.unverified == 1 and missing.citations[0].id == ""


def test_markers_out_of_range_are_dropped_and_detected() -> None:
    hits = [_hit(CLAUSE)]
    assert not has_valid_marker("see [7]", 1)
    assert has_valid_marker("see [1]", 1)
    assert verify_llm_answer("see [7] and [1]", hits).text == "see  and [1]"


def test_extractive_citations_rechecked() -> None:
    good = Citation("u", "t", "四、", "可以由7年缩短为5年", True, unit_text=CLAUSE)
    bad = Citation("u", "t", "四、", "可以由7年缩短为4年", True, unit_text=CLAUSE)
    checked, n_bad = verify_citations([good, bad])
    assert n_bad == 1 and [c.verified for c in checked] == [True, False]
