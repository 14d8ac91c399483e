"""``alliance simulate``: spending projections to 2035 under scenarios (the default, ``project``), and
``backtest``, ``scenarios``, ``calibrate``. Each calls one function of :mod:`alliance.dynamics`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot, emit, plot_to, progress
from alliance.cli.groups import group_app
from alliance.errors import BadInput


def project(
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
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write the rows to FILE (.csv).")] = None,
) -> None:
    """Project every ally's spending (% of GDP) under a scenario, with 5-95% bands.

    CSV/JSON: one row per ally and year (iso3, year, scenario, method, p50, p05, p95, mean, meets_3_5_prob).
    Table: allies meeting 3.5% and the alliance total per year, the allies furthest behind, the last year.
    """
    from alliance.dynamics import project as run_project
    from alliance.io import atomic_write

    check_plot(plot)
    if output is not None and output.suffix.lower() != ".csv":
        raise BadInput(f"--output {str(output)!r}: the file must end in .csv")
    proj = run_project(scenario, until, runs, seed, method=method)
    rows = proj.to_frame()
    if output is not None:
        atomic_write(output, rows.to_csv(index=False, lineterminator="\n"))
    plot_to(proj, plot)
    if fmt is Format.json:
        data = proj.to_dict()
        emit({k: data[k] for k in ("scenario", "method", "summary", "furthest_behind", "projections")}, fmt)
    elif fmt is Format.csv:
        emit(rows, fmt)
    else:
        s = proj.scenario
        emit(proj.summary(), fmt, title=proj.title)
        emit(proj.furthest_behind(), fmt, title=f"Furthest behind 3.5% in {s.until}")
        emit(rows[rows["year"] == s.until].reset_index(drop=True), fmt, title=f"Allies in {s.until}")


def backtest(
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
    method: Annotated[str, typer.Option("--method", help="Calibration errors: one-step or multi-step.")] = "one-step",
    bands: Annotated[
        bool,
        typer.Option(
            "--bands",
            help="Instead: coverage on 2022-2026 of the raw 5-95%% band and of the 50/80/90%% bands calibrated on "
            "rolling origins inside 2014-2021 (specification dynamics-bands-v1).",
        ),
    ] = False,
) -> None:
    """Fit on 2014-2021, forecast 2022-2026; MAE per year of the model, persistence and linear trend."""
    from alliance.dynamics import backtest as run_backtest

    check_plot(plot)
    if method not in ("one-step", "multi-step"):
        raise BadInput(f"--method {method!r}: valid: one-step, multi-step")
    if bands:
        _bands(fmt)
        return
    res = run_backtest(method="one-step" if method == "one-step" else "multi-step")
    plot_to(res, plot)
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


def _bands(fmt: Format) -> None:
    """Coverage of the raw and calibrated bands of the backtest forecast."""
    from alliance.dynamics.bands import calibrated_backtest

    with progress("rolling origins") as tick:
        res = calibrated_backtest(progress=tick)
    if fmt is Format.table:
        factors = ", ".join(f"{int(lv * 100)}%: {q:.2f}" for lv, q in res.factors.items())
        cap = f"factors (x the raw band's half-width) {factors}; {res.info['n_scores']} rolling-origin scores"
        emit(res.coverage.round(3), fmt, title=res.title, caption=cap)
    elif fmt is Format.csv:
        emit(res.coverage, fmt)
    else:
        emit(res.to_dict(), fmt)


def scenarios(fmt: FormatOpt = Format.table) -> None:
    """List the bundled simulation scenarios."""
    from alliance.dynamics import scenario_catalog

    emit(scenario_catalog(), fmt, title="Bundled simulation scenarios")


def calibrate(
    fmt: FormatOpt = Format.table,
    first: Annotated[int, typer.Option("--first", help="First year of the window.")] = 2014,
    last: Annotated[
        int, typer.Option("--last", help="Last year of the window (2021: backtest; 2026: projections).")
    ] = 2021,
) -> None:
    """Fitted parameters with standard errors, units and meaning."""
    from alliance.dynamics import calibrate as run_calibrate

    cal = run_calibrate(first, last)
    summary = cal.summary()
    cap = ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in summary.items())
    emit(cal.to_frame(), fmt, title=f"Calibration {first}-{last}", caption=cap)


app = group_app(
    "project",
    "Spending simulation: projections to 2035 under scenarios (the default, `project`), backtest, calibration.",
)
app.command("project")(project)
app.command("backtest")(backtest)
app.command("scenarios")(scenarios)
app.command("calibrate")(calibrate)
