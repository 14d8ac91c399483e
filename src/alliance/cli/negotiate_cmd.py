"""``alliance negotiate``: forecasts with reasons (the default: ``alliance negotiate hague-2025 --model all``), and
``scenarios``, ``show``, ``template``, ``backtest`` (the DEU backtest, :mod:`alliance.cli.backtest_cmd`).

Each command is a thin call of :mod:`alliance.negotiation`. The command line's own parsing lives here: a
comma-separated ``--model`` list or ``all``, and which models take ``--rounds``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot, emit
from alliance.cli.backtest_cmd import deu_backtest
from alliance.cli.groups import group_app
from alliance.errors import BadInput

ScenarioArg = Annotated[
    str, typer.Argument(help="A bundled scenario name (see `alliance negotiate scenarios`) or a file.")
]


def parse_models(spec: str) -> list[str] | None:
    """``--model`` as the library takes it: None for ``all`` (every available model), else the listed names.

    Raises:
        BadInput: no name given, or a name that is not a registered, available model.
    """
    from alliance.negotiation.models import get_model, model_names

    if spec.strip().lower() == "all":
        return None
    names = [m.strip() for m in spec.split(",") if m.strip()]
    valid = model_names()
    if not names:
        raise BadInput(f"--model {spec!r}: give a model name; valid: {', '.join(valid)}, all")
    for name in names:
        if name not in valid:
            try:
                get_model(name)
            except BadInput as exc:
                raise BadInput(f"--model {name!r}: {exc}; or all") from None
    return names


def _rounds_option(rounds: int | None, models: list[str] | None) -> dict[str, Any]:
    """``{"rounds": n}`` for the iterating models, after checking the flag makes sense for the models chosen."""
    from alliance.negotiation.forecasting import option_takers

    if rounds is None:
        return {}
    from alliance.negotiation.limits import MAX_ROUNDS

    if not 1 <= rounds <= MAX_ROUNDS:
        raise BadInput(f"--rounds {rounds}: must be between 1 and {MAX_ROUNDS}")
    if not option_takers("rounds", models):
        chosen = ", ".join(models or [])
        raise BadInput(f"--rounds applies only to models that iterate (e.g. eum); not to {chosen}")
    return {"rounds": rounds}


def _short(names: str, limit: int = 5) -> str:
    items = [n for n in names.split(", ") if n]
    if len(items) <= limit:
        return ", ".join(items)
    return f"{len(items)}: " + ", ".join(items[:limit]) + ", ..."


def forecast(
    scenario: ScenarioArg,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="Model: compromise, median, nash, consensus, eum, exchange, stacked, ensemble, procedural, "
            "comma-separated, or all (alliance negotiate models describes them; on unseen DEU proposals none "
            "beats the compromise).",
        ),
    ] = "all",
    rounds: Annotated[int | None, typer.Option("--rounds", "-r", help="Rounds for iterative models (eum).")] = None,
    fmt: FormatOpt = Format.table,
    plot: PlotOpt = None,
) -> None:
    """Forecast a negotiation: per model and issue the outcome, nearest wording, blockers, pivotal actors."""
    import pandas as pd

    from alliance.negotiation.forecasting import forecast_all
    from alliance.negotiation.models import UNAVAILABLE
    from alliance.negotiation.plots import plot_forecasts

    check_plot(plot)
    models = parse_models(model)
    forecasts = forecast_all(scenario, models, **_rounds_option(rounds, models))
    if models is None and UNAVAILABLE:
        print(f"alliance: note: not available: {', '.join(sorted(UNAVAILABLE))}", file=sys.stderr)
    if plot is not None:
        plot_forecasts(forecasts, plot)
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
    emit(shown, fmt, title=f"Forecast: {first.scenario.title or first.scenario.name}")
    if len(forecasts) == 1:
        for issue, text in first.explanation.items():
            print(f"{issue}: {text}")


def models(fmt: FormatOpt = Format.table) -> None:
    """List the models: what each computes and its figure in the project's independent test on held-out DEU
    proposals, where no shipped model beats the compromise."""
    from alliance.negotiation.models.catalog import model_catalog

    df = model_catalog()
    emit(df, fmt, title="Negotiation models", caption=str(df.attrs["headline"]))


def specs(fmt: FormatOpt = Format.table) -> None:
    """List every forecasting specification scored on DEU (the registry of docs/specifications.md): status, date
    fixed, whether it was fixed before scoring, whether its search was inside the loop, its figures."""
    from alliance.negotiation.backtest.registry import specs_frame

    emit(specs_frame(), fmt, title="Specifications scored on DEU (calibration half; hold-out where reported)")


def scenarios(fmt: FormatOpt = Format.table) -> None:
    """List the bundled negotiation scenarios with title, issues, actors and decision rule."""
    from alliance.negotiation.schema import scenario_catalog

    emit(scenario_catalog(), fmt, title="Bundled scenarios")


def show(
    scenario: ScenarioArg,
    fmt: FormatOpt = Format.table,
    brief: Annotated[bool, typer.Option("--brief", help="Table: leave out the basis of each input.")] = False,
) -> None:
    """Print a scenario: one row per actor and issue with its basis, evidence, uncertainty and cited sources, then
    the sources with their citations (table/csv: the rows; json: the whole file structure)."""
    from alliance.negotiation.schema import load_scenario, scenario_frame, scenario_to_dict
    from alliance.negotiation.uncertainty import describe_uncertainty

    sc = load_scenario(scenario)
    if fmt is Format.json:
        emit(scenario_to_dict(sc), fmt)
        return
    frame = scenario_frame(sc)
    frame["uncertainty"] = describe_uncertainty(sc, frame)
    if fmt is Format.csv:
        emit(frame, fmt)
        return
    issues = "; ".join(
        f"{it.name} [{it.low:g}-{it.high:g}]" + (f" reversion {it.reversion:g}" if it.reversion is not None else "")
        for it in sc.issues
    )
    caption = f"rule: {sc.rule.kind}; chair: {sc.chair or 'none'}; issues: {issues}"
    shown = frame.drop(columns=["veto", "chair", "capability"] + (["basis"] if brief else []))
    emit(shown, fmt, title=sc.title or sc.name, caption=caption)
    sources = sc.metadata.get("sources")
    if isinstance(sources, list) and sources:
        import pandas as pd

        table = pd.DataFrame([dict(s) for s in sources]).reindex(columns=["id", "date", "citation", "url"]).fillna("")
        emit(table, fmt, title="Sources")


def template(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE (default: stdout).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write a commented starting scenario file (valid as it stands)."""
    from alliance.negotiation.schema import template_yaml, write_template

    if output is None:
        sys.stdout.write(template_yaml())
        return
    from alliance.io import check_output_path

    check_output_path(output, "--output")
    if output.exists() and not force:
        raise BadInput(f"--output {str(output)!r} already exists; use --force to overwrite it")
    path = write_template(output, force=force)
    print(f"wrote {path}", file=sys.stderr)


app = group_app(
    "forecast",
    "Negotiation forecasts. `alliance negotiate SCENARIO` forecasts it (the `forecast` command); "
    "subcommands list, show and write scenarios and backtest the models on DEU.",
    run_when_empty=False,
)
app.command("forecast")(forecast)
app.command("models")(models)
app.command("specs")(specs)
app.command("scenarios")(scenarios)
app.command("show")(show)
app.command("template")(template)
app.command("backtest")(deu_backtest)

#: The first release's ``alliance negotiate show|template`` (a hidden alias group).
scenario_app = typer.Typer(help="Negotiation scenario files: show one, write a template.", no_args_is_help=True)
scenario_app.command("show")(show)
scenario_app.command("template")(template)
