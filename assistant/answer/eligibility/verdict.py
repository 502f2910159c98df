"""The verdict: the rules of the retrieved clauses checked against the visitor's facts.

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

import operator
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.eligibility.asked import FAMILIES, YES_NO, asked_kind, asked_years, named_share
from assistant.answer.eligibility.described import described, distinctive
from assistant.answer.eligibility.facts import one_round
from assistant.types import Branch, CheckedCondition, Fact, RuleCheck, Verdict, VerdictOutcome
from ingest.eligibility.model import Condition, Rule, Status
from ingest.eligibility.vocabulary import EXCLUSIVE_QUALIFIERS, RELATIONS, relations_in

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "=": operator.eq}
OTHERWISE = "otherwise"  # the reading of a branch where what the verdict turns on is not so
_NUMERIC = ("amount", "percent", "duration", "multiple", "count", "age", "order")
# Roles a visitor holds one of: a partner is not a vice president, an analyst neither.
_EXCLUSIVE_ROLE_LADDERS = {"partner", "management"}


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


def _matches(c: Condition, f: Fact, rule_conditions: Sequence[Condition], facts: Sequence[Fact],
             strict: bool = False) -> bool:
    if c.kind != f.kind:
        return False
    if c.kind in ("role", "credential"):
        return c.level == f.level
    if c.kind == "order":  # the same two events
        return c.topics == f.topics
    if c.topics and f.topics:
        return bool(c.topics & f.topics)
    if strict:
        return False  # a general requirement is judged only by a fact about the same thing
    # One side doesn't say what it is about: pair them only when nothing else of that kind could be meant
    # (the rule's conditions of this kind are all about one thing, and the visitor gave one such figure).
    same_kind = [x for x in rule_conditions if x.kind == c.kind]
    unambiguous = len(same_kind) == 1 or (c.kind == "amount" and len({x.topics for x in same_kind}) == 1)
    return sum(x.kind == f.kind for x in facts) == 1 and (not c.topics or unambiguous)


def _check(c: Condition, facts: Sequence[Fact], rule_conditions: Sequence[Condition],
           terms: Sequence[str] = (), strict: bool = False) -> CheckedCondition:
    if c.kind == "other":
        return CheckedCondition(c, "unknown") if strict else described(c, terms, facts)
    if c.kind == "role":
        stated = [f for f in facts if f.kind == "role"]
        same = [f for f in stated if f.level == c.level]
        if any(f.negated for f in same):
            return CheckedCondition(c, "unmet", next(f for f in same if f.negated))  # "我不是法人"
        same = [f for f in same if not f.negated]
        if same and all(f.unsure for f in same):
            return CheckedCondition(c, "unknown", same[0])  # "不一定是第一完成人": what the verdict turns on
        stated = [f for f in stated if not f.negated]
        if same:
            best = max(same, key=lambda f: f.value)
            return CheckedCondition(c, "met" if best.value >= (c.value or 0) else "unmet", best)
        other = [f for f in stated if f.level in _EXCLUSIVE_ROLE_LADDERS]
        if c.level in _EXCLUSIVE_ROLE_LADDERS and other:
            return CheckedCondition(c, "unmet", other[0])
        return CheckedCondition(c, "unknown")
    if c.kind == "credential":
        same = [f for f in facts if f.kind == "credential" and f.level == c.level]
        if not same:
            return CheckedCondition(c, "unknown")
        best = max(same, key=lambda f: f.value)
        if "abroad" in c.qualifiers and "domestic" in best.qualifiers and "abroad" not in best.qualifiers:
            return CheckedCondition(c, "unmet", best)  # a degree earned abroad; the visitor's was earned at home
        if best.value >= (c.value or 0) and "abroad" in c.qualifiers and "abroad" not in best.qualifiers:
            return CheckedCondition(c, "unknown", best)  # a degree earned abroad: not said where it was earned
        return CheckedCondition(c, "met" if best.value >= (c.value or 0) else "unmet", best)
    if c.kind not in _NUMERIC or c.value is None or c.op is None:
        return CheckedCondition(c, "unknown")
    for f in facts:
        if not _matches(c, f, rule_conditions, facts, strict):
            continue
        wanted = c.qualifiers & set(EXCLUSIVE_QUALIFIERS)
        stated = f.qualifiers & set(EXCLUSIVE_QUALIFIERS)
        if wanted and stated and not wanted & stated:
            return CheckedCondition(c, "unmet", f)  # a cumulative sum says nothing for a first-round threshold
        if wanted and not stated and one_round(f, facts):
            continue
        ok = _OPS[c.op](f.value, c.value)
        if not ok and f.more and c.op in (">=", ">") and f.value == c.value:
            ok = True
        return CheckedCondition(c, "met" if ok else "unmet", f)
    return CheckedCondition(c, "unknown")


def about(rule: Rule, facts: Sequence[Fact]) -> list[Fact]:
    """The facts a rule is judged by: a family member's rule by what is said of that member (and the order of
    events), the applicant's rule by what is not said of a family member."""
    if rule.beneficiary is not None:
        return [f for f in facts if (f.kind == "role" and f.level == rule.beneficiary) or rule.beneficiary in f.topics
                or f.kind == "order"]
    return [f for f in facts if f.level not in RELATIONS and not f.topics & set(RELATIONS)]


