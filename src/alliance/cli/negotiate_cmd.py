"""``alliance scenarios``, ``alliance scenario show|template`` and ``alliance negotiate``: forecasts with reasons."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from alliance.cli._common import Format, FormatOpt, emit

ScenarioArg = Annotated[str, typer.Argument(help="A bundled scenario name (see `alliance scenarios`) or a file.")]


def register(app: typer.Typer) -> None:
    @app.command("scenarios")
    def scenarios_cmd(fmt: FormatOpt = Format.table) -> None:
        """List the bundled negotiation scenarios with title, issues, actors and decision rule."""
        from alliance.negotiation.schema import scenario_catalog

        emit(scenario_catalog(), fmt, title="Bundled scenarios")

    sub = typer.Typer(help="Negotiation scenario files: show one, write a template.", no_args_is_help=True)

    @sub.command("show")
    def show_cmd(scenario: ScenarioArg, fmt: FormatOpt = Format.table) -> None:
        """Print a scenario: one row per actor and issue (table/csv), or the whole file structure (json)."""
        from alliance.negotiation.schema import load_scenario, scenario_frame, scenario_to_dict

        sc = load_scenario(scenario)
        if fmt is Format.json:
            emit(scenario_to_dict(sc), fmt)
            return
        frame = scenario_frame(sc)
        if fmt is Format.table:
            issues = "; ".join(
                f"{it.name} [{it.low:g}-{it.high:g}]"
                + (f" reversion {it.reversion:g}" if it.reversion is not None else "")
                for it in sc.issues
            )
            caption = f"rule: {sc.rule.kind}; chair: {sc.chair or 'none'}; issues: {issues}"
            frame = frame.drop(columns=["basis"])
            emit(frame, fmt, title=sc.title or sc.name, caption=caption)
        else:
            emit(frame, fmt)

    @sub.command("template")
    def template_cmd(
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE (default: stdout).")] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    ) -> None:
        """Write a commented starting scenario file (valid as it stands)."""
        from alliance.negotiation.schema import template_yaml, write_template

        if output is None:
            sys.stdout.write(template_yaml())
            return
        path = write_template(output, force=force)
        print(f"wrote {path}", file=sys.stderr)

    app.add_typer(sub, name="scenario")

    @app.command("negotiate")
    def negotiate_cmd(
        scenario: ScenarioArg,
        model: Annotated[
            str,
            typer.Option(
                "--model",
                "-m",
                help="Model: compromise, median, nash, eum, consensus, exchange (any registered), comma-separated, or all.",
            ),
        ] = "all",
        rounds: Annotated[int | None, typer.Option("--rounds", "-r", help="Rounds for iterative models (eum).")] = None,
        fmt: FormatOpt = Format.table,
        plot: Annotated[
            Path | None, typer.Option("--plot", help="Write a chart to FILE (.png, .svg or .html).")
        ] = None,
    ) -> None:
        """Forecast a negotiation: per model and issue the outcome, nearest wording, blockers, pivotal actors."""
        from alliance.errors import BadInput
        from alliance.negotiation.forecast import negotiate, save_plot
        from alliance.negotiation.models import UNAVAILABLE

        if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".html"):
            raise BadInput(f"--plot {str(plot)!r}: the file must end in .png, .svg or .html")
        forecasts = negotiate(scenario, model, rounds)
        if model.strip().lower() == "all" and UNAVAILABLE:
            print(f"alliance: note: not available: {', '.join(sorted(UNAVAILABLE))}", file=sys.stderr)
        if plot is not None:
            save_plot(forecasts, plot)
        if fmt is Format.json:
            emit({name: fc.to_dict() for name, fc in forecasts.items()}, fmt)
            return
        frame = pd.concat([fc.to_frame() for fc in forecasts.values()], ignore_index=True)
        if fmt is Format.csv:
            emit(frame, fmt)
            return
        first = next(iter(forecasts.values()))
        shown = frame.drop(columns=["explanation", "note"]).copy()
        shown["blockers"] = [_short(b) for b in shown["blockers"]]
        shown["pivotal"] = [_short(p) for p in shown["pivotal"]]
        title = f"Forecast: {first.scenario.title or first.scenario.name}"
        emit(shown, fmt, title=title)
        if len(forecasts) == 1:
            for issue, text in first.explanation.items():
                print(f"{issue}: {text}")


def _short(names: str, limit: int = 5) -> str:
    items = [n for n in names.split(", ") if n]
    if len(items) <= limit:
        return ", ".join(items)
    return f"{len(items)}: " + ", ".join(items[:limit]) + ", ..."
