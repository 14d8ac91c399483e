"""One line per registered model: what it does and what the project's independent test found for it.

The descriptions lead with the held-out result (:mod:`alliance.negotiation.holdout`): on unseen DEU proposals no
shipped model beats the compromise. ``alliance negotiate models`` prints this catalog; the ``--model`` help texts
point to it. Pure Python apart from :func:`model_catalog`, which returns a DataFrame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance.negotiation.holdout import HEADLINE, holdout_line

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MODEL_SUMMARIES", "model_catalog"]

#: Model name -> one-line description (what it computes; for fitted models, what the parameters were fitted on).
MODEL_SUMMARIES: dict[str, str] = {
    "compromise": "capability x salience weighted mean of the positions (Achen 2006); no parameters",
    "median": "capability x salience weighted median (Black 1948); no parameters",
    "nash": "asymmetric Nash bargaining over the win-set of the reversion point; needs a reversion point",
    "eum": "Bueno de Mesquita's expected utility model (Scholz et al. 2011 reading); weighted median after rounds",
    "consensus": "win-set of the reversion point (Tsebelis) and the chair's proposal in it; needs a reversion point",
    "exchange": "Stokman & Van Oosten equal-gain exchanges across issues (the compromise on one-issue scenarios)",
    "stacked": "fitted blend of compromise, Commission and EP, snapped to a coded position (fitted on the DEU "
    "calibration half; its design was chosen there too)",
    "procedural": "agenda-setter model: the chair's proposal bounded by the QMV pivot or veto players; needs a "
    "reversion point",
    "ensemble": "median of 2,800 stacked designs (fitted on the DEU calibration half; pools and snapping shaped there)",
    "choice": "discrete choice over the coded positions and the reference point plus a continuous part, fitted by "
    "maximum likelihood on the DEU calibration half under a specification fixed before scoring",
    "synthesis": "stacking of the models' predictive distributions, weights chosen by grouped CV on CRPS",
}


#: What to say for a model the independent test did not report.
_UNSCORED: dict[str, str] = {
    "exchange": "not reported separately: on one-issue DEU scenarios it is the compromise",
    "choice": "new in issue 11: not scored on the hold-out yet (the project scores it and reports back)",
    "synthesis": "new in issue 11: not scored on the hold-out yet (the project scores it and reports back)",
}


def model_catalog() -> pd.DataFrame:
    """The registered models: ``model``, ``summary``, ``independent test`` (held-out DEU half; blank if not scored).

    ``df.attrs["headline"]`` holds the independent test's one-sentence result.
    """
    import pandas as pd

    from alliance.negotiation.models import UNAVAILABLE, model_names

    rows = [
        {"model": m, "summary": MODEL_SUMMARIES.get(m, ""), "independent test": holdout_line(m) or _UNSCORED.get(m, "")}
        for m in model_names()
    ]
    rows += [
        {"model": m, "summary": f"not available: {why}", "independent test": holdout_line(m)}
        for m, why in UNAVAILABLE.items()
    ]
    df = pd.DataFrame(rows, columns=["model", "summary", "independent test"])
    df.attrs["headline"] = HEADLINE
    return df
