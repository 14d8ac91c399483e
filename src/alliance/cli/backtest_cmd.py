"""``alliance backtest``: score the negotiation models on DEU issues with known outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot_path, emit


def register(app: typer.Typer) -> None:
    @app.command("backtest")
    def backtest_cmd(
        source: Annotated[str, typer.Argument(help="A DEU file (tab- or semicolon-separated) or deu-calibration.")],
        model: Annotated[str, typer.Option("--model", "-m", help="Model name, comma-separated names, or all.")] = "all",
        capability: Annotated[
            str, typer.Option("--capability", "-c", help="Actor capabilities: equal, votes or population.")
        ] = "equal",
        fmt: FormatOpt = Format.table,
        plot: PlotOpt = None,
        bootstrap: Annotated[
            int, typer.Option("--bootstrap", "-b", help="Cluster-bootstrap replicates (resampling proposals).")
        ] = 2000,
        seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 20261127,
        cv: Annotated[
            int | None,
            typer.Option(
                "--cv",
                help="Instead of scoring, cross-validate with K folds by proposal: the stacked model's fixed design, "
                "or with --nested the design search (the honest figure), or with --design one design.",
            ),
        ] = None,
        cv_seeds: Annotated[
            int, typer.Option("--cv-seeds", help="Repetitions of the K-fold split (seeds 0..N-1).")
        ] = 10,
        nested: Annotated[
            bool,
            typer.Option(
                "--nested",
                help="With --cv: select the design too, by an inner CV inside each outer training set "
                "(capabilities are part of the design; --capability is ignored).",
            ),
        ] = False,
        pool: Annotated[
            str,
            typer.Option("--pool", help="With --nested: what the inner CV selects from: singles, ensembles or both."),
        ] = "ensembles",
        design: Annotated[
            str | None,
            typer.Option(
                "--design",
                help="With --cv: cross-validate this one design of the nested design space, without selection "
                "(e.g. 'median of snap_target=nearest', the shipped ensemble).",
            ),
        ] = None,
    ) -> None:
        """Score every model on every DEU issue with an outcome: MAE with cluster-bootstrap intervals, paired
        difference vs the compromise model, breakdowns by procedure and voting rule."""
        from alliance.backtest import load_deu
        from alliance.backtest.cv import cross_validate
        from alliance.backtest.scoring import backtest
        from alliance.errors import BadInput

        check_plot_path(plot)
        if (nested or design is not None) and cv is None:
            raise BadInput(f"{'--nested' if nested else '--design'} needs --cv K (the number of outer folds)")
        nested = nested or design is not None
        if nested:
            from alliance.backtest.nested import POOLS

            if pool not in POOLS:
                raise BadInput(f"--pool {pool!r}; valid: {', '.join(POOLS)}")
            capability = "votes"
        scenarios = load_deu(source, capability=capability)
        if cv is not None:
            if cv_seeds < 1:
                raise BadInput(f"--cv-seeds {cv_seeds}: must be at least 1")
            sets = {"population": load_deu(source, capability="population")} if nested else None
            res = cross_validate(
                scenarios,
                k=cv,
                seeds=tuple(range(cv_seeds)),
                bootstrap=bootstrap,
                seed=seed,
                nested=nested,
                pool=pool,
                capability_sets=sets,
                design=design,
            )
            if nested and fmt is Format.table:
                sm = res.summary
                key = "mae_nested_cv" if "mae_nested_cv" in sm else "mae_cv_fixed_design"
                rows = [
                    {
                        "against": f"compromise, {ref.replace('_', ' ')}",
                        "MAE": sm[key],
                        "compromise MAE": sm[f"mae_compromise_{ref}"],
                        "difference [95% CI]": f"{sm[f'difference_vs_compromise_{ref}']:+.2f} "
                        f"[{sm[f'difference_vs_compromise_{ref}_ci95'][0]:+.2f}, "
                        f"{sm[f'difference_vs_compromise_{ref}_ci95'][1]:+.2f}]",
                        "reduction %": sm[f"reduction_vs_compromise_{ref}_pct"],
                    }
                    for ref in ("equal", "votes", "same_capability")
                ]
                emit(
                    pd.DataFrame(rows),
                    fmt,
                    title=f"{'Nested' if key == 'mae_nested_cv' else 'Plain'} CV, {cv} outer folds by proposal, "
                    f"{len(sm['seeds'])} seed(s), {sm['n']} issues; pool: {sm['pool']}",
                    caption=f"{sm['candidates']} candidate(s); paired cluster-bootstrap over {sm['proposals']} "
                    f"proposals ({sm['bootstrap']} reps)",
                )
                freq = pd.DataFrame(list(sm["selection_frequency"].items()), columns=["selected in outer folds", "n"])
                emit(freq, fmt, title="What the inner loop selected")
                return
            if fmt is Format.table:
                emit(res.per_seed, fmt, title=f"Cross-validation, {cv} folds by proposal", caption=str(res.summary))
            elif fmt is Format.csv:
                emit(res.per_seed, fmt)
            else:
                emit(res.to_dict(), fmt)
            return
        result = backtest(scenarios, model, bootstrap=bootstrap, seed=seed)
        if plot is not None:
            result.plot(Path(plot))
        if fmt is Format.json:
            emit(result.to_dict(), fmt)
        elif fmt is Format.csv:
            emit(result.to_frame(), fmt)
        else:
            info = result.info
            t = result.table
            compact = pd.DataFrame(
                {
                    "model": t["model"],
                    "n": t["n"],
                    "MAE [95% CI]": [
                        f"{m:.2f} [{a:.1f}, {b:.1f}]" for m, a, b in zip(t.mae, t.mae_lo, t.mae_hi, strict=True)
                    ],
                    "medAE": t["median_ae"],
                    "RMSE": t["rmse"],
                    "<=10": t["within_10"],
                    "<=20": t["within_20"],
                    "vs compromise [95% CI]": [
                        f"{d:+.2f} [{a:+.1f}, {b:+.1f}]"
                        for d, a, b in zip(t.diff_vs_compromise, t.diff_lo, t.diff_hi, strict=True)
                    ],
                    "missing": t["missing"],
                    "MAE own": t["mae_own"],
                }
            )
            emit(
                compact,
                fmt,
                title=f"DEU backtest: {info['source']}, capability {info['capability']}",
                caption=(
                    f"{info['n_common']} issues every model forecasts (of {info['scored']} scored), "
                    f"{info['bootstrap']} cluster-bootstrap reps over proposals, seed {info['seed']}"
                    + (f". Note: {info['caveat']}" if "caveat" in info else "")
                ),
            )
            wide = result.breakdown.pivot_table(index=["by", "group", "n"], columns="model", values="mae", sort=False)
            emit(wide.reset_index(), fmt, title="MAE by procedure and voting rule")
