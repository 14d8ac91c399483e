"""The design-median ensemble: the median forecast of many stacked-model designs, chosen by nested CV on DEU.

Every *member* is one design of the ``stacked`` model (:mod:`alliance.negotiation.models.stacked`): an actor
weight scheme ``c^a s^k`` (capabilities equal, square-root, as given, or population shares; salience exponent
``k``), a blend of the stacked features with weights fitted on DEU outcomes, and a snapping step to a coded
position. The forecast is the **median of the members' forecasts**: since most members snap, the median tends
to be a coded position that many designs agree on, and one fragile design cannot move it (a vote among designs
rather than a choice of one; on averaging over model choices see Hoeting, Madigan, Raftery & Volinsky 1999,
*Statistical Science* 14(4), and on selection bias Varma & Simon 2006, *BMC Bioinformatics* 7:91).

Which members (a group fixed before looking at outcomes, e.g. "every design that snaps to the nearest
position") was chosen by the inner loop of the nested cross-validation of :mod:`alliance.negotiation.backtest.nested`, run
on all scored issues of the DEU III calibration half; the member weights were fitted there too. Both are
shipped in ``params/ensemble.json`` with the nested-CV figures; nothing is refitted at forecast time.

Capabilities: a member's scheme names a capability set. ``votes`` uses the scenario's own capabilities;
``population`` uses ``scenario.metadata["capability_sets"]["population"]`` (the DEU loader provides it) and
otherwise the scenario's own capabilities (on NATO scenarios capability is already a size measure).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from alliance.negotiation.models.base import ModelOutcome
from alliance.negotiation.models.batch import Batch, BatchOutcome, batch_from_scenario, co_legislator_mask, in_chunks
from alliance.negotiation.models.shipped import shipped_params
from alliance.negotiation.models.stacked import (
    FEATURES,
    NearestSnap,
    _actor_position,
    _co_legislator_mask,
    _support,
    power_weights,
    snap_window,
    snap_within,
    stacked_features,
)
from alliance.negotiation.scenario import Scenario

__all__ = ["load_params", "member_forecasts", "solve", "solve_batch"]


def load_params() -> dict[str, Any]:
    """The shipped ensemble: ``members`` (schemes x families x snaps), ``weights``, nested-CV figures."""
    return shipped_params("ensemble")


def _weights(params: Mapping[str, Any], scheme: str, family: str) -> np.ndarray:
    w = params["weights"][scheme][family]
    return np.array([float(w.get(f, 0.0)) for f in FEATURES])


def member_forecasts(
    batch: Batch,
    co_legislator: np.ndarray | None = None,
    threshold: np.ndarray | float = 1.0,
    by_capability: bool = True,
    capability_sets: Mapping[str, np.ndarray] | None = None,
    params: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """``(members, R, I)`` forecasts of every member design, in the order schemes x families x snaps.

    Args:
        batch: the runs.
        co_legislator: ``(R, A)`` bool co-legislator mask, or None.
        threshold, by_capability: the procedural feature's decision rule (see ``stacked_features``).
        capability_sets: ``(R, A)`` capabilities by set name (``population``); a missing set uses the batch's.
        params: the ensemble parameters (default the shipped ones).
    """
    p = load_params() if params is None else params
    members = p["members"]
    snaps = [tuple(s) for s in members["snaps"]]
    # The windows depend on the positions only: one per (kind, size), shared by every scheme.
    windows = {
        (str(kind), float(size)): snap_window(batch.positions, float(size), str(kind)) for _, kind, size in snaps
    }
    out = []
    for scheme in members["schemes"]:
        load, a, k = members["schemes"][scheme]
        caps = (capability_sets or {}).get(load)
        b = batch if caps is None else replace(batch, capability=np.asarray(caps, dtype=float))
        feats = stacked_features(b, co_legislator, threshold, float(a), float(k), by_capability)  # (R, I, 9)
        sup = (
            _support(b.positions, power_weights(b, float(a), float(k)))
            if any(t == "support" for t, _, _ in snaps)
            else None
        )
        mode = feats[..., 7]
        blends = np.stack([feats @ _weights(p, scheme, fam) for fam in members["families"]])  # (F, R, I)
        nearest = NearestSnap(blends, b.positions)
        for target, kind, size in snaps:
            if target == "none":
                out.append(blends)
                continue
            win = windows[(str(kind), float(size))]
            if target == "nearest":
                out.append(nearest.within(win))
            else:
                out.append(snap_within(blends, b.positions, win, str(target), support=sup, mode=mode))
    res = np.stack(out)  # (S x O, F, R, I) in scheme-major, snap, family order
    n_s, n_o, n_f = len(members["schemes"]), len(snaps), len(members["families"])
    return res.reshape(n_s, n_o, n_f, *res.shape[2:]).transpose(0, 2, 1, 3, 4).reshape(n_s * n_f * n_o, *res.shape[2:])


@in_chunks(1 << 13)
def solve_batch(batch: Batch, co_legislator: str | None = None) -> BatchOutcome:
    """Ensemble forecasts ``(R, I)``: the median over members (NaN where no actor takes part; never a deadlock).

    The procedural feature's rule is ``batch.procedure()``, the co-legislator ``co_legislator`` (an actor name)
    or ``batch.co_legislator``, the members' capability sets ``batch.capability_sets`` (a missing set: the
    batch's own capabilities).
    """
    threshold, by_cap = batch.procedure()
    mask = co_legislator_mask(batch, co_legislator)
    m = member_forecasts(batch, mask, threshold, by_cap, batch.capability_sets)
    return BatchOutcome.of("ensemble", np.median(m, axis=0))


def _missing_sets(batch: Batch) -> list[str]:
    """Capability sets the members use that the batch does not carry (they fall back to its own capabilities)."""
    loads = {str(v[0]) for v in load_params()["members"]["schemes"].values()}
    return sorted(load for load in loads if load not in batch.capability_sets and load != "votes")


def solve(scenario: Scenario, co_legislator: str | None = None) -> ModelOutcome:
    """The median forecast of the shipped member designs (module docstring).

    Args:
        scenario: the scenario; its chair is the agenda setter, its rule sets the procedural feature's pivot.
        co_legislator: name of the co-legislator actor; default ``scenario.metadata["co_legislator"]`` if any.
    """
    from alliance.negotiation.models.procedural import rule_threshold

    batch = batch_from_scenario(scenario)
    mask, name = _co_legislator_mask(scenario, co_legislator)
    share, by_cap = rule_threshold(scenario)
    missing = _missing_sets(batch)
    members = member_forecasts(batch, mask, share, by_cap, batch.capability_sets)
    out = np.median(members, axis=0)[0]
    snapped = np.any(np.isclose(out[None, :], batch.positions[0]), axis=0)
    notes: dict[str, str] = {}
    setter = _actor_position(batch.positions, batch.chair)[0]
    for j, issue in enumerate(scenario.issue_names):
        if np.isnan(out[j]):
            notes[issue] = "no actor takes part in this issue"
            continue
        gaps = [] if mask is not None else ["co-legislator"]
        if np.isnan(setter[j]):
            gaps.append("agenda setter")
        if np.isnan(batch.reversion[0, j]):
            gaps.append("reversion point")
        gaps += [f"{m} capabilities (the scenario's own used)" for m in missing]
        if gaps:
            notes[issue] = "compromise stands in for: " + ", ".join(gaps)
    p = load_params()
    details = {
        "selected": p.get("selected"),
        "members": int(members.shape[0]),
        "quartiles": np.quantile(members[:, 0, :], [0.25, 0.75], axis=0).T.tolist(),
        "at_a_coded_position": [bool(v) for v in snapped],
        "co_legislator": name,
    }
    return ModelOutcome(model="ensemble", outcome=out, notes=notes, details=details)


def member_labels(params: Mapping[str, Any] | None = None) -> list[tuple[str, str, tuple[str, str, float]]]:
    """``(scheme, family, snap)`` of every member, in :func:`member_forecasts` order."""
    p = load_params() if params is None else params
    m = p["members"]
    return [
        (s, f, (str(o[0]), str(o[1]), float(o[2])))
        for s, f, o in itertools.product(m["schemes"], m["families"], m["snaps"])
    ]
