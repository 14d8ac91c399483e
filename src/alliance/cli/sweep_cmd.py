"""``alliance sweep``: uncertainty sweeps (the default: ``alliance sweep hague-2025 --runs 20000 --model all``),
``report`` (analyse a store) and ``export`` (a store's runs to Parquet or CSV).

Each command is a thin call of :mod:`alliance.sweep` (``sweep``, ``report``, ``SweepStore.export``). A sweep shows a
Rich progress bar (runs done, runs/s, time left); Ctrl-C stops it with the store holding whole chunks only, ready
for ``--resume``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot, emit
from alliance.cli.groups import group_app

app = group_app("run", "Uncertainty sweeps: forecasts as probabilities, streamed into a DuckDB store.")


def _emit_result(res: Any, fmt: Format) -> None:
    if fmt is Format.json:
        emit(res.to_dict(), fmt)
    elif fmt is Format.csv:
        emit(res.to_frame(), fmt)
    else:
        from alliance.cli._common import console

        console().print(res)
        for note in res.meta.get("notes", []):
            print(f"alliance: note: {note}", file=sys.stderr)


def _progress_bar() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(help="A bundled scenario (alliance negotiate scenarios) or a file; optional with --resume."),
    ] = None,
    runs: Annotated[int | None, typer.Option("--runs", "-n", help="Number of runs (sobol: rounded down).")] = None,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Models with a batch kernel, comma-separated, or all.")
    ] = "all",
    sampler: Annotated[str, typer.Option("--sampler", help="mc (default), lhs or sobol.")] = "mc",
    store: Annotated[Path | None, typer.Option("--store", help="DuckDB file to stream runs into.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Finish the sweep in --store.")] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="A running Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Start N local workers (Dask unless --executor processes).")
    ] = None,
    executor: Annotated[str | None, typer.Option("--executor", help="inprocess, processes or dask.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Root seed (default: fresh, recorded).")] = None,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Runs per chunk (results do not depend on it).")
    ] = None,
    sobol_groups: Annotated[
        str, typer.Option("--sobol-groups", help="sobol: an index per input (input) or per actor (actor).")
    ] = "input",
    rounds: Annotated[int | None, typer.Option("--rounds", "-r", help="Rounds of eum and exchange.")] = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Sweep a scenario's uncertainty: per model and issue P(each formulation), P(deadlock), the synthesis."""
    from alliance.errors import BadInput
    from alliance.sweep import sweep

    check_plot(plot)
    if rounds is not None and rounds < 1:
        raise BadInput(f"--rounds {rounds}: must be at least 1")
    options: dict[str, Any] = {} if rounds is None else {"rounds": rounds}
    start = time.perf_counter()
    bar = _progress_bar()
    task = bar.add_task("sweep", total=None, rate="")

    def tick(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()  # only once the sweep is planned: bad input never leaves a bar behind
        elapsed = time.perf_counter() - start
        rate = f"{done / elapsed:,.0f} runs/s" if elapsed > 0 and done else ""
        bar.update(task, completed=done, total=total, rate=rate)

    try:
        res = sweep(
            scenario,
            runs,
            models=model,
            sampler=sampler,
            seed=seed,
            store=store,
            resume=resume,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            chunk_size=chunk_size,
            sobol_groups=sobol_groups,
            progress=tick,
            **options,
        )
    except KeyboardInterrupt:
        bar.stop()
        where = f"; the store {str(store)!r} holds whole chunks: add --resume to finish it" if store else ""
        print(f"alliance: interrupted{where}", file=sys.stderr)
        raise typer.Exit(130) from None
    finally:
        if bar.live.is_started:
            bar.stop()
    if plot is not None:
        res.plot(plot)
        print(f"alliance: wrote {plot}", file=sys.stderr)
    _emit_result(res, fmt)


def report(
    store: Annotated[Path, typer.Argument(help="A sweep store (DuckDB file).")],
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Analyse a sweep store: per model and issue the outcome distribution, P(formulation), P(deadlock),
    sensitivity and actor ranking; across models the synthesis."""
    from alliance.sweep import report as sweep_report

    check_plot(plot)
    res = sweep_report(store)
    if plot is not None:
        res.plot(plot)
        print(f"alliance: wrote {plot}", file=sys.stderr)
    _emit_result(res, fmt)


def export(
    store: Annotated[Path, typer.Argument(help="A sweep store (DuckDB file).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write: .parquet or .csv.")],
    to: Annotated[str | None, typer.Option("--to", help="parquet or csv (default: the output's suffix).")] = None,
) -> None:
    """Export a store's runs (one row per run, ordered by run) to Parquet or CSV."""
    from alliance.sweep import SweepStore

    with SweepStore.open(store) as st:
        st.export(output, to)
    print(f"alliance: wrote {output}", file=sys.stderr)


app.command("run", hidden=True)(run)
app.command("report")(report)
app.command("export")(export)
