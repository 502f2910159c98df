"""`policy-assistant rules`: the eligibility rules read out of the indexed clauses, as staff check them.

Registered on the one typer app in assistant.cli.main (imported at the end of that module).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli.base import DataDirOption, app, console, get_settings, user_errors


@app.command()
def rules(ctx: typer.Context,
          doc: Annotated[str | None, typer.Option("--doc", help="Only documents whose title contains this.")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list to stdout.")] = False,
          data_dir: DataDirOption = None) -> None:
    """List the eligibility rules read out of the indexed policies: outcome, conditions, exact clause spans."""
    from ingest.eligibility.rulebook import RULES_FILE, RuleBook
    from ingest.embed import build_embeddings
    from ingest.store import IndexNotFound, UnitStore

    settings = get_settings(ctx, data_dir)
    with user_errors():
        store = UnitStore.open(settings, build_embeddings(settings), create=False)
        units = store.all_units()
        if not units:
            raise IndexNotFound(f"the index in {settings.data_dir} is empty; run `policy-assistant ingest` first")
    book = RuleBook.load_or_build(settings.data_dir / RULES_FILE, units)
    chosen = [r for r in book.rules if doc is None or doc in r.doc_title]
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in chosen], ensure_ascii=False, indent=2))
        return
    if doc is not None and not chosen:
        console.print(f"No rules in documents whose title contains “{doc}”. "
                      "`policy-assistant docs` lists the indexed titles.")
        raise typer.Exit(1)
    table = Table(title=f"{len(chosen)} eligibility rules in {len({r.doc_title for r in chosen})} documents",
                  show_lines=True)
    table.add_column("policy · article", ratio=2, overflow="fold")
    table.add_column("outcome", ratio=2, overflow="fold")
    table.add_column("conditions (all of; | = any one of)", ratio=5, overflow="fold")
    for r in chosen:
        rows = []
        for req in r.requirements:
            options = [" & ".join(_condition(c) for c in option) for option in req.options]
            rows.append(" | ".join(options))
        if r.inherited_from:
            rows.append(f"and the general requirements of {r.inherited_from} that the visitor's facts decide")
        outcome = r.outcome.text + ("\n(what every applicant must meet)" if r.general else "")
        table.add_row(Text(f"《{r.doc_title}》 {r.locator}"), Text(outcome),
                      Text("\n".join(f"• {row}" for row in rows) or "—"))
    console.print(table)


def _condition(c) -> str:
    threshold = f" [{c.kind} {c.op} {c.value:g}]" if c.value is not None and c.kind not in ("role", "credential") \
        else (f" [{c.kind}]" if c.kind != "other" else " [to check]")
    return f"「{c.text}」{threshold}{' (usually)' if c.soft else ''}"
