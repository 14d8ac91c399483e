"""Charts of negotiation forecasts: each issue's scale with the actors, the reversion point and every model's
outcome; written atomically as .png, .svg or .html."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.errors import BadInput
from alliance.io import atomic_write
from alliance.negotiation.models.batch import batch_from_scenario, safe_weights

if TYPE_CHECKING:
    from alliance.negotiation.forecast import Forecast

__all__ = ["plot_forecasts", "save_plot"]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _html(text: str) -> str:
    import html

    return html.escape(text)


def plot_forecasts(forecasts: Mapping[str, Forecast]) -> Any:
    """One panel per issue: actors' positions (sized by capability x salience), each model's outcome, reversion.

    Returns:
        a :class:`matplotlib.figure.Figure` (created without pyplot, so no global state changes).
    """
    from matplotlib.figure import Figure

    if not forecasts:
        raise BadInput("nothing to plot: no forecasts")
    first = next(iter(forecasts.values()))
    sc = first.scenario
    batch = batch_from_scenario(sc)
    w = safe_weights(batch, "cs")[0]
    n_i = len(sc.issues)
    fig = Figure(figsize=(11, 2.2 * n_i + 1.0), layout="constrained")
    axes = fig.subplots(n_i, 1, squeeze=False)[:, 0]
    colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    for j, (ax, it) in enumerate(zip(axes, sc.issues, strict=True)):
        m = batch.mask[0, :, j]
        x = batch.positions[0, m, j]
        wj = w[m, j]
        size = 20 + 400 * wj / (wj.max() if wj.max() > 0 else 1.0)
        jitter = np.linspace(-0.25, 0.25, len(x)) if len(x) > 1 else np.zeros(len(x))
        ax.scatter(x, jitter, s=size, alpha=0.45, color="#555555", edgecolors="none", label="actors")
        if it.reversion is not None:
            ax.axvline(it.reversion, color="black", linestyle="--", linewidth=1, label="reversion")
        for k, (name, fc) in enumerate(forecasts.items()):
            oj = fc.outcome[j]
            if not np.isnan(oj):
                ax.axvline(oj, color=colors[k % len(colors)], linewidth=2, label=name)
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


def save_plot(forecasts: Mapping[str, Forecast], path: str | Path) -> Path:
    """Write :func:`plot_forecasts` to ``path`` (.png, .svg or .html with the SVG inline), atomically."""
    import io

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".png", ".svg", ".html"):
        raise BadInput(f"plot file {str(p)!r}: the file must end in .png, .svg or .html")
    if not p.parent.exists():
        raise BadInput(f"plot file {str(p)!r}: folder {str(p.parent)!r} does not exist")
    fig = plot_forecasts(forecasts)
    buf = io.BytesIO()
    fig.savefig(buf, format="png" if suffix == ".png" else "svg", dpi=130)
    payload = buf.getvalue()
    if suffix == ".html":
        first = next(iter(forecasts.values()))
        title = _html(first.scenario.title or first.scenario.name)
        body = payload.decode("utf-8")
        body = body[body.find("<svg") :]
        payload = (
            f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body>\n{body}\n</body></html>\n"
        ).encode()
    atomic_write(p, payload)
    return p
