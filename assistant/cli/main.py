"""The `policy-assistant` console script: ingest, docs, serve, search and ask here; the other commands register
themselves from their own modules and plugins (loaded at the end).

JSON goes to stdout (`json.dumps(..., ensure_ascii=False)`), logs and errors to stderr, and a user-facing
problem is one clear message with a non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli.base import (
    DataDirOption,
    app,
    console,
    err_console,
    fail,
    get_settings,
    index_missing,
    ingest_with_progress,
    user_errors,
)


# --- ingest ---------------------------------------------------------------------------------------------
@app.command()
def ingest(ctx: typer.Context,
           paths: Annotated[list[Path] | None, typer.Argument(
               help="Files or folders (.txt .md .pdf .docx .html); default: the bundled policy compilation.")] = None,
           prune: Annotated[bool, typer.Option(
               "--prune", help="Delete the units of indexed sources not given this time.")] = False,
           as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON to stdout.")] = False,
           data_dir: DataDirOption = None) -> None:
    """Index policy files: only new or changed units are embedded and written."""
    report = ingest_with_progress(get_settings(ctx, data_dir), paths, prune, quiet=as_json)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    if report.skipped and report.documents == 0:
        raise typer.Exit(1)


# --- docs -----------------------------------------------------------------------------------------------
@app.command()
def docs(ctx: typer.Context,
         as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
         data_dir: DataDirOption = None) -> None:
    """List the indexed policy documents with issuer, number, dates and unit counts."""
    from assistant.answer.validity import document_statuses
    from ingest.embed import build_embeddings
    from ingest.staff_marks import load_marks
    from ingest.store import IndexNotFound, UnitStore

    settings = get_settings(ctx, data_dir)
    with user_errors():
        store = UnitStore.open(settings, build_embeddings(settings), create=False)
        documents = store.documents()
        if not documents:
            raise IndexNotFound(f"the index in {settings.data_dir} is empty; run `policy-assistant ingest` first")
    statuses = document_statuses(documents, settings.effective_today(), load_marks(settings.data_dir).replaced)
    if as_json:
        listing = [{**d.to_json(), "status": v.status,
                    "replaced_by": v.replaced_by.isoformat() if v.replaced_by else None,
                    "replaced_by_title": v.replaced_by_title}
                   for d, v in zip(documents, statuses, strict=True)]
        typer.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(documents)} indexed policy documents")
    table.add_column("#", justify="right")
    table.add_column("title", ratio=3, overflow="fold")
    table.add_column("issuer", ratio=2, overflow="fold")
    for col in ("number", "effective", "expires", "version"):
        table.add_column(col, no_wrap=True)
    table.add_column("status", ratio=2, overflow="fold")
    table.add_column("units", justify="right")
    for i, (d, v) in enumerate(zip(documents, statuses, strict=True), 1):
        table.add_row(str(i), Text(d.title), Text(d.issuer or "—"), Text(d.doc_number or "—"),
                      d.effective.isoformat() if d.effective else "—",
                      d.expires.isoformat() if d.expires else "—", d.version.isoformat() if d.version else "—",
                      Text(_short_status(v)), str(d.units))
    console.print(table)


def _short_status(v) -> str:
    if v.status == "superseded" and v.replaced_by_title:
        return f"replaced by 《{v.replaced_by_title}》"
    if v.status == "superseded" and v.replaced_by:
        return f"replaced {v.replaced_by.isoformat()}"
    return v.status.replace("_", " ")


# --- serve (ui owner) -------------------------------------------------------------------------------------
@app.command()
def serve(ctx: typer.Context,
          host: Annotated[str | None, typer.Option(help="Interface to listen on (default: settings.host).")] = None,
          port: Annotated[int | None, typer.Option(help="Port (default: settings.port).")] = None,
          root_path: Annotated[str | None, typer.Option(
              "--root-path", help="Public path prefix when behind a reverse proxy, e.g. /policy.")] = None,
          kiosk: Annotated[bool | None, typer.Option(
              "--kiosk/--no-kiosk", help="Kiosk mode: large type, idle reset, QR code, no footer.")] = None,
          idle_reset: Annotated[int | None, typer.Option(
              "--idle-reset", help="Kiosk: seconds of inactivity before the conversation is wiped.")] = None,
          no_ingest: Annotated[bool, typer.Option(
              "--no-ingest", help="Don't ingest the default corpus when the index is missing.")] = False,
          data_dir: DataDirOption = None) -> None:
    """Serve the chat page, the kiosk widget and the API (Gradio) on the local network. Never shares publicly."""
    import os

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported
    settings = get_settings(ctx, data_dir)
    overrides = {"host": host, "port": port, "root_path": root_path, "kiosk": kiosk,
                 "idle_reset_seconds": idle_reset}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    if settings.idle_reset_seconds < 5:
        fail(f"--idle-reset must be at least 5 seconds (got {settings.idle_reset_seconds})")
    logging.getLogger("assistant").setLevel(logging.INFO)
    err_console.print(f"policy-assistant: http://{settings.host}:{settings.port}{settings.root_path}/ "
                      f"({'kiosk' if settings.kiosk else 'chat'} mode; embed script: /gradio.js)")
    from assistant.web.server import serve as launch

    with user_errors():
        if not no_ingest and index_missing(settings):
            # First start on a fresh machine: index the configured corpus (by default the bundled compilation).
            err_console.print(f"No index in {settings.data_dir} yet: ingesting {len(settings.corpus_paths)} path(s) first.")
            ingest_with_progress(settings, None, prune=False)
        launch(settings)


# --- search / ask / bench-ask / calibrate-refusal (answer owner) ---------------------------------------------
BatchOption = Annotated[Path | None, typer.Option(
    "--batch", help="JSONL file, one {\"question\", \"history\"} per line: prints one JSON result per line, in "
                    "order, loading the models once.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON to stdout (the stable contract).")]


def _answer_input(text: str | None, batch: Path | None, history: Path | None = None, key: str = "question"):
    """(items, single?) from the argument or --batch; bad input exits 2 before any model loads."""
    from assistant.cli.answer import BadInput, BatchItem, read_batch, read_history

    try:
        if batch is not None and (text is not None or history is not None):
            raise BadInput("give either a question or --batch FILE (with per-line history), not both")
        if batch is not None:
            return read_batch(batch, key), False
        if text is None:
            raise BadInput("give a question, or --batch FILE.jsonl")
        return [BatchItem(text, read_history(history) if history else [])], True
    except BadInput as e:
        fail(str(e), code=2)
        raise AssertionError("unreachable") from e


@app.command()
def search(ctx: typer.Context,
           query: Annotated[str | None, typer.Argument(help="What to look for (Chinese, English or mixed).")] = None,
           k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many units to return.")] = 10,
           as_json: JsonOption = False, batch: BatchOption = None, data_dir: DataDirOption = None) -> None:
    """Best-first policy clauses for a query (JSON: [{"id","doc_title","locator","text","score"}])."""
    from assistant.cli.answer import dumps, render_hits
    from assistant.service import InputError, PolicyAssistant

    items, single = _answer_input(query, batch)
    assistant = PolicyAssistant(get_settings(ctx, data_dir))
    with user_errors():
        for item in items:
            try:
                hits = assistant.search(item.question, k=k, history=item.history)
            except InputError as e:
                fail(str(e), code=2)
            if as_json:
                typer.echo(dumps([h.to_json() for h in hits]) if not single else
                           json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
            else:
                render_hits(console, item.question, hits)


@app.command()
def ask(ctx: typer.Context,
        question: Annotated[str | None, typer.Argument(help="The visitor's question.")] = None,
        history: Annotated[Path | None, typer.Option(
            "--history", help="JSON file: the conversation so far, a list of {\"role\", \"content\"}.")] = None,
        as_json: JsonOption = False, batch: BatchOption = None, data_dir: DataDirOption = None) -> None:
    """Answer with verbatim, verified quotes, each policy's status, or an honest refusal."""
    from assistant.cli.answer import dumps, render_answer
    from assistant.service import PolicyAssistant

    items, single = _answer_input(question, batch, history)
    assistant = PolicyAssistant(get_settings(ctx, data_dir))
    with user_errors():
        for item in items:
            answer = assistant.ask(item.question, history=item.history)
            if as_json:
                typer.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if single
                           else dumps(answer.to_json()))
            else:
                render_answer(console, item.question, answer)


# `rules` and the staff commands (remove, replace, admin) live in their own modules; importing them registers them
# on `app`. Other packages add commands through the "policy_assistant.commands" entry point group (eval's measurement
# commands do), so the product never imports its own measurement code.
from assistant.cli import rules, staff  # noqa: E402,F401
from assistant.cli.base import load_command_plugins  # noqa: E402

load_command_plugins()


def main() -> None:
    """Console entry point `policy-assistant`."""
    app()


if __name__ == "__main__":
    main()
