"""The package layout is the architecture: each layer imports only the layers below it, and no
two modules import each other (round or through others).

    cli -> tui, headless -> experiments -> engine -> models, data -> system

Read from the source with `ast` (every import, also those inside functions and under
TYPE_CHECKING), so the rule is checked by this test rather than by review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "regtui"

# Each layer's rank: a module may import its own package and packages of a higher rank only.
# Packages of equal rank (tui and headless; models and data) never import each other.
LAYERS = {"cli": 0, "tui": 1, "headless": 1, "experiments": 2, "engine": 3, "models": 4, "data": 4,
          "system": 5}
TOP_LEVEL_FILES = {"__init__.py", "__main__.py"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(path: Path, name: str) -> set[str]:
    """Every regtui module `path` imports (absolute names), wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # `from pkg import module`
    return {m for m in found if m == "regtui" or m.startswith("regtui.")}


def resolved(imported: str, known: dict[str, Path]) -> str | None:
    """The module an imported name lives in (`regtui.engine.config.RunConfig` -> its module)."""
    while imported and imported not in known:
        imported = imported.rpartition(".")[0]
    return imported or None


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for i in imports_of(path, name) if (m := resolved(i, known)) and m != name}
            for name, path in known.items()}


def layer(module: str) -> str | None:
    """The layer (top-level package) of a module; None for the package face and __main__,
    which stand above the layers (the entry points may reach any of them)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_the_top_level_holds_eight_layers_and_nothing_else():
    entries = {p.name for p in ROOT.iterdir() if p.name != "__pycache__"}
    packages = {p for p in entries if (ROOT / p).is_dir()}
    assert entries - packages <= TOP_LEVEL_FILES | {"presets"}, "loose modules at the top of regtui/"
    assert packages - {"presets"} == set(LAYERS)


def violations(edges: dict[str, set[str]]) -> list[str]:
    """Imports against the layering: to an equal or higher layer that is not the module's own."""
    bad = []
    for module, imported in edges.items():
        here = layer(module)
        for other in sorted(imported):
            there = layer(other)
            if here is None or there is None or there == here:
                continue  # the package face and __main__ stand above the layers
            if LAYERS[there] <= LAYERS[here]:
                bad.append(f"{module} imports {other} ({here} may not import {there})")
    return bad


def cycles(edges: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk meets, as 'a -> b -> a'."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    return found


def test_every_import_points_down_the_layers():
    assert violations(graph()) == []


def test_no_module_imports_itself_through_others():
    assert cycles(graph()) == []


def test_the_rules_catch_what_they_forbid():
    """A checker that finds nothing passes everything: these graphs must be refused."""
    assert violations({"regtui.engine.runs": {"regtui.tui.app"}})  # upward
    assert violations({"regtui.models.nets": {"regtui.data.toy"}})  # sideways, models <-> data
    assert violations({"regtui.tui.app": {"regtui.headless.session"}})  # between the front ends
    assert not violations({"regtui.cli.main": {"regtui.system.errors", "regtui.cli.exits"}})
    assert cycles({"regtui.a": {"regtui.b"}, "regtui.b": {"regtui.c"}, "regtui.c": {"regtui.a"}})


@pytest.mark.parametrize("source, expected", [
    ("from regtui.engine.config import RunConfig", "regtui.engine.config"),
    ("import regtui.tui.app", "regtui.tui.app"),
    ("def f():\n    from regtui.engine import runs", "regtui.engine.runs"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from regtui.system.errors import X\n",
     "regtui.system.errors"),
    ("from . import early_stopping", "regtui.engine.early_stopping"),
])
def test_the_checker_sees_imports_wherever_they_stand(tmp_path, source, expected):
    known = modules()
    path = tmp_path / "m.py"
    path.write_text(source)
    assert expected in {resolved(i, known) for i in imports_of(path, "regtui.engine.runs")}
