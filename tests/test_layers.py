"""The no-Qt layers must stay importable without PySide6 (DESIGN.md: arrows point down only)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NO_QT_PACKAGES = [
    "client/storage",
    "client/sync",
    "client/documents",
    "client/fees",
    "client/payments",
    "client/certificates",
    "client/refunds",
    "client/domain",
    "client/account",
    "client/groups",
    "client/updates",
    "client/wages",
    "client/roster",
    "client/backup",
    "client/legacy",
    "client/authorisation",
    "client/personal_payment",
    "client/upgrade",
    "mock_backend",
]
NO_CLIENT_PACKAGES = ["mock_backend"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _py_files(package: str) -> list[Path]:
    folder = ROOT / package
    return sorted(folder.rglob("*.py")) if folder.exists() else []


@pytest.mark.parametrize("package", NO_QT_PACKAGES)
def test_no_qt_in_core_packages(package: str) -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _py_files(package)
        if any(name.split(".")[0] == "PySide6" for name in _imports(path))
    ]
    assert offenders == [], f"PySide6 imported in {offenders}"


def test_backend_shares_nothing_with_client() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for package in NO_CLIENT_PACKAGES
        for path in _py_files(package)
        if any(name.split(".")[0] == "client" for name in _imports(path))
    ]
    assert offenders == []


def test_core_imports_without_pyside6_loaded() -> None:
    """Importing storage and sync must not pull PySide6 in indirectly."""
    code = (
        "import sys, client.storage.app_db, client.storage.feed_store, client.sync.engine, "
        "client.jobs; "
        "print('PySide6' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports when it loads (function-level imports left out),
    with the packages those imports run first (importing a.b.c runs a/__init__ and a/b/__init__)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    named: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from pkg import module` loads pkg.module
                full = f"{node.module}.{alias.name}"
                named.add(full if full in modules else node.module)
    found: set[str] = set()
    for name in named:
        parts = name.split(".")
        found.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
    return found & modules


def _import_cycles(root: Path, packages: list[str]) -> list[list[str]]:
    files = [path for package in packages for path in sorted((root / package).rglob("*.py"))]
    modules = {_module_name(path, root) for path in files}
    graph = {_module_name(p, root): _top_level_imports(p, modules) for p in files}
    for name, deps in graph.items():
        deps.discard(name)
        deps.difference_update(p for p in list(deps) if name.startswith(p + "."))
    cycles: list[list[str]] = []
    for start in sorted(graph):  # the shortest way back to each module, if any
        seen, frontier = {start: [start]}, [start]
        while frontier and not any(start in graph[m] for m in frontier):
            nxt = []
            for m in frontier:
                for d in sorted(graph[m]):
                    if d not in seen:
                        seen[d] = [*seen[m], d]
                        nxt.append(d)
            frontier = nxt
        back = next((seen[m] for m in frontier if start in graph[m]), None)
        if back is not None:
            cycles.append([*back, start])
    return cycles


@pytest.mark.parametrize("packages", [["mock_backend"], ["client"], ["installer"]])
def test_no_import_cycles(packages: list[str]) -> None:
    """Each module imports on its own, whatever was imported before it: a cycle through a
    package's __init__ (mock_backend.seed once imported the fee modules back) breaks that."""
    assert _import_cycles(ROOT, packages) == []


def test_import_cycle_check_sees_one_through_a_package_init(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("from pkg.sub.gen import run\n")
    (tmp_path / "pkg" / "sub" / "gen.py").write_text("from pkg.items import take\n")
    (tmp_path / "pkg" / "sub" / "people.py").write_text("NAMES = []\n")
    (tmp_path / "pkg" / "items.py").write_text("from pkg.sub.people import NAMES\n")
    cycles = _import_cycles(tmp_path, ["pkg"])
    assert ["pkg.items", "pkg.sub", "pkg.sub.gen", "pkg.items"] in cycles
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text('"""empty"""\n')
    assert _import_cycles(tmp_path, ["pkg"]) == []
