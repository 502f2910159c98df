"""Cleaning the real files removes page furniture, web noise and repeats, and keeps every other character.

The proof (tests/removal_proof.py) aligns each raw file with its cleaned documents and explains every character
left out by a pattern of its own; the cleaner's record of its removals is never consulted. The last tests show the
proof failing when a cleaner removes a sentence, a character, or adds one.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from removal_proof import prove_removals

from ingest import clean, structure
from ingest.clean import clean_body_lines
from ingest.models import SourceText
from ingest.settings import DEFAULT_CORPUS
from ingest.structure import parse_source

REGULATIONS = Path(__file__).resolve().parents[2] / "eval" / "regulations"
COMPILATION = DEFAULT_CORPUS / "pujiang-2021-policy-compilation.txt"
FILES = sorted(DEFAULT_CORPUS.glob("*.txt")) + sorted(REGULATIONS.glob("*.md"))
KINDS = {"page_number", "title", "toc", "front_matter", "web_noise", "markup", "history", "duplicate"}


def cleaned(path: Path) -> tuple[str, list[str]]:
    raw = path.read_text(encoding="utf-8")
    return raw, [d.text for d in parse_source(SourceText(path.name, str(path), raw, "test")).documents]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_real_file_loses_only_removable_fragments(path: Path) -> None:
    proof = prove_removals(*cleaned(path))
    assert proof.problems == []
    assert {kind for kind, _ in proof.removed} <= KINDS


def test_what_the_compilation_loses() -> None:
    proof = prove_removals(*cleaned(COMPILATION))
    kinds = Counter(kind for kind, _ in proof.removed)
    assert kinds["page_number"] >= 85 and kinds["toc"] == 13 and kinds["title"] >= 11 and kinds["web_noise"] == 5
    (passage,) = [text for kind, text in proof.removed if kind == "duplicate"]
    assert "严格限制高耗能行业增长" in passage
    # Before the table of contents: the masthead and the compiler's foreword, which is prose but no policy.
    front = "".join(text for kind, text in proof.removed if kind == "front_matter")
    assert "上海市浦东新区金融促进会" in front and "我局会同有关部门研究制定了" in front
    assert "现制定以下若干措施" not in "".join(text for _, text in proof.removed)


def test_the_regulations_lose_only_their_markup_title_and_history() -> None:
    for path in sorted(REGULATIONS.glob("上海市*.md")):
        kinds = {kind for kind, _ in prove_removals(*cleaned(path)).removed}
        assert kinds <= {"markup", "title", "history"}, path.name
        assert "title" in kinds and "markup" in kinds, path.name


def test_a_cleaner_with_an_over_broad_noise_pattern_fails_the_proof(monkeypatch: pytest.MonkeyPatch) -> None:
    # One more "web noise" pattern that also matches a sentence of policy text, in the real cleaner.
    broad = [*clean.WEB_NOISE, re.compile("常住户口")]
    monkeypatch.setattr(clean, "WEB_NOISE", broad)
    monkeypatch.setattr(structure, "WEB_NOISE", broad)
    proof = prove_removals(*cleaned(COMPILATION))
    assert proof.problems and "常住户口" in proof.problems[0]

    raw = "第一条 为了做好人才服务工作,制定本办法。\n第二条 引进人才可以申办本市常住户口。\n第三条 本办法自2024年1月1日起施行。"
    proof = prove_removals(raw, [clean_body_lines(raw.split("\n"), [])], titled=False)
    assert proof.problems and "引进人才可以申办本市常住户口" in proof.problems[0]


def test_a_sentence_cut_from_the_cleaned_text_fails_the_proof() -> None:
    raw, documents = cleaned(COMPILATION)
    sentence = "市政府有关部门根据本市经济社会发展,及时调整人才引进重点支持范围。"
    cut = [text.replace(sentence, "") for text in documents]
    assert cut != documents
    (problem,) = prove_removals(raw, cut).problems
    assert "市政府有关部门根据本市经济社会发展" in problem


def test_a_sentence_between_two_page_numbers_is_not_a_page_number() -> None:
    raw = "第一条 补贴标准为每\n\n12\n\n月2000元。\n\n本办法由市人社局负责解释。\n\n13\n\n第二条 本办法自2024年1月1日起施行。"
    kept = "第一条 补贴标准为每月2000元。\n第二条 本办法自2024年1月1日起施行。"
    (problem,) = prove_removals(raw, [kept], titled=False).problems
    assert "本办法由市人社局负责解释" in problem
    assert prove_removals(raw, [kept.replace("\n第二条", "\n本办法由市人社局负责解释。\n第二条")],
                          titled=False).problems == []


def test_one_character_lost_or_added_fails_the_proof() -> None:
    raw = "第五条(申办条件)\n四)发挥产业引领作用。为上市公司提供要素配置。\n\n3\n\n第六条 施行"
    assert prove_removals(raw, ["第五条(申办条件)\n(四)发挥产业引领作用。为上市公司提供要素配置。\n第六条 施行"],
                          titled=False).problems == []  # the bracket put back is the one addition allowed
    assert prove_removals(raw, ["第五条(申办条件)\n(四)发挥产业引领作用。为上市公司提供配置。\n第六条 施行"],
                          titled=False).problems
    assert prove_removals(raw, ["第五条(申办条件)\n(四)发挥产业引领作用。为上市公司提供要素配置。\n第六条 施行。"],
                          titled=False).problems
