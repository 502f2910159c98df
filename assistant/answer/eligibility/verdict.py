"""The verdict: the rules of the retrieved clauses checked against the visitor's facts (checks.py).

Each condition is met, unmet or unknown (never guessed). A rule is met when no requirement is unmet and at
least one was decided by a stated fact; unmet when some requirement is. The outcome is
- yes: some rule of the kind asked for is met (the best such outcome is named);
- no: every rule of that kind the facts bear on is unmet (the failing condition, and the best rule that *is*
  met, e.g. "不能直接落户…；但可以由7年缩短为3年");
- depends: the answer turns on something not said. An amount with no "first round"/"cumulative" is read both
  ways when the rules tell the two apart, and each reading is a branch.
No verdict when the facts bear on no rule (a question that asks what the conditions are).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.eligibility.asked import (
    FAMILIES,
    NAMED_SHARE,
    YES_NO,
    asked_kind,
    asked_years,
    asks_for_information,
    named_routes,
    named_share,
    voices_doubt,
)
from assistant.answer.eligibility.checks import check_rule, matches
from assistant.answer.eligibility.described import distinctive
from assistant.answer.eligibility.facts import one_round
from assistant.query.asked_form import asks_conditions
from assistant.types import Branch, Fact, RuleCheck, Verdict, VerdictOutcome
from ingest.eligibility.model import Rule
from ingest.eligibility.vocabulary import EXCLUSIVE_QUALIFIERS, relations_in

_SEVERAL_FACTS = 2  # facts a rule's check must use to judge a question that names no route
OTHERWISE = "otherwise"  # the reading of a branch where what the verdict turns on is not so


def rank(rule: Rule) -> float:
    """How good an outcome is for the visitor: direct hukou > may apply > fewer years > points > money."""
    o = rule.outcome
    if o.kind == "direct_hukou":
        return 100.0
    if o.kind == "apply_hukou":
        return 90.0
    if o.kind == "shorten":
        return 80.0 - (o.value or 0.0)
    if o.kind == "points":
        return 50.0 + (o.value or 0.0) / 1000
    return 40.0 + (o.value or 0.0) / 1e9

def engagement(check: RuleCheck) -> int:
    """How many of the visitor's facts a rule's check used: the rule they are talking about uses most."""
    return check.facts_used


def _focus(rules: Sequence[Rule], facts: Sequence[Fact], family: set[str], terms: Sequence[str] = ()) -> list[Rule]:
    """The asked kind's rules the facts bear on most, and other rules borne on at least as much. A
    founder's 两年多 also matches a tech-transfer article's "服务满2年", but the founder's rule uses all
    three facts and that one only one."""
    checked = [check_rule(r, facts, terms) for r in rules]
    checks = [(c.rule, engagement(c)) for c in checked]
    in_family = [n for r, n in checks if r.outcome.kind in family and n]
    top = max(in_family, default=0) or max((n for _, n in checks), default=0)
    if not top:
        return []
    # A route the visitor names in its own words ("给企业家的…通道" against "取得显著经营业绩的企业家人才") stays
    # beside rules that used more of the facts but fail them.
    named = [c.rule for c in checked if c.rule.outcome.kind in family and c.status == "met"
             and any(x.status == "met" and x.fact is not None and x.fact.kind == "description" for x in c.conditions)]
    return [r for r, n in checks if n >= top or (r.outcome.kind in family and n == top) or r in named]


def _readings(facts: Sequence[Fact], rules: Sequence[Rule]) -> list[tuple[str | None, list[Fact], Fact | None]]:
    """The facts as given, or — when an amount says neither "first round" nor "cumulative" and the rules
    set different thresholds for the two — one reading for each."""
    for i, f in enumerate(facts):
        if f.kind != "amount" or f.qualifiers & set(EXCLUSIVE_QUALIFIERS) or one_round(f, facts):
            continue
        seen = {q for r in rules for c in r.conditions if c.kind == "amount" and matches(c, f, r.conditions, facts)
                for q in c.qualifiers & set(EXCLUSIVE_QUALIFIERS)}
        if len(seen) > 1:
            return [(q, [*facts[:i], replace(f, qualifiers=f.qualifiers | {q}), *facts[i + 1:]], f)
                    for q in EXCLUSIVE_QUALIFIERS if q in seen]
    return [(None, list(facts), None)]


def _branch(reading: str | None, facts: Sequence[Fact], rules: Sequence[Rule], family: set[str],
            terms: Sequence[str] = (), named: dict[int, float] | None = None, target: float | None = None) -> Branch:
    checks = [check_rule(r, facts, terms) for r in rules]
    engaged = [c for c in checks if c.facts_used]
    asked = [c for c in engaged if c.rule.outcome.kind in family]
    named = named or {}
    top = max((named.get(id(c.rule), 0.0) for c in asked), default=0.0)
    if top >= 0.5:  # "能吃低保吗": the definition the question names is judged, met or not
        asked = [c for c in asked if named.get(id(c.rule), 0.0) == top]
    # The rule the question names; then the one the facts meet most fully; of those, the one with least left
    # to check; then the best outcome.
    met = sorted((c for c in asked if c.status == "met"),
                 key=lambda c: (-named.get(id(c.rule), 0.0), -sum(x.status == "met" for x in c.conditions),
                                len(c.unknown), -rank(c.rule)))
    wanted = [c for c in asked if c.status == "unmet" and c.rule.outcome.kind == "shorten"
              and c.rule.outcome.value == target]
    if met and wanted and met[0].rule.outcome.kind == "shorten" and (met[0].rule.outcome.value or 0) > target:
        # "能缩到3年吗" when only the 5-year route is met: no to what is asked, and what is met instead
        return Branch(reading, None, min(wanted, key=lambda c: (len(c.unmet), rank(c.rule))), met[0])
    if met:
        return Branch(reading, met[0], None, None)
    # The rule closest to being met; of equals the easiest (if even that one fails, the visitor learns the
    # lowest bar: "首轮200万元").
    nearest = min((c for c in asked if c.status == "unmet"),
                  key=lambda c: (-named.get(id(c.rule), 0.0), len(c.unmet), rank(c.rule)), default=None)
    # A definition met on the side is no consolation ("but you count as 创业投资机构"): only what one gets counts.
    others = sorted((c for c in engaged if c.status == "met" and c.rule.outcome.kind not in family
                     and c.rule.beneficiary is None and c.rule.outcome.kind != "status"),
                    key=lambda c: -rank(c.rule))
    return Branch(reading, None, nearest, others[0] if others else None)


def decide(questions: Sequence[str], facts: Sequence[Fact], rules: Sequence[Rule],
           terms: Sequence[str] = (), every_rule: Sequence[Rule] = ()) -> Verdict | None:
    """The verdict for these facts over these rules, or None when the facts bear on none of them.
    `questions` are the visitor's messages, latest last: the latest that names an outcome says what is asked.
    `terms`: the question's words (as retrieval expands them); `every_rule`: the index's rules, which tell a
    word that names a route from one that many of them use ("团队核心成员" against "人才")."""
    if not rules or asks_for_information(questions[-1]):
        return None
    named_shares = {id(r): named_share(r, terms) for r in rules}
    asked_terms, terms = terms, distinctive(terms, rules)
    measured = any(f.kind not in ("role", "description") for f in facts)
    if not measured and (not any(YES_NO.search(q) for q in questions) or (
            asks_conditions(questions[-1]) and all(f.kind == "role" for f in facts))):
        # "创业人才落户有什么条件？", "创业者的年限能缩短吗？需要满足哪些条件？" name a role but ask for the conditions
        return None
    if not facts and not terms:
        return None
    asked = next((k for k in map(asked_kind, reversed(questions)) if k != "any"), "any")
    if asked == "any" and asked_terms:
        # A question that names no route is judged only by rules that several of its facts bear on ("首轮1200万，
        # 持股12%，干了两年多，符合条件吗"): "孩子能在上海上学吗"'s "五年" is no reason to judge a hukou route.
        named = named_routes(rules, asked_terms, every_rule)
        rules = [r for r in rules if r in named or check_rule(r, facts, terms).facts_used >= _SEVERAL_FACTS]
    if not measured:
        # Words alone judge a definition only when the question names its term ("能吃低保吗" → 最低生活保障家庭):
        # "hired by a tech company" shares 企业 and 劳动 with what makes a 创业人才, and asks nothing about being one.
        rules = [r for r in rules if r.outcome.kind != "status" or named_shares[id(r)] >= NAMED_SHARE]
    if asked != "family":
        rules = [r for r in rules if r.beneficiary is None]  # a question that doesn't ask about 随迁 gets no 随迁 verdict
    family = FAMILIES.get(asked, {r.outcome.kind for r in rules})
    named = {relation for _, _, relation in relations_in(questions[-1])} if asked == "family" else set()
    if named:  # "那我老公呢？": the member the latest question names
        rules = [r for r in rules if r.beneficiary is None or r.beneficiary in named]
    rules = _focus(rules, facts, family, terms)
    if not rules:
        return None
    readings = _readings(facts, rules)
    target = next((y for y in map(asked_years, reversed(questions)) if y is not None), None)
    branches = [_branch(q, fs, rules, family, terms, named_shares, target) for q, fs, _ in readings]
    if all(b.best is None and b.nearest is None for b in branches):
        return None
    if len(branches) > 1:
        outcomes = {(b.best.rule.outcome.kind, b.best.rule.outcome.value) if b.best else None for b in branches}
        if len(outcomes) == 1:  # every reading ends the same: keep the one the facts support best
            keep = max(range(len(branches)), key=lambda i: engagement(branches[i].best) if branches[i].best else 0)
            branches, readings = [branches[keep]], [readings[keep]]
    best = branches[0].best
    if len(branches) == 1 and best is not None and not best.undecided and voices_doubt(questions[-1]):
        # "不确定学校在不在世界排名前500": what is left to check in words is what the visitor doubts, and the answer
        # turns on it
        best = replace(best, undecided=tuple(x for x in best.conditions
                                             if x.status == "unknown" and x.condition.kind == "other"))
    if len(branches) == 1 and best is not None and best.undecided:
        # "女儿17岁": met if she is at a regular senior high school, not otherwise
        wanted = "、".join(x.condition.text for x in best.undecided)
        branches = [Branch(wanted, best, None, None), Branch(OTHERWISE, None, None, None)]
    if len(branches) > 1:
        outcome: VerdictOutcome = "depends"
    else:
        outcome = "yes" if branches[0].best is not None else "no"
    facts_used = readings[0][1] if len(branches) == 1 else list(facts)
    checks = [check_rule(r, facts_used, terms) for r in rules]
    engaged = sorted((c for c in checks if c.facts_used),
                     key=lambda c: ({"met": 0, "unknown": 1, "unmet": 2}[c.status], -rank(c.rule)))
    return Verdict(outcome, tuple(facts_used), tuple(branches), tuple(engaged), asked,
                   readings[0][2] if len(branches) > 1 else None)
