"""Print every import circle among the modules of ``fidelity/`` (exit 1 when there is one).

    python scripts/import_graph.py [--edges]

Every module is parsed with ``ast``; its imports of other ``fidelity`` modules are edges,
wherever they are written: at module level or inside a function (a lazy import still loads
the module, and a circle that only closes at run time is still a circle). Importing
``fidelity.a.b`` runs ``fidelity/a/__init__.py`` first, so it is an edge to ``fidelity.a`` as
well (a package's re-exports are its imports). Not edges: imports under ``if TYPE_CHECKING:``
(never run) and ``importlib.import_module`` with a string (``fidelity/__init__.py``'s lazy
``__getattr__``), which no parser can follow and which load on first use only.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "fidelity"


def module_names(root: Path = ROOT) -> dict[str, Path]:
    """``fidelity.x.y`` -> its file, for every module and package under ``fidelity/``."""
    names = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node, at any depth, except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _ancestors(name: str) -> set[str]:
    """The packages ``name`` sits in."""
    parts = name.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts))}


def _loaded_by(target: str, importer: str, known: dict[str, Path]) -> set[str]:
    """What importing ``target`` from ``importer`` runs: ``target`` and the packages above it,
    except those above ``importer`` too (already running when ``importer`` runs: a module that
    imports its sibling does not run its own package's ``__init__`` again)."""
    return {m for m in (_ancestors(target) - _ancestors(importer)) | {target} if m in known}


def module_imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The ``fidelity`` modules that module ``name`` (file ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from x import y``: y is a submodule of x, or a name x defines (then x itself is imported)
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
            names_of_base = len(submodules) < len(node.names)
            targets = submodules + ([base] if names_of_base else [])
            if not names_of_base and base not in _ancestors(name):
                targets.append(base)  # its __init__ runs first
        for target in targets:
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                found |= _loaded_by(target, name, known)
    found.discard(name)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    known = module_names(root)
    return {name: module_imports(name, path, known) for name, path in known.items()}


def tangles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a circle (Tarjan's
    strongly connected components of more than one module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:  # iterative: the graph is deep enough to matter for recursion
        nonlocal counter
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(groups)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle in each tangle, as a path that closes on its first module."""
    return [_circle_in(group, graph) for group in tangles(graph)]


def _circle_in(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    members = set(group)
    start = group[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return group


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="also print every module's imports")
    args = parser.parse_args(argv)
    graph = import_graph()
    if args.edges:
        for name in sorted(graph):
            print(f"{name} -> {', '.join(sorted(graph[name])) or '-'}")
    found = cycles(graph)
    for circle, group in zip(found, tangles(graph)):
        print("import circle: " + " -> ".join(circle))
        if len(group) > len(circle) - 1:
            print(f"  (one of the circles among these {len(group)} modules: {', '.join(group)})")
    if not found:
        print(f"no import circle among {len(graph)} modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
