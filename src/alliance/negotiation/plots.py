"""Charts of negotiation forecasts: each issue's scale with the actors, the reversion point and every model's
outcome. ``.png``/``.svg`` are matplotlib, ``.html`` an interactive plotly page (:func:`alliance.io.save_figure`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.errors import BadInput
from alliance.io import figure_backend, mpl_figure, save_figure
from alliance.negotiation.models.batch import batch_from_scenario, safe_weights

if TYPE_CHECKING:
    from alliance.negotiation.forecasting import Forecast
    from alliance.negotiation.scenario import Scenario

__all__ = ["plot_forecasts"]

_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _actors(sc: Scenario) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per issue: the involved actors' positions and marker sizes (capability x salience, 20-420)."""
    batch = batch_from_scenario(sc)
    w = safe_weights(batch, "cs")[0]
    out = []
    for j in range(len(sc.issues)):
        m = batch.mask[0, :, j]
        wj = w[m, j]
        out.append((batch.positions[0, m, j], 20 + 400 * wj / (wj.max() if wj.max() > 0 else 1.0)))
    return out


def plot_forecasts(
    forecasts: Mapping[str, Forecast], path: str | os.PathLike[str] | None = None, *, backend: str | None = None
) -> Any:
    """One panel per issue: actors' positions (sized by capability x salience), each model's outcome, reversion.

    Args:
        forecasts: model name -> forecast, all of one scenario.
        path: also write the chart here (``.png``, ``.svg`` or ``.html``; the suffix picks the backend).
        backend: ``"matplotlib"`` (default) or ``"plotly"`` when no path is given.

    Returns:
        a :class:`matplotlib.figure.Figure` (made without pyplot) or a plotly ``Figure``.
    """
    kind = figure_backend(path, backend)
    if not forecasts:
        raise BadInput("nothing to plot: no forecasts")
    fig = (_plotly if kind == "plotly" else _matplotlib)(forecasts)
    if path is not None:
        save_figure(fig, path)
    return fig


def _matplotlib(forecasts: Mapping[str, Forecast]) -> Any:
    sc = next(iter(forecasts.values())).scenario
    n_i = len(sc.issues)
    fig = mpl_figure(11, 2.2 * n_i + 1.0)
    axes = fig.subplots(n_i, 1, squeeze=False)[:, 0]
    for j, (ax, it, (x, size)) in enumerate(zip(axes, sc.issues, _actors(sc), strict=True)):
        jitter = np.linspace(-0.25, 0.25, len(x)) if len(x) > 1 else np.zeros(len(x))
        ax.scatter(x, jitter, s=size, alpha=0.45, color="#555555", edgecolors="none", label="actors")
        if it.reversion is not None:
            ax.axvline(it.reversion, color="black", linestyle="--", linewidth=1, label="reversion")
        for k, (name, fc) in enumerate(forecasts.items()):
            if not np.isnan(fc.outcome[j]):
                ax.axvline(fc.outcome[j], color=_COLORS[k % len(_COLORS)], linewidth=2, label=name)
        ax.set_xlim(it.low - 0.02 * it.span, it.high + 0.02 * it.span)
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([])
        ax.set_ylabel(it.title or it.name, fontsize=8, rotation=0, ha="right", va="center", wrap=True)
        if it.formulations:  # named wordings as ticks along the top edge
            top = ax.twiny()
            top.set_xlim(ax.get_xlim())
            items = sorted(it.formulations.items(), key=lambda kv: kv[1])
            top.set_xticks([v for _, v in items])
            top.set_xticklabels([_clip(label, 28) for label, _ in items], fontsize=6, rotation=20, ha="left")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(labels), 8), fontsize=8)
    fig.suptitle(sc.title or sc.name, fontsize=10)
    return fig


def _plotly(forecasts: Mapping[str, Forecast]) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    sc = next(iter(forecasts.values())).scenario
    n_i = len(sc.issues)
    fig = make_subplots(rows=n_i, cols=1, subplot_titles=[it.title or it.name for it in sc.issues])
    for j, (it, (x, size)) in enumerate(zip(sc.issues, _actors(sc), strict=True)):
        row = j + 1
        names = [a.name for a in sc.actors if it.name in a.positions]
        jitter = np.linspace(-0.25, 0.25, len(x)) if len(x) > 1 else np.zeros(len(x))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=jitter,
                mode="markers",
                marker={"size": np.sqrt(size), "color": "#555555", "opacity": 0.45},
                text=names,
                hovertemplate="%{text}: %{x:.3g}<extra></extra>",
                name="actors",
                showlegend=j == 0,
            ),
            row=row,
            col=1,
        )
        lines = [("reversion", it.reversion, "black", "dash")] if it.reversion is not None else []
        lines += [
            (name, float(fc.outcome[j]), _COLORS[k % len(_COLORS)], "solid")
            for k, (name, fc) in enumerate(forecasts.items())
            if not np.isnan(fc.outcome[j])
        ]
        for name, value, colour, dash in lines:
            fig.add_trace(
                go.Scatter(
                    x=[value, value],
                    y=[-0.5, 0.5],
                    mode="lines",
                    line={"color": colour, "dash": dash, "width": 2},
                    name=name,
                    legendgroup=name,
                    showlegend=j == 0,
                    hovertemplate=f"{name}: %{{x:.3g}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
        ticks = sorted(it.formulations.items(), key=lambda kv: kv[1])
        fig.update_xaxes(range=[it.low - 0.02 * it.span, it.high + 0.02 * it.span], row=row, col=1)
        if ticks:
            fig.update_xaxes(
                tickvals=[v for _, v in ticks], ticktext=[_clip(label, 28) for label, _ in ticks], row=row, col=1
            )
        fig.update_yaxes(visible=False, range=[-0.5, 0.5], row=row, col=1)
    fig.update_layout(title=sc.title or sc.name, template="plotly_white", height=220 * n_i + 120)
    return fig
