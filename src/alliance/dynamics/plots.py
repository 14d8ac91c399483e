"""Charts of the simulation backtest and of projections: one small panel per ally, one figure.

Each function returns a new figure: matplotlib (Agg, no display needed) or plotly (``backend="plotly"``, for the
interactive ``.html`` page). The result objects call them from ``plot(path)``, which writes the file with
:func:`alliance.io.save_figure`. This module imports no other module of the simulation at run time (results are
passed in), so the results can import it lazily without a cycle.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.dynamics.drivers import HAGUE
from alliance.dynamics.panel import load_panel
from alliance.io import mpl_figure

if TYPE_CHECKING:
    from alliance.dynamics.projection import Projection
    from alliance.dynamics.target_odds import Compliance
    from alliance.dynamics.validation import SimulationBacktest

__all__ = ["backtest_figure", "compliance_figure", "projection_figure", "scenarios_figure"]

_COLS = 6


@dataclass(frozen=True)
class _Line:
    """One series drawn in every ally's panel: ``(years,)`` x and ``(years, allies)`` y."""

    x: np.ndarray
    y: np.ndarray
    label: str
    colour: str
    dash: str = "solid"  # solid | dash | dot
    width: float = 1.4


@dataclass(frozen=True)
class _Band:
    x: np.ndarray
    low: np.ndarray
    high: np.ndarray
    colour: str
    opacity: float


_MPL_DASH = {"solid": "-", "dash": "--", "dot": ":"}


def _panels(
    titles: Sequence[str],
    lines: Sequence[_Line],
    bands: Sequence[_Band],
    title: str,
    backend: str,
    *,
    hline: float | None = None,
    vline: float | None = None,
) -> Any:
    """Small multiples, one panel per ally, in either backend."""
    n = len(titles)
    rows = math.ceil(n / _COLS)
    if backend == "plotly":
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=rows, cols=_COLS, subplot_titles=list(titles), shared_xaxes=True)
        traces, where = [], []
        for a in range(n):
            cell = (a // _COLS + 1, a % _COLS + 1)
            for b in bands:
                x, y = np.r_[b.x, b.x[::-1]], np.r_[b.low[:, a], b.high[::-1, a]]
                band = go.Scatter(x=x, y=y, fill="toself", fillcolor=b.colour, opacity=b.opacity, line={"width": 0})
                traces.append(band.update(hoverinfo="skip", showlegend=False))
                where.append(cell)
            for ln in lines:
                style = {"color": ln.colour, "dash": ln.dash, "width": ln.width}
                show = a == 0 and bool(ln.label)
                traces.append(
                    go.Scatter(x=ln.x, y=ln.y[:, a], mode="lines", name=ln.label, legendgroup=ln.label, line=style)
                )
                traces[-1].showlegend = show
                where.append(cell)
            # reference lines as traces: add_hline/add_vline per panel is slow for 32 panels
            span = [ln.x.min() for ln in lines], [ln.x.max() for ln in lines]
            if hline is not None:
                ref = {"color": "#d62728", "width": 0.7, "dash": "dash"}
                traces.append(go.Scatter(x=[min(span[0]), max(span[1])], y=[hline] * 2, mode="lines", line=ref))
                traces[-1].update(hoverinfo="skip", showlegend=False)
                where.append(cell)
            if vline is not None:
                lo = min(float(np.nanmin(ln.y[:, a])) for ln in lines)
                hi = max(float(np.nanmax(ln.y[:, a])) for ln in lines)
                ref = {"color": "#808080", "width": 0.5}
                traces.append(go.Scatter(x=[vline, vline], y=[lo, hi], mode="lines", line=ref))
                traces[-1].update(hoverinfo="skip", showlegend=False)
                where.append(cell)
        fig.add_traces(traces, rows=[r for r, _ in where], cols=[c for _, c in where])
        fig.update_layout(title=title, template="plotly_white", height=190 * rows + 120)
        return fig
    fig = mpl_figure(2.6 * _COLS, 1.9 * rows + 0.8)
    axes = fig.subplots(rows, _COLS, sharex=True).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    for a, (ax, panel_title) in enumerate(zip(axes, titles, strict=False)):
        for b in bands:
            ax.fill_between(b.x, b.low[:, a], b.high[:, a], color=b.colour, alpha=b.opacity)
        for ln in lines:
            ax.plot(ln.x, ln.y[:, a], color=ln.colour, ls=_MPL_DASH[ln.dash], lw=ln.width, label=ln.label or None)
        if hline is not None:
            ax.axhline(hline, color="#d62728", lw=0.7, ls="--")
        if vline is not None:
            ax.axvline(vline, color="#808080", lw=0.5)
        ax.set_title(panel_title, fontsize=9)
        ax.tick_params(labelsize=7)
    if any(ln.label for ln in lines):
        axes[0].legend(fontsize=6, loc="upper left")
    fig.suptitle(title)
    return fig


def backtest_figure(result: SimulationBacktest, backend: str = "matplotlib") -> Any:
    """Per ally: data, in-sample one-step fit (2015-2021), out-of-sample forecast 2022-2026 with its 5-95%
    band, and the two baselines; the panel title gives the model's MAE."""
    panel = load_panel()
    lines = [
        _Line(panel.years, panel.x, "data", "#000000"),
        _Line(result.fit_years, result.fitted, "fit (one-step)", "#1f77b4", "dash", 1.1),
        _Line(result.test_years, result.model, "forecast", "#d62728"),
        _Line(result.test_years, result.persistence, "persistence", "#808080", "dot", 1.0),
        _Line(result.test_years, result.trend, "trend", "#2ca02c", "dot", 1.0),
    ]
    bands = [_Band(result.test_years, result.band[0], result.band[1], "#d62728", 0.15)]
    mae = result.errors("model").mean(axis=0)
    titles = [f"{iso}  MAE {m:.2f}" for iso, m in zip(result.iso3, mae, strict=True)]
    s = result.mae()
    title = (
        f"Backtest: fit 2014-2021, forecast 2022-2026 (% of GDP). MAE model {s['model']:.2f}, "
        f"persistence {s['persistence']:.2f}, trend {s['trend']:.2f} pp"
    )
    return _panels(titles, lines, bands, title, backend, vline=float(result.fit_years[-1]) + 0.5)


def projection_figure(proj: Projection, backend: str = "matplotlib") -> Any:
    """Per ally: the record 2014-2026 and the projection's median with its 5-95% band; 3.5% marked."""
    panel = load_panel()
    q = np.percentile(proj.paths, [5, 50, 95], axis=1)
    lines = [_Line(panel.years, panel.x, "", "#000000"), _Line(proj.years, q[1], "", "#1f77b4")]
    bands = [_Band(proj.years, q[0], q[2], "#1f77b4", 0.2)]
    title = (
        f"Scenario {proj.scenario.name} ({proj.method}, {proj.paths.shape[1]} runs): % of GDP, median and 5-95% band"
    )
    return _panels(list(proj.iso3), lines, bands, title, backend, hline=HAGUE[0])


def compliance_figure(res: Compliance, backend: str = "matplotlib") -> Any:
    """Left: P(reaching the target by ``by``) per ally. Right: P(at least k allies comply) against k."""
    a, k = res.allies, res.at_least
    title = res.title
    if backend == "plotly":
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=("P(reaching it) per ally", "P(at least k allies comply)"))
        fig.add_bar(x=a["iso3"], y=a["p_reach"], row=1, col=1, name="P(reach)")
        fig.add_scatter(x=k["k"], y=k["p_at_least_k"], mode="lines+markers", row=1, col=2, name="P(at least k)")
        fig.update_layout(title=title, template="plotly_white", showlegend=False)
        return fig
    fig = mpl_figure(12, 4.6)
    ax1, ax2 = fig.subplots(1, 2, width_ratios=[2, 1])
    ax1.bar(a["iso3"], a["p_reach"], color="#3182bd")
    ax1.set_ylim(0, 1)
    ax1.set_ylabel(f"P(at least {res.target:g}% of GDP in {res.by})")
    ax1.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax2.step(k["k"], k["p_at_least_k"], where="mid", color="#d62728")
    ax2.set_xlabel("k allies")
    ax2.set_ylabel("P(at least k comply)")
    ax2.set_ylim(0, 1.02)
    fig.suptitle(title, fontsize=10)
    return fig


