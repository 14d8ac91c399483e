"""The uncertain inputs of a scenario as one vector per run, and how a matrix of draws becomes a model batch.

:class:`SweepSpace` lists every input the scenario makes uncertain (:mod:`alliance.negotiation.uncertainty`: actor
positions, saliences and capabilities by their own distribution or the scenario's ``default_uncertainty``, then the
named global ``parameters``), skipping those with no spread. ``space.values(u)`` turns uniform numbers ``(R, K)``
into input values (inverse CDFs, clipped to each input's range, vectorised by kind of distribution) and
``space.batch(values)`` writes them into a :class:`~alliance.negotiation.models.batch.Batch` of ``R`` runs.
Saliences are stored and reported on the file's salience scale (0-100 in hague-2025); batches hold 0-1.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance.negotiation.models.batch import Batch, batch_from_scenario
from alliance.negotiation.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SweepSpace", "sweep_space"]


@dataclass(frozen=True, eq=False)
class SweepSpace:
    """The ``K`` uncertain inputs of a scenario.

    Attributes:
        scenario: the scenario swept.
        inputs: one row per input: ``name`` (``USA.spending_target.position``, ``DEU.capability``,
            ``param.ukraine_reversion``), ``kind`` (position, salience, capability, parameter), ``actor``, ``issue``,
            ``value`` (the scenario's own), ``origin`` (``own``, ``default:<evidence>``, ``parameter``), ``evidence``,
            ``dist`` and its parameters, ``clip_low``/``clip_high``; for parameters ``target``, ``actors``, ``issues``.
    """

    scenario: Scenario
    inputs: pd.DataFrame
    _cols: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def names(self) -> list[str]:
        return [str(n) for n in self.inputs["name"]]

    @property
    def k(self) -> int:
        return len(self.inputs)

    @property
    def actors_of_inputs(self) -> list[str]:
        """Per input, the actor it belongs to (empty for a global parameter that names no single actor)."""
        return [str(a) for a in self.inputs["actor"]]

    def values(self, u: np.ndarray) -> np.ndarray:
        """``(R, K)`` input values at uniform numbers ``u`` ``(R, K)`` (inverse CDFs, clipped; see ``ppf``)."""
        from scipy.special import ndtri

        c = self._compiled()
        u = np.asarray(u, dtype=float)
        out = np.empty_like(u)
        n = c["normal"]
        if n[0].size:
            out[:, n[0]] = n[1] + n[2] * ndtri(np.clip(u[:, n[0]], 1e-12, 1 - 1e-12))
        un = c["uniform"]
        if un[0].size:
            out[:, un[0]] = un[1] + u[:, un[0]] * (un[2] - un[1])
        tr = c["triangular"]
        if tr[0].size:
            a, b, m = tr[1], tr[2], tr[3]
            width = np.where(b > a, b - a, 1.0)
            f = (m - a) / width
            uu = u[:, tr[0]]
            left = a + np.sqrt(uu * (b - a) * (m - a))
            right = b - np.sqrt((1 - uu) * (b - a) * (b - m))
            out[:, tr[0]] = np.where(b > a, np.where(uu < f, left, right), a)
        for k, vals, cum in c["discrete"]:
            out[:, k] = vals[np.minimum(np.searchsorted(cum, u[:, k], side="right"), len(vals) - 1)]
        return np.clip(out, c["clip_low"], c["clip_high"])

    def nominal(self) -> np.ndarray:
        """``(K,)`` the scenario's own value of every input."""
        return self.inputs["value"].to_numpy(dtype=float)

    def batch(self, values: np.ndarray) -> Batch:
        """A batch of ``R`` runs of the scenario with the inputs set to ``values`` ``(R, K)``."""
        c = self._compiled()
        values = np.asarray(values, dtype=float)
        runs = values.shape[0]
        base = batch_from_scenario(self.scenario, runs=runs)
        pos, sal, cap = base.positions.copy(), base.salience.copy(), base.capability.copy()
        rev = base.reversion.copy()
        k, a, i = c["position"]
        pos[:, a, i] = values[:, k]
        k, a, i = c["salience"]
        sal[:, a, i] = values[:, k] / c["salience_scale"]
        k, a, _ = c["capability"]
        cap[:, a] = values[:, k]
        span = base.span
        for k, target, acts, iss in c["parameter"]:
            v = values[:, k]
            if target == "reversion":
                rev[:, iss[0]] = v
            elif target == "position_shift":
                sub = pos[:, acts[:, None], iss[None, :]] + v[:, None, None] * span[iss][None, None, :]
                pos[:, acts[:, None], iss[None, :]] = np.clip(sub, base.low[iss], base.high[iss])
            elif target == "salience_factor":
                sal[:, acts[:, None], iss[None, :]] = np.clip(
                    sal[:, acts[:, None], iss[None, :]] * v[:, None, None], 0, 1
                )
            else:
                cap[:, acts] = cap[:, acts] * v[:, None]
        return replace(base, positions=pos, salience=sal, capability=cap, reversion=rev)

    def _compiled(self) -> dict[str, Any]:
        """Index arrays by kind of distribution and of input (built once)."""
        if self._cols:
            return self._cols
        df = self.inputs
        actors = {n: j for j, n in enumerate(self.scenario.actor_names)}
        issues = {n: j for j, n in enumerate(self.scenario.issue_names)}
        cols: dict[str, Any] = {
            "clip_low": df["clip_low"].to_numpy(dtype=float),
            "clip_high": df["clip_high"].to_numpy(dtype=float),
            "salience_scale": float(self.scenario.metadata.get("salience_scale", 100)),  # type: ignore[arg-type]
            "discrete": [],
            "parameter": [],
        }
        dist = df["dist"].to_numpy()

        def rows(kind: str) -> np.ndarray:
            return np.flatnonzero(dist == kind)

        def f(col: str, idx: np.ndarray) -> np.ndarray:
            return df[col].to_numpy(dtype=float)[idx]

        n = rows("normal")
        cols["normal"] = (n, f("value", n), f("sd", n))
        un = rows("uniform")
        cols["uniform"] = (un, f("low", un), f("high", un))
        tr = rows("triangular")
        cols["triangular"] = (tr, f("low", tr), f("high", tr), f("mode", tr))
        for k in rows("discrete"):
            vals = np.asarray(df["values"].iat[k], dtype=float)
            cols["discrete"].append((int(k), vals, np.cumsum(np.asarray(df["probs"].iat[k], dtype=float))))
        kinds = df["kind"].to_numpy()
        for kind in ("position", "salience", "capability"):
            ks = np.flatnonzero(kinds == kind)
            a_idx = np.array([actors[str(x)] for x in df["actor"].to_numpy()[ks]], dtype=int)
            i_idx = np.array([issues.get(str(x), 0) for x in df["issue"].to_numpy()[ks]], dtype=int)
            cols[kind] = (ks, a_idx, i_idx)
        for k in np.flatnonzero(kinds == "parameter"):
            row = df.iloc[k]
            acts = np.array([actors[a] for a in row["actors"]], dtype=int)
            iss = np.array([issues[i] for i in row["issues"]], dtype=int)
            cols["parameter"].append((int(k), str(row["target"]), acts, iss))
        self._cols.update(cols)
        return self._cols


def sweep_space(scenario: Scenario) -> SweepSpace:
    """Every uncertain input of ``scenario`` with a spread (a distribution that is not a single point), in a fixed
    order: actors' inputs in file order (capability, then per issue position and salience), then parameters."""
    import pandas as pd

    from alliance.negotiation.uncertainty import resolved_parameters, resolved_uncertainty

    res = resolved_uncertainty(scenario)
    res = res.assign(
        kind=res["input"],
        name=[
            f"{a}.{i}.{k}" if i else f"{a}.{k}"
            for a, i, k in zip(res["actor"], res["issue"], res["input"], strict=True)
        ],
        target="",
        actors=[[] for _ in range(len(res))],
        issues=[[] for _ in range(len(res))],
    )
    par = resolved_parameters(scenario)
    if len(par):
        par = par.assign(
            kind="parameter",
            name=["param." + str(n) for n in par["name"]],
            actor=[a[0] if len(a) == 1 else "" for a in par["actors"]],
            issue=[i[0] if len(i) == 1 else "" for i in par["issues"]],
            evidence="",
            origin="parameter",
        )
        res = pd.concat([res, par.drop(columns=["description"])], ignore_index=True)
    spread = _has_spread(res)
    cols = ["name", "kind", "actor", "issue", "value", "origin", "evidence", "dist", "sd", "low", "high", "mode",
            "values", "probs", "clip_low", "clip_high", "target", "actors", "issues"]  # fmt: skip
    return SweepSpace(scenario, res[spread].reset_index(drop=True).reindex(columns=cols))


def _has_spread(res: pd.DataFrame) -> np.ndarray:
    """Rows whose distribution can give more than one value once clipped."""
    out = []
    for r in res.to_dict(orient="records"):
        d = r["dist"]
        if d == "normal":
            ok = float(r["sd"]) > 0 and r["clip_high"] > r["clip_low"]
        elif d in ("uniform", "triangular"):
            lo, hi = max(float(r["low"]), r["clip_low"]), min(float(r["high"]), r["clip_high"])
            ok = hi > lo
        elif d == "discrete":
            vals = [v for v, p in zip(r["values"], r["probs"], strict=True) if p > 0]
            ok = len(set(np.clip(vals, r["clip_low"], r["clip_high"]).tolist())) > 1
        else:
            ok = False
        out.append(bool(ok))
    return np.array(out, dtype=bool)
