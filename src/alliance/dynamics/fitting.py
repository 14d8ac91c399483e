"""Calibrate the spending model on the record by nonlinear least squares, with parameter uncertainty.

Method: :func:`scipy.optimize.least_squares` on one-step-ahead errors (default): for every ally and budget year
in the window, the model's prediction from the *observed* spending of the year before, minus the observed
value. A multi-step variant (simulate the whole window from its first year, compare the path) is available
as ``method="multi-step"``. The loss is ``soft_l1`` (Huber-like) with scale 0.25 pp, chosen before fitting
because the record holds one-off procurement spikes (Bulgaria 2019: F-16 purchase, 3.15% between 1.45% and
1.59%; Greece 2021: Rafale) that a squared loss would let dominate the fit.

Uncertainty: the Gauss-Newton covariance ``s^2 (J'J)^-1`` of the fitted parameters (``s^2`` the residual
variance), from which :meth:`Calibration.draws` samples multivariate-normal parameter sets (truncated to the
bounds by rejection). ``us_signal`` never moves in the record, so it is not fitted: draws take it uniform on [0, 1].

Shipped fits: the two calibrations every command uses (2014-2021 for the backtest, 2014-2026 for projections;
one-step, no prior, nothing held fixed) are computed once by ``tools/fit_dynamics.py`` and shipped in
``dynamics/params/calibrations.json`` with the hash of the data they came from (:func:`data_hash`). They are
loaded instead of refitted while the hash matches; when the embedded data change, the first call refits once and
says so on stderr; ``calibrate(..., refit=True)`` (``alliance simulate calibrate``) always refits.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

from alliance.dynamics.drivers import HAGUE, WALES, Pledge, record_drivers
from alliance.dynamics.model import PARAM_INFO, PARAM_NAMES, Drivers, Params, simulate, step, threat_impulse
from alliance.dynamics.panel import Panel, load_panel
from alliance.errors import AllianceError, BadInput, whole_number
from alliance.results import Result

__all__ = [
    "BOUNDS",
    "SHIPPED_WINDOWS",
    "Calibration",
    "calibrate",
    "calibration_from_dict",
    "calibration_to_dict",
    "data_hash",
]

Method = Literal["one-step", "multi-step"]

#: Parameters fitted on the record (``shock_2022`` too when the window reaches past 2022).
FITTED: tuple[str, ...] = (
    "threat_common",
    "threat_border",
    "threat_proximity",
    "size",
    "us_presence",
    "threat_halflife",
    "compliance",
    "peer",
    "growth_passthrough",
    "fiscal",
)
#: Parameters fitted on the log scale.
LOG_FITTED: tuple[str, ...] = ("threat_halflife",)
#: Bounds of the parameters. Sign restrictions only where the meaning demands them: a rise in the threat never
#: lowers anyone's spending through the common, border and proximity terms (size and presence are free). The
#: half-life lies between a quarter and 30 years: beyond 30 a shock's push is a drift over any horizon we project.
BOUNDS: dict[str, tuple[float, float]] = {
    "threat_common": (0.0, 5.0),
    "threat_border": (0.0, 5.0),
    "threat_proximity": (0.0, 5.0),
    "size": (-5.0, 5.0),
    "us_presence": (-50.0, 50.0),
    "threat_halflife": (0.25, 30.0),
    "compliance": (0.0, 2.0),
    "peer": (0.0, 1.0),
    "growth_passthrough": (0.0, 2.0),
    "fiscal": (-1.0, 1.0),
    "norm": (0.0, 10.0),
    "ceiling": (0.5, 20.0),
    "us_signal": (0.0, 1.0),
    "shock_2022": (0.0, 30.0),
    "sigma": (0.0, 5.0),
}
#: The 2022 shock's size when the window cannot estimate it (the backtest): an additional shock the size of
#: Crimea's, fixed before the backtest was first run (see docs/dynamics.md, "The 2022 shock").
PRESET_SHOCK_2022 = 1.0
#: Prior on the threat half-life ``h`` (mean, sd in years), or None.
HALFLIFE_PRIOR: tuple[float, float] | None = None
#: Scale of the prior residual (pp), about one data error.
PRIOR_SCALE = 0.2
#: Rounds of rejection sampling for the truncated parameter distribution before falling back to clipping.
MAX_REJECTION_ROUNDS = 50
#: Evaluation budget of the trust-region solver (see :func:`calibrate`).
MAX_NFEV = 200
#: Robust-loss scale, pp of GDP.
F_SCALE = 0.25


@dataclass(frozen=True)
class Calibration(Result):
    """A fitted parameter set with its uncertainty.

    Attributes:
        params: the point estimate (fixed parameters at their preset values).
        free: names of the fitted parameters.
        cov: covariance of the fitted parameters, ``(len(free), len(free))``.
        first, last: the window (budget years ``first + 1 .. last`` are fitted).
        method: ``one-step`` or ``multi-step``.
        n_obs: ally-years fitted.
        cost_initial, cost_final: robust loss at the starting values and at the optimum.
        residuals: fitted errors, model minus data, ``(years, allies)``.
        pledges: pledges in force in the window.
    """

    params: Params
    free: tuple[str, ...]
    cov: np.ndarray
    first: int
    last: int
    method: str
    n_obs: int
    cost_initial: float
    cost_final: float
    residuals: np.ndarray = field(repr=False)
    pledges: tuple[Pledge, ...] = (WALES, HAGUE)

    @property
    def se(self) -> dict[str, float]:
        """Standard errors of the fitted quantities (of ``log h`` for the half-life, see :data:`LOG_FITTED`)."""
        return {n: float(np.sqrt(max(self.cov[i, i], 0.0))) for i, n in enumerate(self.free)}

    def draws(self, runs: int, rng: np.random.Generator | None, *, vary: bool = True) -> np.ndarray:
        """Parameter sets ``(runs, n_params)``; with ``vary=False`` every row is the point estimate.

        The fitted quantities are drawn from the multivariate normal of the fit truncated to the bounds
        (rejection: draws outside are discarded, so the correlations between parameters survive; clipping would
        pile draws up on the bounds). The half-life is drawn on the log scale it is fitted on. ``us_signal`` is
        drawn uniform on [0, 1].
        """
        if not vary:
            return np.tile(self.params.vector(), (runs, 1))
        if rng is None:
            raise ValueError("draws(vary=True) needs a random generator")
        mean = _fit_vector(self.free, self.params)
        lo = np.array([_lower(n) for n in self.free])
        hi = np.array([_upper(n) for n in self.free])
        kept = np.empty((0, len(self.free)))
        for _ in range(MAX_REJECTION_ROUNDS):
            v = rng.multivariate_normal(mean, self.cov, size=max(2 * runs, 64), method="svd")
            kept = np.vstack([kept, v[((v >= lo) & (v <= hi)).all(axis=1)]])
            if len(kept) >= runs:
                break
        else:  # pragma: no cover - only if the bounds hold almost no probability mass
            fill = rng.multivariate_normal(mean, self.cov, size=runs - len(kept), method="svd")
            kept = np.vstack([kept, np.clip(fill, lo, hi)])
        theta = _theta(self.free, kept[:runs], self.params)
        theta[:, PARAM_NAMES.index("us_signal")] = rng.uniform(0.0, 1.0, size=runs)
        return theta

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter: symbol, value, the fitted quantity and its standard error, unit, meaning.

        ``fitted_value`` is ``log(value)`` for the half-life (fitted on the log scale), else the value itself;
        ``se`` is its standard error (NaN for parameters that are not fitted).
        """
        se = self.se
        rows = []
        for n in PARAM_NAMES:
            sym, unit, meaning = PARAM_INFO[n]
            value = getattr(self.params, n)
            rows.append(
                {
                    "parameter": n,
                    "symbol": sym,
                    "value": value,
                    "fitted_as": (f"log {sym}" if n in LOG_FITTED else sym)
                    if n in self.free
                    else ("RMS residual" if n == "sigma" else "preset"),
                    "fitted_value": float(np.log(value)) if n in LOG_FITTED else value,
                    "se": se.get(n, np.nan),
                    "unit": unit,
                    "meaning": meaning,
                }
            )
        df = pd.DataFrame(rows)
        df.attrs.update(self.summary())
        return df

    @property
    def title(self) -> str:
        return f"Calibration {self.first}-{self.last} ({self.method})"

    @property
    def meta(self) -> dict[str, object]:
        """The window, method and fit statistics (errors in percentage points of GDP)."""
        return {**self.summary(), "unit": "spending, % of GDP; errors in percentage points of GDP"}

    def summary(self) -> dict[str, object]:
        res = self.residuals[~np.isnan(self.residuals)]
        return {
            "window": f"{self.first}-{self.last}",
            "method": self.method,
            "n_obs": self.n_obs,
            "cost_initial": self.cost_initial,
            "cost_final": self.cost_final,
            "mae_in_sample": float(np.mean(np.abs(res))),
            "rmse_in_sample": float(np.sqrt(np.mean(res**2))),
        }