def scenarios_figure(table: Any, backend: str = "matplotlib") -> Any:
    """Scenarios side by side: allies at 3.5% in the last year and the alliance total, medians with 5-95% bands."""
    names = table["scenario"].astype(str).tolist()
    count = table["meet_3_5_p50"].to_numpy(dtype=float)
    c_err = np.vstack([count - table["meet_3_5_p05"].to_numpy(dtype=float), table["meet_3_5_p95"] - count])
    total = table["total_usd_bn_p50"].to_numpy(dtype=float)
    t_err = np.vstack([total - table["total_usd_bn_p05"].to_numpy(dtype=float), table["total_usd_bn_p95"] - total])
    year = int(table["year"].iloc[0])
    title = f"Scenarios in {year}: medians with 5-95% bands"
    if backend == "plotly":
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=("allies at 3.5% of GDP", "total, USD bn (constant 2021)"))
        fig.add_bar(x=names, y=count, error_y={"type": "data", "array": c_err[1], "arrayminus": c_err[0]}, row=1, col=1)
        fig.add_bar(x=names, y=total, error_y={"type": "data", "array": t_err[1], "arrayminus": t_err[0]}, row=1, col=2)
        fig.update_layout(title=title, template="plotly_white", showlegend=False)
        return fig
    fig = mpl_figure(11, 4.2)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.bar(names, count, yerr=c_err, color="#3182bd", capsize=3)
    ax1.set_ylabel("allies at 3.5% of GDP")
    ax2.bar(names, total, yerr=t_err, color="#9ecae1", capsize=3)
    ax2.set_ylabel("alliance total, USD bn (constant 2021)")
    for ax in (ax1, ax2):
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.suptitle(title, fontsize=10)
    return fig
