"""One-process eval: our assistant and the baselines over the question set, every number into one result.

    policy-assistant eval [--subset fast] [--out eval/reports] [--data-dir DIR]
"""

from __future__ import annotations

import logging
import os
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.settings import Settings
from assistant.types import Citation
from eval.baseline import CHUNK_OVERLAP, CHUNK_SIZE, Baselines
from eval.metrics import (
    AnswerScores,
    RetrievalScores,
    mean_answer_scores,
    mean_scores,
    percentiles,
    refusal_metrics,
    score_answer,
    score_ranking,
)
from eval.questions import DEFAULT_CORPUS_FILE, QUESTIONS_PATH, EvalQuestion, load_questions
from ingest.models import Unit
from ingest.provenance import IndexedSources

log = logging.getLogger(__name__)

OURS = "ours"
SYSTEMS = (OURS, "dense", "naive_hybrid")
SYSTEM_LABELS = {
    OURS: "ours (clause units, hybrid + cross-lingual + follow-up condensing)",
    "dense": f"baseline: RecursiveCharacterTextSplitter({CHUNK_SIZE}/{CHUNK_OVERLAP}) + dense, question only",
    "naive_hybrid": "baseline: same chunks, BM25 (plain jieba) + dense, RRF, question only",
}
Progress = Callable[[str, int, int], None]


@dataclass
class QuestionResult:
    id: str
    type: str
    lang: str
    retrieval: dict[str, RetrievalScores] = field(default_factory=dict)
    answer: AnswerScores | None = None
    refused: bool | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    top3: list[str] = field(default_factory=list)  # our top units, "title › locator"
    answer_excerpt: str = ""
    quotes_not_in_source: list[str] = field(default_factory=list)  # "title locator: quote", for the report


@dataclass
class EvalResult:
    meta: dict
    retrieval: dict[str, dict]  # system -> {"overall", "by_type", "by_lang"}
    answers: dict
    refusal: dict
    latency_ms: dict[str, dict]  # stage -> percentiles
    per_question: list[QuestionResult]

    def to_json(self) -> dict:
        data = asdict(self)
        for q in data["per_question"]:
            q["retrieval"] = {s: {"recall": {str(k): v for k, v in r["recall"].items()}, "mrr": r["mrr"],
                                  "ndcg": r["ndcg"], "budget_recall": r["budget_recall"]}
                              for s, r in q["retrieval"].items()}
        return data


def _grouped(results: Sequence[QuestionResult], system: str) -> dict:
    by_type: dict[str, list[RetrievalScores]] = defaultdict(list)
    by_lang: dict[str, list[RetrievalScores]] = defaultdict(list)
    everything: list[RetrievalScores] = []
    for r in results:
        if system in r.retrieval:
            s = r.retrieval[system]
            everything.append(s)
            by_type[r.type].append(s)
            by_lang[r.lang].append(s)
    en_mixed = by_lang.get("en", []) + by_lang.get("mixed", [])
    return {"overall": mean_scores(everything),
            "by_type": {t: mean_scores(v) for t, v in sorted(by_type.items())},
            "by_lang": {**{lang: mean_scores(v) for lang, v in sorted(by_lang.items())},
                        "en+mixed": mean_scores(en_mixed)}}


def _index_units(assistant) -> dict[str, Unit]:
    """id -> unit of the index: its text judges citations that don't carry it; its source is the file to find
    the citation's quote in."""
    try:
        return {u.id: u for u in assistant._load().store.all_units()}
    except Exception as e:  # noqa: BLE001 — only a fallback; citations normally carry unit_text
        log.warning("could not read units from the store (%s); citations are judged by their unit_text and "
                    "their quotes count as not found in a source file", e)
        return {}


