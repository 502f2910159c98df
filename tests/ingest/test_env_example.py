"""`.env.example` lists every Settings variable, and nothing that isn't one.

After adding a setting, regenerate the file: `.venv/bin/python tests/ingest/test_env_example.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings

HEADER = [
    "# policy-assistant settings. Copy to `.env` (read from the working directory) and uncomment what you change;",
    "# every variable can also be set in the environment. Values shown are the defaults.",
    "# Lists are JSON, e.g. POLICY_ASSISTANT_CORPUS_PATHS='[\"ingest/corpus\", \"/srv/policies\"]'.",
    "",
]
# Descriptions for fields declared without one.
FALLBACK = {
    "embedding_batch_size": "Texts per embedding batch during ingest.",
    "llm_base_url": "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1; unset = extractive answers.",
    "llm_model": "Model name to request from the LLM endpoint; unset = extractive answers.",
    "llm_api_key": "API key for the LLM endpoint (many local servers need none).",
    "llm_timeout_s": "Seconds to wait for the LLM before falling back to an extractive answer.",
    "llm_temperature": "LLM sampling temperature.",
    "prompts_dir": "Folder with the prompt templates.",
    "max_question_chars": "Longest question accepted, in characters.",
    "max_history_turns": "Conversation turns kept as context for follow-up questions.",
    "host": "Interface the web server listens on (0.0.0.0 = the whole LAN).",
    "port": "Web server port.",
    "root_path": "Public path prefix when served behind a reverse proxy, e.g. /policy.",
    "kiosk": "Kiosk mode: large type, idle reset, QR code.",
    "idle_reset_seconds": "Kiosk: seconds of inactivity before the conversation is wiped.",
    "concurrency_limit": "Requests the server answers at the same time (Gradio queue).",
}


def _show(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, Path):
        return str(v.relative_to(PROJECT_ROOT)) if v.is_relative_to(PROJECT_ROOT) else str(v)
    if isinstance(v, list):
        return json.dumps([_show(x) for x in v], ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def render_env_example() -> str:
    lines = list(HEADER)
    for name, f in Settings.model_fields.items():
        kind = str(f.annotation).replace("typing.", "").replace("pathlib.", "").replace("datetime.", "")
        kind = kind.removeprefix("<class '").removesuffix("'>")
        desc = f.description or FALLBACK.get(name, "")
        lines.append(f"# {desc} [{kind}]" if desc else f"# [{kind}]")
        lines.append(f"# POLICY_ASSISTANT_{name.upper()}={_show(f.get_default(call_default_factory=True))}")
        lines.append("")
    return "\n".join(lines)


def test_env_example_lists_every_setting() -> None:
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#? ?POLICY_ASSISTANT_([A-Z0-9_]+)=", text, flags=re.M))
    expected = {name.upper() for name in Settings.model_fields}
    assert listed == expected, (f"missing: {sorted(expected - listed)}; unknown: {sorted(listed - expected)}; "
                                "regenerate with `.venv/bin/python tests/ingest/test_env_example.py`")


if __name__ == "__main__":
    (PROJECT_ROOT / ".env.example").write_text(render_env_example(), encoding="utf-8")
