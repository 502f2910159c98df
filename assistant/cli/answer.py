"""The `search` and `ask` commands' work: reading --history / --batch files, and printing results.

Bad input (a missing or unreadable file, bad JSON, a line without a question) raises `BadInput`, which the
command turns into one clear message and exit code 2, before any model is loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.answer.extractive import answer_language
from assistant.answer.validity import validity_label
from assistant.types import Answer, SearchHit, Turn


class BadInput(ValueError):
    """Input the user must fix; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class BatchItem:
    question: str
    history: list[Turn]


def _turns(value: Any, where: str) -> list[Turn]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInput(f"{where}: history must be a JSON list of {{\"role\", \"content\"}} objects")
    turns: list[Turn] = []
    for i, t in enumerate(value, 1):
        if not isinstance(t, dict) or t.get("role") not in ("user", "assistant") or not isinstance(
                t.get("content"), str):
            raise BadInput(f"{where}: history item {i} must be {{\"role\": \"user\"|\"assistant\", "
                           f"\"content\": \"...\"}}")
        turns.append(Turn(t["role"], t["content"]))
    return turns


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BadInput(f"{path}: file not found") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"{path}: is a directory, expected a file") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise BadInput(f"{path}: can't be read ({exc.strerror})") from exc


def read_history(path: Path) -> list[Turn]:
    """A --history file: a JSON list of {"role", "content"}."""
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    return _turns(data, str(path))


def read_batch(path: Path, key: str = "question") -> list[BatchItem]:
    """A --batch file: one JSON object per line with "question" (search also accepts "query") and an
    optional "history". Blank lines are skipped. The whole file is checked before anything runs."""
    items: list[BatchItem] = []
    for n, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path} line {n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise BadInput(f"{where}: expected a JSON object like {{\"question\": \"...\", \"history\": []}}")
        q = obj.get(key, obj.get("query") if key == "question" else None)
        if not isinstance(q, str):
            raise BadInput(f"{where}: missing \"{key}\" (a string)")
        items.append(BatchItem(q, _turns(obj.get("history"), where)))
    return items


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def render_hits(console: Console, query: str, hits: list[SearchHit]) -> None:
    """A readable table of search results (all text as plain Text: no markup interpretation)."""
    table = Table(title=Text(f"{len(hits)} results for: {query}"), show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("policy · article", ratio=2, overflow="fold")
    table.add_column("text", ratio=5, overflow="fold")
    for i, h in enumerate(hits, 1):
        snippet = h.text if len(h.text) <= 300 else h.text[:300] + "…"
        table.add_row(str(i), f"{h.score:.4f}", Text(f"《{h.doc_title}》 {h.locator}"), Text(snippet))
    console.print(table)


def render_answer(console: Console, question: str, answer: Answer) -> None:
    """The answer, its verified/unverified quotes and each policy's status."""
    parts: list[Any] = []
    if answer.notice:
        parts.append(Text(answer.notice, style="yellow"))
    parts.append(Text(answer.answer))
    if answer.citations:
        table = Table(title="Citations", show_lines=False)
        table.add_column("#", justify="right")
        table.add_column("policy · article", overflow="fold")
        table.add_column("quote verified")
        for i, c in enumerate(answer.citations, 1):
            ok = Text("✓ verbatim", style="green") if c.verified else Text("✗ unverified", style="bold red")
            table.add_row(str(i), Text(f"《{c.doc_title}》 {c.locator}"), ok)
        parts.append(table)
    lang = answer_language(question)
    for v in answer.validity:
        parts.append(Text(f"《{v.doc_title}》: {validity_label(v, lang)}", style="dim"))
    style = "red" if answer.refused else "cyan"
    title = Text(f"{question}  [{answer.mode}{' · refused' if answer.refused else ''}]")
    console.print(Panel(Group(*parts), title=title, border_style=style))