def _theta(free: tuple[str, ...], v: np.ndarray, base: Params) -> np.ndarray:
    """Parameter rows ``(R, n_params)`` from fitted vectors ``v`` ``(R, len(free))`` or ``(len(free),)``.

    The half-life is fitted as ``log h``: the record bounds it from below far better than from above, and the
    log scale keeps draws positive and the covariance meaningful.
    """
    v = np.atleast_2d(v)
    theta = np.tile(base.vector(), (v.shape[0], 1))
    for i, n in enumerate(free):
        theta[:, PARAM_NAMES.index(n)] = np.exp(v[:, i]) if n in LOG_FITTED else v[:, i]
    return theta


def _fit_vector(free: tuple[str, ...], p: Params) -> np.ndarray:
    """The fitted-space vector of a parameter set (inverse of :func:`_theta`)."""
    return np.array([np.log(getattr(p, n)) if n in LOG_FITTED else getattr(p, n) for n in free])


def _errors(
    v: np.ndarray,
    free: tuple[str, ...],
    base: Params,
    panel: Panel,
    first: int,
    last: int,
    method: str,
    d: Drivers,
    prior: tuple[float, float] | None,
) -> np.ndarray:
    theta = _theta(free, v, base)
    r0, r1 = panel.row(first), panel.row(last)
    obs = panel.x[r0 : r1 + 1]
    if method == "one-step":
        impulse = threat_impulse(theta, d)
        pred = np.stack([step(obs[k][None, :], theta, d, k, impulse[k])[0] for k in range(d.n_steps)])
    else:
        pred = simulate(obs[0], theta, d)[1:, 0, :]
    err = (pred - obs[1:]).ravel()
    if prior is None:
        return np.asarray(err)
    # Gaussian prior on the half-life as one extra residual, on the scale of a typical data error
    return np.append(err, PRIOR_SCALE * (theta[0, PARAM_NAMES.index("threat_halflife")] - prior[0]) / prior[1])


