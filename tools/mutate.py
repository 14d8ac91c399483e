"""Mutation testing by hand (issue 14): mutate one module, one change at a time, and run the tests that should
notice; a mutant the tests do not notice "survives".

mutmut 2.5.1 runs here but starts a fresh pytest per mutant (NumPy, pandas and the package imported each time):
about 40 s a mutant on the project's shared two-core machine, so a module of 200 mutants took hours. This driver
makes the same kinds of mutants (mutmut's operator, comparison, boolean, number and keyword mutations) from the
module's AST and runs the tests in one process: each mutant's functions replace the originals' code objects in place
(``func.__code__``), so every reference to them (registries, ``from ... import`` bindings) runs the mutant, and
pytest runs in-process (``pytest.main``) with ``-x``. About 1-3 s a mutant.

    python tools/mutate.py src/alliance/negotiation/models/compromise.py \\
        "tests/negotiation/test_models.py tests/negotiation/test_batch_api.py -k compromise" [--json out.json]

Prints killed / survived / errors (a mutant that cannot compile or breaks import counts as killed) and each
survivor with its line. Mutants in docstrings, annotations and ``__all__`` are not made. Module-level constants are
mutated too, but a changed constant reaches only code that reads it at call time through the module.
"""

from __future__ import annotations

import argparse
import ast
import copy
import importlib
import io
import json
import shlex
import signal
import sys
import time
import types
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

_SWAP_BIN: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
                               ast.FloorDiv: ast.Div, ast.Mod: ast.Mult, ast.Pow: ast.Mult, ast.BitAnd: ast.BitOr,
                               ast.BitOr: ast.BitAnd, ast.MatMult: ast.Mult}  # fmt: skip
_SWAP_CMP: dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                               ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
                               ast.NotIn: ast.In}  # fmt: skip


@dataclass
class Mutant:
    index: int
    line: int
    what: str
    tree: ast.Module


