"""What every `policy-assistant` command shares: the typer app, the consoles, `--data-dir`, settings, one-line
errors, and the ingest-with-progress that `ingest`, `serve` and the benchmarks run.

The command modules (assistant.cli.main, cli_answer, cli_measure, cli_rules, cli_staff) import from here and register
their commands on `app`; assistant.cli.main imports them all, so nothing here imports a command module.
"""

from __future__ import annotations

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

COMMAND_PLUGINS = "policy_assistant.commands"  # entry point group: modules that register more commands on `app`


def load_command_plugins() -> None:
    """Import every module of the COMMAND_PLUGINS entry point group (importing one registers its commands).
    A plugin that fails to import is logged and left out, so one broken plugin doesn't take the CLI down."""
    from importlib.metadata import entry_points

    for plugin in entry_points(group=COMMAND_PLUGINS):
        try:
            plugin.load()
        except Exception:  # noqa: BLE001 — any failure of third-party code: report it, keep the CLI
            logging.getLogger(__name__).warning("command plugin %s (%s) failed to load", plugin.name,
                                                plugin.value, exc_info=True)


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


def index_missing(settings: Settings) -> bool:
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


def ingest_with_progress(settings: Settings, paths: list[Path] | None, prune: bool, quiet: bool = False):
    """Run the ingest pipeline with a progress bar and print its summary tables; returns the IngestReport."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline import run_ingest

    labels = {"load": "Loading files", "parse": "Parsing documents", "embed": "Embedding units",
              "store": "Removing replaced units"}
    with user_errors(), Progress(TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err_console, transient=False) as bar:
        tasks = {stage: bar.add_task(label, total=None) for stage, label in labels.items()}

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "sentences" and stage not in tasks:  # only an index built before sentences were stored
                tasks[stage] = bar.add_task("Embedding sentences", total=None)
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
    print_refusal_fit(settings, report.model_id)
    return report


def print_refusal_fit(settings: Settings, model_id: str) -> None:
    """After an ingest, say how the learned refusal check relates to the index now (assistant/refusal/answerability.py):
    staff adding policy files should know which questions it no longer judges, and how to change that."""
    from assistant.refusal.answerability import AnswerabilityModel
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
