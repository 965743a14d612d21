"""Which modules the 单位管理 switch offers: installed (state file, development checkout,
override), online in the region, and loaded."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QPushButton

from client import installed
from client.installed import ALL_MODULES, ENV, STATE_FILE, installed_modules
from client.ui.controller import AppController
from tests.shell.test_shell_flow import choose_region


@pytest.fixture
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def write_state(base: Path, **flags: bool) -> None:
    modules = [{"key": key, "installed": flag} for key, flag in flags.items()]
    (base / STATE_FILE).write_text(json.dumps({"format": 1, "modules": modules}), "utf-8")


@pytest.mark.usefixtures("no_override")
class TestInstalledModules:
    def test_the_state_file_names_what_the_installer_put_here(self, tmp_path: Path) -> None:
        write_state(tmp_path, collector=True, employer=False)
        assert installed_modules(tmp_path) == ("collector",)
        write_state(tmp_path, collector=True, employer=True)
        assert installed_modules(tmp_path) == ALL_MODULES  # canonical order, not the file's

    def test_the_installers_file_as_written(self, tmp_path: Path) -> None:
        """Plain ASCII JSON with every module's title, as the installer (and setup.iss)
        write it."""
        state = {
            "format": 1,
            "modules": [
                {"key": "employer", "title": "用人单位", "installed": True},
                {"key": "collector", "title": "代收单位", "installed": False},
            ],
        }
        (tmp_path / STATE_FILE).write_text(json.dumps(state) + "\n", "ascii")
        assert installed_modules(tmp_path) == ("employer",)

    def test_unknown_keys_and_unticked_modules_are_not_installed(self, tmp_path: Path) -> None:
        write_state(tmp_path, employer=False, payroll=True)
        assert installed_modules(tmp_path) == ()

    def test_a_damaged_state_file_installs_nothing(self, tmp_path: Path) -> None:
        (tmp_path / STATE_FILE).write_text('{"modules": [', "utf-8")
        (tmp_path / "pyproject.toml").write_text("[project]\n", "utf-8")
        assert installed_modules(tmp_path) == ()  # not mistaken for a development checkout

    def test_a_development_checkout_has_both(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text("[project]\n", "utf-8")
        assert installed_modules(tmp_path) == ALL_MODULES

    def test_the_state_file_wins_over_a_development_checkout(self, tmp_path: Path) -> None:
        (tmp_path / "pyproject.toml").write_text("[project]\n", "utf-8")
        write_state(tmp_path, employer=True, collector=False)
        assert installed_modules(tmp_path) == ("employer",)

    def test_a_bare_folder_has_none(self, tmp_path: Path) -> None:
        assert installed_modules(tmp_path) == ()

    def test_this_checkout_counts_as_development(self) -> None:
        root = Path(installed.__file__).resolve().parent.parent
        assert installed.program_dir() == root
        if not (root / STATE_FILE).exists():
            assert installed_modules() == ALL_MODULES

    def test_a_frozen_program_looks_beside_its_executable(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sys, "frozen", True, raising=False)
        monkeypatch.setattr(sys, "executable", str(tmp_path / "社保费管理客户端.exe"))
        assert installed.program_dir() == tmp_path.resolve()
        write_state(tmp_path, collector=True)
        assert installed_modules() == ("collector",)


def test_the_override_wins_over_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_state(tmp_path, employer=True, collector=True)
    monkeypatch.setenv(ENV, " collector , nonsense")
    assert installed_modules(tmp_path) == ("collector",)
    monkeypatch.setenv(ENV, "")
    assert installed_modules(tmp_path) == ()


def dispose(controller: AppController) -> None:
    """Delete the shell's windows now. Left to PySide's clean-up at exit, the windows of a
    shell without modules now and then crashed the process after all tests had passed."""
    for name in ("main_window", "unit_manager", "region_dialog"):
        widget = getattr(controller, name)
        if widget is not None:
            widget.close()
            widget.deleteLater()
            setattr(controller, name, None)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_module_that_failed_to_load_gets_no_switch(
    qtbot: Any, backend: Any, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from client import modules

    monkeypatch.setitem(modules.MODULE_PATHS, "collector", "client.collector.nothing:DESCRIPTOR")
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")  # both modules are online there
    manager = controller.unit_manager
    assert list(manager.switch_buttons) == ["employer"]
    assert manager.findChild(QPushButton, "btn_switch_collector") is None
    assert manager.kind == "employer" and manager.btn_add.isEnabled()
    dispose(controller)


def test_when_every_module_failed_the_clerk_is_told_to_repair(
    qtbot: Any, backend: Any, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from client import modules

    for key in ALL_MODULES:
        monkeypatch.setitem(modules.MODULE_PATHS, key, f"client.{key}.nothing:DESCRIPTOR")
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    manager = controller.unit_manager
    assert manager.switch_buttons == {}
    assert not manager.btn_add.isEnabled()
    hint = manager.findChild(QLabel, "label_no_modules")
    assert "加载失败" in hint.text() and "安装程序" in hint.text()
    dispose(controller)
