"""The architecture of README « Architecture », kept by tests that fail on a new breach.

`make test` runs the layers contract itself (`lint-imports`, pyproject.toml); these tests
make sure that contract covers every package, and check what it cannot see: imports
hidden inside functions, and modules grown too long to read.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("members", "meetings", "deliberations", "pma_governance")
MAX_LINES = 600


def _contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    assert contract["type"] == "layers"
    return dict(contract)


def _layer_modules() -> list[str]:
    layers = _contract()["layers"]
    assert isinstance(layers, list)
    return [m.strip() for layer in layers for m in layer.replace("|", ":").split(":")]


def _sources() -> Iterator[Path]:
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_package_of_pma_governance_has_its_layer() -> None:
    declared = set(_layer_modules())
    children = {
        f"pma_governance.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "pma_governance").iterdir()
        if (p.is_file() and p.suffix == ".py" and p.stem != "__init__")
        or (p.is_dir() and (p / "__init__.py").exists())
    }

    assert children - declared == set(), "ajoutez ces modules à un niveau du contrat"
    assert declared - children - set(FIRST_PARTY) == set(), "le contrat nomme un module absent"


def test_the_layers_run_from_the_settings_down_to_the_infrastructure() -> None:
    modules = _layer_modules()

    assert modules.index("pma_governance.urls") < modules.index("pma_governance.documents")
    assert modules.index("pma_governance.documents") < modules.index("deliberations")
    assert modules.index("deliberations") < modules.index("meetings")
    assert modules.index("meetings") < modules.index("members")
    assert modules[-1] == "pma_governance.lib"


def _function_level_imports(tree: ast.AST) -> Iterator[tuple[int, str, str]]:
    """(line, function, module) of every first-party import inside a function."""
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] in FIRST_PARTY:
                    yield node.lineno, func.name, name


def test_no_function_level_import_dodges_a_cycle() -> None:
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, function, module in _function_level_imports(tree):
            # Django's app registry: models are importable only once every app is loaded.
            if path.name == "apps.py" and function == "ready":
                continue
            found.append(f"{path.relative_to(ROOT)}:{line} {function}() importe {module}")

    assert found == []


@pytest.mark.parametrize("path", list(_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_longer_than_a_maintainer_can_read(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())

    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} : {lines} lignes"
