"""Official texts as law collections publish them: Markdown headings, adoption/amendment lines, chapters, articles.

The made-up regulation below has the shapes of the real ones in eval/regulations/ (a `# title`, history lines, an
HTML comment, `## 第X章` headings, 第X条 articles with items and paragraphs, the 施行 article) but none of their
text, so the parser is tested on text it was not written against.
"""

from __future__ import annotations

from datetime import date

from ingest.clean import Artifact
from ingest.models import SourceText
from ingest.official import (
    NORMATIVE,
    REGULATION,
    RULE,
    History,
    document_kind,
    read_history,
    regulation_issuer,
    strip_markup,
    version_in_name,
)
from ingest.structure import parse_source


def _long(topic: str, sentences: int = 8) -> str:
    """A paragraph of distinct sentences (the cleaner removes passages printed twice in a row)."""
    return "".join(f"{topic}第{n}项工作由街道办事处会同有关部门在{n + 2}个工作日内核对并公示结果。" for n in range(sentences))


LONG_PARAGRAPH = _long("养护资金", 12)
OTHER_PARAGRAPH = _long("巡查记录", 12)

REGULATION_MD = f"""# 上海市河湖养护条例

2019年3月5日 上海市第十五届人民代表大会常务委员会第十次会议通过

2023年6月1日 上海市第十六届人民代表大会常务委员会第三次会议《关于修改〈上海市公园条例〉等5件地方性法规的决定》修正）

<!-- INFO END -->

## 第一章  总则

第一条 为了加强河湖养护，制定本条例。

第二条 本条例适用于本市行政区域内的河湖养护。

## 第二章  养护责任

第三条 区人民政府负责本行政区域内的河湖养护，并履行下列职责：

（一）编制养护计划；

（二）组织巡查；

（三）处理投诉。

第四条 河湖养护资金补贴的申请人应当提交材料。

{LONG_PARAGRAPH}

{OTHER_PARAGRAPH}

## 第三章  附则

第五条 本条例自2019年7月1日起施行。
"""


def _source(text: str, name: str = "上海市河湖养护条例(2023-06-01).md") -> SourceText:
    return SourceText(name=name, path=name, text=text, sha256="x")


def test_markup_is_dropped_and_recorded() -> None:
    artifacts: list[Artifact] = []
    lines = strip_markup(["# 上海市河湖养护条例", "<!-- INFO END -->", "## 第一章 总则", "第一条 正文。"], artifacts)
    assert lines == ["上海市河湖养护条例", "第一章 总则", "第一条 正文。"]
    assert [a.kind for a in artifacts] == ["markup"] * 3


def test_history_names_the_adopting_body_and_each_amendment_not_the_bundled_decisions_title() -> None:
    artifacts: list[Artifact] = []
    lines = REGULATION_MD.splitlines()[1:]
    kept, history = read_history(lines, artifacts)
    assert history == History(issuer="上海市人民代表大会常务委员会", adopted=date(2019, 3, 5),
                              amended=(date(2023, 6, 1),))
    assert history.latest == date(2023, 6, 1)
    assert not any("会议通过" in line or "修正" in line for line in kept)
    assert sum(a.kind == "history" for a in artifacts) == 2


def test_a_dated_sentence_inside_an_article_is_not_history() -> None:
    lines = ["第一条 为了加强管理，制定本条例。", "2019年3月5日市人民政府批准的规划继续有效，按原规定执行修改。"]
    kept, history = read_history(lines, [])
    assert kept == lines and history == History()


def test_version_kind_and_issuer_inference() -> None:
    assert version_in_name("上海市社会救助条例(2024-12-31).md") == date(2024, 12, 31)
    assert version_in_name("上海市社会救助条例.md") is None
    assert document_kind("上海市河湖养护条例", None, History()) == REGULATION
    assert document_kind("上海市住房公积金管理若干规定", None, History()) == RULE
    assert document_kind("关于促进创业投资发展的若干意见", "沪府发〔2019〕1号", History()) == NORMATIVE
    assert regulation_issuer("上海市人才流动条例") == "上海市人民代表大会常务委员会"
    assert regulation_issuer("关于推动提高上海上市公司质量的若干措施") is None


