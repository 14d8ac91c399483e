"""Charts of the burden-sharing analytics: the spending ranking against targets, the burden-share scatter, the
Olson-Zeckhauser rho per year and the Hague path.

Each ``plot_*`` function takes the DataFrame of the matching :mod:`alliance.spending` function and returns the
figure object: a :class:`matplotlib.figure.Figure` (Agg canvas, no pyplot global state) or a plotly ``Figure``.
With ``path`` the backend follows the suffix (``.png``/``.svg`` -> matplotlib, ``.html`` -> plotly with plotly.js
embedded, so the file works offline) and :func:`alliance.io.save_figure` writes it atomically. Nothing is fetched.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from alliance import data
from alliance.io import add_source_line, figure_backend, mpl_figure, save_figure

__all__ = [
    "plot_burden_shares",
    "plot_compare_editions",
    "plot_europe_vs_russia",
    "plot_hague_path",
    "plot_measures",
    "plot_olson_zeckhauser",
    "plot_path2035",
    "plot_ranking",
    "plot_series",
]

_TARGET_COLOURS = {2.0: "#7f7f7f", 3.5: "#d62728", 5.0: "#1f77b4"}


def _finish(fig: Any, path: str | os.PathLike[str] | None, source: str = "") -> Any:
    add_source_line(fig, source)
    if path is not None:
        save_figure(fig, path)
    return fig


def _source(frame: pd.DataFrame) -> str:
    """NATO's attribution for the edition the table records (``attrs["edition"]``); a SIPRI table names its
    release (``attrs["sipri_release"]``)."""
    a = frame.attrs
    edition = a.get("edition")
    return data.source_line(edition if isinstance(edition, int) else None, a.get("sipri_release"))


def _label(frame: pd.DataFrame) -> str:
    year = frame.attrs.get("year", frame["year"].iloc[0] if "year" in frame and len(frame) else "")
    return f"{year}, NATO edition {frame.attrs.get('edition', '')}"


def plot_ranking(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    targets: Sequence[float] = (2.0, 3.5, 5.0),
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """Bars of each ally's share of GDP, highest first, with lines at the targets (2%, 3.5%, 5%).

    Args:
        frame: a table with ``iso3`` and ``pct_gdp`` (from :func:`alliance.spending.ranking`,
            :func:`~alliance.spending.meets_target` or :func:`~alliance.spending.gap_to_target`; total rows are
            dropped).
        path: write the chart here (``.png``, ``.svg`` or ``.html``); the suffix picks the backend.
        backend: ``"matplotlib"`` or ``"plotly"`` when ``path`` is None (default matplotlib).
    """
    kind = figure_backend(path, backend)
    df = frame[~frame["is_total"]] if "is_total" in frame else frame
    df = df.sort_values("pct_gdp", ascending=False)
    est = df["is_estimate"].astype(bool) if "is_estimate" in df else pd.Series(False, index=df.index)
    title = title or f"Defence expenditure, % of GDP, {_label(frame)}"
    colours = ["#9ecae1" if e else "#3182bd" for e in est]
    if kind == "plotly":
        import plotly.graph_objects as go

        fig = go.Figure(go.Bar(x=df["iso3"].astype(str), y=df["pct_gdp"], marker_color=colours, name="% of GDP"))
        for t in targets:
            fig.add_hline(
                y=t, line_dash="dash", line_color=_TARGET_COLOURS.get(float(t), "black"), annotation_text=f"{t:g}%"
            )
        fig.update_layout(title=title, yaxis_title="% of GDP (light: estimate)", template="plotly_white")
        return _finish(fig, path, _source(frame))
    fig = mpl_figure(11, 4.8)
    ax = fig.add_subplot()
    ax.bar(df["iso3"].astype(str), df["pct_gdp"], color=colours)
    for t in targets:
        ax.axhline(float(t), ls="--", lw=1, color=_TARGET_COLOURS.get(float(t), "black"), label=f"{t:g}% target")
    ax.set_ylabel("% of GDP (light bars: estimates)")
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    ax.legend(loc="upper right", frameon=False)
    return _finish(fig, path, _source(frame))


def plot_burden_shares(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """Scatter of each ally's share of alliance GDP (x) against its share of alliance defence spending (y), log
    scales, with the 45-degree line: allies above it carry more than their economic weight.

    Args:
        frame: the table of :func:`alliance.spending.burden_shares`.
    """
    kind = figure_backend(path, backend)
    df = frame
    title = title or f"Burden shares ({frame.attrs.get('prices', 'current')} USD), {_label(frame)}"
    lo = float(min(df["gdp_share_pct"].min(), df["spending_share_pct"].min())) * 0.7
    hi = float(max(df["gdp_share_pct"].max(), df["spending_share_pct"].max())) * 1.4
    if kind == "plotly":
        import plotly.graph_objects as go

        fig = go.Figure()
        fig.add_trace(
            go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", line={"dash": "dash", "color": "grey"}, name="45° line")
        )
        fig.add_trace(
            go.Scatter(
                x=df["gdp_share_pct"],
                y=df["spending_share_pct"],
                mode="markers+text",
                text=df["iso3"].astype(str),
                textposition="top center",
                name="allies",
            )
        )
        fig.update_xaxes(type="log", title="share of alliance GDP, %")
        fig.update_yaxes(type="log", title="share of alliance defence spending, %")
        fig.update_layout(title=title, template="plotly_white")
        return _finish(fig, path, _source(frame))
    fig = mpl_figure(7.5, 7)
    ax = fig.add_subplot()
    ax.plot([lo, hi], [lo, hi], ls="--", color="grey", lw=1, label="45° line (spending share = GDP share)")
    ax.scatter(df["gdp_share_pct"], df["spending_share_pct"], s=18, color="#3182bd")
    for code, x, y in zip(df["iso3"].astype(str), df["gdp_share_pct"], df["spending_share_pct"], strict=True):
        ax.annotate(code, (x, y), fontsize=7, xytext=(3, 2), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("share of alliance GDP, % (log)")
    ax.set_ylabel("share of alliance defence spending, % (log)")
    ax.set_title(title)
    ax.legend(loc="upper left", frameon=False)
    return _finish(fig, path, _source(frame))


def plot_olson_zeckhauser(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """Spearman's rho per year (filled markers: significant at the table's alpha), with the zero line.

    Args:
        frame: the table of :func:`alliance.spending.olson_zeckhauser`.
    """
    kind = figure_backend(path, backend)
    df = frame.sort_values("year")
    sig = df["significant"].astype(bool)
    trend = frame.attrs.get("trend", {})
    slope = trend.get("slope_per_year", float("nan"))
    title = title or (
        f"Olson-Zeckhauser: rank correlation of GDP and % of GDP on defence (NATO edition {frame.attrs.get('edition', '')}); "
        f"slope {slope:+.3f}/year"
    )
    if kind == "plotly":
        import plotly.graph_objects as go

        fig = go.Figure()
        fig.add_trace(go.Scatter(x=df["year"], y=df["rho"], mode="lines", line={"color": "#3182bd"}, name="rho"))
        for mask, name, symbol in (
            (sig, f"p < {frame.attrs.get('alpha', 0.05)}", "circle"),
            (~sig, "not significant", "circle-open"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=df.loc[mask, "year"],
                    y=df.loc[mask, "rho"],
                    mode="markers",
                    marker={"symbol": symbol, "size": 9, "color": "#3182bd"},
                    name=name,
                    customdata=df.loc[mask, ["p_value", "n"]],
                    hovertemplate="%{x}: rho %{y:.3f}, p %{customdata[0]:.3f}, n %{customdata[1]}",
                )
            )
        fig.add_hline(y=0, line_color="grey")
        fig.update_layout(title=title, yaxis_title="Spearman rho", yaxis_range=[-1, 1], template="plotly_white")
        return _finish(fig, path, _source(frame))
    fig = mpl_figure(9, 4.5)
    ax = fig.add_subplot()
    ax.plot(df["year"], df["rho"], color="#3182bd", lw=1)
    ax.scatter(
        df.loc[sig, "year"],
        df.loc[sig, "rho"],
        color="#3182bd",
        zorder=3,
        label=f"p < {frame.attrs.get('alpha', 0.05)}",
    )
    ax.scatter(
        df.loc[~sig, "year"],
        df.loc[~sig, "rho"],
        facecolors="white",
        edgecolors="#3182bd",
        zorder=3,
        label="not significant",
    )
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylim(-1, 1)
    ax.set_ylabel("Spearman rho (size vs burden)")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper right", frameon=False)
    return _finish(fig, path, _source(frame))


def plot_hague_path(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """Per ally: real spending growth needed for the core and total Hague targets against the recent trend.

    Args:
        frame: the table of :func:`alliance.spending.hague_path`.
    """
    kind = figure_backend(path, backend)
    df = frame.sort_values("needed_growth_core_pct", ascending=False)
    a = frame.attrs
    title = title or (
        f"Real growth a year needed for {a.get('core_target', 3.5):g}% / {a.get('total_target', 5.0):g}% of GDP by "
        f"{a.get('by', 2035)} vs trend {a.get('trend_window', ('', ''))[0]}-{a.get('base_year', '')} (NATO edition {a.get('edition', '')})"
    )
    series = [
        ("needed_growth_core_pct", "needed: core", "#d62728"),
        ("needed_growth_total_pct", "needed: core + related", "#ff9896"),
        ("trend_growth_pct", "recent trend", "#3182bd"),
    ]
    codes = df["iso3"].astype(str)
    if kind == "plotly":
        import plotly.graph_objects as go

        fig = go.Figure([go.Bar(x=codes, y=df[col], name=name, marker_color=c) for col, name, c in series])
        fig.update_layout(title=title, barmode="group", yaxis_title="% a year (real)", template="plotly_white")
        return _finish(fig, path, _source(frame))
    import numpy as np

    fig = mpl_figure(12, 5)
    ax = fig.add_subplot()
    x = np.arange(len(df))
    for i, (col, name, c) in enumerate(series):
        ax.bar(x + (i - 1) * 0.28, df[col], width=0.28, label=name, color=c)
    ax.set_xticks(x, codes, rotation=90, fontsize=8)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylabel("% a year (real)")
    ax.set_title(title, fontsize=9)
    ax.legend(frameon=False)
    return _finish(fig, path, _source(frame))


def plot_path2035(
    scenarios: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """Stacked bars per 2035 scenario: US and Europe+Canada spending, USD billion at constant 2021 prices.

    Args:
        scenarios: the scenario table of :func:`alliance.spending.scenario_2035` (``Path2035.scenarios``).
    """
    kind = figure_backend(path, backend)
    a = scenarios.attrs
    title = title or (
        f"Alliance defence spending in {a.get('by', 2035)} at {a.get('target', 3.5):g}% of GDP "
        f"(from {a.get('base_year', '')}, NATO edition {a.get('edition', '')}), USD bn constant 2021"
    )
    names = scenarios["scenario"].astype(str).tolist()
    parts = [
        ("us_usd_constant2021_million", "United States", "#3182bd"),
        ("europe_canada_usd_constant2021_million", "Europe and Canada", "#9ecae1"),
    ]
    if kind == "plotly":
        import plotly.graph_objects as go

        bars = [go.Bar(x=names, y=scenarios[col] / 1000.0, name=label, marker_color=c) for col, label, c in parts]
        fig = go.Figure(bars)
        fig.update_layout(title=title, barmode="stack", yaxis_title="USD bn (constant 2021)", template="plotly_white")
        return _finish(fig, path, _source(scenarios))
    fig = mpl_figure(8, 4.5)
    ax = fig.add_subplot()
    bottom = None
    for col, label, c in parts:
        values = scenarios[col].to_numpy(dtype=float) / 1000.0
        ax.bar(names, values, bottom=bottom, label=label, color=c)
        bottom = values if bottom is None else bottom + values
    ax.set_ylabel("USD bn (constant 2021)")
    ax.set_title(title, fontsize=9)
    ax.legend(frameon=False)
    return _finish(fig, path, _source(scenarios))


def plot_compare_editions(
    comparison: Any,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """One marker per ally and edition: share of GDP in the year compared, with the target line.

    Args:
        comparison: an :class:`alliance.spending.editions.EditionComparison`.
    """
    kind = figure_backend(path, backend)
    df = comparison.allies
    editions = [int(c.removeprefix("pct_gdp_ed")) for c in df.columns if c.startswith("pct_gdp_ed")]
    title = title or f"Defence expenditure in {comparison.year}, % of GDP, by NATO edition"
    source = data.source_line(editions)
    order = df.sort_values(f"pct_gdp_ed{editions[-1]}", ascending=False)
    codes = order["iso3"].astype(str)
    markers = {2024: "s", 2025: "o", 2026: "D"}
    if kind == "plotly":
        import plotly.graph_objects as go

        fig = go.Figure(
            [go.Scatter(x=codes, y=order[f"pct_gdp_ed{ed}"], mode="markers", name=f"edition {ed}") for ed in editions]
        )
        fig.add_hline(y=comparison.target, line_dash="dash", line_color="grey")
        fig.update_layout(title=title, yaxis_title="% of GDP (each edition's definition)", template="plotly_white")
        return _finish(fig, path, source)
    fig = mpl_figure(11, 4.8)
    ax = fig.add_subplot()
    for ed in editions:
        ax.scatter(codes, order[f"pct_gdp_ed{ed}"], marker=markers.get(ed, "o"), s=22, label=f"edition {ed}")
    ax.axhline(comparison.target, ls="--", lw=1, color="grey", label=f"{comparison.target:g}% target")
    ax.set_ylabel("% of GDP (each edition's definition)")
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    ax.legend(frameon=False)
    return _finish(fig, path, source)


def plot_measures(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """Left: spending per head (USD, constant 2021). Right: equipment share of spending against NATO's 20%.

    Args:
        frame: the table of :func:`alliance.spending.standard`.
    """
    kind = figure_backend(path, backend)
    per_head = frame.sort_values("spending_per_capita_usd_constant2021", ascending=False)
    equip = frame.sort_values("equipment_share_pct", ascending=False)
    title = title or f"Standard measures, {_label(frame)}"
    if kind == "plotly":
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=("spending per head, USD (2021)", "equipment share, %"))
        fig.add_bar(x=per_head["iso3"], y=per_head["spending_per_capita_usd_constant2021"], row=1, col=1)
        fig.add_bar(x=equip["iso3"], y=equip["equipment_share_pct"], row=1, col=2)
        fig.add_hline(y=20, line_dash="dash", line_color="#d62728", row=1, col=2)
        fig.update_layout(title=title, template="plotly_white", showlegend=False)
        return _finish(fig, path, _source(frame))
    fig = mpl_figure(13, 4.6)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.bar(per_head["iso3"].astype(str), per_head["spending_per_capita_usd_constant2021"], color="#3182bd")
    ax1.set_ylabel("defence spending per head, USD (constant 2021)")
    ax2.bar(equip["iso3"].astype(str), equip["equipment_share_pct"], color="#9ecae1")
    ax2.axhline(20, ls="--", lw=1, color="#d62728", label="NATO guideline 20%")
    ax2.set_ylabel("equipment, % of defence spending")
    ax2.legend(frameon=False)
    for ax in (ax1, ax2):
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    fig.suptitle(title, fontsize=10)
    return _finish(fig, path, _source(frame))


def plot_series(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """One ally over time: share of GDP (with 2% and 3.5%) and spending in USD at constant 2021 prices.

    Args:
        frame: the table of :func:`alliance.spending.series`.
    """
    kind = figure_backend(path, backend)
    a = frame.attrs
    title = title or f"{a.get('country', '')}: defence expenditure, NATO edition {a.get('edition', '')}"
    years = frame["year"]
    if kind == "plotly":
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=("% of GDP", "USD million, constant 2021"))
        fig.add_scatter(x=years, y=frame["pct_gdp"], mode="lines+markers", row=1, col=1, name="% of GDP")
        for t in (2.0, 3.5):
            fig.add_hline(y=t, line_dash="dash", line_color=_TARGET_COLOURS[t], row=1, col=1)
        fig.add_bar(x=years, y=frame["spending_usd_constant2021_million"], row=1, col=2, name="USD m (2021)")
        fig.update_layout(title=title, template="plotly_white", showlegend=False)
        return _finish(fig, path, _source(frame))
    fig = mpl_figure(11, 4.2)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(years, frame["pct_gdp"], marker="o", color="#3182bd")
    for t in (2.0, 3.5):
        ax1.axhline(t, ls="--", lw=1, color=_TARGET_COLOURS[t], label=f"{t:g}%")
    ax1.set_ylabel("% of GDP")
    ax1.legend(frameon=False)
    est = frame["is_estimate"].astype(bool).to_numpy()
    colours = ["#9ecae1" if e else "#3182bd" for e in est]
    ax2.bar(years, frame["spending_usd_constant2021_million"], color=colours)
    ax2.set_ylabel("USD million, constant 2021 (light: estimate)")
    fig.suptitle(title, fontsize=10)
    return _finish(fig, path, _source(frame))


def plot_europe_vs_russia(
    frame: pd.DataFrame,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    backend: str | None = None,
) -> Any:
    """European allies and Canada against Russia (SIPRI): constant USD and share of GDP per year.

    Args:
        frame: the table of :func:`alliance.spending.europe_vs_russia`.
    """
    kind = figure_backend(path, backend)
    a = frame.attrs
    base = a.get("constant_price_base", "")
    const = [c for c in frame.columns if c.startswith("europe_canada_usd_constant")][0]
    rus = const.replace("europe_canada", "russia")
    title = title or f"European allies and Canada vs Russia (SIPRI, {a.get('release_label', '')})"
    years = frame["year"]
    if kind == "plotly":
        from plotly.subplots import make_subplots

        fig = make_subplots(rows=1, cols=2, subplot_titles=(f"USD bn, constant {base}", "% of GDP"))
        for col, name in ((const, "Europe and Canada"), (rus, "Russia")):
            fig.add_scatter(x=years, y=frame[col] / 1000, mode="lines+markers", name=name, row=1, col=1)
        for col, name in (("europe_canada_share_gdp_pct", "Europe and Canada"), ("russia_share_gdp_pct", "Russia")):
            fig.add_scatter(x=years, y=frame[col], mode="lines+markers", name=name, row=1, col=2)
        fig.update_layout(title=title, template="plotly_white")
        return _finish(fig, path, _source(frame))
    fig = mpl_figure(11, 4.2)
    ax1, ax2 = fig.subplots(1, 2)
    for col, name, c in ((const, "Europe and Canada", "#3182bd"), (rus, "Russia", "#d62728")):
        ax1.plot(years, frame[col] / 1000, marker="o", color=c, label=name)
    ax1.set_ylabel(f"military expenditure, USD bn (constant {base})")
    ax1.legend(frameon=False)
    for col, name, c in (
        ("europe_canada_share_gdp_pct", "Europe and Canada", "#3182bd"),
        ("russia_share_gdp_pct", "Russia", "#d62728"),
    ):
        ax2.plot(years, frame[col], marker="o", color=c, label=name)
    ax2.set_ylabel("% of GDP (SIPRI definition)")
    fig.suptitle(title, fontsize=10)
    return _finish(fig, path, _source(frame))
