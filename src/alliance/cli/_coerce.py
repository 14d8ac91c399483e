"""Argument coercion without pydantic for the plain option types our commands use.

Typer (>= 0.29) turns every command-line value into its annotated type through a pydantic ``TypeAdapter`` built per
parameter of the invoked command. Importing pydantic and building those adapters costs about 0.2 s of CPU per
command (``python -X importtime``; docs/benchmarks.md), more than many commands' own work. Our options are all of a
few plain types (str, int, float, bool, Path, an Enum choice, a list of str), which convert without pydantic.

:func:`install` gives Typer's parameters a runtime converter that handles the values it can convert unambiguously
(a string of digits for an int, a decimal for a float, a known choice...) exactly as pydantic would, and hands
every other value to Typer's own pydantic converter, built only then: what a command accepts and every error message
stay Typer's. It is installed by :func:`alliance.cli.main` (the console entry point), never at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# pydantic's lax booleans (https://docs.pydantic.dev/latest/api/standard_library_types/#booleans)
_BOOLS = {
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False),
}


class _Slow(Exception):
    """The value is not one the fast path converts unambiguously: ask Typer's pydantic converter."""


def _leaf(annotation: Any, info: Any) -> Any | None:
    """A converter ``(value, param, ctx) -> value`` for one plain type, or None when the type is not one of ours."""
    if getattr(info, "parser", None) is not None:
        return None
    if annotation is str:

        def to_str(value: Any, param: Any, ctx: Any) -> str:
            if isinstance(value, str):
                return value
            raise _Slow

        return to_str
    if annotation is int or annotation is float:
        if info.min is not None or info.max is not None or info.clamp:
            return None
        pattern = _INT if annotation is int else _FLOAT

        def to_number(value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, str) and pattern.fullmatch(value):
                return annotation(value)
            if type(value) is annotation or (annotation is float and type(value) is int):
                return annotation(value)
            raise _Slow

        return to_number
    if annotation is bool:

        def to_bool(value: Any, param: Any, ctx: Any) -> bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _BOOLS:
                return _BOOLS[value.strip().lower()]
            raise _Slow

        return to_bool
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        from typer._param_types import coerce_cli_choice

        choices = list(annotation)

        def to_choice(value: Any, param: Any, ctx: Any) -> Any:
            try:
                return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
            except ValueError:
                raise _Slow from None

        return to_choice
    if annotation is Path and info.path_type in (None, Path):
        from typer._param_types import coerce_cli_path

        def to_path(value: Any, param: Any, ctx: Any) -> Any:
            if not isinstance(value, (str, Path)) or value == "":
                raise _Slow
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)

        return to_path
    return None


def _converter(annotation: Any, info: Any) -> Any | None:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        leaf = _leaf(item, info)
        if leaf is None:
            return None

        def to_list(value: Any, param: Any, ctx: Any) -> list[Any]:
            items = value if isinstance(value, (list, tuple)) else [value]
            return [leaf(v, param, ctx) for v in items]

        return to_list
    return _leaf(annotation, info)


def install() -> None:
    """Give Typer's parameters the fast converter (once; a Typer without the expected internals is left alone)."""
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - another Typer
        return
    cls = getattr(core, "_TyperParameter", None)
    base = getattr(_coercion, "RuntimeParam", None)
    build: Any = getattr(_coercion, "build_runtime_param", None)
    if cls is None or base is None or build is None or getattr(cls, "_alliance_fast", False):
        return
    original = cls.get_runtime_param

    @dataclass(frozen=True)
    class FastRuntimeParam(base):  # type: ignore[misc, valid-type]
        """Converts plain values itself; anything else goes to Typer's pydantic converter, built on demand."""

        convert: Any = None
        descriptor: Any = None
        slow: list[Any] | None = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return self.convert(value, param, ctx)
            except _Slow:
                assert self.slow is not None
                if not self.slow:
                    self.slow.append(build(self.descriptor))
                return self.slow[0]._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            desc = self.type_descriptor
            convert = None if desc.file_annotation is not None else _converter(desc.annotation, desc.parameter_info)
            if convert is not None:
                self._runtime_param = FastRuntimeParam(
                    parameter_info=desc.parameter_info,
                    annotation=desc.annotation,
                    convert=convert,
                    descriptor=desc,
                    slow=[],
                )
        return original(self)

    cls.get_runtime_param = get_runtime_param
    cls._alliance_fast = True
