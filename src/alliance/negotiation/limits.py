"""Stated limits of a negotiation scenario, and the checks of a :class:`Scenario` built in Python.

A scenario file is checked by :mod:`alliance.negotiation.schema`; a :class:`Scenario` made directly in Python
(``Scenario(issues=..., actors=...)``) is checked here, with the same rules, when a forecast is asked of it
(:func:`check_scenario`), so ``forecast`` never computes on a position outside its scale or a capability of
1e308. The limits keep every model's memory and time bounded (the expected utility model is quadratic in
actors; 10,000 actors took about 10 GB) and the arithmetic finite (capability x salience x distance sums):

=====================  =============  ==========================================================
limit                  value          why
=====================  =============  ==========================================================
actors                 1,000          EUM memory ~ actors^2 (512 actors: ~40 MiB per issue batch)
issues                 200            the bundled scenarios have 2-5; DEU proposals up to 10
capability             0 - 1e15       finite products; 1e15 holds any GDP or population in units
scale ends (low/high)  |x| <= 1e12    finite distances and squares
rounds (eum)           1 - 100        1,000 rounds took 472 s on hague-2025; 10 is the default
=====================  =============  ==========================================================
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

from alliance.errors import BadInput, excerpt

__all__ = [
    "MAX_ACTORS",
    "MAX_CAPABILITY",
    "MAX_ISSUES",
    "MAX_ROUNDS",
    "MAX_SCALE",
    "check_rounds",
    "check_scenario",
    "names_text",
    "size_errors",
]

MAX_ACTORS = 1_000
MAX_ISSUES = 200
MAX_CAPABILITY = 1e15
MAX_SCALE = 1e12
MAX_ROUNDS = 100
_MAX_SHOWN = 5


def check_rounds(rounds: object, what: str = "rounds", low: int = 0) -> int:
    """``rounds`` as an int in ``low``..:data:`MAX_ROUNDS` (the kernels take 0: the initial state only).

    Raises:
        BadInput: not a whole number, or out of range; the message names ``what``.
    """
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral):
        raise BadInput(f"{what} {excerpt(rounds)}: must be a whole number between {low} and {MAX_ROUNDS}")
    if not low <= int(rounds) <= MAX_ROUNDS:
        raise BadInput(f"{what} {int(rounds)}: must be between {low} and {MAX_ROUNDS}")
    return int(rounds)


def names_text(names: object, limit: int = 20) -> str:
    """Names as listed in a message: each cut to 30 characters, at most ``limit`` of them."""
    items = [str(n) if len(str(n)) <= 30 else str(n)[:27] + "..." for n in names]  # type: ignore[attr-defined]
    if not items:
        return "(none declared)"
    return ", ".join(items[:limit]) + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def size_errors(n_actors: int, n_issues: int) -> list[str]:
    """Messages for a scenario past :data:`MAX_ACTORS` or :data:`MAX_ISSUES` (empty when within both)."""
    errs = []
    if n_actors > MAX_ACTORS:
        errs.append(f"actors: {n_actors:,} actors; the limit is {MAX_ACTORS:,}")
    if n_issues > MAX_ISSUES:
        errs.append(f"issues: {n_issues:,} issues; the limit is {MAX_ISSUES:,}")
    return errs


def _number(value: object) -> float | None:
    """``value`` as a float, or None when it is not a real number (a string, None, a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            import numpy as np

            if isinstance(value, np.integer | np.floating):
                return float(value)
        except ImportError:  # pragma: no cover - numpy is a core dependency
            pass
        return None
    return float(value)


def check_scenario(scenario: object) -> None:
    """Check a :class:`~alliance.negotiation.scenario.Scenario` built in Python as a file would be checked.

    Types (a tuple of ``Issue`` and of ``Actor``), names (non-empty, unique), sizes (:data:`MAX_ACTORS`,
    :data:`MAX_ISSUES`), scales (finite ``low < high`` within :data:`MAX_SCALE`), reversion points, positions and
    bounds within their issue's scale, saliences within 0-1, capabilities finite within 0-:data:`MAX_CAPABILITY`,
    issue keys that name declared issues, and the decision rule's shares.

    Raises:
        BadInput: one line listing the first problems by path (``actors[2].positions.a: ...``).
    """
    from alliance.negotiation.scenario import Actor, DecisionRule, Issue, Scenario

    if not isinstance(scenario, Scenario):
        raise BadInput(f"scenario: expected a Scenario, a bundled scenario name or a file, got {excerpt(scenario)}")
    errs: list[str] = []
    issues, actors = scenario.issues, scenario.actors
    if not isinstance(issues, tuple | list) or not all(isinstance(i, Issue) for i in issues):
        raise BadInput(f"invalid scenario {scenario.name!r}: issues must be a tuple of Issue objects")
    if not isinstance(actors, tuple | list) or not all(isinstance(a, Actor) for a in actors):
        raise BadInput(f"invalid scenario {scenario.name!r}: actors must be a tuple of Actor objects")
    if not issues:
        errs.append("issues: at least one issue is required")
    if not actors:
        errs.append("actors: at least one actor is required")
    errs += size_errors(len(actors), len(issues))
    scales: dict[str, tuple[float, float]] = {}
    for k, it in enumerate(issues):
        p = f"issues[{k}]"
        if not isinstance(it.name, str) or not it.name.strip():
            errs.append(f"{p}.name: must be a non-empty string, got {excerpt(it.name)}")
            continue
        if it.name in scales:
            errs.append(f"{p}.name: duplicate issue {excerpt(it.name)}")
        lo, hi = _number(it.low), _number(it.high)
        if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
            shown = [f"{v:g}" if v is not None else excerpt(raw) for v, raw in ((lo, it.low), (hi, it.high))]
            errs.append(f"{p}: low ({shown[0]}) must be a finite number below high ({shown[1]})")
            scales[it.name] = (-math.inf, math.inf)  # no follow-on errors about its positions
            continue
        if max(abs(lo), abs(hi)) > MAX_SCALE:
            errs.append(f"{p}: the scale's ends must be within +-{MAX_SCALE:g}, got {lo:g} to {hi:g}")
        scales[it.name] = (lo, hi)
        for key in ("reversion", "outcome"):
            v = getattr(it, key)
            if v is not None:
                errs += _in_range(f"{p}.{key}", v, lo, hi)
        if not isinstance(it.formulations, Mapping):
            errs.append(f"{p}.formulations: must be a mapping label -> point")
        else:
            for label, v in it.formulations.items():
                errs += _in_range(f"{p}.formulations.{label}", v, lo, hi)
    names: set[str] = set()
    for k, a in enumerate(actors):
        p = f"actors[{k}]"
        if not isinstance(a.name, str) or not a.name.strip():
            errs.append(f"{p}.name: must be a non-empty string, got {excerpt(a.name)}")
        elif a.name in names:
            errs.append(f"{p}.name: duplicate actor {excerpt(a.name)}")
        names.add(str(a.name))
        cap = _number(a.capability)
        if cap is None or not math.isfinite(cap) or not 0.0 <= cap <= MAX_CAPABILITY:
            errs.append(
                f"{p}.capability: must be a number between 0 and {MAX_CAPABILITY:g}, got {excerpt(a.capability)}"
            )
        bad_fields = [f for f in ("positions", "saliences", "bounds") if not isinstance(getattr(a, f), Mapping)]
        if bad_fields:
            errs += [f"{p}.{f}: must be a mapping issue -> value" for f in bad_fields]
            continue
        for issue, pos in a.positions.items():
            q = f"{p}.positions.{issue}"
            if issue not in scales:
                errs.append(f"{q}: unknown issue; valid: {names_text(scales)}")
                continue
            if pos is None or (isinstance(pos, float) and math.isnan(pos)):
                continue  # not taking part
            errs += _in_range(q, pos, *scales[issue])
        for issue, sal in a.saliences.items():
            if issue in scales:
                errs += _in_range(f"{p}.saliences.{issue}", sal, 0.0, 1.0, nan_ok=True)
        for issue, b in a.bounds.items():
            if issue in scales:
                if not isinstance(b, tuple | list) or len(b) != 2:
                    errs.append(f"{p}.bounds.{issue}: must be a pair (lowest, highest), got {excerpt(b)}")
                    continue
                errs += _in_range(f"{p}.bounds.{issue}", b[0], *scales[issue])
                errs += _in_range(f"{p}.bounds.{issue}", b[1], *scales[issue])
    rule = scenario.rule
    if not isinstance(rule, DecisionRule) or rule.kind not in ("consensus", "qmv"):
        errs.append(f"rule: must be DecisionRule('consensus') or DecisionRule('qmv', ...), got {excerpt(rule)}")
    else:
        for key in ("capability_threshold", "count_threshold"):
            v = getattr(rule, key)
            if v is not None and not (_number(v) is not None and 0.0 < float(v) <= 1.0):
                errs.append(f"rule.{key}: must be a share between 0 and 1, got {excerpt(v)}")
    if scenario.chair is not None and scenario.chair not in names:
        errs.append(f"chair: unknown actor {excerpt(scenario.chair)}; valid: {names_text(sorted(names))}")
    if errs:
        listed = "; ".join(errs[:_MAX_SHOWN])
        more = f" (and {len(errs) - _MAX_SHOWN} more)" if len(errs) > _MAX_SHOWN else ""
        raise BadInput(f"invalid scenario {excerpt(scenario.name)}: {listed}{more}")


def _in_range(path: str, value: object, lo: float, hi: float, *, nan_ok: bool = False) -> list[str]:
    v = _number(value)
    if v is None:
        return [f"{path}: must be a number, got {excerpt(value)}"]
    if math.isnan(v) and nan_ok:
        return []
    if not lo <= v <= hi:
        return [f"{path}: must be between {lo:g} and {hi:g}, got {excerpt(value)}"]
    return []
