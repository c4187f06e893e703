"""The layering of docs/architecture.md, checked on the imports of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "jixiao"

# Which of our packages each layer may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "interchange": {"domain"},
    "export": {"domain", "interchange"},
    "ingest": {"domain", "interchange"},
    "store": {"domain", "interchange"},
    "synth": {"domain"},
    "services": {"domain", "store", "ingest", "interchange", "export"},
    "web": {"domain", "services", "interchange"},
    "cli": {"domain", "services", "ingest", "interchange", "web", "export", "synth"},
}
STDLIB_ONLY = {"domain"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "jixiao":  # from jixiao import synth: the layer synth
                names.update(
                    f"jixiao.{alias.name}" for alias in node.names if alias.name in ALLOWED
                )
    return names


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 or rel.stem != "__init__" else ""


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _layer(p) not in ("", "__main__"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_inwards(path: Path) -> None:
    layer = _layer(path)
    assert layer in ALLOWED, f"new layer {layer!r}: add it to ALLOWED and docs/architecture.md"
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "jixiao" and len(parts) > 1 and parts[1] != layer:
            assert parts[1] in ALLOWED[layer], f"{layer} must not import {name}"
        if layer in STDLIB_ONLY and parts[0] != "jixiao":
            assert parts[0] in __import__("sys").stdlib_module_names, (
                f"the domain core imports third-party {name}"
            )


def test_every_layer_is_checked() -> None:
    assert {_layer(p) for p in MODULES} == set(ALLOWED)


def _role_decisions(path: Path) -> list[int]:
    """Lines that decide by an actor's role (``x.role is Role.UNIT``, ``x.role in {...}``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Attribute)
            and node.left.attr == "role"
            and not all(isinstance(c, ast.Constant) and c.value is None for c in node.comparators)
        ):
            found.append(node.lineno)
    return found


def test_role_decisions_live_in_services_access() -> None:
    """Web and CLI ask services.access; they decide nothing by role themselves."""
    paths = [*sorted((PACKAGE / "web").rglob("*.py")), PACKAGE / "cli.py"]
    wrong = [f"{p.relative_to(PACKAGE)}:{line}" for p in paths for line in _role_decisions(p)]
    assert not wrong, wrong
