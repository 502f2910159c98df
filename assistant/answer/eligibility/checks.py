"""Each condition of a rule checked against the visitor's facts: met, unmet or unknown (never guessed), and a
rule's check from its requirements (any option of each; every condition of an option) and, where it carries them,
its document's general requirements that the facts decide.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.eligibility.described import degree_qualifier, described
from assistant.answer.eligibility.facts import one_round
from assistant.types import CheckedCondition, Fact, RuleCheck
from ingest.eligibility.model import Condition, Rule, Status
from ingest.eligibility.vocabulary import EXCLUSIVE_QUALIFIERS, RELATIONS

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "=": operator.eq}
_NUMERIC = ("amount", "percent", "duration", "multiple", "count", "age", "order")
# Roles a visitor holds one of: a partner is not a vice president, an analyst neither.
_EXCLUSIVE_ROLE_LADDERS = {"partner", "management"}


def matches(c: Condition, f: Fact, rule_conditions: Sequence[Condition], facts: Sequence[Fact],
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
    # (the rule's conditions of this kind are all about one thing, and the visitor gave one such figure). A
    # figure the visitor says is about something ("结婚三年") meets a condition that doesn't say only when it is
    # the rule's one condition of that kind: not "有效期在3个月及以上" beside four other periods.
    same_kind = [x for x in rule_conditions if x.kind == c.kind]
    unambiguous = len(same_kind) == 1 or (c.kind == "amount" and len({x.topics for x in same_kind}) == 1)
    return sum(x.kind == f.kind for x in facts) == 1 and (unambiguous if c.topics or f.topics else True)


def _check(c: Condition, facts: Sequence[Fact], rule_conditions: Sequence[Condition],
           terms: Sequence[str] = (), strict: bool = False, one_of_several: bool = False) -> CheckedCondition:
    if c.kind == "other":
        return CheckedCondition(c, "unknown") if strict else described(c, terms, facts, one_of_several)
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
        if not matches(c, f, rule_conditions, facts, strict):
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


def _checked(c: Condition, facts: Sequence[Fact], rule_conditions: Sequence[Condition], terms: Sequence[str],
             strict: bool, one_of_several: bool = False) -> list[CheckedCondition]:
    """A condition checked; a degree's qualifier ("高水平大学") checked beside it, as words the visitor may name.
    `one_of_several`: the condition is one of several ways to meet a requirement."""
    checked = _check(c, facts, rule_conditions, terms, strict, one_of_several)
    split = degree_qualifier(c) if checked.status == "met" and not strict else None
    if split is None:
        return [checked]
    qualifier, degree = split
    return [replace(checked, condition=degree), described(qualifier, terms, facts)]


def _half_met(option: Sequence[CheckedCondition]) -> list[CheckedCondition]:
    """The unknown part of a threshold stated in one span whose other part a figure meets ("最近4年内累计36个月…
    基数等于…平均工资3倍" against "交了十年社保"): ten years say nothing of the base, and the answer turns on it."""
    met = [x.condition for x in option if x.status == "met" and x.condition.kind in _NUMERIC]
    return [x for x in option if x.status == "unknown" and x.condition.kind in _NUMERIC and any(
        m.unit_id == x.condition.unit_id and m.start < x.condition.end and x.condition.start < m.end for m in met)]


def _measured(option: Sequence[CheckedCondition]) -> bool:
    return any(x.status == "met" and x.fact is not None and x.fact.kind != "description" for x in option)


def _only_worded(met: Sequence[CheckedCondition], options: Sequence[Sequence[CheckedCondition]]) -> bool:
    """A way met only by words the question shares with it ("大学", "研究" of "…大学…担任副研究员…职务") beside
    another way a stated fact meets in part (a doctorate, its university left to check): the fact is better
    evidence, so that way is shown, with what it leaves to check."""
    return not _measured(met) and any(_measured(o) and not any(x.status == "unmet" for x in o) for o in options)


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
        several = len(req.options) > 1
        options = [[x for c in option for x in _checked(c, facts, everything, terms, strict=n >= own,
                                                        one_of_several=several)]
                   for option in req.options]
        option_status = ["unmet" if any(x.status == "unmet" for x in o) else
                         "met" if all(x.status == "met" for x in o) else "unknown" for o in options]
        measurable_unmet = any(s == "unmet" for s in option_status)
        met_at = [i for i, s in enumerate(option_status) if s == "met"]
        first_met = next((i for i in met_at if _measured(options[i])), met_at[0] if met_at else None)
        if first_met is not None and not _only_worded(options[first_met], options):
            chosen, status = options[first_met], "met"
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
            undecided += [x for x in _half_met(chosen) if x not in undecided]
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
