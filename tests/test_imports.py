"""Dependencies point down (DESIGN §8): core → accounts → notifications → review → registry → web,
never upward, not even inside a function; and no circle of imports among the project's modules.
Every import statement of every module is read (module level, inside functions and classes)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "accounts", "notifications", "review", "registry", "web"]
RANK = {app: i for i, app in enumerate(LAYERS)}


def modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def imports_of(name, path):
    """(imported module, line) for every import in the file, wherever it stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            yield base, node.lineno
            for alias in node.names:  # `from review import services` imports review.services
                yield f"{base}.{alias.name}", node.lineno


MODULES = dict(modules())


def project_module(imported):
    """The project module an import names (the longest known prefix), or None."""
    parts = imported.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def test_no_upward_import_anywhere():
    upward = []
    for name, path in MODULES.items():
        own = RANK[name.split(".")[0]]
        for imported, line in imports_of(name, path):
            top = imported.split(".")[0]
            if top in RANK and RANK[top] > own:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert upward == []


def graph():
    edges = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for imported, _ in imports_of(name, path):
            target = project_module(imported)
            if target and target != name and not name.startswith(target + "."):
                edges[name].add(target)
    return edges


def cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return out


def test_no_circle_of_imports():
    assert cycles(graph()) == []


@pytest.mark.parametrize("edges,expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_the_circle_finder_finds_circles(edges, expected):
    assert cycles(edges) == expected


def test_the_reader_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from registry import services\n", encoding="utf-8")
    assert ("registry.services", 2) in list(imports_of("review.m", source))