def check_rule(rule: Rule, facts: Sequence[Fact], terms: Sequence[str] = ()) -> RuleCheck:
    facts = about(rule, facts)
    everything = rule.conditions
    shown: list[CheckedCondition] = []
    undecided: list[CheckedCondition] = []
    named_open: list[CheckedCondition] = []  # conditions in words the visitor names but leaves open
    statuses: list[Status] = []
    used: set[int] = set()
    own = len(rule.requirements)
    for n, req in enumerate((*rule.requirements, *rule.inherited)):
        options = [[_check(c, facts, everything, terms, strict=n >= own) for c in option] for option in req.options]
        option_status = ["unmet" if any(x.status == "unmet" for x in o) else
                         "met" if all(x.status == "met" for x in o) else "unknown" for o in options]
        measurable_unmet = any(s == "unmet" for s in option_status)
        if "met" in option_status:
            chosen, status = options[option_status.index("met")], "met"
        elif "unknown" in option_status and not (
                measurable_unmet and all(all(x.condition.kind == "other" for x in o)
                                         for o, s in zip(options, option_status, strict=True) if s == "unknown")):
            # Show the option the facts got furthest with; list its unknowns as things to check.
            i = max((i for i, s in enumerate(option_status) if s == "unknown"),
                    key=lambda i: sum(x.status == "met" for x in options[i]))
            chosen, status = options[i], "unknown"
            if n < own and measurable_unmet and any(x.status == "met" for x in chosen):
                # "16周岁以上、在普通高中就读" when 16周岁及以下 failed: the answer turns on the words left to check
                undecided += [x for x in chosen if x.status == "unknown" and x.condition.kind == "other"]
        else:
            # Every measurable route fails; a route the facts can't test ("企业挂牌上市") is only listed.
            failing = [o for o, s in zip(options, option_status, strict=True) if s == "unmet"]
            # Of equally failing routes, the one a figure fails says how far the visitor is ("10%（您：8%）").
            chosen, status = min(failing, key=lambda o: (sum(x.status == "unmet" for x in o), not any(
                x.status == "unmet" and x.condition.kind in _NUMERIC for x in o))), "unmet"
        if n >= own and status == "unknown":
            continue  # the general list's requirements count once the facts decide them; not all listed to check
        used |= {id(x.fact) for o in options for x in o if x.fact is not None and (x.status != "unknown" or (
            x.fact.unsure and x.fact.kind != "description"))}
        if n < own:
            undecided += [x for x in chosen if x.status == "unknown" and x.fact is not None and x.fact.unsure
                          and x.fact.kind != "description"]
            named_open += [x for x in chosen if x.status == "unknown" and x.fact is not None
                           and x.fact.kind == "description"]
        statuses.append(status)  # type: ignore[arg-type]
        shown.extend(chosen)
    if "unmet" in statuses:
        status: Status = "unmet"
    elif any(x.status == "met" for x in shown):
        status = "met"
    elif named_open and all(x in named_open for x in shown):
        # Every condition is one the visitor names but leaves open ("房租" against "房租超出家庭工资收入的规定比例的"):
        # met if they hold — "if 房租超出…规定比例 → 可以提取". Beside a met condition they are only things to check.
        status = "met"
        undecided += named_open
        used |= {id(x.fact) for x in named_open}
    else:
        status = "unknown"
    words = [x for x in shown if x.status == "unknown" and x.condition.kind == "other"]
    if status == "met" and (rule.outcome.kind == "status" or (
            rule.outcome.kind == "other" and len(words) > sum(x.status == "met" for x in shown))):
        # "本市户籍家庭" met, but income and property unsaid: what a definition (or a list for what one applies
        # for) asks is mostly words, and the answer turns on them, not on the one thing the visitor said.
        # A route to a hukou or a subsidy keeps its words as things to check.
        undecided += [x for x in words if x not in undecided]
    return RuleCheck(rule, status, tuple(shown), len(used), tuple(undecided))


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
        seen = {q for r in rules for c in r.conditions if c.kind == "amount" and _matches(c, f, r.conditions, facts)
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
           terms: Sequence[str] = ()) -> Verdict | None:
    """The verdict for these facts over these rules, or None when the facts bear on none of them.
    `questions` are the visitor's messages, latest last: the latest that names an outcome says what is asked."""
    if not rules:
        return None
    named_shares = {id(r): named_share(r, terms) for r in rules}
    terms = distinctive(terms, rules)
    measured = any(f.kind not in ("role", "description") for f in facts)
    if not measured and not any(YES_NO.search(q) for q in questions):
        return None  # "创业人才落户有什么条件？" names a role but asks for the conditions, not a verdict
    if not facts and not terms:
        return None
    asked = next((k for k in map(asked_kind, reversed(questions)) if k != "any"), "any")
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
