"""The architecture as tests: imports run downwards only (nothing below ``cli/`` imports it) and no module imports
itself through a cycle, counting imports inside functions (``TYPE_CHECKING`` blocks are not run, so they do not
count; nor does a name a package ``__init__`` resolves lazily from a string)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "alliance"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: module level and inside functions, not under ``if TYPE_CHECKING``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append(child)
            visit(child)

    visit(tree)
    return found


def _resolve(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The modules of the package an import statement loads (relative imports resolved; ``from pkg import mod``
    counts ``pkg.mod`` when it is a module, else ``pkg``)."""
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = node.module or ""
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        names = set()
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            names.add(sub if sub in MODULES else base)
    out = set()
    for name in names:
        # ``import a.b.c`` runs a, a.b and a.b.c; only the deepest is the dependency that matters for cycles
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith(PACKAGE):
            out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps: set[str] = set()
        for node in _runtime_imports(tree):
            deps |= _resolve(module, node)
        # importing a module runs its parent packages' __init__ first; those edges are implicit, not cycles
        graph[module] = {d for d in deps if d != module and not module.startswith(d + ".")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


@pytest.mark.slow
def test_nothing_below_the_cli_imports_it() -> None:
    graph = _graph()
    offenders = {
        m: sorted(d for d in deps if d == "alliance.cli" or d.startswith("alliance.cli."))
        for m, deps in graph.items()
        if not (m == "alliance.cli" or m.startswith("alliance.cli."))
    }
    assert {m: d for m, d in offenders.items() if d} == {}


@pytest.mark.slow
def test_no_import_cycles_between_modules() -> None:
    graph = _graph()
    assert "alliance.negotiation.schema" in graph["alliance.negotiation.forecasting"]  # function-level edges are seen
    assert _cycles(graph) == []


@pytest.mark.parametrize(
    ("source", "cyclic"),
    [
        ({"a": "from alliance import b", "b": "def f():\n    from alliance import a"}, True),
        (
            {
                "a": "import alliance.b",
                "b": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import alliance.a",
            },
            False,
        ),
        ({"a": "from alliance import b", "b": "X = 1"}, False),
    ],
)
def test_the_cycle_finder_counts_imports_inside_functions(source: dict[str, str], cyclic: bool) -> None:
    """The checker itself finds a cycle made by a function-level import and ignores TYPE_CHECKING imports."""
    graph = {}
    for name in source:
        MODULES.setdefault(f"alliance.{name}", Path(f"{name}.py"))
    for name, text in source.items():
        deps: set[str] = set()
        for node in _runtime_imports(ast.parse(text)):
            deps |= _resolve(f"alliance.{name}", node)
        graph[f"alliance.{name}"] = deps - {f"alliance.{name}"}
    for name in source:
        MODULES.pop(f"alliance.{name}", None)
    assert bool(_cycles(graph)) is cyclic


@pytest.mark.parametrize("package", ["alliance", "alliance.negotiation", "alliance.dynamics", "alliance.spending"])
def test_no_public_name_shadows_a_submodule(package: str) -> None:
    """A package attribute named like a submodule is replaced by the module once it is imported (the bug issue 8
    found in ``alliance.dynamics.backtest``), so public names never reuse a submodule's name."""
    import importlib

    pkg = importlib.import_module(package)
    submodules = {
        m.rsplit(".", 1)[1] for m in MODULES if m.startswith(package + ".") and m.count(".") == package.count(".") + 1
    }
    assert sorted(set(pkg.__all__) & submodules) == []
    for name in pkg.__all__:
        getattr(pkg, name)  # resolves (lazily where the package is lazy)
    for sub in submodules:
        importlib.import_module(f"{package}.{sub}")
    for name in pkg.__all__:
        assert not isinstance(getattr(pkg, name), type(importlib)), name  # still the function, not a module


#: Layers, lowest first: a module may import its own layer and the ones below, never one above.
LAYERS: list[set[str]] = [
    {"alliance.errors"},
    {"alliance.io", "alliance.bundled", "alliance.results", "alliance.data"},
    {"alliance.spending", "alliance.negotiation", "alliance.dynamics"},
    {"alliance.brief", "alliance.claims"},
    {"alliance.web"},
    {"alliance.cli"},
]


def _layer(module: str) -> int:
    for i, roots in enumerate(LAYERS):
        if any(module == r or module.startswith(r + ".") for r in roots):
            return i
    return -1  # the top-level package: lazy exports only


def test_imports_run_downwards_only() -> None:
    upward = sorted((m, d) for m, deps in _graph().items() for d in deps if _layer(m) >= 0 and _layer(d) > _layer(m))
    assert upward == []
