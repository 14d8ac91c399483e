"""The sweep chart: per issue, each model's probability of every formulation (and of no agreement), stacked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from alliance.sweep.result import SweepResult

__all__ = ["sweep_figure"]

_DEADLOCK_COLOUR = "#555555"


def _table(res: SweepResult, issue: str) -> tuple[list[str], list[str], np.ndarray]:
    """``(bars, labels, p[bar, label])``: the synthesis first, then the models."""
    f = res.formulations[res.formulations["issue"] == issue]
    labels = list(dict.fromkeys(f["formulation"]))
    models = list(dict.fromkeys(f["model"]))
    p = f.pivot_table(index="model", columns="formulation", values="p", sort=False).reindex(
        index=models, columns=labels
    )
    s = res.synthesis[res.synthesis["issue"] == issue].set_index("formulation")["p"].reindex(labels)
    bars = ["synthesis", *models]
    return bars, labels, np.vstack([s.to_numpy(dtype=float), p.to_numpy(dtype=float)])


def _colours(labels: list[str]) -> list[str]:
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"]
    named = [lab for lab in labels if lab != "no agreement"]
    colours = {lab: mpl.colors.to_hex(cmap(k / max(1, len(named) - 1))) for k, lab in enumerate(named)}
    return [colours.get(lab, _DEADLOCK_COLOUR) for lab in labels]


def _short(label: str, n: int = 48) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def sweep_figure(res: SweepResult, backend: str = "matplotlib") -> Any:
    """The chart (module docstring) as a matplotlib or plotly figure."""
    issues = list(dict.fromkeys(res.formulations["issue"]))
    if backend == "plotly":
        return _plotly(res, issues)
    from alliance.io import mpl_figure

    fig = mpl_figure(11, 2.2 + 2.6 * len(issues))
    axes = fig.subplots(len(issues), 1, squeeze=False)[:, 0]
    for ax, issue in zip(axes, issues, strict=True):
        bars, labels, p = _table(res, issue)
        colours = _colours(labels)
        left = np.zeros(len(bars))
        for k, lab in enumerate(labels):
            vals = np.nan_to_num(p[:, k])
            ax.barh(bars, vals, left=left, color=colours[k], label=_short(lab), edgecolor="white", linewidth=0.5)
            left += vals
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(issue, loc="left", fontsize=10)
        ax.tick_params(labelsize=8)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    axes[-1].set_xlabel("probability (share of runs)")
    fig.suptitle(res.title, fontsize=11)
    return fig


def _plotly(res: SweepResult, issues: list[str]) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=len(issues), cols=1, subplot_titles=issues, vertical_spacing=0.08)
    for r, issue in enumerate(issues, start=1):
        bars, labels, p = _table(res, issue)
        for k, (lab, colour) in enumerate(zip(labels, _colours(labels), strict=True)):
            fig.add_trace(
                go.Bar(
                    y=bars,
                    x=np.nan_to_num(p[:, k]),
                    name=_short(lab),
                    orientation="h",
                    marker_color=colour,
                    legendgroup=issue,
                    hovertemplate=f"{lab}: %{{x:.3f}}<extra>%{{y}}</extra>",
                ),  # fmt: skip
                row=r,
                col=1,
            )
    fig.update_layout(barmode="stack", title=res.title, height=260 * len(issues) + 120)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(range=[0, 1])
    return fig