def _lower(name: str) -> float:
    lo = BOUNDS[name][0]
    return float(np.log(lo)) if name in LOG_FITTED else lo


def _upper(name: str) -> float:
    hi = BOUNDS[name][1]
    return float(np.log(hi)) if name in LOG_FITTED else hi


def _check_window(panel: Panel, first: int, last: int) -> None:
    whole_number("first", first)
    whole_number("last", last)
    lo, hi = int(panel.years[0]), int(panel.years[-1])
    if not (lo <= first < last <= hi) or last - first < 3:
        raise BadInput(f"calibration window {first}-{last}: must lie within {lo}-{hi} and span at least 3 years")


def calibrate(
    first: int = 2014,
    last: int = 2021,
    *,
    method: Method = "one-step",
    pledges: tuple[Pledge, ...] | None = None,
    start: Params | None = None,
    panel: Panel | None = None,
    halflife_prior: tuple[float, float] | None = HALFLIFE_PRIOR,
    fixed: dict[str, float] | None = None,
    refit: bool = False,
    cache: bool = True,
) -> Calibration:
    """Fit the model to the record, budget years ``first + 1 .. last``.

    Args:
        first, last: the window (2014-2021 for the backtest; 2014-2026 for projections).
        method: ``one-step`` (errors of one-year-ahead predictions from observed spending) or ``multi-step``
            (errors of the path simulated from ``first``).
        pledges: pledges in force (default: Wales, and the Hague if adopted inside the window).
        start: starting values (default :class:`Params` defaults).
        panel: the data (default :func:`~.panel.load_panel`).
        halflife_prior: optional Gaussian prior (mean, sd, years) on the threat half-life (sensitivity checks).
        fixed: parameters held at given values instead of fitted (sensitivity checks), e.g. ``{"ceiling": 5.0}``.
        refit: fit even where a shipped fit exists (module docstring).

        cache: reuse an earlier fit with the same arguments (default data, pledges and start only), or the
            shipped one; pass False after changing a module constant of :mod:`.model`
            (``tools/sensitivity_dynamics.py`` does).

    The fit with the default data, pledges and starting values is memoised (projections and the CLI reuse it),
    and for the shipped windows loaded from the package while the data hash matches.
    """
    if refit:
        return _calibrate(first, last, method, pledges, start, panel, halflife_prior, fixed)
    if cache and pledges is None and start is None and panel is None:
        frozen = tuple(sorted((fixed or {}).items()))
        return _calibrate_cached(first, last, method, halflife_prior, frozen)
    return _calibrate(first, last, method, pledges, start, panel, halflife_prior, fixed)


