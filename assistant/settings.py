"""One settings object for the whole app (pydantic-settings, env prefix POLICY_ASSISTANT_).

The index's own settings (storage, embeddings, file limits) are defined where the index is, in
`ingest.settings.IndexSettings`; `Settings` extends them, so the one object passed down serves every layer.
Nothing here touches the disk at import time: directories are created by the code that writes them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from limits import RateLimitItem, parse_many
from pydantic import Field, field_validator

from ingest.settings import PROJECT_ROOT, IndexSettings

__all__ = ["DEFAULT_PROMPTS", "PROJECT_ROOT", "Settings"]

# A source checkout has prompts/ at its top; an installed package carries a copy (pyproject's package-dir).
DEFAULT_PROMPTS = (PROJECT_ROOT / "prompts" if (PROJECT_ROOT / "prompts" / "system.md").is_file()
                   else Path(__file__).resolve().parent / "prompt_files")


class Settings(IndexSettings):
    """Every knob of policy-assistant. `.env.example` lists them all."""

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
    learned_refusal: bool = Field(True, description="Use the learned refusal check (assistant/refusal/answerability.py) "
                                  "when it was trained for this embedding model and corpus; off = lexical gate only.")
    concurrency_limit: int = 8

    # --- a public widget's limits (assistant/web/limits.py) ------------------------------------------
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
        parse_limits(value)
        return value

    def effective_today(self) -> date:
        return self.today or date.today()

    @property
    def resolved_feedback_path(self) -> Path:
        return self.feedback_path or self.data_dir / "feedback.jsonl"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def parse_limits(text: str) -> list[RateLimitItem]:
    """"5 per 10 seconds; 10 per minute" → the windows; a clear ValueError for anything else."""
    try:
        items = parse_many(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a rate limit; write e.g. '5 per 10 seconds; 10 per minute' ({exc})") from None
    if not items:
        raise ValueError(f"{text!r} sets no limit; write e.g. '5 per 10 seconds; 10 per minute'")
    return items
