"""``alliance simulate``: spending projections to 2035 under scenarios, the backtest, the calibration.

``alliance simulate [--scenario NAME|FILE] ...`` runs a projection (the group's callback, when no subcommand is
given); ``alliance simulate backtest``, ``alliance simulate scenarios`` and ``alliance simulate calibrate`` are
subcommands. Each calls one function of :mod:`alliance.dynamics`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot_path, emit, frame_records
from alliance.errors import BadInput
from alliance.io import atomic_write


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV atomically (temp file in the target directory, then rename)."""
    if path.suffix.lower() != ".csv":
        raise BadInput(f"--output {str(path)!r}: the file must end in .csv")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise BadInput(f"--output {str(path)!r}: directory {str(directory)!r} does not exist")
    atomic_write(path, df.to_csv(index=False, lineterminator="\n"))


def register(app: typer.Typer) -> None:
    sub = typer.Typer(
        help="Spending simulation: projections to 2035 under scenarios (default), backtest, calibration.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @sub.callback(invoke_without_command=True)
    def simulate(
        ctx: typer.Context,
        scenario: Annotated[
            str, typer.Option("--scenario", "-s", help="Bundled scenario name or a .yaml/.json file.")
        ] = "baseline",
        until: Annotated[int | None, typer.Option("--until", help="Last projected year, 2027-2050.")] = None,
        runs: Annotated[int | None, typer.Option("--runs", help="Runs (parameter draws x shocks), 1-100000.")] = None,
        seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
        method: Annotated[
            str | None, typer.Option("--method", help="model, persistence or trend (default: the backtest's rule).")
        ] = None,
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Also write the rows to FILE (.csv).")
        ] = None,
    ) -> None:
        """Project every ally's spending (% of GDP) under a scenario, with 5-95% bands.

        CSV/JSON: one row per ally and year (iso3, year, scenario, method, p50, p05, p95, mean, meets_3_5_prob).
        Table: allies meeting 3.5% and the alliance total per year, the allies furthest behind, the last year.
        """
        if ctx.invoked_subcommand is not None:
            return
        from alliance.dynamics.scenarios import run_projection

        check_plot_path(plot)
        if output is not None and output.suffix.lower() != ".csv":
            raise BadInput(f"--output {str(output)!r}: the file must end in .csv")
        proj = run_projection(scenario, until, runs, seed, method=method)
        rows = proj.to_frame()
        if output is not None:
            _write_csv(rows, output)
        if plot is not None:
            from alliance.dynamics.plots import plot_projection

            plot_projection(proj, plot)
        if fmt is Format.json:
            emit(
                {
                    "scenario": proj.scenario.to_dict(),
                    "method": proj.method,
                    "summary": frame_records(proj.summary()),
                    "furthest_behind": frame_records(proj.furthest_behind()),
                    "projections": frame_records(rows),
                },
                fmt,
            )
        elif fmt is Format.csv:
            emit(rows, fmt)
        else:
            s = proj.scenario
            emit(proj.summary(), fmt, title=f"Scenario {s.name} ({proj.method}, {s.runs} runs, seed {s.seed})")
            emit(proj.furthest_behind(), fmt, title=f"Furthest behind 3.5% in {s.until}")
            emit(rows[rows["year"] == s.until].reset_index(drop=True), fmt, title=f"Allies in {s.until}")

    @sub.command("backtest")
    def backtest_cmd(
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
        method: Annotated[
            str, typer.Option("--method", help="Calibration errors: one-step or multi-step.")
        ] = "one-step",
    ) -> None:
        """Fit on 2014-2021, forecast 2022-2026; MAE per year of the model, persistence and linear trend."""
        from alliance.dynamics.backtest import backtest_cached

        check_plot_path(plot)
        if method not in ("one-step", "multi-step"):
            raise BadInput(f"--method {method!r}: valid: one-step, multi-step")
        res = backtest_cached("one-step" if method == "one-step" else "multi-step")
        if plot is not None:
            from alliance.dynamics.plots import plot_backtest

            plot_backtest(res, plot)
        if fmt is Format.table:
            s = res.mae()
            cap = (
                f"overall MAE (pp of GDP): model {s['model']:.3f}, persistence {s['persistence']:.3f}, "
                f"trend {s['trend']:.3f}; winner: {res.winner}"
            )
            emit(res.by_year(), fmt, title="Backtest 2022-2026 (fit 2014-2021)", caption=cap)
        elif fmt is Format.csv:
            emit(res.by_year(), fmt)
        else:
            emit(res.to_dict(), fmt)

    @sub.command("scenarios")
    def scenarios_cmd(fmt: FormatOpt = Format.table) -> None:
        """List the bundled simulation scenarios."""
        from alliance.dynamics.scenarios import scenario_catalog

        emit(scenario_catalog(), fmt, title="Bundled simulation scenarios")

    @sub.command("calibrate")
    def calibrate_cmd(
        fmt: FormatOpt = Format.table,
        first: Annotated[int, typer.Option("--first", help="First year of the window.")] = 2014,
        last: Annotated[
            int, typer.Option("--last", help="Last year of the window (2021: backtest; 2026: projections).")
        ] = 2021,
    ) -> None:
        """Fitted parameters with standard errors, units and meaning."""
        from alliance.dynamics.calibrate import calibrate

        df = calibrate(first, last)
        cap = ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in df.attrs.items())
        emit(df, fmt, title=f"Calibration {first}-{last}", caption=cap)

    app.add_typer(sub, name="simulate")
