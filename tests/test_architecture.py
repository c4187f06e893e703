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
    paths = [*sorted((PACKAGE / "web").rglob("*.py")), *sorted((PACKAGE / "cli").rglob("*.py"))]
    wrong = [f"{p.relative_to(PACKAGE)}:{line}" for p in paths for line in _role_decisions(p)]
    assert not wrong, wrong


# -- private names, role names and the services' own helpers -----------------------------


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("jixiao", *parts)).removesuffix(".__init__")


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_module(module: str) -> str | None:
    """The package a private module (``jixiao.ingest._grid_read``) belongs to, else None."""
    parts = module.split(".")
    for k, part in enumerate(parts):
        if _private(part):
            return ".".join(parts[:k])
    return None


ALL_MODULES = sorted(PACKAGE.rglob("*.py"))

#: Private names still imported across modules, each with its reason (none left: the web's
#: page helpers are public in web/kit.py since web/pages was split by concept, issue 17).
PRIVATE_IMPORTS_ALLOWED: dict[str, set[str]] = {}


def _private_uses(path: Path) -> list[str]:
    """Where a module reaches into another's private names: ``from m import _x``,
    ``m._x`` on an imported module, or a private module of another package."""
    module = _module_name(path)
    package = _package_of(module, path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()  # local names bound to one of our modules
    found: list[str] = []
    allowed = PRIVATE_IMPORTS_ALLOWED.get(module, set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("jixiao."):
                    owner = _private_module(alias.name)
                    if owner is not None and not package.startswith(owner):
                        found.append(f"{node.lineno}: import {alias.name}")
                    if alias.asname:
                        modules.add(alias.asname)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            source = node.module
            if not source.startswith("jixiao") or source == module:
                continue
            owner = _private_module(source)
            if owner is not None and not package.startswith(owner):
                found.append(f"{node.lineno}: from {source} (private to {owner})")
            for alias in node.names:
                if (PACKAGE / Path(*source.split(".")[1:], alias.name)).exists() or (
                    PACKAGE / Path(*source.split(".")[1:], f"{alias.name}.py")
                ).exists():
                    modules.add(alias.asname or alias.name)
                # A private module's names are its package's: shared inside it only.
                inside = owner is not None and package.startswith(owner)
                if _private(alias.name) and not inside and source not in allowed:
                    found.append(f"{node.lineno}: from {source} import {alias.name}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _private(node.attr)
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", ALL_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_name_is_used_across_modules(path: Path) -> None:
    """A name with a leading underscore is its module's own (or, in a private module such
    as ingest/_grid_read.py, its package's)."""
    assert not _private_uses(path), _private_uses(path)


def test_the_allowed_private_imports_are_still_needed() -> None:
    """The allow-list shrinks as the modules are split; an entry nobody needs goes."""
    for module, sources in PRIVATE_IMPORTS_ALLOWED.items():
        path = PACKAGE / Path(*module.split(".")[1:]).with_suffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            and node.module in sources
            and any(_private(a.name) for a in node.names)
        }
        assert used == sources, f"{module}: drop {sources - used} from the allow-list"


SERVICES = sorted((PACKAGE / "services").glob("*.py"))


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_no_service_uses_another_services_private_helper(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    services = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "jixiao.services"
        for alias in node.names
    }
    wrong = [
        f"{node.lineno}: from {node.module} import {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jixiao.services.")
        for alias in node.names
        if _private(alias.name)
    ] + [
        f"{node.lineno}: {node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in services
        and _private(node.attr)
    ]
    assert not wrong, wrong


def _our_imports(path: Path) -> set[str]:
    """Our modules a module imports, when it is loaded or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jixiao"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (PACKAGE / Path(*sub.split(".")[1:])).with_suffix(".py").exists()
                found.add(sub if is_module else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("jixiao"))
    return found


def test_services_import_each_other_without_a_cycle() -> None:
    """The service modules form no import cycle, not even one patched with an import
    inside a function."""
    graph = {
        f"jixiao.services.{p.stem}": {
            m for m in _our_imports(p) if m.startswith("jixiao.services.")
        }
        for p in SERVICES
        if p.stem != "__init__"
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt]
                raise AssertionError(" → ".join(cycle))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])


def _role_names(path: Path) -> list[int]:
    """Lines naming a role of the workflow (``Role.UNIT``; so also every set of roles)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "jixiao.domain.workflow"
        for alias in node.names
        if alias.name == "Role"
    }
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and node.attr.isupper()
        ):
            lines.append(node.lineno)
    return lines


#: Where roles are named besides domain/ and services/access.py, and why.
ROLE_NAMES_ALLOWED = {
    # The demo's accounts, one per role: data that decides nothing (services.access
    # picks who submits, approves and reports).
    "services/demo.py": "demo_users",
}


def test_roles_are_named_only_in_the_domain_and_services_access() -> None:
    wrong = []
    for path in ALL_MODULES:
        rel = str(path.relative_to(PACKAGE))
        if rel.startswith("domain/") or rel == "services/access.py":
            continue
        lines = _role_names(path)
        if rel in ROLE_NAMES_ALLOWED:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            function = next(
                n
                for n in tree.body
                if isinstance(n, ast.FunctionDef) and n.name == ROLE_NAMES_ALLOWED[rel]
            )
            inside = range(function.lineno, (function.end_lineno or function.lineno) + 1)
            lines = [line for line in lines if line not in inside]
        wrong += [f"{rel}:{line}" for line in lines]
    assert not wrong, wrong


#: Modules still importing ``jixiao.services.actuals`` under another name (as
#: ``performance``), path prefixes: the command line until its split (issue 17) lands,
#: and the web's performance modules.
ACTUALS_ALIAS_ALLOWED = ("cli", "web/api/performance.py", "web/pages/performance.py")


def test_services_actuals_is_imported_under_one_name() -> None:
    """``services.actuals`` is ``actuals`` wherever it is used (it was also imported as
    ``performance`` and ``reporting``)."""
    wrong = []
    for path in ALL_MODULES:
        rel = str(path.relative_to(PACKAGE))
        if rel.startswith(ACTUALS_ALIAS_ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "jixiao.services":
                names = node.names
            elif isinstance(node, ast.Import):
                names = [a for a in node.names if a.name == "jixiao.services.actuals"]
            else:
                continue
            for alias in names:
                if alias.name in ("actuals", "jixiao.services.actuals") and alias.asname:
                    wrong.append(f"{rel}:{node.lineno} as {alias.asname}")
    assert not wrong, wrong
