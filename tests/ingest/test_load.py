"""Loaders: every supported format, real files made in tmp_path, and every kind of unreadable file."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.load import load_sources

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ART5 = "第五条 符合下列条件之一的人才，可以申办本市常住户口。"
ART6 = "第六条 本办法自2020年12月1日起施行，有效期至2025年11月30日。"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)


def make_pdf(path: Path, pages: list[str]) -> None:
    """A real PDF through matplotlib's PDF backend (TrueType text, so pdfplumber can extract CJK)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    from matplotlib.backends.backend_pdf import PdfPages

    font = font_manager.FontProperties(fname=str(CJK_FONT)) if CJK_FONT.exists() else None
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for text in pages:
            fig = plt.figure(figsize=(8.27, 11.69))
            fig.text(0.05, 0.9, text, fontproperties=font, fontsize=11)
            pdf.savefig(fig)
            plt.close(fig)


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("上海市引进人才申办本市常住户口办法")
    d.add_paragraph(ART5)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "类别"
    table.cell(0, 1).text = "条件"
    table.cell(1, 0).text = "高层次人才"
    table.cell(1, 1).text = "直接申办"
    d.add_paragraph(ART6)
    d.save(str(path))


def load_one(path: Path, settings: Settings):
    result = load_sources([path], settings)
    return result


def test_txt_and_md_load_verbatim(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.txt").write_text(ART5 + "\n" + ART6, encoding="utf-8")
    (tmp_path / "b.md").write_text("# 标题\n\n" + ART6, encoding="utf-8")
    result = load_sources([tmp_path], settings)
    assert result.skipped == []
    by_name = {s.name: s for s in result.sources}
    assert by_name["a.txt"].text == ART5 + "\n" + ART6
    assert by_name["b.md"].text == "# 标题\n\n" + ART6
    assert by_name["a.txt"].sha256 == hashlib.sha256((tmp_path / "a.txt").read_bytes()).hexdigest()


def test_gbk_file_is_detected_and_decoded(tmp_path: Path, settings: Settings) -> None:
    # Short GBK text is where generic detectors guess Big5; it must come out as the original Chinese.
    for name, text in [("short.txt", "上海人才"), ("long.txt", ART5 + "\n" + ART6)]:
        (tmp_path / name).write_bytes(text.encode("gbk"))
        result = load_one(tmp_path / name, settings)
        assert result.skipped == [], result.skipped
        assert result.sources[0].text == text
        assert result.sources[0].encoding.lower() in {"gb18030", "gbk", "gb2312"}


def test_utf8_bom_is_stripped(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + ART5.encode("utf-8"))
    assert load_one(tmp_path / "bom.txt", settings).sources[0].text == ART5


def test_pdf_text_per_page(tmp_path: Path, settings: Settings) -> None:
    make_pdf(tmp_path / "policy.pdf", [ART5, "Article 6 takes effect on 1 December 2020."])
    result = load_one(tmp_path / "policy.pdf", settings)
    assert result.skipped == []
    text = result.sources[0].text
    assert text.split("\n") == [ART5, "Article 6 takes effect on 1 December 2020."]


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path, settings: Settings) -> None:
    make_docx(tmp_path / "policy.docx")
    result = load_one(tmp_path / "policy.docx", settings)
    assert result.skipped == []
    lines = result.sources[0].text.split("\n")
    assert lines[1] == ART5
    assert lines.index("高层次人才\t直接申办") < lines.index(ART6)


def test_html_drops_script_style_and_keeps_inline_text_together(tmp_path: Path, settings: Settings) -> None:
    html = ("<html><head><title>x</title><style>p{color:red}</style></head><body>"
            "<script>alert('第九条 注入')</script><h1>上海市引进人才申办本市常住户口办法</h1>"
            "<p>第五条 符合下列条件之一的<b>人才</b>，可以申办本市常住户口。</p><p>" + ART6 + "</p></body></html>")
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    (tmp_path / "p.htm").write_bytes(html.replace("utf-8", "gbk").encode("gbk"))
    result = load_sources([tmp_path / "p.html", tmp_path / "p.htm"], settings)
    assert result.skipped == []
    for src in result.sources:
        assert src.text.split("\n") == ["上海市引进人才申办本市常住户口办法", ART5, ART6]
        assert "alert" not in src.text and "color" not in src.text


@pytest.mark.parametrize("name,content,reason_words", [
    ("empty.txt", b"", ["empty"]),
    ("blank.md", b"  \n\n\t ", ["no text"]),
    ("image.txt", bytes(range(256)) * 40, ["binary"]),
    ("garbled.txt", bytes(range(128, 256)) * 100, ["encoding", "UTF-8"]),
    ("corrupt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref", ["PDF", "re-export"]),
    ("corrupt.docx", b"PK\x03\x04 this is not a real zip package", [".docx", "re-save"]),
    ("notes.xlsx", b"PK\x03\x04", ["unsupported", ".xlsx"]),
])
def test_unreadable_files_are_skipped_with_a_reason_and_others_load(
        tmp_path: Path, settings: Settings, name: str, content: bytes, reason_words: list[str]) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ART5, encoding="utf-8")
    result = load_sources([tmp_path], settings)
    assert [s.name for s in result.sources] == ["good.txt"]
    assert [s.name for s in result.skipped] == [name]
    for word in reason_words:
        assert word in result.skipped[0].reason


def test_file_over_size_limit_is_skipped_quickly(tmp_path: Path, settings: Settings) -> None:
    big = tmp_path / "huge.txt"
    with open(big, "wb") as f:  # 50 MB of real text
        line = (ART5 + "\n").encode("utf-8")
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (tmp_path / "good.txt").write_text(ART6, encoding="utf-8")
    t0 = time.perf_counter()
    result = load_sources([tmp_path], settings)
    assert time.perf_counter() - t0 < 2.0  # decided from the size, without reading 50 MB
    assert [s.name for s in result.sources] == ["good.txt"]
    (skip,) = result.skipped
    assert skip.name == "huge.txt" and "50.0 MB" in skip.reason and "20 MB limit" in skip.reason
    assert "MAX_FILE_MB" in skip.reason


def test_missing_path_is_reported(tmp_path: Path, settings: Settings) -> None:
    result = load_sources([tmp_path / "nope.txt"], settings)
    assert result.sources == [] and result.skipped[0].name == "nope.txt"
    assert "not found" in result.skipped[0].reason


def test_same_name_in_two_folders_gets_distinct_keys(tmp_path: Path, settings: Settings) -> None:
    for sub, text in [("2020", ART5), ("2021", ART6)]:
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "policy.txt").write_text(text, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    result = load_sources([tmp_path], settings)
    names = sorted(s.name for s in result.sources)
    assert len(names) == 2 and names[0] != names[1]
    assert all(n.endswith("policy.txt") for n in names)
    assert result.skipped == []
