"""The registry of negotiation models: name -> ``solve(scenario, **options) -> ModelOutcome``.

Each model lives in its own module with a pure ``solve`` function (and usually a ``solve_batch`` NumPy kernel
over ``(runs, actors, issues)``). To add a model, add ONE line to :data:`MODEL_MODULES`; a module that is
missing or fails to import is listed as unavailable, so ``get_model`` can say why instead of crashing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from alliance.errors import BadInput
from alliance.negotiation.models.base import ModelOutcome, Solver, SolverFn

__all__ = [
    "MODELS",
    "MODEL_MODULES",
    "ModelOutcome",
    "Solver",
    "SolverFn",
    "get_model",
    "model_module",
    "model_names",
    "register",
]

#: Model name -> module that defines ``solve``. Add a line here to add a model.
MODEL_MODULES: dict[str, str] = {
    "compromise": "alliance.negotiation.models.compromise",
    "median": "alliance.negotiation.models.median",
    "nash": "alliance.negotiation.models.nash",
    "eum": "alliance.negotiation.models.eum",
    "consensus": "alliance.negotiation.models.consensus",
    "exchange": "alliance.negotiation.models.exchange",
    "stacked": "alliance.negotiation.models.stacked",
    "procedural": "alliance.negotiation.models.procedural",
    "ensemble": "alliance.negotiation.models.ensemble",
    "choice": "alliance.negotiation.models.choice",
    "synthesis": "alliance.negotiation.models.synthesis",
}

#: Available models: name -> solver (filled from MODEL_MODULES on first use, and by :func:`register`).
MODELS: dict[str, SolverFn] = {}
#: Declared models that could not be imported: name -> reason (complete once :func:`model_names` has run).
UNAVAILABLE: dict[str, str] = {}


def register(name: str, solver: SolverFn) -> None:
    """Register a solver under ``name`` at run time (e.g. a model defined in a notebook)."""
    MODELS[name] = solver
    UNAVAILABLE.pop(name, None)


def _load(only: str | None = None) -> None:
    """Import the declared models (or only the one named) into :data:`MODELS`, noting in :data:`UNAVAILABLE` why
    one cannot be imported. Models load on first use, not when this package is imported: a command that runs one
    model does not import the other ten (``alliance backtest ... --model compromise``)."""
    for name, module in MODEL_MODULES.items():
        if name in MODELS or (only is not None and name != only):
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                UNAVAILABLE[name] = f"module {module} is not installed yet"
            else:
                UNAVAILABLE[name] = f"module {module} failed to import: {exc}"
            continue
        except Exception as exc:  # a broken model must not take the others down
            UNAVAILABLE[name] = f"module {module} failed to import: {type(exc).__name__}: {exc}"
            continue
        solve = getattr(mod, "solve", None)
        if solve is None:
            UNAVAILABLE[name] = f"module {module} defines no solve()"
            continue
        MODELS[name] = solve


def model_names() -> list[str]:
    """Names of the available models, in registry order."""
    _load()
    return [n for n in MODEL_MODULES if n in MODELS] + [n for n in MODELS if n not in MODEL_MODULES]


def get_model(name: str) -> SolverFn:
    """The solver registered as ``name``.

    Raises:
        BadInput: unknown name (listing the valid ones) or a declared model that is not available.
    """
    if name not in MODELS:
        _load(name if name in MODEL_MODULES else None)
    if name in MODELS:
        return MODELS[name]
    valid = ", ".join(model_names())
    if name in UNAVAILABLE:
        raise BadInput(f"model {name!r} is not available ({UNAVAILABLE[name]}); available: {valid}")
    raise BadInput(f"unknown model {name!r}; valid: {valid}")


def model_module(name: str) -> ModuleType | None:
    """The module that defines the solver ``name`` (for its optional ``solve_batch`` kernel)."""
    fn = get_model(name)
    mod = getattr(fn, "__module__", None)
    return importlib.import_module(mod) if mod else None
