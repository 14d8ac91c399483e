"""The project's independent test of the shipped models on the held-out half of DEU III (figures only, no data).

The DEU III file is split in two: the calibration half ships with the package (225 issues, 86 proposals); the
other half (55 proposals, 139 issues, 133 with an outcome) is kept by the project and never enters the package,
its tests or its tools. The project scored the shipped models on it once, with the package's own command
``alliance backtest FILE --model all`` (MAE on the issues each model forecasts; paired 95% cluster-bootstrap
interval over proposals against the compromise at the same capability setting), and reported these figures back
(issue 11, "What the independent test found"). They are recorded here so the documentation, the model catalog
and the CLI state one set of numbers; nothing in the package can recompute them.

Pure Python (no NumPy, no pandas): the command line imports it for its help texts.
"""

from __future__ import annotations

__all__ = ["HEADLINE", "HOLDOUT", "HOLDOUT_MAE", "holdout_line"]

#: What the held-out half holds and how it was scored.
HOLDOUT: dict[str, object] = {
    "proposals": 55,
    "issues": 139,
    "with_outcome": 133,
    "command": "alliance backtest FILE --model all",
    "scored_by": "the project (issue 11), once per shipped model",
    "interval": "paired 95% cluster-bootstrap interval over proposals, against the compromise at the same capability",
}

#: model -> capability -> (MAE, difference vs the compromise, interval low, interval high); None where not reported.
HOLDOUT_MAE: dict[str, dict[str, tuple[float, float | None, float | None, float | None]]] = {
    "compromise": {"equal": (23.00, 0.0, None, None), "votes": (23.21, 0.0, None, None),
                   "population": (23.48, 0.0, None, None)},
    "ensemble": {"equal": (23.06, 0.06, -1.86, 2.01), "votes": (23.38, 0.17, -1.52, 1.91),
                 "population": (23.43, -0.04, -1.65, 1.65)},
    "stacked": {"equal": (25.01, 2.01, -0.75, 4.67), "votes": (24.97, None, None, None),
                "population": (25.76, None, None, None)},
    "baseline_mean": {"equal": (23.78, None, None, None)},
    "median": {"equal": (29.23, None, None, None)},
    "eum": {"equal": (31.88, None, None, None)},
    "nash": {"equal": (31.3, None, None, None)},
    "consensus": {"equal": (34.6, None, None, None)},
    "procedural": {"equal": (34.9, None, None, None)},
}  # fmt: skip

#: The one-sentence result every document and help text leads with.
HEADLINE = (
    "On unseen proposals no shipped model beats the compromise: on the held-out half of DEU III (55 proposals, "
    "139 issues, 133 with an outcome; the project's independent test) the compromise scores MAE 23.00 and the "
    "best fitted model, ensemble, 23.06 (+0.06 [-1.86, +2.01])."
)

_WORSE = {"median", "eum", "nash", "consensus", "procedural"}


def holdout_line(model: str) -> str:
    """The independent test's figure for ``model`` in a few words ("" for a model it did not score)."""
    rec = HOLDOUT_MAE.get(model, {}).get("equal")
    if rec is None:
        return ""
    mae, diff, lo, hi = rec
    if model == "compromise":
        return f"hold-out MAE {mae:.2f} (the reference)"
    text = f"hold-out MAE {mae:.2f}"
    if diff is not None and lo is not None and hi is not None:
        text += f" ({diff:+.2f} [{lo:+.2f}, {hi:+.2f}] vs compromise)"
    elif diff is not None:
        text += f" ({diff:+.2f} vs compromise)"
    if model in _WORSE:
        text += ", significantly worse than the compromise"
    return text
