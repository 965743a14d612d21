"""Fixtures of the installer tests: desktop folders redirected, a built fake payload."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.manifest import Manifest
from tests.installer.fake_payload import desktop_dirs, make_payload

__all__ = ["desktop_dirs"]


@pytest.fixture
def payload(tmp_path: Path) -> Path:
    folder = tmp_path / "payload" / "1.4.0"
    make_payload(folder)
    return folder


@pytest.fixture
def payload_manifest(payload: Path) -> Manifest:
    return Manifest.read(payload / "manifest.json")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The client's data folder, with a unit database the installer must never touch."""
    folder = tmp_path / "userdata"
    (folder / "units").mkdir(parents=True)
    (folder / "app.sqlite3").write_bytes(b"SQLite format 3\x00app")
    (folder / "units" / "91110000.sqlite3").write_bytes(b"SQLite format 3\x00unit")
    monkeypatch.setenv("SHEBAOFEI_DATA_DIR", str(folder))
    return folder
