"""The `policy-assistant` console script: one typer app; each owner adds their own commands.

JSON goes to stdout (`json.dumps(..., ensure_ascii=False)`), logs and errors to stderr, and a user-facing
problem is one clear message with a non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from assistant.settings import Settings

app = typer.Typer(name="policy-assistant", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False,
                  help="Answers questions about Shanghai's published policies, quoting the exact clauses.")
console = Console()
err_console = Console(stderr=True)

DATA_DIR_HELP = "Data directory (index, manifest, caches); overrides POLICY_ASSISTANT_DATA_DIR."
# Reusable option type for every command: `policy-assistant CMD --data-dir DIR` (or before CMD).
DataDirOption = Annotated[Path | None, typer.Option("--data-dir", help=DATA_DIR_HELP)]


@app.callback()
def _root(ctx: typer.Context, data_dir: DataDirOption = None,
          verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")] = False) -> None:
    ctx.obj = {"data_dir": data_dir}
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def get_settings(ctx: typer.Context | None = None, data_dir: Path | None = None) -> Settings:
    """Settings from env/.env, with `--data-dir` applied (the command's own option wins over the global one)."""
    chosen = data_dir or ((ctx.obj or {}).get("data_dir") if ctx is not None else None)
    settings = Settings()
    return settings.model_copy(update={"data_dir": chosen}) if chosen else settings


def fail(message: str, code: int = 1) -> None:
    """Print one clear error line to stderr and exit."""
    err_console.print(Text("Error: ", style="bold red") + Text(message), soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the known user-facing failures (store unreachable, model mismatch, no index) into messages."""
    from ingest.store import StoreError

    try:
        yield
    except StoreError as e:
        fail(str(e))


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
    report = _ingest_with_progress(get_settings(ctx, data_dir), paths, prune, quiet=as_json)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    if report.skipped and report.documents == 0:
        raise typer.Exit(1)


def _index_missing(settings: Settings) -> bool:
    """True when there is nothing to answer from yet (no local index, or an empty collection on the server)."""
    from ingest.embed import build_embeddings
    from ingest.store import IndexNotFound, UnitStore

    try:
        store = UnitStore.open(settings, build_embeddings(settings), create=False)
    except IndexNotFound:
        return True
    try:
        return store.count() == 0
    finally:
        # An embedded client left open would pin Chroma's in-memory vector index of this path, and a server
        # started here would then never see the vectors of a later ingest.
        store.close()


def _ingest_with_progress(settings: Settings, paths: list[Path] | None, prune: bool, quiet: bool = False):
    """Run the ingest pipeline with a progress bar and print its summary tables; returns the IngestReport."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline import run_ingest

    labels = {"load": "Loading files", "parse": "Parsing documents", "embed": "Embedding units",
              "store": "Removing replaced units"}
    with user_errors(), Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err_console, transient=False) as bar:
        tasks = {stage: bar.add_task(label, total=None) for stage, label in labels.items()}

        def progress(stage: str, done: int, total: int) -> None:
            if stage in tasks:
                bar.update(tasks[stage], completed=done, total=max(total, 1) if total else 1)

        report = run_ingest(settings, paths or None, prune=prune, progress=progress)
        for task in tasks.values():  # stages with nothing to do show as complete
            t = bar.tasks[task]
            bar.update(task, total=t.total or 1, completed=t.total or 1)
    if quiet:
        return report

    summary = Table(title=f"Ingest summary ({settings.data_dir})", show_header=False)
    summary.add_column("", style="bold")
    summary.add_column("", justify="right")
    for label, value in [("Documents", report.documents), ("Units", report.units_total),
                         ("Units written", report.units_written), ("Units deleted", report.units_deleted),
                         ("Texts embedded", report.texts_embedded), ("Units in index", report.index_units),
                         ("Skipped files", len(report.skipped)), ("Seconds", f"{report.seconds:.1f}")]:
        summary.add_row(label, str(value))
    console.print(summary)
    if report.sources:
        per = Table(title="Sources")
        for col in ("source", "status", "documents", "units", "written", "deleted"):
            per.add_column(col, justify="left" if col in ("source", "status") else "right",
                           overflow="fold" if col == "source" else "ellipsis")
        for s in report.sources:
            per.add_row(Text(s.name), s.status, str(s.documents), str(s.units), str(s.written), str(s.deleted))
        console.print(per)
    if report.skipped:
        sk = Table(title="Skipped files (nothing already indexed was removed)", title_style="bold yellow")
        sk.add_column("file")
        sk.add_column("why / what to do")
        for s in report.skipped:
            sk.add_row(Text(s.name), Text(s.reason))
        console.print(sk)
    _print_refusal_fit(settings, report.model_id)
    return report


def _print_refusal_fit(settings: Settings, model_id: str) -> None:
    """After an ingest, say how the learned refusal check relates to the index now (assistant/answerability.py):
    staff adding policy files should know which questions it no longer judges, and how to change that."""
    from assistant.answerability import AnswerabilityModel
    from ingest.embed import build_embeddings
    from ingest.store import UnitStore

    model = AnswerabilityModel.load() if settings.learned_refusal else None
    if model is None:
        return
    try:
        titles = [d.title for d in UnitStore.open(settings, build_embeddings(settings), create=False).documents()]
    except Exception:  # noqa: BLE001 — the ingest itself succeeded; this note is only advice
        return
    note = model.describe_fit(model_id, titles) if titles else None
    if note:
        console.print(Text("Refusal: " + note), style="yellow")


# --- docs -----------------------------------------------------------------------------------------------
@app.command()
def docs(ctx: typer.Context,
         as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
         data_dir: DataDirOption = None) -> None:
    """List the indexed policy documents with issuer, number, dates and unit counts."""
    from assistant.validity import document_statuses
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
    from assistant.ui import launch

    with user_errors():
        if not no_ingest and _index_missing(settings):
            # First start on a fresh machine: index the configured corpus (by default the bundled compilation).
            err_console.print(f"No index in {settings.data_dir} yet: ingesting {len(settings.corpus_paths)} path(s) first.")
            _ingest_with_progress(settings, None, prune=False)
        launch(settings)


# --- search / ask / bench-ask / calibrate-refusal (answer owner) ---------------------------------------------
BatchOption = Annotated[Path | None, typer.Option(
    "--batch", help="JSONL file, one {\"question\", \"history\"} per line: prints one JSON result per line, in "
                    "order, loading the models once.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON to stdout (the stable contract).")]


def _answer_input(text: str | None, batch: Path | None, history: Path | None = None, key: str = "question"):
    """(items, single?) from the argument or --batch; bad input exits 2 before any model loads."""
    from assistant.cli_answer import BadInput, BatchItem, read_batch, read_history

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
    from assistant.cli_answer import dumps, render_hits
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
    from assistant.cli_answer import dumps, render_answer
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


# The measurement commands (eval, bench, …), `rules` and the staff commands (remove, replace, admin) live in their
# own modules; importing them registers them on `app`.
from assistant import cli_measure, cli_rules, cli_staff  # noqa: E402,F401


def main() -> None:
    """Console entry point `policy-assistant`."""
    app()


if __name__ == "__main__":
    main()
