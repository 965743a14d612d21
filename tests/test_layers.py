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
