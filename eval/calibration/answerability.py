"""Train and cross-validate the learned refusal check (assistant/refusal/answerability.py); part of `calibrate-refusal`.

Like the lexical gate (eval/calibration/refusal.py), the regularisation C and the false-refusal budget
are chosen by leave-one-set-out cross-validation over the dev sets — everything about the model,
threshold included, is fitted without the set left out, and refusals are counted on it — because a new
writer's questions are what a kiosk meets. The threshold for a given budget is set on out-of-fold
probabilities (each training file predicted by a model fitted without it), never on the model's own fit.
The shipped model is then fitted on all dev sets with the chosen C and budget. The eval set and the blind hold-out
are never used for a choice, so what they report is out of sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.query.asked_form import without_form
from assistant.refusal.answerability import (
    AnswerabilityModel,
    Fitted,
    corpus_fingerprint,
    fit,
    gate_inputs,
    threshold_for,
)
from assistant.refusal.gate import should_refuse
from eval.calibration.samples import TARGET_FALSE_REFUSALS, CrossValidated, Sample

# Inverse L2 strength; the embedding has 384 dimensions and ~960 labelled rows. C=30 was measured on 11 sets
# (2026-12-03) and refused fewer out-of-scope questions than C=3 at every budget; it was dropped from the grid.
CS = (1.0, 3.0, 10.0)
# False-refusal budgets the threshold is set to on out-of-fold predictions. 5% and 10% can't meet the ≤ 5%-on-every-
# set rule (measured 2026-12-04: worst set 10–20%); they are in the grid to show what 90% refused would cost.
BUDGETS = (0.01, 0.015, 0.02, 0.03, 0.05, 0.10)


@dataclass(frozen=True)
class LearnedReport:
    grid: tuple[LearnedCV, ...]
    chosen: LearnedCV
    model: AnswerabilityModel


def _arrays(samples: Sequence[Sample]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    inputs = np.array([gate_inputs(s.features) for s in samples])
    labels = np.array([s.out_of_scope for s in samples], dtype=bool)
    groups = np.array([s.group for s in samples])
    return inputs, labels, groups


def _out_of_fold(vectors: np.ndarray, inputs: np.ndarray, labels: np.ndarray, groups: np.ndarray,
                 c: float) -> np.ndarray:
    """Each question file predicted by a model fitted on the other files."""
    p = np.zeros(len(labels))
    for g in sorted(set(groups)):
        m = groups == g
        p[m] = fit(vectors[~m], inputs[~m], labels[~m], c).predict(vectors[m], inputs[m])
    return p


def _fitted(vectors, inputs, labels, groups, c: float, budget: float) -> tuple[Fitted, float]:
    threshold = threshold_for(_out_of_fold(vectors, inputs, labels, groups, c), labels, budget)
    return fit(vectors, inputs, labels, c), threshold


def _refusals(samples: Sequence[Sample], p: np.ndarray, threshold: float) -> list[bool]:
    return [should_refuse(replace(s.features, out_of_scope_p=float(pi), learned_threshold=threshold))
            for s, pi in zip(samples, p, strict=True)]


@dataclass(frozen=True)
class LearnedCV:
    c: float
    budget: float
    counts: CrossValidated  # summed over the sets left out
    worst_false_refusals: float  # the highest share of answerable questions refused on any one set left out
    refused: tuple[bool, ...] = ()  # per sample (in order), its verdict while its set was left out


def cross_validate(samples: Sequence[Sample], vectors: np.ndarray, c: float, budget: float,
                   held_out: Sequence[str]) -> LearnedCV:
    inputs, labels, groups = _arrays(samples)
    out = ans = n_out = n_ans = 0
    worst = 0.0
    verdicts = [False] * len(samples)
    for group in held_out:
        te = groups == group
        fitted, t = _fitted(vectors[~te], inputs[~te], labels[~te], groups[~te], c, budget)
        test = [s for s, m in zip(samples, te, strict=True) if m]
        refused = _refusals(test, fitted.predict(vectors[te], inputs[te]), t)
        for i, r in zip(np.flatnonzero(te), refused, strict=True):
            verdicts[i] = r
        set_ans = sum(r for r, s in zip(refused, test, strict=True) if not s.out_of_scope)
        set_n_ans = sum(not s.out_of_scope for s in test)
        out += sum(r for r, s in zip(refused, test, strict=True) if s.out_of_scope)
        ans += set_ans
        n_out += sum(s.out_of_scope for s in test)
        n_ans += set_n_ans
        worst = max(worst, set_ans / max(set_n_ans, 1))
    return LearnedCV(c, budget, CrossValidated(c, out, n_out, ans, n_ans, budget), worst, tuple(verdicts))


@dataclass(frozen=True)
class GrownIndex:
    """Refusals if `new_document` had been ingested after training: the learned check's held-out verdict,
    except for questions retrieving one of its units, which the lexical gate decides (AnswerChain._gate)."""

    new_document: str
    deferred: int  # labelled questions with a unit of it among their hits
    counts: CrossValidated
    worst_false_refusals: float


def grown_index(samples: Sequence[Sample], cv: LearnedCV, new_document: str) -> GrownIndex:
    """An estimate, not a test of new documents: the model was trained with this document indexed, and the
    labelled questions are about this compilation, so `deferred` overstates what a truly new file takes away."""
    per_set: dict[str, list[int]] = {}
    deferred = 0
    for s, learned in zip(samples, cv.refused, strict=True):
        defer = new_document in s.hit_docs
        deferred += defer
        refused = should_refuse(s.features) if defer else learned  # samples hold the lexical-only features
        k = per_set.setdefault(s.group, [0, 0, 0, 0])  # out refused, n out, answerable refused, n answerable
        k[0 if s.out_of_scope else 2] += refused
        k[1 if s.out_of_scope else 3] += 1
    totals = [sum(k[i] for k in per_set.values()) for i in range(4)]
    worst = max((k[2] / max(k[3], 1) for k in per_set.values()), default=0.0)
    return GrownIndex(new_document, deferred, CrossValidated(cv.c, totals[0], totals[1], totals[2], totals[3],
                                                             cv.budget), worst)


def grown_index_lines(samples: Sequence[Sample], cv: LearnedCV) -> list[str]:
    """What the learned check keeps when staff add a policy file, each indexed document in turn playing it."""
    lexical = grown_index(samples, replace(cv, refused=tuple(should_refuse(s.features) for s in samples)), "")
    lines = ["  if one document had been added after training (each in turn; questions retrieving it go to the "
             "lexical gate), chosen setting, each labelled set left out:"]
    titles = sorted({t for s in samples for t in s.hit_docs})
    for g in sorted((grown_index(samples, cv, t) for t in titles), key=lambda g: g.counts.out_refused):
        k = g.counts
        lines.append(f"    {g.new_document[:24]:<24} deferred {g.deferred:>4}/{len(samples)}: out_of_scope refused "
                     f"{k.out_refused}/{k.n_out}, answerable refused {k.answerable_refused}/{k.n_answerable} "
                     f"(worst set {g.worst_false_refusals:.1%})")
    k = lexical.counts
    lines.append(f"    lexical gate alone (the learned check off)         : out_of_scope refused {k.out_refused}/"
                 f"{k.n_out}, answerable refused {k.answerable_refused}/{k.n_answerable} "
                 f"(worst set {lexical.worst_false_refusals:.1%})")
    return lines


def train(samples: Sequence[Sample], vectors: np.ndarray, held_out: Sequence[str], embedding_model: str,
          titles: Sequence[str], cs: Sequence[float] = CS, budgets: Sequence[float] = BUDGETS) -> LearnedReport:
    """Choose C and the budget by leaving each labelled set in `samples` out in turn, then fit the shipped model
    on all of them. The choice needs ≤ 5% false refusals on *every* set left out, not just pooled: a budget-10%
    model refused 45/164 of the eval set's answerable questions (their numeric asks — 几年, 多少 — look like the
    dev sets' near misses) while the dev sets' pooled rate was 3.5% (docs/refusal-calibration.md)."""
    grid = tuple(cross_validate(samples, vectors, c, b, held_out) for b in budgets for c in cs)
    within = [g for g in grid if g.worst_false_refusals <= TARGET_FALSE_REFUSALS] or list(grid)
    chosen = max(within, key=lambda g: (g.counts.out_refused, -g.counts.answerable_refused, -g.c, -g.budget))
    inputs, labels, groups = _arrays(samples)
    fitted, t = _fitted(vectors, inputs, labels, groups, chosen.c, chosen.budget)
    k = chosen.counts
    note = (f"C={chosen.c:g}, budget {chosen.budget:.1%} on out-of-fold predictions; each of {len(held_out)} "
            f"labelled sets left out once: {k.out_refused}/{k.n_out} out_of_scope refused at "
            f"{k.answerable_refused}/{k.n_answerable} answerable refused (worst set "
            f"{chosen.worst_false_refusals:.1%}); fitted on {len(samples)} questions "
            "(eval/data/refusal_dev*.jsonl; the eval set and the hold-out are out of sample)")
    model = AnswerabilityModel(embedding_model, corpus_fingerprint(titles), tuple(float(x) for x in fitted.coef),
                               fitted.intercept, t, note, tuple(float(x) for x in fitted.lexical_mean),
                               tuple(float(x) for x in fitted.lexical_std),
                               tuple(sorted({t.strip() for t in titles if t and t.strip()})))
    return LearnedReport(grid, chosen, model)


def report_lines(r: LearnedReport) -> list[str]:
    lines = ["  learned check (question embedding + the gate's inputs; assistant/refusal/answerability.py), each labelled set left "
             "out:"]
    for g in r.grid:
        k = g.counts
        lines.append(f"    {'*' if g is r.chosen else ' '} C={g.c:<4g} budget={g.budget:.1%}: out_of_scope refused "
                     f"{k.out_refused}/{k.n_out} ({k.out_refused / max(k.n_out, 1):.0%}), answerable refused "
                     f"{k.answerable_refused}/{k.n_answerable} ({k.answerable_refused / max(k.n_answerable, 1):.1%}"
                     f", worst set {g.worst_false_refusals:.1%})")
    lines.append(f"  fitted model: threshold {r.model.threshold:.4f}; {r.model.calibration}")
    return lines


def query_vectors(embeddings, samples: Sequence[Sample]) -> np.ndarray:
    """What the served check embeds: the question without the form that asks for conditions."""
    return np.array([embeddings.embed_query(without_form(s.standalone or s.question)) for s in samples],
                    dtype=np.float64)
