"""Commands that measure the answer step on this machine: `bench-ask` (warm latency) and
`calibrate-refusal` (refusal thresholds chosen on the eval set, in eval/calibration/refusal.py). They print
numbers; they are not tests."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings
from assistant.types import Turn

DEFAULT_QUESTIONS = PROJECT_ROOT / "eval" / "data" / "questions.jsonl"
# Warm-up questions that are not in the eval set: they load jieba, the model and Chroma's caches without
# pre-filling the query-embedding cache for the measured questions.
_WARMUP = ("上海市居住证持有人申办常住户口", "What support is there for listed companies?", "创业投资引导基金")


def _load(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def _turns(row: dict) -> list[Turn]:
    return [Turn(t["role"], t["content"]) for t in row.get("history") or []]


def _percentile(values: list[float], p: float) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    idx = min(len(v) - 1, max(0, round(p / 100 * (len(v) - 1))))
    return v[idx]


def run_bench_ask(settings: Settings, questions: Path, rounds: int = 1) -> str:
    """Median and p95 of `PolicyAssistant.ask` wall time, after loading and a short warm-up."""
    from assistant.service import PolicyAssistant

    rows = _load(questions)
    assistant = PolicyAssistant(settings)
    t0 = time.perf_counter()
    for q in _WARMUP:
        assistant.ask(q)
    startup = time.perf_counter() - t0
    lines = [f"bench-ask: {len(rows)} questions from {questions}, mode={assistant.mode}, "
             f"load+warm-up {startup:.1f} s"]
    for r in range(1, rounds + 1):
        times: list[float] = []
        steps: dict[str, list[float]] = {}
        quotes = verified = refused = 0
        for row in rows:
            t = time.perf_counter()
            answer = assistant.ask(row["question"], history=_turns(row))
            times.append((time.perf_counter() - t) * 1000)
            for k, v in answer.timings_ms.items():
                steps.setdefault(k, []).append(v)
            quoted = [c for c in answer.citations if c.quote]
            quotes += len(quoted)
            verified += sum(c.verified for c in quoted)
            refused += answer.refused
        label = "first pass (cold query caches)" if r == 1 else f"pass {r} (query caches warm)"
        lines.append(f"  {label}: median {statistics.median(times):.1f} ms, p95 {_percentile(times, 95):.1f} ms, "
                     f"max {max(times):.1f} ms")
        if r == 1:
            lines.append(f"    quotes verified verbatim: {verified}/{quotes} ({verified / max(quotes, 1):.1%}); "
                         f"refused {refused}/{len(rows)}")
        lines.append("    per step (median ms): " + ", ".join(
            f"{k} {statistics.median(v):.1f}" for k, v in steps.items() if k != "total"))
    return "\n".join(lines)


def run_calibration(settings: Settings, questions: Path, write_model: bool = False) -> str:
    """`calibrate-refusal` (owned by the refusal work; see eval/calibration/refusal.py)."""
    from eval.calibration.refusal import run_calibration as run

    return run(settings, questions, write_model=write_model)
