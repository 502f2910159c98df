"""`PolicyAssistant`: the one object the CLI and the UI talk to.

Models, index and retriever load once, on first use, under a lock (Gradio calls from several worker
threads). Visitor input is checked here: empty or over-long questions get a clear, safe reply instead of a
search; history is trimmed to the configured number of turns. Question text is logged only when
settings.log_questions is on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from assistant.answer.chain import AnswerChain
from assistant.answer.prompts import PromptLibrary
from assistant.process_memory import release_freed_memory
from assistant.query.textproc import default_processor
from assistant.refusal.answerability import AnswerabilityModel
from assistant.rwlock import ReadWriteLock
from assistant.settings import Settings
from assistant.types import Answer, SearchHit, Turn
from ingest.staff_marks import marks_version

log = logging.getLogger(__name__)


class InputError(ValueError):
    """Visitor or caller input that can't be used; the message says what to do."""


@dataclass
class _Parts:
    embeddings: Any
    store: Any
    retriever: Any
    chain: AnswerChain


def _encodable(text: str) -> str:
    """Lone surrogates (JSON "\\ud800", a mis-decoded argv) can't be UTF-8 encoded for the embedding model or
    an LLM: replace them instead of crashing."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _notice_answer(text: str) -> Answer:
    return Answer(answer=text, citations=[], refused=True, validity=[], mode="extractive", notice=text)


class PolicyAssistant:
    """Search and answer over the indexed policies (the JSON contract: assistant/types.py and the README)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.prompts = PromptLibrary(settings.prompts_dir)
        self._parts: _Parts | None = None
        self._lock = threading.Lock()
        # Requests share the index; swapping in a re-ingested index needs it to themselves.
        self._rw = ReadWriteLock()
        self._next_refresh_check = 0.0
        self._marks_version = marks_version(settings.data_dir)

    # --- loading -------------------------------------------------------------------------------------
    def _load(self) -> _Parts:
        if self._parts is not None:
            return self._parts
        with self._lock:
            if self._parts is None:
                t0 = time.perf_counter()
                from assistant.answer.llm import build_chat_model
                from assistant.query.retrieval import HybridRetriever
                from ingest.embed import build_embeddings
                from ingest.store import IndexNotFound, UnitStore

                self.prompts.check()
                default_processor().preload()  # jieba's tables load meanwhile (the retriever's processor)
                embeddings = build_embeddings(self.settings)
                store = UnitStore.open(self.settings, embeddings, create=False)
                retriever = HybridRetriever(self.settings, store, embeddings)
                if not retriever.index.units:
                    raise IndexNotFound(f"the index in {self.settings.data_dir} is empty; "
                                        "run `policy-assistant ingest` first")
                chat = build_chat_model(self.settings) if self.settings.llm_enabled else None
                # No dense probe for the refusal gate: calibration gave it no weight (see assistant/refusal/gate.py).
                model, unfamiliar = self._answerability(retriever)
                chain = AnswerChain(self.settings, retriever, self.prompts, chat, answerability=model,
                                    unfamiliar_documents=unfamiliar)
                self._parts = _Parts(embeddings, store, retriever, chain)
                log.info("assistant ready in %.1f s (%d units, mode=%s)", time.perf_counter() - t0,
                         len(retriever.index.units), "llm" if chat else "extractive")
        return self._parts

    def _answerability(self, retriever: Any) -> tuple[AnswerabilityModel | None, frozenset[str]]:
        """The learned refusal check and the indexed documents it wasn't trained for, when it was trained for
        this embedding model and the index still holds all its documents; else (None, ∅) and the lexical gate
        decides (assistant/refusal/answerability.py says why)."""
        if not self.settings.learned_refusal:
            return None, frozenset()
        model = AnswerabilityModel.load()
        if model is None:
            return None, frozenset()
        model_id = getattr(retriever.embeddings, "model_id", "")
        titles = [d.title for d in retriever.index.docs.values()]
        added = model.added_documents(model_id, titles)
        if added is None:
            log.warning("%s", model.describe_fit(model_id, titles))
            return None, frozenset()
        if added:
            log.info("%s", model.describe_fit(model_id, titles))
        return model, added

    def _current(self) -> _Parts:
        """The loaded parts, after picking up an ingest made since (checked every index_refresh_seconds).

        An embedded Chroma client keeps the index it loaded, so staff feeding new policy files with
        `policy-assistant ingest` while the server runs would otherwise not be seen until a restart.
        """
        parts = self._load()
        now = time.monotonic()
        if now < self._next_refresh_check:
            return parts
        self._next_refresh_check = now + self.settings.index_refresh_seconds
        marks = marks_version(self.settings.data_dir)
        if marks != self._marks_version:  # staff marked a replacement or checked a rule (the console)
            self._marks_version = marks
            parts.retriever.apply_staff_marks()  # one assignment: searches keep the snapshot they started with
        try:
            stale = parts.store.is_stale()
        except Exception:  # the store's own errors surface on the real query, with their clear message
            return parts
        if stale:
            with self._rw.write() as exclusive:
                if exclusive and parts is self._parts and parts.store.refresh():
                    from assistant.query.retrieval import HybridRetriever

                    retriever = HybridRetriever(self.settings, parts.store, parts.embeddings)
                    model, unfamiliar = self._answerability(retriever)
                    chain = AnswerChain(self.settings, retriever, self.prompts, parts.chain.chat_model,
                                        answerability=model, unfamiliar_documents=unfamiliar)
                    self._parts = _Parts(parts.embeddings, parts.store, retriever, chain)
                    log.info("index changed on disk: reloaded %d units", len(retriever.index.units))
        return self._parts  # type: ignore[return-value]

    def pick_up_changes(self) -> None:
        """Check for a changed index or staff marks on the next request, not after index_refresh_seconds
        (the staff console calls this after each change it makes)."""
        self._next_refresh_check = 0.0

    def warm_up(self) -> None:
        """Load everything and run one query, so the first visitor doesn't wait for jieba or the model."""
        self._load()
        self.ask("上海市居住证积分")
        release_freed_memory()  # loading's temporary buffers (assistant/process_memory.py)

    @property
    def mode(self) -> str:
        return "llm" if self.settings.llm_enabled else "extractive"

    # --- input ---------------------------------------------------------------------------------------
    def _history(self, history: Iterable[Turn | Mapping[str, Any]] | None) -> list[Turn]:
        """Valid turns only, the last max_history_turns of them, each cut to max_question_chars."""
        turns: list[Turn] = []
        for t in history or []:
            role, content = (t.role, t.content) if isinstance(t, Turn) else (t.get("role"), t.get("content"))
            if role in ("user", "assistant") and isinstance(content, str) and content.strip():
                turns.append(Turn(role, _encodable(content).strip()[: self.settings.max_question_chars]))
        return turns[-self.settings.max_history_turns:] if self.settings.max_history_turns > 0 else []

    def _check_question(self, question: Any) -> str | Answer:
        if not isinstance(question, str) or not question.strip():
            return _notice_answer("请输入您想咨询的问题。 / Please type a question about the policies.")
        q = _encodable(question).strip()
        limit = self.settings.max_question_chars
        if len(q) > limit:
            return _notice_answer(f"问题太长（{len(q)}字），请精简到{limit}字以内。 / Your question is too long "
                                  f"({len(q)} characters); please shorten it to at most {limit}.")
        return q

    def _log(self, kind: str, q: str, history: list[Turn]) -> None:
        if self.settings.log_questions:
            log.info("%s (%d turns of history): %s", kind, len(history), q)
        else:
            log.info("%s: %d chars, %d turns of history", kind, len(q), len(history))

    # --- API -----------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, history: Iterable[Turn | Mapping] | None = None) -> list[SearchHit]:
        """Best-first units; with history the query is condensed first. Raises InputError if too long."""
        if not isinstance(query, str) or not query.strip():
            return []
        query = _encodable(query)
        if len(query.strip()) > self.settings.max_question_chars:
            raise InputError(f"query too long ({len(query.strip())} characters, at most "
                             f"{self.settings.max_question_chars}); shorten it")
        if k < 1:
            raise InputError(f"k must be at least 1 (got {k})")
        parts = self._current()
        turns = self._history(history)
        self._log("search", query, turns)
        with self._rw.read():
            standalone = parts.chain.standalone(query.strip(), turns)
            return parts.retriever.search(standalone, k=k)

    def ask(self, question: str, history: Iterable[Turn | Mapping] | None = None) -> Answer:
        """A verified answer (or a refusal); never raises for bad visitor input."""
        checked = self._check_question(question)
        if isinstance(checked, Answer):
            return checked
        turns = self._history(history)
        self._log("ask", checked, turns)
        t0 = time.perf_counter()
        parts = self._current()
        with self._rw.read():
            answer = parts.chain.invoke(checked, turns)
        answer.timings_ms["total"] = round((time.perf_counter() - t0) * 1000, 2)
        return answer

    def stream(self, question: str, history: Iterable[Turn | Mapping] | None = None) -> Iterator[str | Answer]:
        """Text chunks, then the final Answer (authoritative: the UI should render it in the end)."""
        checked = self._check_question(question)
        if isinstance(checked, Answer):
            yield checked.answer
            yield checked
            return
        turns = self._history(history)
        self._log("stream", checked, turns)
        parts = self._current()
        with self._rw.read():
            yield from parts.chain.stream(checked, turns)

    def current_retriever(self) -> Any:
        """The retriever over the current index (for the staff console's views); raises the store's errors."""
        return self._current().retriever

    def documents(self) -> list:
        """The indexed documents (ingest.store.DocumentInfo), in source order."""
        parts = self._current()
        with self._rw.read():
            return parts.store.documents()