@functools.cache
def _calibrate_cached(
    first: int,
    last: int,
    method: Method,
    halflife_prior: tuple[float, float] | None,
    fixed: tuple[tuple[str, float], ...],
) -> Calibration:
    if halflife_prior is None and not fixed:
        shipped = _shipped(first, last, method)
        if shipped is not None:
            return shipped
    return _calibrate(first, last, method, None, None, None, halflife_prior, dict(fixed))


#: The calibrations shipped in ``params/calibrations.json``: (method, first, last).
SHIPPED_WINDOWS: tuple[tuple[Method, int, int], ...] = (("one-step", 2014, 2021), ("one-step", 2014, 2026))
#: The embedded tables the calibration panel is built from (:func:`~.panel.load_panel`).
DATA_TABLES: tuple[str, ...] = (
    "nato_spending_editions.csv",
    "nato_spending_2026_full.csv",
    "allies.csv",
    "us_forces_dmdc.csv",
)


def data_hash() -> str:
    """sha256 of what a shipped fit rests on: the panel's tables and the parameter names of the model."""
    from alliance.data import table_bytes

    h = hashlib.sha256()
    for name in DATA_TABLES:
        h.update(name.encode())
        h.update(table_bytes(name))
    h.update(",".join(PARAM_NAMES).encode())
    return h.hexdigest()


def calibration_to_dict(cal: Calibration) -> dict[str, Any]:
    """A calibration as JSON-able plain data (floats round-trip exactly through JSON)."""
    return {
        "params": cal.params.to_dict(),
        "free": list(cal.free),
        "cov": cal.cov.tolist(),
        "first": cal.first,
        "last": cal.last,
        "method": cal.method,
        "n_obs": cal.n_obs,
        "cost_initial": cal.cost_initial,
        "cost_final": cal.cost_final,
        "residuals": cal.residuals.tolist(),
        "pledges": [list(p) for p in cal.pledges],
    }


def calibration_from_dict(d: dict[str, Any]) -> Calibration:
    """The inverse of :func:`calibration_to_dict`."""
    return Calibration(
        params=Params(**{k: float(v) for k, v in d["params"].items()}),
        free=tuple(d["free"]),
        cov=np.asarray(d["cov"], dtype=float),
        first=int(d["first"]),
        last=int(d["last"]),
        method=str(d["method"]),
        n_obs=int(d["n_obs"]),
        cost_initial=float(d["cost_initial"]),
        cost_final=float(d["cost_final"]),
        residuals=np.asarray(d["residuals"], dtype=float),
        pledges=tuple((float(p[0]), int(p[1]), int(p[2])) for p in d["pledges"]),
    )


