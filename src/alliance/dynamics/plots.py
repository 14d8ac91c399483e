"""Charts of the backtest and of projections: one small panel per ally, one figure.

Figures are matplotlib (Agg, no display needed); :func:`save` writes ``.png``, or ``.html`` (the PNG embedded
in a self-contained page), atomically (temp file in the same directory, then ``os.replace``).
"""

from __future__ import annotations

import base64
import io
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from alliance.dynamics.backtest import BacktestResult
from alliance.dynamics.panel import load_panel
from alliance.dynamics.scenarios import HAGUE_CORE, Projection
from alliance.errors import BadInput
from alliance.io import atomic_write

__all__ = ["plot_backtest", "plot_projection", "save"]

_COLS = 6


def _grid(n: int) -> tuple[Any, list[Any]]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = math.ceil(n / _COLS)
    fig = Figure(figsize=(2.6 * _COLS, 1.9 * rows + 0.8), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, _COLS, sharex=True).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def save(fig: Any, path: str | os.PathLike[str]) -> Path:
    """Write a figure to ``.png`` or ``.html`` atomically; BadInput for another suffix or a missing directory."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".html"):
        raise BadInput(f"plot file {str(target)!r}: the file must end in .png or .html")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise BadInput(f"plot file {str(target)!r}: directory {str(directory)!r} does not exist")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    data = buf.getvalue()
    if suffix == ".html":
        title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else "alliance"
        img = base64.b64encode(data).decode("ascii")
        data = (
            f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><img alt="{title}" src="data:image/png;base64,{img}"></body></html>\n'
        ).encode()
    atomic_write(target, data)
    return target


def plot_backtest(result: BacktestResult, path: str | os.PathLike[str] | None = None) -> Any:
    """Per ally: data, in-sample one-step fit (2015-2021), out-of-sample forecast 2022-2026 with its 5-95%
    band, and the two baselines."""
    panel = load_panel()
    fig, axes = _grid(len(result.iso3))
    yrs = panel.years
    for a, (ax, iso) in enumerate(zip(axes, result.iso3, strict=True)):
        ax.plot(yrs, panel.x[:, a], color="black", lw=1.4, label="data")
        ax.plot(result.fit_years, result.fitted[:, a], color="tab:blue", ls="--", lw=1.1, label="fit (one-step)")
        ax.fill_between(result.test_years, result.band[0][:, a], result.band[1][:, a], color="tab:red", alpha=0.15)
        ax.plot(result.test_years, result.model[:, a], color="tab:red", lw=1.4, label="forecast")
        ax.plot(result.test_years, result.persistence[:, a], color="grey", ls=":", lw=1, label="persistence")
        ax.plot(result.test_years, result.trend[:, a], color="tab:green", ls=":", lw=1, label="trend")
        ax.axvline(result.fit_years[-1] + 0.5, color="grey", lw=0.5)
        mae = result.errors("model")[:, a].mean()
        ax.set_title(f"{iso}  MAE {mae:.2f}", fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=6, loc="upper left")
    s = result.mae()
    fig.suptitle(
        f"Backtest: fit 2014-2021, forecast 2022-2026 (% of GDP). MAE model {s['model']:.2f}, "
        f"persistence {s['persistence']:.2f}, trend {s['trend']:.2f} pp"
    )
    if path is not None:
        save(fig, path)
    return fig


def plot_projection(proj: Projection, path: str | os.PathLike[str] | None = None) -> Any:
    """Per ally: the record 2014-2026 and the projection's median with its 5-95% band; 3.5% marked."""
    panel = load_panel()
    fig, axes = _grid(len(proj.iso3))
    q = np.percentile(proj.paths, [5, 50, 95], axis=1)
    for a, (ax, iso) in enumerate(zip(axes, proj.iso3, strict=True)):
        ax.plot(panel.years, panel.x[:, a], color="black", lw=1.4)
        ax.fill_between(proj.years, q[0][:, a], q[2][:, a], color="tab:blue", alpha=0.2)
        ax.plot(proj.years, q[1][:, a], color="tab:blue", lw=1.4)
        ax.axhline(HAGUE_CORE, color="tab:red", lw=0.7, ls="--")
        ax.set_title(iso, fontsize=9)
        ax.tick_params(labelsize=7)
    fig.suptitle(
        f"Scenario {proj.scenario.name} ({proj.method}, {proj.paths.shape[1]} runs): % of GDP, median and 5-95% band"
    )
    if path is not None:
        save(fig, path)
    return fig