def run_eval(settings: Settings, subset: str | None = None, questions_path: Path = QUESTIONS_PATH,
             corpus_file: Path = DEFAULT_CORPUS_FILE, with_baselines: bool = True, with_answers: bool = True,
             progress: Progress | None = None) -> EvalResult:
    """Run every system over the question set in this process and aggregate the numbers."""
    from assistant.service import PolicyAssistant
    from ingest.embed import build_embeddings

    progress = progress or (lambda stage, done, total: None)
    questions = load_questions(questions_path, subset).questions
    started = time.perf_counter()

    t0 = time.perf_counter()
    assistant = PolicyAssistant(settings)
    first = assistant.search("上海市引进人才申办本市常住户口", k=10)  # loads models and index
    cold_ms = (time.perf_counter() - t0) * 1000
    if not first:
        raise RuntimeError(f"the index in {settings.data_dir} returned nothing; run `policy-assistant ingest`")
    units = _index_units(assistant)
    units_by_id = {i: u.text for i, u in units.items()}
    quote_sources = _QuoteSources(IndexedSources(settings), {i: u.source for i, u in units.items()})

    baselines = None
    baseline_build_s = 0.0
    if with_baselines:
        t0 = time.perf_counter()
        # Same embedding model as ours (same settings → same backend/model, same embedding cache).
        baselines = Baselines.build(corpus_file, build_embeddings(settings))
        baseline_build_s = time.perf_counter() - t0

    results: list[QuestionResult] = []
    search_ms: dict[str, list[float]] = defaultdict(list)
    stage_ms: dict[str, list[float]] = defaultdict(list)
    answer_scores: list[AnswerScores] = []
    refused_flags: list[bool] = []
    for i, q in enumerate(questions, 1):
        progress("questions", i - 1, len(questions))
        res = QuestionResult(id=q.id, type=q.type, lang=q.lang)
        spans = [g.span for g in q.gold]
        if with_answers:
            # ask first: its query embedding is then a cache miss, as for a real visitor's new question
            _ask(assistant, q, res, units_by_id, stage_ms, quote_sources)
            answer_scores.append(res.answer)
            refused_flags.append(bool(res.refused))
        t0 = time.perf_counter()
        hits = assistant.search(q.question, k=10, history=q.history_dicts)
        if with_answers:
            # search() repeats ask's condense+retrieve with the query embedding now cached; the honest
            # search latency is those two stages of ask
            search_ms[OURS].append(res.timings_ms.get("condense", 0.0) + res.timings_ms.get("retrieve", 0.0))
        else:
            search_ms[OURS].append((time.perf_counter() - t0) * 1000)
        res.top3 = [f"{h.doc_title} › {h.locator}" for h in hits[:3]]
        if spans:
            res.retrieval[OURS] = score_ranking(spans, [h.text for h in hits])
        if baselines is not None:
            t0 = time.perf_counter()
            qv = baselines.query_vector(q.question)
            embed_ms = (time.perf_counter() - t0) * 1000
            for name in Baselines.NAMES:
                t0 = time.perf_counter()
                chunks = baselines.search(name, q.question, k=10, query_vector=qv)
                search_ms[name].append(embed_ms + (time.perf_counter() - t0) * 1000)
                if spans:
                    res.retrieval[name] = score_ranking(spans, chunks)
        results.append(res)
    progress("questions", len(questions), len(questions))

    systems = [OURS] + (list(Baselines.NAMES) if baselines is not None else [])
    latency = {f"search:{s}": percentiles(search_ms[s]) for s in systems}
    latency.update({f"ask:{stage}": percentiles(v) for stage, v in sorted(stage_ms.items())})
    meta = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "subset": subset or "full",
        "questions": len(questions),
        "answerable": sum(1 for q in questions if q.answerable),
        "questions_file": str(questions_path.name),
        "data_dir": str(settings.data_dir),
        "embedding_backend": settings.embedding_backend,
        "embedding_model": settings.embedding_model,
        "answer_mode": assistant.mode,
        "indexed_units": len(units_by_id),
        "baseline_chunks": len(baselines.dense.chunks) if baselines else 0,
        "baseline_build_seconds": round(baseline_build_s, 2),
        "cold_start_first_search_ms": round(cold_ms, 1),
        "seconds": round(time.perf_counter() - started, 1),
        # the 2 cores are shared: the load average says how contended the latency numbers were
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip() + f", python {platform.python_version()}",
        "systems": {s: SYSTEM_LABELS[s] for s in systems},
    }
    return EvalResult(
        meta=meta,
        retrieval={s: _grouped(results, s) for s in systems},
        answers=_answer_summary(questions, results) if with_answers else {},
        refusal=refusal_metrics(questions, refused_flags) if with_answers else {},
        latency_ms=latency,
        per_question=results,
    )


@dataclass
class _QuoteSources:
    """The indexed source files and which one each unit comes from: where a quote must be found."""

    files: IndexedSources
    source_of_unit: dict[str, str]

    def check(self, citations: Sequence[Citation], res: QuestionResult) -> int:
        """How many quotes are found in their source file; the others are noted on `res`."""
        found = 0
        for c in citations:
            if not c.quote.strip():
                continue
            if self.files.contains(self.source_of_unit.get(c.id, ""), c.quote):
                found += 1
            else:
                res.quotes_not_in_source.append(f"{c.doc_title} {c.locator}: {c.quote}")
        return found


def _ask(assistant, q: EvalQuestion, res: QuestionResult, units_by_id: dict[str, str],
         stage_ms: dict[str, list[float]], quote_sources: _QuoteSources) -> None:
    t0 = time.perf_counter()
    answer = assistant.ask(q.question, history=q.history_dicts)
    wall = (time.perf_counter() - t0) * 1000
    for stage, ms in answer.timings_ms.items():
        stage_ms[stage].append(float(ms))
    stage_ms["wall"].append(wall)
    res.timings_ms = {**answer.timings_ms, "wall": round(wall, 2)}
    citations = [(c.unit_text or units_by_id.get(c.id, ""), c.quote, c.verified) for c in answer.citations]
    validity = [(v.doc_title, v.status) for v in answer.validity]
    res.refused = answer.refused
    res.answer = score_answer(q, answer.answer, answer.refused, citations, validity)
    res.answer.quotes_in_source = quote_sources.check(answer.citations, res)
    res.answer_excerpt = answer.answer[:300]


def _answer_summary(questions: Sequence[EvalQuestion], results: Sequence[QuestionResult]) -> dict:
    scores = [r.answer for r in results if r.answer is not None]
    out = {"overall": mean_answer_scores(scores)}
    by_type: dict[str, list[AnswerScores]] = defaultdict(list)
    by_lang: dict[str, list[AnswerScores]] = defaultdict(list)
    for r in results:
        if r.answer is not None:
            by_type[r.type].append(r.answer)
            by_lang[r.lang].append(r.answer)
    out["by_type"] = {t: mean_answer_scores(v) for t, v in sorted(by_type.items())}
    out["by_lang"] = {lang: mean_answer_scores(v) for lang, v in sorted(by_lang.items())}
    return out
