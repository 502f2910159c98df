"""Scale-test helpers: synthetic replicas of the corpus, the bench-only replica embeddings, a Chroma server.

Replicas. Replica r (1 ≤ r < factor) of each of the 13 policies is written as its own text file: the title gets
the tag `（合成副本r）` ("synthetic copy r") and every number followed by a unit (万, 年, %, 个月 …) is shifted
by r, so titles, ids and content hashes all differ and the BM25 statistics are not a plain multiple. The
original compilation is copy 0. Everything goes through the real pipeline (load → parse → embed → store).

Embeddings. Embedding ×100 (≈5.6M characters) with the real model would take ~25 minutes on this machine, so
`BenchOnlyReplicaEmbeddings` — for this benchmark only, never for serving — gives a replica unit the real
vector of the original unit it was made from (matched by its text with digits and the tag removed) plus small
seeded Gaussian noise (σ=0.02 per dimension, cosine to the original ≈0.99), re-normalised. Texts that match no
original (a few units whose split shifted) are embedded by the real model, and counted. Queries always use the
real model. Vector count, dimensions, index size and query work are therefore the real ones.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.settings import Settings
from eval.served_app import free_port, process_peak_mb

log = logging.getLogger(__name__)

REPLICA_TAG = "（合成副本{r}）"
_TAG_RE = re.compile(r"（合成副本\d+）")
_NUMBER_WITH_UNIT = re.compile(r"\d+(?=\s*(?:万|亿|年|个月|月|日|%|家|名|项|倍|分|周岁|个))")
_DIGITS_WS = re.compile(r"\d+|\s+")


def skeleton(text: str) -> str:
    """A replica's text maps to its original's: drop the replica tag, all digits and whitespace."""
    return _DIGITS_WS.sub("", _TAG_RE.sub("", text))


def replica_text(title: str, body: str, r: int) -> str:
    shifted = _NUMBER_WITH_UNIT.sub(lambda m: str(int(m.group()) + r), body)
    return f"{title}{REPLICA_TAG.format(r=r)}\n{shifted}\n"


def write_replicas(settings: Settings, out_dir: Path, factor: int) -> int:
    """Write the original compilation plus (factor-1)×13 replica documents into out_dir; return the file count."""
    from eval.questions import DEFAULT_CORPUS_FILE
    from ingest.load import load_file
    from ingest.structure import parse_source

    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEFAULT_CORPUS_FILE, out_dir / DEFAULT_CORPUS_FILE.name)
    documents = parse_source(load_file(DEFAULT_CORPUS_FILE, DEFAULT_CORPUS_FILE.name, settings)).documents
    files = 1
    for r in range(1, factor):
        for i, doc in enumerate(documents):
            (out_dir / f"replica-{r:03d}-{i:02d}.txt").write_text(replica_text(doc.title, doc.text, r), encoding="utf-8")
            files += 1
    return files


class BenchOnlyReplicaEmbeddings(Embeddings):
    """BENCH-ONLY embeddings for synthetic replicas: the original unit's real vector + seeded noise (see module doc).

    Reports the wrapped model's `model_id`, because the vectors live in that model's space and the serving side
    (which embeds queries with the real model) must accept the index.
    """

    def __init__(self, inner: Embeddings, originals: dict[str, np.ndarray], noise: float = 0.02) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id  # type: ignore[attr-defined]
        self.originals = originals
        self.noise = noise
        self.really_embedded = 0

    @classmethod
    def from_texts(cls, inner: Embeddings, original_texts: list[str], real: Embeddings) -> BenchOnlyReplicaEmbeddings:
        """Original vectors via `real` (typically the cached embedder of the existing index: no model work)."""
        vectors = np.asarray(real.embed_documents(original_texts), dtype=np.float32)
        return cls(inner, {skeleton(t): v for t, v in zip(original_texts, vectors, strict=True)})

    def _perturb(self, base: np.ndarray, text: str) -> list[float]:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        v = base + np.random.default_rng(seed).normal(0.0, self.noise, base.shape).astype(np.float32)
        return (v / np.linalg.norm(v)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float] | None] = []
        missing: list[int] = []
        for i, t in enumerate(texts):
            base = self.originals.get(skeleton(t))
            if base is None:
                out.append(None)
                missing.append(i)
            elif _TAG_RE.search(t):
                out.append(self._perturb(base, t))
            else:
                out.append(base.tolist())  # copy 0 is the original: its own real vector
        if missing:
            real = self.inner.embed_documents([texts[i] for i in missing])
            self.really_embedded += len(missing)
            for i, v in zip(missing, real, strict=True):
                out[i] = list(v)
        return out  # type: ignore[return-value]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def dir_size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
    return round(total / 1024 / 1024, 2)


class ChromaServerProcess:
    """A `chroma run` subprocess on loopback, started and stopped by the benchmark itself."""

    def __init__(self, path: Path, host: str = "127.0.0.1") -> None:
        self.path, self.host, self.port = Path(path), host, free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> ChromaServerProcess:
        self.path.mkdir(parents=True, exist_ok=True)
        exe = Path(sys.executable).parent / "chroma"
        logf = open(self.path.parent / "chroma-server.log", "ab")  # noqa: SIM115 — lives as long as the process
        self.proc = subprocess.Popen([str(exe) if exe.exists() else "chroma", "run", "--path", str(self.path),
                                      "--host", self.host, "--port", str(self.port)],
                                     stdout=logf, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.proc.returncode}; see {logf.name}")
            try:
                with urllib.request.urlopen(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"chroma run did not answer on port {self.port} within {timeout:.0f} s")

    def peak_rss_mb(self) -> float:
        """High-water RSS of the server process (Linux /proc), 0 if unknown."""
        peak = process_peak_mb(self.proc.pid) if self.proc is not None else None
        return round(peak, 1) if peak is not None else 0.0

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
