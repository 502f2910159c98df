"""The console's health page: the index, the embedding model, the last ingest, the store, the LLM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings
from ingest.manifest import read_manifest
from ingest.staff_marks import marks_path


@dataclass(frozen=True)
class HealthRow:
    name: str
    value: str
    ok: bool = True


def health_rows(settings: Settings, assistant: Any, sessions: int) -> list[HealthRow]:
    rows: list[HealthRow] = []
    manifest = read_manifest(settings.manifest_path)
    remote = bool(settings.chroma_host)
    where = f"server {settings.chroma_host}:{settings.chroma_port}" if remote else f"embedded in {settings.chroma_dir}"
    try:
        retriever = assistant.current_retriever()
        units, docs = len(retriever.index.units), len(retriever.index.docs)
        rows.append(HealthRow("Index", f"{docs} documents, {units} units"))
        stored = retriever.store.count()  # a round trip to the store: is it reachable now?
        rows.append(HealthRow("Chroma", f"{where}: reachable, {stored} records"))
        model = getattr(retriever.embeddings, "model_id", "?")
        rows.append(HealthRow("Embedding model", f"{model} (runtime: {settings.embedding_backend})"))
    except Exception as e:  # noqa: BLE001 — the page shows any part's failure instead of failing itself
        rows.append(HealthRow("Index", f"not available: {e}", ok=False))
        rows.append(HealthRow("Chroma", f"{where}", ok=False))
    rows.append(HealthRow("Last ingest", manifest.updated_at if manifest and manifest.updated_at else "never",
                          ok=bool(manifest)))
    if settings.llm_enabled:
        rows.append(HealthRow("LLM", f"configured: {settings.llm_model} at {settings.llm_base_url}"))
    else:
        rows.append(HealthRow("LLM", "not configured: answers quote the clauses (extractive mode)"))
    rows.append(HealthRow("Staff marks", str(marks_path(settings.data_dir)) if marks_path(settings.data_dir).exists()
                          else "none yet"))
    rows.append(HealthRow("Staff sessions", str(sessions)))
    rows.append(HealthRow("Mode", "kiosk" if settings.kiosk else "web"))
    return rows
