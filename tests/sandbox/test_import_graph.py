"""The sandbox keeps its distance: the runtime never imports it, and its own imports run one way.

Both read the source with ``ast`` instead of importing it, so an import hidden in a function
body counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "woo_connector"
SANDBOX = "woo_connector.sandbox"
LAZY_COMMANDS = {("cli.py", "_main"), ("demo.py", "run_demo")}
"""Where the runtime may start the sandbox: the CLI's ``sandbox``/``demo`` commands, lazily.

``cli._main`` dispatches both commands and ``demo.run_demo`` is the demo command itself."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str | None = None) -> Iterator[tuple[str, str | None]]:
    """(imported module, enclosing top-level function or None) for every import in ``path``.

    Imports under ``if TYPE_CHECKING:`` never run, so they are not counted."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST, function: str | None) -> Iterator[tuple[str, str | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                continue  # an expression holds no statement, so no import: skip its subtree
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from (item for other in child.orelse for item in visit(other, function))
                continue
            inner = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
                inner = child.name
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, inner
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:
                    # ``from pkg import sub`` imports the submodule when there is one
                    candidate = f"{base}.{alias.name}"
                    yield (candidate if module_path(candidate) else base), inner
            yield from visit(child, inner)

    yield from visit(tree, None)


def module_path(name: str) -> Path | None:
    if not name.startswith("woo_connector"):
        return None
    base = PACKAGE.parent.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def runtime_modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if SANDBOX.replace(".", "/") not in p.as_posix()[len(PACKAGE.parent.as_posix()):]]


def sandbox_imports(path: Path, module: str | None = None) -> list[str]:
    """The sandbox imports in ``path`` that are not one of :data:`LAZY_COMMANDS`."""
    found = []
    for name, function in imports(path, module):
        if name == SANDBOX or name.startswith(SANDBOX + "."):
            if (path.name, function) not in LAZY_COMMANDS or path.parent != PACKAGE:
                found.append(f"{path.name}: {name} (in {function or 'module level'})")
    return found


def test_no_runtime_module_imports_the_sandbox() -> None:
    modules = runtime_modules()
    assert len(modules) > 10, "the runtime modules were not found"
    assert [offence for path in modules for offence in sandbox_imports(path)] == []


def test_the_guard_catches_imports_at_module_level_in_functions_and_relative(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from typing import TYPE_CHECKING\n"
                     "import woo_connector.sandbox.store\n"
                     "if TYPE_CHECKING:\n    from .sandbox import Sandbox\n"
                     "def helper():\n    from .sandbox import server\n", encoding="utf-8")
    assert sandbox_imports(probe, "woo_connector.probe") == [
        "probe.py: woo_connector.sandbox.store (in module level)",
        "probe.py: woo_connector.sandbox.server (in helper)",
    ]
    lazy = tmp_path / "cli.py"
    lazy.write_text("def main():\n    from .sandbox.cli import run_sandbox\n", encoding="utf-8")
    assert sandbox_imports(lazy, "woo_connector.cli") == ["cli.py: woo_connector.sandbox.cli (in main)"]  # not in the package


def sandbox_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in (PACKAGE / "sandbox").rglob("*.py"):
        name = module_name(path)
        graph[name] = {target for target, _ in imports(path)
                       if target.startswith(SANDBOX) and target != name and module_path(target)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}  # 1: on the stack, 2: done

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                walk(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    return found


def test_the_sandbox_imports_one_way() -> None:
    graph = sandbox_graph()
    assert f"{SANDBOX}.store" in graph and f"{SANDBOX}.seed" in graph[f"{SANDBOX}.store"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
