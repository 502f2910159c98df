"""Ingest benchmark: the default corpus into a fresh temp data dir, next to the model's raw throughput.

`policy-assistant bench-ingest [--rounds N]` or `python -m eval.bench_ingest`. Prints medians: full ingest
(load, parse, embed, store, manifest), an unchanged re-ingest, and embedding the same texts (each unit's context
text and its sentences) with the model alone, so the pipeline's overhead over pure embedding is visible.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings


@dataclass
class BenchIngestResult:
    model_id: str
    documents: int
    units: int
    chars: int  # characters embedded: the units' context texts and their sentences, each distinct text once
    ingest_s: list[float] = field(default_factory=list)
    reingest_s: list[float] = field(default_factory=list)
    raw_embed_s: list[float] = field(default_factory=list)
    # CPU seconds (all threads): on a shared machine wall time swings with others' load, CPU time much less.
    ingest_cpu_s: list[float] = field(default_factory=list)
    raw_cpu_s: list[float] = field(default_factory=list)

    @property
    def ingest_median(self) -> float:
        return statistics.median(self.ingest_s)

    @property
    def raw_median(self) -> float:
        return statistics.median(self.raw_embed_s)

    def format(self) -> str:
        ing, raw, re_ = self.ingest_median, self.raw_median, statistics.median(self.reingest_s)
        rows = [
            ("model", self.model_id),
            ("corpus", f"{self.documents} documents, {self.units} units, {self.chars} chars embedded"),
            ("rounds", str(len(self.ingest_s))),
            ("fresh ingest (median)", f"{ing:.2f} s  = {self.chars / ing:,.0f} chars/s, {self.units / ing:.1f} units/s"),
            ("raw embedding (median)", f"{raw:.2f} s  = {self.chars / raw:,.0f} chars/s, {self.units / raw:.1f} units/s"),
            ("pipeline overhead", f"{ing - raw:.2f} s  ({(ing - raw) / ing:.0%} of ingest time)"),
            ("CPU time: ingest / raw (median)", f"{statistics.median(self.ingest_cpu_s):.2f} s / "
                                                f"{statistics.median(self.raw_cpu_s):.2f} s"),
            ("unchanged re-ingest (median)", f"{re_:.2f} s  (0 texts embedded)"),
            ("all ingest runs (s)", ", ".join(f"{s:.2f}" for s in self.ingest_s)),
            ("all raw runs (s)", ", ".join(f"{s:.2f}" for s in self.raw_embed_s)),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def _unit_texts(settings: Settings) -> tuple[int, int, list[str]]:
    from ingest.load import load_sources
    from ingest.sentence_store import sentence_passages
    from ingest.structure import parse_source

    docs, units, texts = 0, 0, {}
    for src in load_sources(list(settings.corpus_paths), settings).sources:
        parsed = parse_source(src)
        docs += len(parsed.documents)
        units += len(parsed.units)
        for u in parsed.units:  # what ingest embeds; the embedding cache embeds a repeated text once
            texts.update(dict.fromkeys([u.context_text(), *sentence_passages(u)]))
    return docs, units, list(texts)


def run_bench_ingest(settings: Settings, rounds: int = 3) -> BenchIngestResult:
    """Measure `rounds` fresh ingests (each in a new temp dir, embedded Chroma) and raw embedding runs."""
    from ingest.embed import build_base_embeddings
    from ingest.pipeline import run_ingest

    documents, units, texts = _unit_texts(settings)
    model = build_base_embeddings(settings, for_ingest=True)
    result = BenchIngestResult(model.model_id, documents, units, sum(map(len, texts)))  # type: ignore[attr-defined]
    model.embed_documents(texts[:2])  # load the model once so raw runs measure embedding only
    for _ in range(rounds):
        tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
        try:
            fresh = settings.model_copy(update={"data_dir": tmp / "data", "chroma_host": None})
            c0 = time.process_time()
            report = run_ingest(fresh)
            result.ingest_cpu_s.append(time.process_time() - c0)
            result.ingest_s.append(report.seconds)
            result.reingest_s.append(run_ingest(fresh).seconds)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        t0, c0 = time.perf_counter(), time.process_time()
        model.embed_documents(texts)
        result.raw_embed_s.append(time.perf_counter() - t0)
        result.raw_cpu_s.append(time.process_time() - c0)
    return result


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(run_bench_ingest(Settings(), args.rounds).format())  # noqa: T201 (a benchmark's output)


if __name__ == "__main__":
    main()
