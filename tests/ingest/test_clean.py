"""The cleaner removes PDF/web artifacts and nothing else. Snippets are real excerpts of the default corpus.

"Nothing else" is judged by tests/removal_proof.py, which diffs input and output and recognises each removed
stretch by patterns of its own, never by the cleaner's record of what it removed.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from removal_proof import prove_removals

from ingest.clean import (
    Artifact,
    clean_body_lines,
    fix_missing_bracket,
    heading_kind,
    normalize_spaces,
    split_inline_items,
)


def clean(text: str) -> tuple[str, list[Artifact]]:
    artifacts: list[Artifact] = []
    return clean_body_lines(text.split("\n"), artifacts), artifacts


def test_spaces_between_chinese_characters_are_removed_but_latin_spaces_kept():
    assert normalize_spaces("持 股比例不低于 5%的创业人才") == "持股比例不低于5%的创业人才"
    assert normalize_spaces("由 7 年缩短为 3 年") == "由7年缩短为3年"
    assert normalize_spaces("英国泰晤士报高等教育副刊(Times Higher Education)") == (
        "英国泰晤士报高等教育副刊(Times Higher Education)"
    )


def test_page_number_line_between_halves_of_a_sentence_is_removed_and_sentence_rejoined():
    raw = "推动集 成电路、人工智能、生物医药和电子信息等更多重点领域企\n\n2\n\n业,以及新经济代表性企业上市发展。"
    text, artifacts = clean(raw)
    assert text == "推动集成电路、人工智能、生物医药和电子信息等更多重点领域企业,以及新经济代表性企业上市发展。"
    assert [a.kind for a in artifacts] == ["page_number"]


def test_line_broken_mid_sentence_is_joined_but_headings_stay_on_their_own_line():
    raw = "第四条(管理部门)\n市科技、教育、卫生健康、房屋管理、税务、商务等部门按照各自\n职责,负责做好相关管理工作。\n第五条(申办条件)"
    text, _ = clean(raw)
    assert text.split("\n") == [
        "第四条(管理部门)",
        "市科技、教育、卫生健康、房屋管理、税务、商务等部门按照各自职责,负责做好相关管理工作。",
        "第五条(申办条件)",
    ]


def test_misprinted_item_number_gets_its_opening_bracket_back():
    assert fix_missing_bracket("四)发挥产业引领作用。为上市公司提供要素配置") == "(四)发挥产业引领作用。为上市公司提供要素配置"
    assert fix_missing_bracket("八)做好退市处置工作。") == "(八)做好退市处置工作。"
    assert fix_missing_bracket("四、健全上市公司退出机制") == "四、健全上市公司退出机制"


def test_passage_printed_twice_is_removed_once():
    repeated = "绿色转型。优化产业结构和能源结构,依法从严加强产能准入控制, 严格限制高耗能行业增长。实施“光伏+工厂”专项工程,推广“光储充”一体化、光伏智能微网等项目;"
    raw = "1.以绿色低碳助力碳达峰碳中和。围绕节能控碳目标,加快制造业低碳" + repeated + repeated + "推进工业余热、余压、余能应用。"
    text, artifacts = clean(raw)
    assert text.count("严格限制高耗能行业增长") == 1
    assert text.endswith("光伏智能微网等项目;推进工业余热、余压、余能应用。")
    assert [a.kind for a in artifacts] == ["duplicate"]


def test_short_legitimate_repetition_is_kept():
    text, artifacts = clean("支持保险公司通过投资民营企业股权、股权、债权、资产支持计划等形式提供资金支持。")
    assert "股权、股权、" in text and artifacts == []


def test_web_noise_lines_are_removed():
    raw = "本实施细则自 2020 年 12 月 1 日起施行。\n\n89\n\n90\n\nCopyright © 2024 陕西妙网网络科技有限责任公司 All Rights Reserved\n\n增值电信业务经营许可证:陕B2-20210327 | 陕ICP备13005001号 陕公网安备 61102302611033号"
    text, artifacts = clean(raw)
    assert text == "本实施细则自2020年12月1日起施行。"
    assert Counter(a.kind for a in artifacts) == {"page_number": 2, "web_noise": 2}


def test_a_sentence_that_mentions_copyright_or_a_licence_is_text_not_web_noise():
    raw = ("取得增值电信业务经营许可证的企业,可以申请补贴。\n"
           "Works are protected by Copyright law and the licence terms.\n"
           "Copyright © 2024 某某网络科技有限公司 All Rights Reserved\n"
           "© 2023 上海某某信息技术有限公司\n"
           "沪ICP备12345678号")
    text, artifacts = clean(raw)
    assert text.split("\n") == ["取得增值电信业务经营许可证的企业,可以申请补贴。",
                                 "Works are protected by Copyright law and the licence terms."]
    assert [a.kind for a in artifacts] == ["web_noise"] * 3


def test_inline_items_are_put_on_their_own_lines():
    line = "11.获得一定规模风险投资的创业人才及其团队核心成员。 12.在本市取得经过市场检验的显著业绩的创新创业中介服务人才及其团队核心成员。"
    assert split_inline_items(line) == [
        "11.获得一定规模风险投资的创业人才及其团队核心成员。",
        "12.在本市取得经过市场检验的显著业绩的创新创业中介服务人才及其团队核心成员。",
    ]
    # A decimal inside a sentence is not an item number.
    assert split_inline_items("缴费基数不低于上一年度本市城镇单位就业人员平均工资的 1.5 倍") == [
        "缴费基数不低于上一年度本市城镇单位就业人员平均工资的 1.5 倍"
    ]


def test_a_sentence_that_merely_starts_with_an_article_reference_is_not_a_heading():
    assert heading_kind("第三条规定的人员可以申请。") is None
    assert heading_kind("第三条(适用对象)") == "article"
    assert heading_kind("第八条 家属随迁条件") == "article"
    assert heading_kind("(一)高层次人才") == "paren_cn"
    assert heading_kind("2.0版本") is None


_PIECES = st.sampled_from(
    ["持股", "比例", "不低于", "5%", "的", "创业人才", "。", ",", "、", " ", "\n", "\n\n12\n\n", "(一)", "二、",
     "3.", "第五条", "规定", "年", "2020", "Copyright", "居住证", "；", "English words", "\u3000", "四)",
     "\n\nCopyright © 2024 某某网络科技有限公司 All Rights Reserved\n\n", "\n注册\n",
     "严格限制高耗能行业增长,推广光储充一体化项目。"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=80))
def test_cleaner_removes_nothing_but_page_numbers_noise_and_repeats(pieces):
    raw = "".join(pieces)
    text, _ = clean(raw)
    assert prove_removals(raw, [text], titled=False).problems == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_cleaner_never_crashes_and_removes_nothing_else_on_arbitrary_text(raw):
    text, _ = clean(raw)
    assert prove_removals(raw, [text], titled=False).problems == []
