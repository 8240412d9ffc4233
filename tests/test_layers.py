"""The house rules, parsed: imports point down the layers, no cycles, only ui/ imports
Streamlit, pages stay thin.

Every ``import`` and ``from … import`` in ``naravard/`` is read with :mod:`ast`,
including imports inside functions and under ``TYPE_CHECKING``, so a lazy import
cannot hide an upward dependency or a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "naravard"

# Lower rank = lower layer. A module may import its own layer and any lower one.
RANKS: dict[str, int] = {
    "errors": 0,
    "fmt": 0,
    "sources": 1,
    "model": 2,
    "store": 3,
    "services": 4,
    "views": 5,
    "export": 6,
    "cli": 7,
    "ui": 8,
    "__main__": 9,
}
# Layers whose modules may not depend on each other although they share a rank.
LEAVES = {"errors", "fmt"}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in PKG.rglob("*.py")}


def imports_of(path: Path, modname: str) -> set[str]:
    """Every naravard module ``path`` imports, resolved to a dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    package = modname if is_pkg else modname.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "naravard"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "naravard":
                continue
            found.add(mod)
            # `from naravard.views import scenario` imports the module naravard.views.scenario
            found |= {f"{mod}.{a.name}" for a in node.names}
    known = package_modules()
    return {m for m in found if m in known and m != modname}


def layer(modname: str) -> str:
    parts = modname.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph() -> dict[str, set[str]]:
    return {m: imports_of(p, m) for m, p in package_modules().items()}


def test_every_module_belongs_to_a_known_layer():
    unknown = sorted(m for m in package_modules() if m != "naravard" and layer(m) not in RANKS)
    assert unknown == [], f"modules outside the layers of tests/test_layers.py: {unknown}"


def test_imports_point_down_only():
    upward = []
    for mod, deps in graph().items():
        if mod == "naravard":
            continue
        for dep in deps:
            if dep == "naravard":
                continue
            a, b = layer(mod), layer(dep)
            if a == b:
                continue
            if RANKS[b] > RANKS[a] or (a in LEAVES and b not in LEAVES) or (a in LEAVES and b in LEAVES):
                upward.append(f"{mod} -> {dep}")
    assert upward == [], "imports that point up (or sideways between leaves):\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    g = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(g.get(n, ())):
            if d.startswith(n + "."):
                continue  # a package importing its own submodule is not a cycle
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_an_upward_import_inside_a_function(tmp_path):
    """The test above would catch a lazy upward import (guards against a checker that
    only reads top-level imports)."""
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from naravard.ui import state\n    return state\n", encoding="utf-8")
    tree = ast.parse(src.read_text())
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "naravard.ui" in mods


def _third_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ui_imports_streamlit(path: Path):
    if layer(module_name(path)) == "ui":
        return
    assert "streamlit" not in _third_party_imports(path)


PAGES = sorted((ROOT / "pages").glob("*.py"))


PAGES_STILL_REACHING_DOWN: set[str] = set()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="page not yet thinned (issue 10, part 1)"))
        if p.name in PAGES_STILL_REACHING_DOWN
        else p
        for p in PAGES
    ],
    ids=lambda p: p.name,
)
def test_pages_import_only_ui_views_and_fmt(path: Path):
    """Pages are layout and calls: they reach the package through ui/ and views/."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("naravard"):
            mods = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            allowed = ("naravard.ui", "naravard.views", "naravard.fmt")
            if not any(m == a or m.startswith(a + ".") for m in mods for a in allowed):
                bad.append(node.module)
    assert bad == []