@functools.cache
def _shipped_file() -> dict[str, Any]:
    path = resources.files("alliance.dynamics") / "params" / "calibrations.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError) as exc:  # JSONDecodeError, UnicodeDecodeError: a damaged installation
        msg = str(exc).splitlines()[0]
        raise AllianceError(
            f"the shipped calibrations params/calibrations.json are damaged ({msg}); reinstall"
        ) from None
    if not isinstance(data, dict):
        raise AllianceError("the shipped calibrations params/calibrations.json are damaged: not a JSON object")
    return data


def _shipped(first: int, last: int, method: str) -> Calibration | None:
    """The shipped fit of this window if its data hash matches the embedded data (else None: refit)."""
    data = _shipped_file()
    entry = data.get("calibrations", {}).get(f"{method}:{first}-{last}")
    if entry is None:
        return None
    if data.get("data_hash") != data_hash():
        print(
            f"alliance: the embedded data differ from those the shipped {first}-{last} calibration was fitted on; "
            "refitting (tools/fit_dynamics.py ships a new fit)",
            file=sys.stderr,
        )
        return None
    return calibration_from_dict(entry)


def _calibrate(
    first: int,
    last: int,
    method: Method,
    pledges: tuple[Pledge, ...] | None,
    start: Params | None,
    panel: Panel | None,
    halflife_prior: tuple[float, float] | None,
    fixed: dict[str, float] | None,
) -> Calibration:
    from scipy.optimize import least_squares

    panel = panel or load_panel()
    _check_window(panel, first, last)
    if method not in ("one-step", "multi-step"):
        raise BadInput(f"unknown calibration method {method!r}; valid: one-step, multi-step")
    if pledges is None:
        pledges = tuple(p for p in (WALES, HAGUE) if p[1] < last)
    base = start or Params()
    if last <= 2022:  # the invasion cannot move a budget inside the window: keep the preset ratio
        base = replace(base, shock_2022=PRESET_SHOCK_2022)
    if fixed:
        unknown = sorted(set(fixed) - set(PARAM_NAMES))
        if unknown:
            raise BadInput(f"unknown parameter {unknown[0]!r}; valid: {', '.join(PARAM_NAMES)}")
        base = replace(base, **fixed)
    free = tuple(n for n in FITTED + (("shock_2022",) if last > 2022 else ()) if n not in (fixed or {}))
    d = record_drivers(panel, first, last, pledges=pledges)
    v0 = _fit_vector(free, base)
    lo = np.array([_lower(n) for n in free])
    hi = np.array([_upper(n) for n in free])
    args = (free, base, panel, first, last, method, d, halflife_prior)
    e0 = _errors(v0, *args)
    # Two solvers from the same start, the lower loss kept: with several parameters on their bounds (the threat
    # pushes' and the peer pull's zero) the trust-region reflective method crawls along them (1,000+ evaluations
    # on 2014-2021), while dogbox is fast but can stop early on a worse point (whole record with h fixed at 8).
    common = dict(bounds=(lo, hi), args=args, loss="soft_l1", f_scale=F_SCALE, x_scale="jac")
    sols = [
        least_squares(_errors, v0, method="dogbox", **common),  # type: ignore[arg-type]
        least_squares(_errors, v0, method="trf", max_nfev=MAX_NFEV, **common),  # type: ignore[arg-type]
    ]
    sol = min(sols, key=lambda r: float(r.cost))
    res = sol.fun[: (last - first) * panel.n_allies]
    n, p = res.size, len(free)
    s2 = float(np.sum(res**2) / max(n - p, 1))
    jac = np.asarray(sol.jac)
    cov = np.linalg.pinv(jac.T @ jac) * s2
    params = Params.from_vector(_theta(free, sol.x, base)[0])
    params = replace(params, sigma=float(np.sqrt(np.mean(res**2))))
    rho = F_SCALE**2 * 2 * (np.sqrt(1 + (e0 / F_SCALE) ** 2) - 1)  # scipy's soft_l1, to compare costs
    return Calibration(
        params=params,
        free=free,
        cov=cov,
        first=first,
        last=last,
        method=method,
        n_obs=n,
        cost_initial=float(0.5 * np.sum(rho)),
        cost_final=float(sol.cost),
        residuals=res.reshape(last - first, panel.n_allies),
        pledges=tuple(pledges),
    )
