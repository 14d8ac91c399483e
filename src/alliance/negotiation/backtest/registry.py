"""The specification registry: every forecasting specification scored on DEU, fixed in a file before scoring.

The independent test (issue 11) showed where optimism comes from: choices made outside every cross-validation
loop (the design space, the candidate pools, the snapping rule) on the same issues the loop then scored. The
protocol that prevents it:

1. every decision that shapes a model (family, features, pools, snapping, priors, how it is evaluated) is either
   inside the nested loop or written in a specification file in ``backtest/specs/`` *before the model is scored
   for the first time*, and committed on its own (the commit is recorded in ``docs/specifications.md`` and, once
   the specification is scored, in the file's ``commit_fixed``);
2. after scoring only ``status``, ``commit_fixed``, ``results`` and ``holdout`` may change (``tools/check_specs.py``
   and a test compare the frozen keys with the file at ``commit_fixed``);
3. every specification scored stays in the registry, failures included: ``docs/specifications.md`` lists them
   with their dates and figures.

Specifications scored before the protocol existed (the first release's models, ``stacked``, ``ensemble``) are
recorded too, with ``fixed_before_scoring: false`` and what was chosen outside the loop.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from alliance.errors import BadInput
from alliance.io import parse_text, validation_lines

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FROZEN_KEYS", "MUTABLE_KEYS", "SPEC_STATUSES", "Spec", "list_specs", "load_spec", "specs_frame"]

SPEC_STATUSES = ("fixed", "scored", "shipped", "failed", "superseded")
#: Keys that may change after a specification is first scored; every other key is frozen.
MUTABLE_KEYS: frozenset[str] = frozenset({"status", "commit_fixed", "results", "holdout", "notes"})


class Spec(BaseModel):
    """One specification file (``backtest/specs/<id>.yaml``).

    Attributes:
        id: identifier (the file stem).
        title: one line.
        kind: ``model`` (a point forecaster), ``distribution`` (a predictive distribution on top of models),
            ``synthesis`` (a combination of models), ``bands`` (the spending simulation's intervals).
        status: ``fixed`` (written, not yet scored), ``scored``, ``shipped``, ``failed`` (scored and not good
            enough to ship, or beaten on the hold-out), ``superseded``.
        date_fixed: the day the specification was written (for recorded older ones, the day they were made).
        fixed_before_scoring: True when this file was committed before the first score (the protocol); False for
            specifications recorded after the fact.
        search_inside_loop: True when every choice the specification leaves open is made inside the
            cross-validation loop; a nested-CV figure is reported as honest only then.
        outside_loop: the choices made outside every loop, on the data that scored them (empty if none).
        prior_exposure: what the author had seen of the calibration half before writing the file.
        specification: the model: ``family``, ``features``, ``pools``, ``snapping``, ``priors`` and any other
            setting that shapes it.
        evaluation: how it is scored: data, capabilities, folds, seeds, metrics.
        commit_fixed: the commit that added the file (filled in once the file has been scored).
        results: calibration-half figures, filled in after scoring (with the command and the date).
        holdout: figures on the held-out half as reported by the project (never computed by the package).
        notes: free text.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    kind: Literal["model", "distribution", "synthesis", "bands"]
    status: Literal["fixed", "scored", "shipped", "failed", "superseded"]
    date_fixed: _dt.date
    fixed_before_scoring: bool
    search_inside_loop: bool
    outside_loop: str = ""
    prior_exposure: str = ""
    specification: dict[str, Any]
    evaluation: dict[str, Any] = Field(default_factory=dict)
    commit_fixed: str | None = None
    results: dict[str, Any] = Field(default_factory=dict)
    holdout: dict[str, Any] = Field(default_factory=dict)
    notes: str = ""


#: Keys of :class:`Spec` that are frozen once the specification is scored.
FROZEN_KEYS: tuple[str, ...] = tuple(k for k in Spec.model_fields if k not in MUTABLE_KEYS)


def _folder() -> Any:
    return resources.files("alliance.negotiation.backtest") / "specs"


def list_specs() -> list[str]:
    """Identifiers of every specification file, sorted by the date fixed, then by id."""
    names = [p.name[: -len(".yaml")] for p in _folder().iterdir() if p.name.endswith(".yaml")]
    return sorted(names, key=lambda n: (load_spec(n).date_fixed, n))


@cache
def _load(spec_id: str) -> Spec:
    path = _folder() / f"{spec_id}.yaml"
    if not path.is_file():
        valid = sorted(p.name[: -len(".yaml")] for p in _folder().iterdir() if p.name.endswith(".yaml"))
        raise BadInput(f"unknown specification {spec_id!r}; valid: {', '.join(valid)}")
    data = parse_text(path.read_text(encoding="utf-8"), ".yaml", f"specification {spec_id!r}")
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise BadInput(f"invalid specification {spec_id!r}: {'; '.join(validation_lines(exc))}") from None
    if spec.id != spec_id:
        raise BadInput(f"specification file {spec_id}.yaml has id {spec.id!r}; the id must be the file stem")
    return spec


def load_spec(spec_id: str) -> Spec:
    """The specification ``spec_id`` (validated).

    Raises:
        BadInput: unknown id (listing the valid ones) or an invalid file.
    """
    return _load(spec_id)


def specs_frame() -> pd.DataFrame:
    """One row per specification: id, kind, status, date fixed, whether fixed before scoring, whether the search
    is inside the loop, the calibration-half headline and the hold-out figure (where reported)."""
    import pandas as pd

    rows = []
    for sid in list_specs():
        s = load_spec(sid)
        rows.append(
            {
                "id": s.id,
                "kind": s.kind,
                "status": s.status,
                "date_fixed": s.date_fixed.isoformat(),
                "fixed_before_scoring": s.fixed_before_scoring,
                "search_inside_loop": s.search_inside_loop,
                "commit_fixed": s.commit_fixed or "",
                "calibration": str(s.results.get("headline", "")),
                "holdout": str(s.holdout.get("headline", "")),
            }
        )
    return pd.DataFrame(rows)