def test_a_regulation_file_parses_into_one_document_with_its_dates_and_one_unit_per_article() -> None:
    parsed = parse_source(_source(REGULATION_MD))
    [doc] = parsed.documents
    assert doc.title == "上海市河湖养护条例"
    assert doc.issuer == "上海市人民代表大会常务委员会"
    assert (doc.adopted, doc.amended, doc.version) == (date(2019, 3, 5), (date(2023, 6, 1),), date(2023, 6, 1))
    assert doc.effective == date(2019, 7, 1) and doc.expires is None and doc.kind == REGULATION
    assert "INFO END" not in doc.text and "#" not in doc.text and "会议通过" not in doc.text
    locators = [u.locator for u in parsed.units]
    # short neighbours share a unit only inside their chapter; the long article splits between its paragraphs
    assert locators[0] == "第一条–第二条"
    assert "第三条" in locators
    assert [loc for loc in locators if loc.startswith("第四条")] == ["第四条第一款–第二款", "第四条第三款"]
    assert locators[-1] == "第五条"
    third = next(u for u in parsed.units if u.locator == "第三条")
    assert third.heading_path[0] == "第二章 养护责任" and "（三）处理投诉。" in third.text
    for unit in parsed.units:
        assert doc.text[unit.start:unit.start + len(unit.text)] == unit.text  # verbatim slices


def test_long_articles_are_never_packed_with_their_neighbours() -> None:
    body = "\n\n".join(f"第{n}条 {_long(n, 5)}" for n in "一二三")
    parsed = parse_source(_source(f"# 上海市河湖养护条例\n\n{body}\n", name="x.md"))
    assert [u.locator for u in parsed.units] == ["第一条", "第二条", "第三条"]


def test_later_versions_of_a_title_replace_earlier_ones() -> None:
    from ingest.records import DocumentInfo, replacements

    def doc(doc_id: str, title: str, version: date | None) -> DocumentInfo:
        return DocumentInfo(doc_id=doc_id, title=title, issuer=None, doc_number=None, effective=None, expires=None,
                            validity_note=None, units=1, source=f"{doc_id}.md", version=version)

    docs = [doc("v2020", "上海市优化营商环境条例", date(2020, 4, 10)),
            doc("v2024", "上海市优化 营商环境条例", date(2024, 9, 27)),  # spacing differs: the same title
            doc("v2021", "上海市优化营商环境条例", date(2021, 10, 28)),
            doc("other", "上海市社会救助条例", date(2018, 11, 22)),
            doc("undated", "上海市社会救助条例", None)]
    replaced = replacements(docs)
    assert {k: v.doc.doc_id for k, v in replaced.items()} == {"v2020": "v2021", "v2021": "v2024"}


def _paragraphs(markdown: str) -> list[str]:
    return [p.strip() for p in markdown.split("\n\n") if p.strip() and not p.strip().startswith("<!--")]


def test_the_same_regulation_as_html_and_docx_gives_the_same_document_and_units(tmp_path) -> None:
    """Staff may get a regulation as a web page or a Word file: the structure must not depend on the format."""
    import html

    import docx

    from assistant.settings import Settings
    from ingest.load import load_sources

    paragraphs = _paragraphs(REGULATION_MD)
    page = "".join(f"<h1>{html.escape(p[2:])}</h1>" if p.startswith("# ") else
                   f"<h2>{html.escape(p[3:])}</h2>" if p.startswith("## ") else f"<p>{html.escape(p)}</p>"
                   for p in paragraphs)
    (tmp_path / "上海市河湖养护条例.html").write_text(
        f"<html><head><title>x</title></head><body><div class='nav'>首页</div>{page}</body></html>", encoding="utf-8")
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p.lstrip("# "))
    document.save(tmp_path / "上海市河湖养护条例.docx")
    (tmp_path / "上海市河湖养护条例.md").write_text(REGULATION_MD, encoding="utf-8")

    parsed = {s.name.rsplit(".", 1)[1]: parse_source(s) for s in load_sources([tmp_path], Settings()).sources}
    assert set(parsed) == {"html", "docx", "md"}
    reference = parsed["md"]
    for fmt in ("html", "docx"):
        [doc] = parsed[fmt].documents
        [ref] = reference.documents
        assert (doc.title, doc.issuer, doc.adopted, doc.amended, doc.effective, doc.kind) == (
            ref.title, ref.issuer, ref.adopted, ref.amended, ref.effective, ref.kind), fmt
        assert [(u.locator, u.text) for u in parsed[fmt].units] == [(u.locator, u.text) for u in reference.units], fmt