def _skip_nodes(tree: ast.Module) -> set[int]:
    """ids of nodes not to mutate: docstrings, annotations, ``__all__``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            skip |= {id(n) for n in ast.walk(body[0])}
        for ann in ("annotation", "returns"):
            sub = getattr(node, ann, None)
            if isinstance(sub, ast.AST):
                skip |= {id(n) for n in ast.walk(sub)}
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skip |= {id(n) for n in ast.walk(node)}
    return skip


def mutants(source: str) -> Iterator[Mutant]:
    """Every single-point mutant of ``source``."""
    base = ast.parse(source)
    skip = _skip_nodes(base)
    spots: list[tuple[int, int, str]] = []  # (node position in walk order, variant, description)
    nodes = list(ast.walk(base))
    for pos, node in enumerate(nodes):
        if id(node) in skip:
            continue
        if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _SWAP_BIN:
            spots.append((pos, 0, f"{type(node.op).__name__} -> {_SWAP_BIN[type(node.op)].__name__}"))
        elif isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                if type(op) in _SWAP_CMP:
                    spots.append((pos, k, f"{type(op).__name__} -> {_SWAP_CMP[type(op)].__name__}"))
        elif isinstance(node, ast.BoolOp):
            spots.append((pos, 0, "and <-> or"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
            spots.append((pos, 0, f"drop {type(node.op).__name__}"))
        elif isinstance(node, ast.Constant) and not isinstance(node.value, str | bytes) and node.value is not None:
            if isinstance(node.value, bool):
                spots.append((pos, 0, f"{node.value} -> {not node.value}"))
            elif isinstance(node.value, int | float):
                spots.append((pos, 0, f"{node.value!r} -> {node.value + 1!r}"))
    for index, (pos, variant, what) in enumerate(spots):
        tree = copy.deepcopy(base)
        node = list(ast.walk(tree))[pos]
        if isinstance(node, ast.BinOp | ast.AugAssign):
            node.op = _SWAP_BIN[type(node.op)]()
        elif isinstance(node, ast.Compare):
            node.ops[variant] = _SWAP_CMP[type(node.ops[variant])]()
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.UnaryOp):
            _replace(tree, node, node.operand)
        elif isinstance(node, ast.Constant):
            node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
        yield Mutant(index, getattr(node, "lineno", 0), what, tree)


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return


def _functions(ns: dict[str, object], module_name: str) -> dict[str, types.FunctionType]:
    """Functions defined in the module (and methods of its classes), by qualified name."""
    out: dict[str, types.FunctionType] = {}
    for name, obj in ns.items():
        target = getattr(obj, "__wrapped__", obj)  # decorated kernels (in_chunks) keep the original here
        if isinstance(target, types.FunctionType) and target.__module__ == module_name:
            out[name] = target
        elif isinstance(obj, type) and obj.__module__ == module_name:
            for attr, member in vars(obj).items():
                if isinstance(member, types.FunctionType):
                    out[f"{name}.{attr}"] = member
    return out


class _Timeout(Exception):
    pass


def run(path: Path, tests: str, per_mutant: float = 120.0) -> dict[str, object]:
    import pytest

    rel = path.resolve().relative_to(Path("src").resolve())
    module_name = ".".join(rel.with_suffix("").parts)
    module = importlib.import_module(module_name)
    originals = _functions(vars(module), module_name)
    saved_code = {k: (f.__code__, f.__defaults__, f.__kwdefaults__) for k, f in originals.items()}
    saved_globals = dict(vars(module))
    args = [*shlex.split(tests), "-x", "-q", "-p", "no:cacheprovider", "-m", "not slow", "-W", "ignore"]

    def pytest_ok() -> bool:
        sink = io.StringIO()
        with redirect_stdout(sink), redirect_stderr(sink):
            return int(pytest.main(args)) == 0

    if not pytest_ok():
        raise SystemExit(f"the tests fail without any mutation: {tests}")

    def alarm(signum: int, frame: object) -> None:
        raise _Timeout

    signal.signal(signal.SIGALRM, alarm)
    source = path.read_text(encoding="utf-8")
    killed, survived, errors, skipped = 0, [], 0, 0
    start = time.perf_counter()
    all_mutants = list(mutants(source))
    for m in all_mutants:
        ns: dict[str, object] = {"__name__": module_name, "__file__": str(path)}
        try:
            exec(compile(ast.fix_missing_locations(m.tree), str(path), "exec"), ns)  # noqa: S102 - our own source
        except Exception:
            errors += 1
            killed += 1
            continue
        changed = _functions(ns, module_name)
        applied = False
        for k, f in originals.items():
            new_f = changed.get(k)
            if new_f is None:
                continue
            differs = (new_f.__code__.co_code, new_f.__code__.co_consts, new_f.__defaults__, new_f.__kwdefaults__) != (
                f.__code__.co_code, f.__code__.co_consts, f.__defaults__, f.__kwdefaults__)  # fmt: skip
            try:  # the body and the defaults (a mutated default lives outside __code__)
                f.__code__ = new_f.__code__
                f.__defaults__, f.__kwdefaults__ = new_f.__defaults__, new_f.__kwdefaults__
                applied |= differs
            except ValueError:  # a closure whose cells differ (a method using super()): cannot swap in place
                pass
        for k, v in ns.items():  # module constants: only those of a plain type
            if k in saved_globals and isinstance(v, int | float | bool | str | tuple) and not k.startswith("__"):
                applied |= v != saved_globals[k]
                setattr(module, k, v)
        if not applied:
            skipped += 1
            for k, f in originals.items():
                f.__code__, f.__defaults__, f.__kwdefaults__ = saved_code[k]
            continue
        for obj in vars(module).values():  # memoised functions must not answer from the last mutant's cache
            if hasattr(obj, "cache_clear") and getattr(obj, "__module__", None) == module_name:
                obj.cache_clear()
        signal.alarm(int(per_mutant))
        try:
            ok = pytest_ok()
        except _Timeout:
            ok = False
        except BaseException:  # noqa: BLE001 - a mutant may raise anything, SystemExit included
            ok = False
        finally:
            signal.alarm(0)
            for k, f in originals.items():
                f.__code__, f.__defaults__, f.__kwdefaults__ = saved_code[k]
            for k, v in saved_globals.items():
                if isinstance(v, int | float | bool | str | tuple) and not k.startswith("__"):
                    setattr(module, k, v)
        if ok:
            survived.append({"line": m.line, "mutation": m.what})
        else:
            killed += 1
        print("." if not ok else "S", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return {
        "module": str(path),
        "tests": tests,
        "mutants": len(all_mutants) - skipped,
        "killed": killed,
        "survived": len(survived),
        "not_compiling": errors,
        "not_applied": skipped,
        "seconds": round(time.perf_counter() - start),
        "survivors": survived,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module", type=Path, help="a file under src/")
    parser.add_argument("tests", help="pytest arguments selecting the tests (quoted)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    res = run(args.module, args.tests)
    print(f"{res['module']}: {res['mutants']} mutants, {res['killed']} killed, {res['survived']} survived "
          f"({res['not_applied']} not applied: in a closure or a constant read at import; {res['seconds']} s)")  # fmt: skip
    for s in res["survivors"]:  # type: ignore[attr-defined]
        print(f"  line {s['line']}: {s['mutation']}")
    if args.json is not None:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
