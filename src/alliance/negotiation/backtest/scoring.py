"""Score the negotiation models on issues with known outcomes (the DEU backtest).

Every registry model forecasts every scored issue (an outcome and at least one coded actor). Accuracy on the
0-100 scale: mean absolute error (MAE), median absolute error, RMSE, the share of forecasts within 10 and within
20 points, and n. Issues of one proposal are not independent, so the 95% intervals come from a *cluster*
bootstrap that resamples proposals (Cameron, Gelbach & Miller 2008), and the paired difference against the
compromise model reuses the same resampled proposals for both models. The bootstrap is vectorised: per-proposal
sums are computed once, and each replicate is a sum over a ``(reps, proposals)`` index array.

A model that cannot forecast an issue (NaN: a deadlock, no reversion point...) is counted and reported per
model; the headline figures are computed on the *common set* of issues that every selected model forecasts, so
the models are compared on the same issues, and each model's MAE on all the issues it does forecast is reported
beside it. Three reference forecasts that are not models are scored too (``baseline_mean``, the plain mean of the
coded positions; ``baseline_median_actor``, their plain median; ``baseline_midpoint``, the middle of the scale).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance.errors import MAX_BOOTSTRAP, BadInput, excerpt, whole_number
from alliance.io import jsonable, mpl_figure
from alliance.negotiation.backtest.deu import deu_batch
from alliance.negotiation.backtest.folds import cluster_bootstrap_counts
from alliance.negotiation.backtest.forecasts import BASELINES, _baseline_forecasts, forecast_matrix
from alliance.negotiation.scenario import Scenario
from alliance.results import Result, frame_table

__all__ = ["BASELINES", "DEUBacktest", "backtest", "forecast_matrix", "reference_figures"]

_BASELINE_MODEL = "compromise"


def check_scenarios(scenarios: object) -> None:
    """``scenarios`` is a non-empty list of :class:`Scenario` objects (what :func:`load_deu` gives)."""
    if isinstance(scenarios, str) or not isinstance(scenarios, Sequence):
        raise BadInput(f"scenarios: expected a list of scenarios (alliance.load_deu()), got {excerpt(scenarios)}")
    if not scenarios:
        raise BadInput("scenarios: an empty list; give the scenarios of alliance.load_deu()")
    bad = next((s for s in scenarios if not isinstance(s, Scenario)), None)
    if bad is not None:
        raise BadInput(f"scenarios: every item must be a Scenario (alliance.load_deu()), got {excerpt(bad)}")


def _resolve_models(models: str | Sequence[str]) -> list[str]:
    from alliance.negotiation.models import get_model, model_names

    if isinstance(models, str):
        models = model_names() if models == "all" else [m.strip() for m in models.split(",") if m.strip()]
    chosen: list[str] = []
    for m in models:
        if m not in BASELINES:
            get_model(m)  # raises BadInput naming the valid models
        if m not in chosen:
            chosen.append(m)
    if not chosen:
        raise BadInput("models: no model selected; give a model name, several, or 'all'")
    return chosen


def _metrics(err: np.ndarray) -> dict[str, float]:
    if err.size == 0:
        return dict.fromkeys(("mae", "median_ae", "rmse", "within_10", "within_20"), math.nan)
    return {
        "mae": float(err.mean()),
        "median_ae": float(np.median(err)),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "within_10": float(np.mean(err <= 10.0)),
        "within_20": float(np.mean(err <= 20.0)),
    }


@dataclass(frozen=True)
class DEUBacktest(Result):
    """Accuracy of each negotiation model on the scored DEU issues.

    Attributes:
        table: one row per model: n, MAE with its 95% interval, median AE, RMSE, within 10/20, the paired
            difference in MAE against the compromise model with its interval, the issues the model could not
            forecast and its MAE on all the issues it forecast.
        breakdown: MAE and n per model by procedure (COD/CNS) and Council voting rule (QMV/Unanimity).
        forecasts: issue x model forecasts, with ``outcome``, ``proposal``, ``procedure``, ``voting_rule``.
        info: the settings and counts (scored issues, common set, bootstrap reps and seed, source, capability).
        distributions: with ``scores=True``, one row per model: its predictive distribution (conformal from the
            shipped calibration-half residuals, or its own) scored by CRPS, coverage and width of the 50/80/95%
            intervals, PIT and log score, with intervals over proposals and paired differences against the
            compromise (:func:`~alliance.negotiation.backtest.distributions.score_predictives`); else None.
        pit: with ``scores=True``, model -> PIT histogram.
    """

    table: pd.DataFrame
    breakdown: pd.DataFrame
    forecasts: pd.DataFrame = field(repr=False)
    info: dict[str, Any] = field(default_factory=dict)
    distributions: pd.DataFrame | None = None
    pit: dict[str, Any] | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per model (see :attr:`table`)."""
        return self.table.copy()

    @property
    def source(self) -> str:
        return (
            "Source: DEU III (Arregui & Perarnaud, doi:10.34810/data53, CC BY 4.0), calibration half; "
            "models: alliance.negotiation"
        )

    @property
    def title(self) -> str:
        return f"DEU backtest: {self.info.get('source', '')}, capability {self.info.get('capability', '')}"

    @property
    def meta(self) -> dict[str, Any]:
        """Source, capability, the issues scored and in common, and the bootstrap (with the in-sample caveat)."""
        return {**self.info, "unit": "absolute error on the 0-100 issue scale"}

    def compact_frame(self) -> pd.DataFrame:
        """The headline table for reading: MAE with its interval, median AE, RMSE, hit rates, the difference
        against the compromise model with its interval, missing forecasts and each model's own MAE."""
        t = self.table
        return pd.DataFrame(
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

    def breakdown_frame(self) -> pd.DataFrame:
        """MAE by procedure and voting rule, one column per model."""
        wide = self.breakdown.pivot_table(index=["by", "group", "n"], columns="model", values="mae", sort=False)
        return wide.reset_index()

    def caption(self) -> str:
        """What the headline rests on, in one sentence (and the in-sample caveat of fitted models)."""
        info = self.info
        text = (
            f"{info['n_common']} issues every model forecasts (of {info['scored']} scored), "
            f"{info['bootstrap']} cluster-bootstrap reps over proposals, seed {info['seed']}"
        )
        return text + (f". Note: {info['caveat']}" if "caveat" in info else "")

    def distributions_frame(self) -> pd.DataFrame:
        """The distributional scores for reading (empty without ``scores=True``)."""
        from alliance.negotiation.backtest.distributions import readable_scores

        return readable_scores(self.distributions) if self.distributions is not None else pd.DataFrame()

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield frame_table(self.compact_frame(), title=self.title, caption=self.caption())
        yield frame_table(self.breakdown_frame(), title="MAE by procedure and voting rule")
        if self.distributions is not None:
            yield frame_table(
                self.distributions_frame(),
                title="Predictive distributions (conformal from calibration-half residuals, or the model's own)",
                caption=f"{self.info.get('scores_note', '')}",
            )

    def _repr_html_(self) -> str:
        import html

        head = f"<h4>{html.escape(self.title)}</h4>"
        return head + self.compact_frame().to_html(index=False) + f"<p><small>{html.escape(self.caption())}</small></p>"

    def to_dict(self) -> dict[str, Any]:
        """The settings and counts (``info``), one record per model and the breakdown."""
        out = {"info": self.info, "models": self.table, "breakdown": self.breakdown}
        if self.distributions is not None:
            out |= {"distributions": self.distributions, "pit": self.pit}
        return jsonable(out)

    def figure(self, backend: str = "matplotlib") -> Any:
        """Each model's MAE with its 95% interval, the compromise model's MAE as a reference line."""
        t = self.table.sort_values("mae", ascending=False)
        lo = (t["mae"] - t["mae_lo"]).to_numpy()
        hi = (t["mae_hi"] - t["mae"]).to_numpy()
        comp = t.loc[t["model"] == _BASELINE_MODEL, "mae"]
        title = f"DEU backtest: {self.info.get('n_common', '')} issues, {self.info.get('source', '')}"
        xlabel = "mean absolute error, 0-100 scale (95% cluster-bootstrap interval)"
        if backend == "plotly":
            import plotly.graph_objects as go

            fig = go.Figure(
                go.Scatter(
                    x=t["mae"],
                    y=t["model"],
                    mode="markers",
                    error_x={"type": "data", "symmetric": False, "array": hi, "arrayminus": lo},
                    marker={"color": "#1f4e79"},
                    name="MAE",
                )
            )
            if len(comp):
                fig.add_vline(
                    x=float(comp.iloc[0]), line={"color": "#999", "dash": "dash"}, annotation_text="compromise"
                )
            fig.update_layout(title=title, xaxis_title=xlabel, template="plotly_white")
            return fig
        fig = mpl_figure(7, 0.45 * len(t) + 1.5)
        ax = fig.add_subplot()
        y = np.arange(len(t))
        ax.errorbar(t["mae"], y, xerr=[lo, hi], fmt="o", color="#1f4e79", capsize=3)
        ax.set_yticks(y, t["model"])
        if len(comp):
            ax.axvline(float(comp.iloc[0]), color="#999", ls="--", lw=1, label="compromise")
            ax.legend(loc="lower right")
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        return fig


def backtest(
    scenarios: Sequence[Scenario],
    models: str | Sequence[str] = "all",
    *,
    bootstrap: int = 2000,
    seed: int = 20261127,
    baselines: bool = True,
    scores: bool = False,
    **opts: Any,
) -> DEUBacktest:
    """Score models on every issue with an outcome and at least one coded actor.

    Args:
        scenarios: one-issue scenarios with outcomes (see :func:`alliance.negotiation.backtest.load_deu`).
        models: ``"all"`` (every registry model), a name, a comma-separated list or a list of names.
        bootstrap: cluster-bootstrap replicates (resampling proposals); 0 for no intervals.
        seed: the bootstrap seed (the intervals are reproducible).
        baselines: also score the plain mean, the median actor and the scale midpoint.
        scores: also score every model's predictive distribution (CRPS, 50/80/95% interval coverage and width,
            PIT, log score): conformal from the residuals shipped for the load's capability setting (computed
            out-of-fold on the calibration half), or the model's own (choice, synthesis).
        **opts: passed to every model's ``solve``.

    Returns:
        A :class:`DEUBacktest`. The headline metrics are on the issues every selected model forecasts
        (``info["n_common"]``); ``missing`` and ``mae_own`` give each model's uncovered issues and its MAE on
        the issues it does forecast.
    """
    check_scenarios(scenarios)
    whole_number("bootstrap", bootstrap, 0, MAX_BOOTSTRAP)
    whole_number("seed", seed, 0)
    chosen = _resolve_models(models)
    if _BASELINE_MODEL not in chosen:
        chosen = [_BASELINE_MODEL, *chosen]  # the paired differences need it
    names = chosen + ([b for b in BASELINES if b not in chosen] if baselines else [])
    if not scenarios:
        raise BadInput("no scenarios to score")
    b = deu_batch(scenarios)
    scored = b.mask.any(axis=1) & ~np.isnan(b.outcome)
    if not scored.any():
        raise BadInput("no issue has both an outcome and a coded actor; nothing to score")
    fc = forecast_matrix(scenarios, names, opts)
    f = fc.to_numpy()[scored]  # (n, M)
    y = b.outcome[scored]
    err = np.abs(f - y[:, None])
    forecastable = ~np.isnan(err)
    common = forecastable.all(axis=1)
    if not common.any():
        raise BadInput("the selected models have no scored issue in common; score them one at a time")
    groups = b.proposal[scored].astype(str)
    _, g_idx = np.unique(groups[common], return_inverse=True)
    ec = err[common]  # (n_common, M)
    n_g = int(g_idx.max()) + 1
    cnt = np.bincount(g_idx, minlength=n_g).astype(float)
    sums = np.stack([np.bincount(g_idx, weights=ec[:, j], minlength=n_g) for j in range(ec.shape[1])], axis=1)
    j_base = names.index(_BASELINE_MODEL)
    if bootstrap:
        times = cluster_bootstrap_counts(g_idx, bootstrap, seed)  # (reps, G) how often each proposal is drawn
        boot = (times @ sums) / (times @ cnt)[:, None]  # (reps, M) MAE per replicate
        diff = boot - boot[:, [j_base]]
        lo, hi = np.quantile(boot, [0.025, 0.975], axis=0)
        dlo, dhi = np.quantile(diff, [0.025, 0.975], axis=0)
    else:
        lo = hi = dlo = dhi = np.full(len(names), np.nan)
    rows = []
    base_mae = float(ec[:, j_base].mean())
    for j, m in enumerate(names):
        met = _metrics(ec[:, j])
        own = err[forecastable[:, j], j]
        rows.append(
            {
                "model": m,
                "kind": "baseline" if m in BASELINES else "model",
                "n": int(common.sum()),
                "mae": met["mae"],
                "mae_lo": float(lo[j]),
                "mae_hi": float(hi[j]),
                "median_ae": met["median_ae"],
                "rmse": met["rmse"],
                "within_10": met["within_10"],
                "within_20": met["within_20"],
                "diff_vs_compromise": met["mae"] - base_mae,
                "diff_lo": float(dlo[j]),
                "diff_hi": float(dhi[j]),
                "missing": int((~forecastable[:, j]).sum()),
                "mae_own": float(own.mean()) if own.size else math.nan,
            }
        )
    table = pd.DataFrame(rows)
    meta = pd.DataFrame({"procedure": b.procedure[scored], "voting_rule": b.voting_rule[scored]})[common]
    brows = []
    for by in ("procedure", "voting_rule"):
        for level in sorted(meta[by].unique()):
            sel = (meta[by] == level).to_numpy()
            for j, m in enumerate(names):
                brows.append(
                    {"by": by, "group": level, "model": m, "n": int(sel.sum()), "mae": float(ec[sel, j].mean())}
                )
    breakdown = pd.DataFrame(brows)
    forecasts = fc.copy()
    forecasts["outcome"] = b.outcome
    forecasts["proposal"] = b.proposal
    forecasts["procedure"] = b.procedure
    forecasts["voting_rule"] = b.voting_rule
    forecasts["scored"] = scored
    src = scenarios[0].metadata.get("source", "") if scenarios[0].metadata else ""
    cap = scenarios[0].metadata.get("capability", "") if scenarios[0].metadata else ""
    info = {
        "source": src,
        "capability": cap,
        "issues": len(scenarios),
        "scored": int(scored.sum()),
        "n_common": int(common.sum()),
        "proposals": n_g,
        "bootstrap": bootstrap,
        "seed": seed,
        "note": (
            "metrics on the issues every listed model forecasts (n_common); 'missing' counts a model's scored "
            "issues it could not forecast, 'mae_own' is its MAE on the issues it did forecast"
        ),
    }
    dist, pit = (None, None)
    if scores and not opts:
        dist, pit = _distribution_scores(scenarios, [m for m in chosen if m not in BASELINES], scored, bootstrap, seed)
        info["scores_note"] = (
            "distributions: conformal ones use residuals shipped from the calibration half (out-of-fold); on that "
            "half they are in-sample for coverage: honest calibration-half figures come from --cv 5 --scores"
        )
    fitted = [m for m in ("stacked", "ensemble", "choice", "synthesis") if m in names]
    if fitted and src == "deu-calibration":
        info["caveat"] = (
            f"the parameters of {' and '.join(fitted)} were fitted on this calibration half, so their figures here "
            "are in-sample; out-of-sample accuracy comes from the nested cross-validation (`alliance negotiate backtest deu-calibration --cv 5 --nested`) "
            "(docs/backtest.md, Headline)"
        )
    return DEUBacktest(table=table, breakdown=breakdown, forecasts=forecasts, info=info, distributions=dist, pit=pit)


def _distribution_scores(
    scenarios: Sequence[Scenario], models: Sequence[str], scored: np.ndarray, bootstrap: int, seed: int
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Every model's predictive distribution scored on the scored issues (one evaluation, no refit)."""
    from alliance.negotiation.backtest.distributions import score_predictives, summary_rows
    from alliance.negotiation.backtest.forecasts import deu_predictives
    from alliance.negotiation.backtest.scoring_rules import pit_histogram

    b = deu_batch(scenarios)
    preds = deu_predictives(scenarios, models)
    rng = np.random.default_rng(0)
    y = b.outcome[scored]
    per: dict[str, dict[str, np.ndarray]] = {}
    for m, p in preds.items():
        kind = "conformal" if p.kind == "conformal" else p.kind
        sub = p.take(scored)
        per[f"{m}|{kind}"] = {k: v[None, :] for k, v in score_predictives(sub, y, rng).items()}
    table = summary_rows(per, b.proposal[scored].astype(str), bootstrap, seed)
    pit = {key: pit_histogram(sc["pit"].ravel()) for key, sc in per.items()}
    return table, pit


def reference_figures(scenarios: Sequence[Scenario]) -> dict[str, float]:
    """MAE of the README's four reference forecasts: compromise, plain mean, median actor, scale midpoint."""
    b = deu_batch(scenarios)
    scored = b.mask.any(axis=1) & ~np.isnan(b.outcome)
    w = np.where(b.mask, np.nan_to_num(b.salience) * np.nan_to_num(b.capability), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        comp = (w * np.nan_to_num(b.positions)).sum(axis=1) / w.sum(axis=1)
    base = _baseline_forecasts(b)
    y = b.outcome[scored]
    out = {"compromise": comp, **{k.removeprefix("baseline_"): v for k, v in base.items()}}
    res = {k: round(float(np.mean(np.abs(v[scored] - y))), 2) for k, v in out.items()}
    res["n"] = int(scored.sum())
    return res
