"""The checklist's lines when one span holds two thresholds: each line says which one it checks."""

from __future__ import annotations

from clause_units import clause_units

from assistant.answer.compose import checklist, verdict_line
from assistant.answer.eligibility.facts import merge_facts
from assistant.answer.eligibility.verdict import decide
from ingest.eligibility.extract import extract_rules

# Made up: one span sets both how long and at what base social insurance was paid.
RULES = extract_rules(clause_units("某市人才办法", [
    ("三、", "最近2年内累计18个月在本市缴纳职工社会保险费基数等于本市上年度职工社会平均工资2倍的，可以直接申办本市常住户口。")]))


def _verdict(question: str):
    return decide([question], merge_facts([question]), RULES)


def test_the_two_thresholds_of_one_span_are_two_distinct_lines_in_chinese() -> None:
    lines = checklist(_verdict("我社保按社平工资1.5倍交了20个月，能直接落户吗？"), "zh")
    assert len(lines) == 2 and len(set(lines)) == 2
    assert lines[0].startswith("✓") and "（不低于18个月）（您：20个月）" in lines[0]
    assert lines[1].startswith("✗") and "（不低于2倍）（您：1.5倍）" in lines[1]


def test_the_failing_threshold_is_named_in_the_first_line() -> None:
    v = _verdict("我社保按社平工资1.5倍交了20个月，能直接落户吗？")
    assert "（不低于2倍）”（您：1.5倍）" in verdict_line(v, "zh")
    en = verdict_line(v, "en")
    assert "contribution base at least 2 times the average wage" in en and "(you: 1.5 times)" in en


def test_english_names_the_months_and_the_base_apart() -> None:
    lines = checklist(_verdict("I've paid social insurance for 20 months at 1.5 times the average wage. Can I get hukou directly?"), "en")
    assert lines[0].startswith("✓ cumulative social insurance at least 18 months")
    assert lines[1].startswith("✗ social insurance contribution base at least 2 times the average wage")
