"""The verdict handed to an LLM as checked facts, and the LLM's own figures checked against the rules.

An LLM with the right clause in hand still gets thresholds wrong ("7年缩短为1年", "持股2%"). It is given the
computed verdict and each condition's status, with locators — or, for a question that asks what the conditions
are, the conditions read from the clause — and any figure it states outside a quote that is neither a figure of
the clauses these rest on nor one of the visitor's own is marked as unverified, the way a quote that isn't in
its source is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.answer.compose import checklist, verdict_line
from assistant.answer.compose.requirements_text import requirements_lines
from assistant.types import Requirements, Verdict
from ingest.eligibility.model import Rule
from ingest.eligibility.quantities import find_quantities

_QUOTED = re.compile(r"「[^」]*」")
_CHECKED_KINDS = ("amount", "percent", "duration", "multiple")
# "缩短为1年", "become 1 year": a period after shortening is checked against the outcomes only
_OUTCOME_BEFORE = re.compile(r"(?:缩短(?:为|到|至)|缩到|shortened to|cut to|becomes?)\s*$", re.I)
_MARK = {"zh": "〔未能核实：与所引条款不符〕", "en": " [unverified: not what the clause says]"}


def verdict_notes(v: Verdict | None, lang: str) -> list[str]:
    """The verdict and its checklist as lines for the prompt, each condition with its policy article."""
    if v is None:
        return []
    main = v.main
    where = f" ({main.rule.doc_title} {main.rule.locator})" if main else ""
    return [verdict_line(v, lang) + where, *checklist(v, lang)]


def requirements_notes(r: Requirements | None, lang: str) -> list[str]:
    """The conditions of the rule a "what are the conditions" question asks, as lines for the prompt."""
    if r is None:
        return []
    lines = requirements_lines(r, lang)
    return [f"{lines[0]} ({r.rule.doc_title} {r.rule.locator})", *lines[1:]]


def _rule_values(rules: Iterable[Rule]) -> set[float]:
    """Every figure the rules state: thresholds, outcomes (years also in months)."""
    out: set[float] = set()
    for rule in rules:
        for c in rule.conditions:
            out |= {q.value for q in find_quantities(c.text)}
        for q in find_quantities(rule.outcome.text):
            out.add(q.value)
        for x in (rule.outcome.value, rule.outcome.from_value):
            if x is not None:
                out |= {x, x * 12}
    return out


def allowed_values(v: Verdict) -> set[float]:
    """Every figure the verdict's rules state (thresholds, outcomes, in months for years) and the facts'."""
    return {f.value for f in v.facts} | _rule_values(c.rule for c in v.checks)


def flag_figures(text: str, v: Verdict | None, lang: str, listed: Requirements | None = None) -> tuple[str, int]:
    """The text with each figure outside 「」 that contradicts the rules marked, and how many were marked: the
    verdict's rules, or the rule whose conditions were listed."""
    if v is not None:
        allowed = allowed_values(v)
        outcomes = {x * 12 for c in v.checks for x in (c.rule.outcome.value,) if x is not None}
    elif listed is not None:
        rules = [listed.rule, *listed.alternatives]
        allowed = _rule_values(rules)
        outcomes = {x * 12 for r in rules for x in (r.outcome.value,) if x is not None}
    else:
        return text, 0
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    bad = []
    for q in find_quantities(text):
        if q.kind not in _CHECKED_KINDS or any(s <= q.start < e for s, e in quoted):
            continue
        pool = outcomes if _OUTCOME_BEFORE.search(text[max(0, q.start - 14):q.start]) else allowed
        if not any(abs(q.value - a) < 1e-6 for a in pool):
            bad.append(q)
    for q in reversed(bad):
        text = text[:q.end] + _MARK[lang] + text[q.end:]
    return text, len(bad)
