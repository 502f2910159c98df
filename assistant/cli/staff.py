"""The commands a hall's staff use besides `ingest`: `remove`, `replace` and `admin set-password`.

Registered on the one typer app in assistant.cli.main (imported at the end of that module). The staff console
(assistant.web.admin) runs `remove --json` itself, so both report alike.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.text import Text

from assistant.cli.base import DataDirOption, app, console, fail, get_settings, user_errors

admin_app = typer.Typer(help="The staff console (/admin): its password.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")


@app.command()
def remove(ctx: typer.Context,
           sources: Annotated[list[str], typer.Argument(help="Source file names, as `docs --json` lists them.")],
           as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON to stdout.")] = False,
           data_dir: DataDirOption = None) -> None:
    """Remove every unit of the named source files from the index (other sources are untouched)."""
    from ingest.pipeline import remove_sources

    settings = get_settings(ctx, data_dir)
    with user_errors():
        report = remove_sources(settings, sources)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for name, n in report.removed.items():
            console.print(Text(f"removed {name}: {n} units"))
        for name in report.unknown:
            console.print(Text(f"not indexed: {name} (see `policy-assistant docs` for the source names)"),
                          style="yellow")
    if report.unknown and not report.removed:
        raise typer.Exit(1)


def _find_document(documents: list, key: str):
    """A document by doc_id or exact title; a title shared by several versions must be given as a doc_id."""
    matches = [d for d in documents if key in (d.doc_id, d.title)]
    if not matches:
        fail(f"no indexed document has the id or title “{key}”; see `policy-assistant docs --json`")
    if len(matches) > 1:
        fail(f"several indexed documents are titled “{key}”; give the doc_id instead (`docs --json`)")
    return matches[0]


@app.command()
def replace(ctx: typer.Context,
            old: Annotated[str, typer.Argument(help="The replaced document: doc_id or exact title.")],
            by: Annotated[str | None, typer.Option("--by", help="The document that replaces it.")] = None,
            undo: Annotated[bool, typer.Option("--undo", help="Forget a replacement marked before.")] = False,
            data_dir: DataDirOption = None) -> None:
    """Mark an indexed document as replaced by another (e.g. a new policy with a new title). The replaced one stays
    searchable for questions about history; answers cite its successor."""
    from ingest.embed import build_embeddings
    from ingest.staff_marks import Replacement, load_marks, save_marks
    from ingest.store import UnitStore

    settings = get_settings(ctx, data_dir)
    if not undo and not by:
        fail("say which document replaces it: --by DOC (or --undo to forget a replacement)")
    with user_errors():
        documents = UnitStore.open(settings, build_embeddings(settings), create=False).documents()
    old_doc = _find_document(documents, old)
    marks = load_marks(settings.data_dir)
    if undo:
        marks.replacements.pop(old_doc.doc_id, None)
        save_marks(settings.data_dir, marks)
        console.print(Text(f"《{old_doc.title}》 is no longer marked as replaced"))
        return
    new_doc = _find_document(documents, by or "")
    if new_doc.doc_id == old_doc.doc_id:
        fail("a document can't replace itself")
    from ingest.manifest import now_iso

    marks.replacements[old_doc.doc_id] = Replacement(new_doc.doc_id, old_doc.title, new_doc.title, now_iso())
    save_marks(settings.data_dir, marks)
    console.print(Text(f"《{old_doc.title}》 is replaced by 《{new_doc.title}》"))


@admin_app.command("set-password")
def set_password(ctx: typer.Context,
                 password_stdin: Annotated[bool, typer.Option(
                     "--password-stdin", help="Read the password from standard input instead of a prompt.")] = False,
                 data_dir: DataDirOption = None) -> None:
    """Set the staff console's password (this turns the console on, and logs out every staff session)."""
    from assistant.web.admin.auth import PasswordProblem, PasswordStore

    settings = get_settings(ctx, data_dir)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New staff password", hide_input=True, confirmation_prompt=True)
    try:
        PasswordStore(settings.data_dir).set(password)
    except PasswordProblem as e:
        fail(str(e))
    console.print(f"Staff password set in {settings.data_dir}. The console is at /admin of `policy-assistant serve`.")
