"""``alliance negotiate backtest``: score the negotiation models on DEU issues with known outcomes, or cross-validate
(plain, nested, one fixed design). The command checks its flags and calls one of three small functions, each a
thin call of :mod:`alliance.negotiation.backtest`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from alliance.cli._common import Format, FormatOpt, PlotOpt, check_plot, console, emit, plot_to, progress
from alliance.errors import BadInput

SourceArg = Annotated[str, typer.Argument(help="A DEU file (tab- or semicolon-separated) or deu-calibration.")]


def _score(
    source: str, model: str, capability: str, bootstrap: int, seed: int, fmt: Format, plot: Path | None, scores: bool
) -> None:
    """Score the models (MAE with intervals, paired differences, breakdowns; distributions with --scores or JSON)."""
    from alliance.negotiation.backtest import backtest, load_deu

    with_scores = scores or fmt is Format.json
    result = backtest(
        load_deu(source, capability=capability), model, bootstrap=bootstrap, seed=seed, scores=with_scores
    )
    plot_to(result, plot)
    if fmt is Format.json:
        emit(result.to_dict(), fmt)
    elif fmt is Format.csv:
        emit(result.distributions if scores and result.distributions is not None else result.to_frame(), fmt)
    else:
        console().print(result)


def _distribution_cv(source: str, capability: str, k: int, seeds: int, bootstrap: int, seed: int, fmt: Format) -> None:
    """Cross-validate the predictive distributions: conformal baselines, the choice model, the synthesis."""
    from alliance.negotiation.backtest import load_deu
    from alliance.negotiation.backtest.distributions import distribution_cv
    from alliance.negotiation.backtest.oof import deu_case
    from alliance.negotiation.models import model_names

    models = [m for m in model_names() if m != "synthesis"]
    scenarios = load_deu(source, capability=capability)
    population = scenarios if capability == "population" else load_deu(source, capability="population")
    case = deu_case(scenarios, population, models)
    with progress("outer folds") as tick:
        res = distribution_cv(
            case, models, k=k, seeds=tuple(range(seeds)), bootstrap=bootstrap, seed=seed, progress=tick
        )
    if fmt is Format.table:
        w = res.weights.drop(columns=["seed", "fold"]).agg(["mean", "std"]).round(3).reset_index(names="weight")
        caption = f"{res.info['note']}; * = designed in part on the calibration half (optimistic there)"
        emit(res.compact_frame(), fmt, title=res.title, caption=caption)
        emit(w, fmt, title="Synthesis weights chosen in the outer folds")
    elif fmt is Format.csv:
        emit(res.to_frame(), fmt)
    else:
        emit(res.to_dict(), fmt)


def _plain_cv(source: str, capability: str, k: int, seeds: int, bootstrap: int, seed: int, fmt: Format) -> None:
    """Cross-validate the stacked model's fixed design (weights fitted inside the folds)."""
    from alliance.negotiation.backtest import CVResult, cross_validate, load_deu

    res = cast(
        CVResult,
        cross_validate(
            load_deu(source, capability=capability), k=k, seeds=tuple(range(seeds)), bootstrap=bootstrap, seed=seed
        ),
    )
    if fmt is Format.table:
        emit(res.summary_frame(), fmt, title=res.title, caption=f"{res.meta}")
        emit(res.per_seed, fmt, title="Per seed")
    elif fmt is Format.csv:
        emit(res.per_seed, fmt)
    else:
        emit(res.to_dict(), fmt)


def _nested_cv(
    source: str, k: int, seeds: int, pool: str, design: str | None, bootstrap: int, seed: int, fmt: Format
) -> None:
    """Nested CV of the design search (or plain CV of one fixed design), with Council-vote capabilities."""
    from alliance.negotiation.backtest import load_deu, nested_cv

    votes = load_deu(source, capability="votes")
    sets = {"population": load_deu(source, capability="population")}
    with progress("outer folds") as tick:
        res = nested_cv(
            votes,
            k=k,
            seeds=tuple(range(seeds)),
            pool=pool,
            design=design,
            capability_sets=sets,
            bootstrap=bootstrap,
            seed=seed,
            progress=tick,
        )
    if fmt is Format.table:
        sm = res.summary
        caption = f"{sm['candidates']} candidate(s); paired cluster-bootstrap over {sm['proposals']} proposals ({sm['bootstrap']} reps)"
        if not res.search_inside_loop:
            caption += f". NOT an honest estimate: {sm['caveat']}"
        emit(res.comparison_frame(), fmt, title=res.title, caption=caption)
        emit(
            res.selection_frame().rename(columns={"design": "selected in outer folds"}),
            fmt,
            title="What the inner loop selected",
        )
    elif fmt is Format.csv:
        emit(res.per_seed, fmt)
    else:
        emit(res.to_dict(), fmt)


