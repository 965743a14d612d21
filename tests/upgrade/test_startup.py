"""The launcher rule of §1.3 as a frozen client at D/versions/<v>/ sees it: the new version
is tried once; a start that never reached confirm_start brings the old version back and
starts it; the upgrade package code stays free of Qt."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from client.upgrade import layout
from client.upgrade.layout import INSTALL_DIR_ENV, install_root, running_version
from client.upgrade.startup import confirm_start, prepare_start
from installer.upgrade import apply_upgrade, version_folder
from tests.upgrade.payloads import EXECUTABLE, install

ROOT = Path(__file__).resolve().parents[2]


def run_as_frozen(monkeypatch: pytest.MonkeyPatch, root: Path, version: str) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(version_folder(root, version) / EXECUTABLE))


def test_a_new_version_that_never_started_is_replaced_by_the_old_one(
    tmp_path: Path, packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INSTALL_DIR_ENV, raising=False)
    root = install(tmp_path / "D", packages["1.0.0"])
    apply_upgrade(root, packages["1.1.0"])
    spawned: list[list[str]] = []
    run_as_frozen(monkeypatch, root, "1.1.0")
    assert install_root() == root and running_version(root) == "1.1.0"
    # First start of 1.1.0: it runs (and then crashes before its window appears).
    assert prepare_start(lambda command, _cwd: spawned.append(command)) is False
    assert spawned == []
    # Second start of 1.1.0: the old version comes back and is started instead.
    assert prepare_start(lambda command, _cwd: spawned.append(command)) is True
    assert spawned[0][0] == str(version_folder(root, "1.0.0") / EXECUTABLE)
    current = json.loads((root / "current.json").read_text(encoding="utf-8"))
    assert current == {"version": "1.0.0", "previous": None, "pending_first_start": False}
    assert not version_folder(root, "1.1.0").exists()
    # 1.0.0 itself starts normally.
    run_as_frozen(monkeypatch, root, "1.0.0")
    assert prepare_start(lambda command, _cwd: spawned.append(command)) is False
    assert len(spawned) == 1


def test_a_new_version_that_started_is_kept(
    tmp_path: Path, packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(INSTALL_DIR_ENV, raising=False)
    root = install(tmp_path / "D", packages["1.0.0"])
    apply_upgrade(root, packages["1.1.0"])
    run_as_frozen(monkeypatch, root, "1.1.0")
    assert prepare_start(lambda *_a: pytest.fail("nothing to restart")) is False
    assert confirm_start() is True  # its first window appeared
    assert prepare_start(lambda *_a: pytest.fail("nothing to restart")) is False
    current = json.loads((root / "current.json").read_text(encoding="utf-8"))
    assert current == {"version": "1.1.0", "previous": None, "pending_first_start": False}
    assert not version_folder(root, "1.0.0").exists()


def test_a_development_checkout_has_no_installation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(INSTALL_DIR_ENV, raising=False)
    monkeypatch.setattr(sys, "frozen", False, raising=False)
    assert install_root() is None
    assert prepare_start() is False and confirm_start() is False


def test_restart_that_cannot_start_the_program_says_so(
    tmp_path: Path, packages: dict[str, Path]
) -> None:
    root = install(tmp_path / "D", packages["1.0.0"])

    def refuse(_command: list[str], _cwd: Path) -> None:
        raise PermissionError("not executable")

    restart = layout.restart_client(root, "1.0.0", (), refuse)
    assert not restart.started and restart.message == (
        "新版本V1.0.0已安装，但无法自动重新启动，请手动启动客户端。"
    )


def test_the_upgrade_core_imports_without_qt() -> None:
    code = (
        "import sys, client.upgrade.service, client.upgrade.startup, installer.upgrade, "
        "mock_backend.updates; print('PySide6' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
