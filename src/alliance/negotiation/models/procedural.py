"""The procedural (agenda-setter) model: the proposer's best proposal that the decisive voters prefer to the status quo.

Spatial procedural models of EU legislation (Steunenberg 1994; Crombez 1996; Tsebelis & Garrett 2000; the
"procedural models" chapters of Thomson, Stokman, Achen & Koenig-Archibugi 2006, *The European Union Decides*)
give the agenda setter (the Commission) the power to make a take-it-or-leave-it proposal. With single-peaked,
symmetric (distance) preferences, a voter at ``p_i`` prefers a proposal ``x`` to the reference point ``rp`` when
``|x - p_i| < |rp - p_i|``, i.e. up to ``2 p_i - rp`` on the side of ``p_i``. So, moving away from ``rp`` towards
the setter's ideal point, the win-set of a qualified majority ends at the **pivot**: the voter at which the
capability of the voters accepting a move reaches the threshold (under unanimity the least willing voter). A
co-legislator with a veto (the European Parliament under codecision) must also prefer the proposal. The forecast:

``x = rp + d * min(|setter - rp|, pivot bound, co-legislator bound)``, ``d = sign(setter - rp)``,

never moving against a voter majority (a bound below zero means no change). The model needs a known reference
point and an agenda setter (the scenario's chair); without them it cannot forecast (NaN), which the backtest
counts as missing. Salience plays no part (the model is about who can block, not about how much they care).

In NATO scenarios the chair (the Secretary General) proposes and the rule is consensus, so the forecast is the
chair's position limited by the ally least willing to move away from the reversion point.
"""

from __future__ import annotations

import numpy as np

from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, co_legislator_mask, in_chunks
from alliance.negotiation.models.batch import rule_threshold as _threshold_of_rule
from alliance.negotiation.scenario import Scenario

__all__ = ["procedural_kernel", "rule_threshold", "solve", "solve_batch"]


def rule_threshold(scenario: Scenario) -> tuple[float, bool]:
    """The share of the voters' weight a proposal needs, and whether that weight is capability (else a count).

    See :func:`alliance.negotiation.models.batch.rule_threshold` (the same for a batch's rule).
    """
    return _threshold_of_rule(scenario.rule)


def procedural_kernel(
    batch: Batch,
    threshold: np.ndarray | float,
    co_legislator: np.ndarray | None = None,
    by_capability: bool = True,
) -> np.ndarray:
    """``(R, I)`` agenda-setter forecasts (module docstring); NaN without a reference point or a setter.

    Args:
        batch: the runs; ``chair`` marks the setter, ``veto`` the voters (a co-legislator with ``veto`` binds).
        threshold: ``(R,)`` or scalar share (0-1] of the voters' weight a proposal needs (1 = unanimity).
        co_legislator: ``(R, A)`` bool marking the co-legislator (not a Council voter; binds if it has a veto).
        by_capability: weigh voters by capability (else one per voter).
    """
    pos = batch.positions
    r, a, n_i = pos.shape
    colegis = np.zeros((r, a), dtype=bool) if co_legislator is None else np.broadcast_to(co_legislator, (r, a))
    involved = ~np.isnan(pos)
    chair = np.asarray(batch.chair, dtype=bool)
    has_setter = np.asarray(chair.any(axis=1), dtype=bool)
    setter = np.take_along_axis(pos, np.argmax(chair, axis=1)[:, None, None], axis=1)[:, 0, :]
    setter = np.where(has_setter[:, None], setter, np.nan)
    rp = np.broadcast_to(batch.reversion, (r, n_i))
    d = np.sign(setter - rp)  # (R, I)
    voters = (batch.veto & ~colegis & ~chair)[:, :, None] & involved
    weight = np.broadcast_to((batch.capability if by_capability else np.ones((r, a)))[:, :, None], pos.shape)
    weight = np.where(voters, np.nan_to_num(weight), 0.0)
    # Each voter accepts a move of up to 2 d (p_i - rp) away from rp (distance preferences).
    reach = np.where(voters, 2.0 * d[:, None, :] * (pos - rp[:, None, :]), -np.inf)
    order = np.argsort(-reach, axis=1, kind="stable")
    reach_sorted = np.take_along_axis(reach, order, axis=1)
    cum = np.cumsum(np.take_along_axis(weight, order, axis=1), axis=1)
    total = cum[:, -1, :]
    need = np.asarray(threshold, dtype=float).reshape(-1, 1) * total - 1e-9 * np.maximum(total, 1.0)
    k = np.argmax(cum >= need[:, None, :], axis=1)  # the pivot: first voter at which the threshold is reached
    bound = np.take_along_axis(reach_sorted, k[:, None, :], axis=1)[:, 0, :]
    bound = np.where(total > 0, bound, np.inf)  # no voters involved: only the setter and co-legislator count
    cl_veto = (colegis & batch.veto)[:, :, None] & involved
    cl_reach = np.where(cl_veto, 2.0 * d[:, None, :] * (pos - rp[:, None, :]), np.inf).min(axis=1)
    move = np.minimum(np.minimum(np.abs(setter - rp), bound), cl_reach)
    out = rp + d * np.clip(move, 0.0, None)
    return np.where(np.isnan(setter) | np.isnan(rp), np.nan, np.where(d == 0, rp, out))


@in_chunks(1 << 15)
def solve_batch(batch: Batch, co_legislator: str | None = None) -> BatchOutcome:
    """Agenda-setter forecasts ``(R, I)`` of a batch under its rule (``batch.procedure()``) and co-legislator.

    ``co_legislator`` names an actor of ``batch.actors`` (default ``batch.co_legislator``). NaN without a
    reversion point or a setter (the model cannot forecast; it never predicts a deadlock).
    """
    threshold, by_cap = batch.procedure()
    mask = co_legislator_mask(batch, co_legislator)
    return BatchOutcome.of("procedural", procedural_kernel(batch, threshold, mask, by_capability=by_cap))


def solve(scenario: Scenario, co_legislator: str | None = None) -> ModelOutcome:
    """The agenda setter's best proposal that the decisive voters accept over the reversion point.

    Args:
        scenario: the scenario; its chair is the agenda setter, its rule decides the pivot, each issue's
            ``reversion`` is the reference point.
        co_legislator: name of a co-legislator actor (default ``scenario.metadata["co_legislator"]``), which
            constrains the proposal when it holds a veto (the EP under codecision in DEU scenarios).
    """
    batch = batch_from_scenario(scenario)
    name = co_legislator or (
        str(scenario.metadata.get("co_legislator")) if scenario.metadata.get("co_legislator") else None
    )
    share, by_cap = rule_threshold(scenario)
    out = solve_batch(batch, name).outcome[0]
    notes: dict[str, str] = {}
    for j, issue in enumerate(scenario.issue_names):
        if np.isnan(batch.reversion[0, j]):
            notes[issue] = "no reversion point: the procedural model cannot forecast this issue"
        elif np.isnan(out[j]):
            notes[issue] = "no agenda setter (chair) takes part in this issue"
    details = {"threshold": share, "by_capability": by_cap, "co_legislator": name}
    return ModelOutcome(model="procedural", outcome=out, notes=notes, details=details)