def _check(
    cv: int | None,
    cv_seeds: int,
    nested: bool,
    design: str | None,
    pool: str,
    scores: bool,
    plot: Path | None,
    bootstrap: int = 0,
    seed: int = 0,
) -> None:
    """Flag combinations and ranges: --nested/--design need --cv; --cv-seeds 1-100; --bootstrap 0-100,000; --seed >= 0; --pool is one of the pools; --scores goes
    with plain scoring or --cv, not with --nested/--design; --plot goes with plain scoring (the cross-validations
    have no chart)."""
    from alliance.negotiation.backtest import POOLS

    if plot is not None and cv is not None:
        raise BadInput(
            "--plot does not combine with --cv (cross-validation has no chart); drop --cv to plot the scores"
        )

    if scores and (nested or design is not None):
        raise BadInput(f"--scores does not combine with {'--nested' if nested else '--design'}; use --cv K --scores")
    if (nested or design is not None) and cv is None:
        raise BadInput(f"{'--nested' if nested else '--design'} needs --cv K (the number of outer folds)")
    from alliance.errors import MAX_BOOTSTRAP
    from alliance.negotiation.backtest.cv import MAX_SEEDS

    if cv is not None and not 1 <= cv_seeds <= MAX_SEEDS:
        raise BadInput(f"--cv-seeds {cv_seeds}: must be between 1 and {MAX_SEEDS}")
    if not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise BadInput(f"--bootstrap {bootstrap}: must be between 0 and {MAX_BOOTSTRAP:,}")
    if seed < 0:
        raise BadInput(f"--seed {seed}: must be 0 or more")
    if pool not in POOLS:
        raise BadInput(f"--pool {pool!r}; valid: {', '.join(POOLS)}")


def deu_backtest(
    source: SourceArg,
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
            "or with --nested the design search (labelled optimistic unless the whole search is inside the loop), "
            "or with --design one design.",
        ),
    ] = None,
    cv_seeds: Annotated[int, typer.Option("--cv-seeds", help="Repetitions of the K-fold split (seeds 0..N-1).")] = 10,
    nested: Annotated[
        bool,
        typer.Option(
            "--nested",
            help="With --cv: select the design too, by an inner CV inside each outer training set "
            "(capabilities are part of the design; --capability is ignored).",
        ),
    ] = False,
    pool: Annotated[
        str, typer.Option("--pool", help="With --nested: what the inner CV selects from: singles, ensembles or both.")
    ] = "ensembles",
    design: Annotated[
        str | None,
        typer.Option(
            "--design",
            help="With --cv: cross-validate this one design of the nested design space, without selection "
            "(e.g. 'median of snap_target=nearest', the shipped ensemble).",
        ),
    ] = None,
    scores: Annotated[
        bool,
        typer.Option(
            "--scores",
            help="Also score predictive distributions: CRPS, coverage and width of the 50/80/95% intervals, PIT, "
            "log score (always in JSON). With --cv K: the distributional cross-validation of the conformal "
            "baselines, the choice model and the synthesis (specifications conformal-v1, choice-v1, synthesis-v1).",
        ),
    ] = False,
) -> None:
    """Score every model on every DEU issue with an outcome: MAE with cluster-bootstrap intervals, paired
    difference vs the compromise model, breakdowns by procedure and voting rule.

    Independent test (the project's, on the held-out half of DEU III: 55 proposals, 139 issues, 133 with an
    outcome): on unseen proposals no shipped model beats the compromise (MAE 23.00; ensemble 23.06, +0.06
    [-1.86, +2.01]; stacked 25.01). The embedded deu-calibration half gives calibration-half figures only;
    fitted models are in-sample there. Model list with hold-out figures: alliance negotiate models."""
    check_plot(plot)
    _check(cv, cv_seeds, nested, design, pool, scores, plot, bootstrap, seed)
    if cv is None:
        _score(source, model, capability, bootstrap, seed, fmt, plot, scores)
    elif scores:
        _distribution_cv(source, capability, cv, cv_seeds, bootstrap, seed, fmt)
    elif nested or design is not None:
        _nested_cv(source, cv, cv_seeds, pool, design, bootstrap, seed, fmt)
    else:
        _plain_cv(source, capability, cv, cv_seeds, bootstrap, seed, fmt)
