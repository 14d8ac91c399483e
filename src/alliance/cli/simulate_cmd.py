"""``alliance simulate``: spending projections to 2035 under scenarios (the default, ``project``), and
``backtest``, ``scenarios``, ``calibrate``. Each calls one function of :mod:`alliance.dynamics`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot, emit, note, plot_to, progress
from alliance.cli.groups import group_app
from alliance.cli.spending_cmd import RelatedOpt, parse_related
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
    target: Annotated[
        float | None,
        typer.Option(
            "--target",
            "-t",
            help="Answer 'will the allies reach TARGET % of GDP by --by?': per ally P(reaching it), P(all comply), "
            "P(at least k comply), the total against the target (3.5: Hague core; 5: Hague total).",
        ),
    ] = None,
    core_related: Annotated[
        bool,
        typer.Option(
            "--core-related",
            help="Check the Hague commitment as agreed: core >= 3.5% and core + related >= TARGET (related: --related).",
        ),
    ] = False,
    related: RelatedOpt = None,
    by: Annotated[int | None, typer.Option("--by", help="Year checked with --target (default: --until).")] = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write the rows to FILE (.csv).")] = None,
) -> None:
    """Project every ally's spending (% of GDP) under a scenario, with 5-95% bands and the scenario's assumptions.

    CSV/JSON: one row per ally and year (iso3, year, scenario, method, p50, p05, p95, mean, meets_3_5_prob).
    Table: allies meeting 3.5% and the alliance total per year, the allies furthest behind, the last year.
    With --target: the probability of reaching it by 2035 per ally and for the alliance.
    """
    from alliance.dynamics import project as run_project
    from alliance.io import atomic_write, check_output_path, staged_writes

    check_plot(plot)
    if output is not None:
        if output.suffix.lower() != ".csv":
            raise BadInput(f"--output {str(output)!r}: the file must end in .csv")
        check_output_path(output, "--output")
    if target is None and (core_related or related or by is not None):
        raise BadInput("--core-related, --related and --by go with --target (e.g. --target 5 --core-related)")
    rel = parse_related(related)
    proj = run_project(scenario, until, runs, seed, method=method)
    if target is not None:
        _compliance(proj, target, by, core_related, rel, fmt, plot)
        return
    rows = proj.to_frame()
    with staged_writes():  # --output and --plot: both written or neither
        if output is not None:
            atomic_write(output, rows.to_csv(index=False, lineterminator="\n"))
        plot_to(proj, plot)
    if fmt is Format.json:
        data = proj.to_dict()
        emit(
            {k: data[k] for k in ("scenario", "method", "assumptions", "summary", "furthest_behind", "projections")},
            fmt,
        )
    elif fmt is Format.csv:
        for line in proj.assumptions:
            note(f"assumption: {line}", fmt)
        emit(rows, fmt)
    else:
        s = proj.scenario
        emit(proj.summary(), fmt, title=proj.title)
        emit(proj.furthest_behind(), fmt, title=f"Furthest behind 3.5% in {s.until}")
        emit(rows[rows["year"] == s.until].reset_index(drop=True), fmt, title=f"Allies in {s.until}")
        _print_assumptions(proj.assumptions)


def _print_assumptions(lines: list[str]) -> None:
    from rich.markup import escape

    from alliance.cli._common import console

    console().print(escape("Assumptions:\n" + "\n".join(f"  - {line}" for line in lines)))


def _compliance(
    proj: object, target: float, by: int | None, core_related: bool, related: object, fmt: Format, plot: Path | None
) -> None:
    """``alliance simulate --target``: the tables of :func:`alliance.dynamics.compliance`."""
    from alliance.dynamics import compliance

    res = compliance(proj, target, by=by, core_related=core_related, related=related)  # type: ignore[arg-type]
    plot_to(res, plot)
    if fmt is Format.json:
        emit(res.to_dict(), fmt)
        return
    if fmt is Format.csv:
        for line in [*res.notes, *(f"assumption: {a}" for a in res.assumptions)]:
            note(line, fmt)
        emit(res.allies, fmt)
        return
    t = res.total
    caption = (
        f"P(all {len(res.allies)} allies comply) = {res.p_all:.3f}. Alliance total in {res.by}: USD {t['p50']:,.0f} bn "
        f"[5-95%: {t['p05']:,.0f}-{t['p95']:,.0f}] (constant 2021) against {t['target_usd_bn']:,.0f} bn at "
        f"{res.target:g}% of GDP for every ally: shortfall {t['shortfall_p50']:,.0f} bn "
        f"[{t['shortfall_p05']:,.0f} to {t['shortfall_p95']:,.0f}] (negative: above)."
    )
    emit(res.allies, fmt, title=res.title, caption=" ".join([caption, *res.notes]))
    k = res.at_least
    emit(k[k["k"] > 0].reset_index(drop=True), fmt, title=f"P(at least k of {len(res.allies)} allies comply), {res.by}")
    _print_assumptions(res.assumptions)


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
    if bands and plot is not None:
        raise BadInput("--plot does not combine with --bands (the band coverage has no chart); drop one of them")
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


def scenarios(
    names: Annotated[
        list[str] | None, typer.Argument(help="Scenarios to compare (names or files; default: every bundled one).")
    ] = None,
    list_only: Annotated[bool, typer.Option("--list", help="Only list the bundled scenarios.")] = False,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Year compared (default: 2035).")] = None,
    runs: Annotated[int | None, typer.Option("--runs", help="Runs per scenario, 1-100000.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (shared by every scenario).")] = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Compare the simulation scenarios side by side: allies at 3.5%, P(all at 3.5%), the alliance total and its
    difference from the baseline, the US share of GDP, in 2035 (medians and 5-95% bands), with each scenario's
    assumptions. --list only lists them."""
    from alliance.dynamics import compare_scenarios, scenario_catalog

    check_plot(plot)
    if list_only:
        emit(scenario_catalog(), fmt, title="Bundled simulation scenarios")
        return
    with progress("simulating scenarios") as tick:
        tick(0, 1)
        res = compare_scenarios(names or None, year=year, runs=runs, seed=seed)
        tick(1, 1)
    plot_to(res, plot)
    if fmt is Format.json:
        emit(res.to_dict(), fmt)
        return
    if fmt is Format.csv:
        emit(res.table, fmt)
        return
    emit(res.table.drop(columns="description"), fmt, title=res.title, caption="total_vs_first: paired run by run.")
    _print_assumptions([f"{name}: {line}" for name, lines in res.assumptions.items() for line in lines])


def calibrate(
    fmt: FormatOpt = Format.table,
    first: Annotated[int, typer.Option("--first", help="First year of the window.")] = 2014,
    last: Annotated[
        int, typer.Option("--last", help="Last year of the window (2021: backtest; 2026: projections).")
    ] = 2021,
) -> None:
    """Refit the model on a window: parameters with standard errors, units and meaning.

    Projections and the backtest use the fits shipped with the package (tools/fit_dynamics.py); this command
    always fits anew on the embedded data.
    """
    from alliance.dynamics import calibrate as run_calibrate

    cal = run_calibrate(first, last, refit=True)
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
