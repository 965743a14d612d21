"""The maintenance window (manual §1.4.1-§1.4.3) driven like a clerk: install → 立即启动,
修复 and 快速修复, 卸载 with its confirmation, down to the last module."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from client import installed
from installer import maintenance
from installer.manifest import APP, Manifest, verify_folder
from installer.state import read_state
from installer.window import ConfirmUninstall, MaintenanceWindow
from tests.installer.fake_payload import snapshot

pytestmark = pytest.mark.usefixtures("desktop_dirs")


@pytest.fixture(autouse=True)
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(installed.ENV, raising=False)


def child(window: QWidget, kind: type, name: str):  # noqa: ANN202 - a test helper
    found = window.findChild(kind, name)
    assert found is not None, name
    return found


def click(qtbot: QtBot, window: QWidget, name: str) -> None:
    button = child(window, QPushButton, name)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_done(qtbot: QtBot, window: MaintenanceWindow, title: str) -> str:
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "page_done", timeout=20000)
    assert child(window, QLabel, "lbl_done_title").text() == title
    return child(window, QLabel, "lbl_done_text").text()


def state(window: MaintenanceWindow, key: str) -> str:
    return child(window, QLabel, f"lbl_state_{key}").text()


def confirm(qtbot: QtBot, window: MaintenanceWindow, remove_data: bool | None = None) -> None:
    dialog = window.findChild(ConfirmUninstall, "dlg_confirm_uninstall")
    assert dialog is not None and dialog.isVisible()
    box = child(dialog, QCheckBox, "chk_remove_data")
    if remove_data is None:
        assert not box.isVisible()
    else:
        assert box.isVisible()
        box.setChecked(remove_data)
    qtbot.mouseClick(child(dialog, QPushButton, "btn_confirm_ok"), Qt.MouseButton.LeftButton)


def test_install_repair_uninstall_walk(
    qtbot: QtBot,
    tmp_path: Path,
    payload: Path,
    payload_manifest: Manifest,
    data_dir: Path,
    desktop_dirs: tuple[Path, Path],
) -> None:
    root = tmp_path / "D"
    started: list[Path] = []
    window = MaintenanceWindow(root, payload, launcher=started.append)
    qtbot.addWidget(window)
    window.show()
    data_before = snapshot(data_dir, with_desktop=False)

    # §1.4.1: both modules 未安装; tick 用人单位业务, 立即安装, 立即启动
    assert state(window, "employer") == state(window, "collector") == "未安装"
    assert not child(window, QPushButton, "btn_install").isEnabled()  # nothing ticked
    assert not child(window, QPushButton, "btn_quick_repair").isVisible()
    child(window, QCheckBox, "chk_employer").setChecked(True)
    click(qtbot, window, "btn_install")
    assert wait_done(qtbot, window, "安装完成") == "用人单位业务安装完成"
    assert child(window, QWidget, "progress_bar").value() == 100
    click(qtbot, window, "btn_launch")
    assert started == [root / "versions" / "1.4.0" / APP]
    assert installed.installed_modules(root) == ("employer",)

    # §1.4.1.2.1: 用人单位业务 已安装, 代收单位业务 未安装 → install it too
    window.show()
    click(qtbot, window, "btn_back")
    assert state(window, "employer") == "已安装" and state(window, "collector") == "未安装"
    assert not child(window, QPushButton, "btn_repair_collector").isVisible()
    child(window, QCheckBox, "chk_collector").setChecked(True)
    click(qtbot, window, "btn_install")
    wait_done(qtbot, window, "安装完成")
    click(qtbot, window, "btn_back")
    assert state(window, "collector") == "已安装"

    # §1.4.2: 修复 of one module, then 快速修复 of both
    version = root / "versions" / "1.4.0"
    (version / "_internal/client/employer/roster/columns.json").unlink()
    click(qtbot, window, "btn_repair_employer")
    assert "恢复了 1 个文件" in wait_done(qtbot, window, "修复完成")
    assert child(window, QPushButton, "btn_launch").isVisible()
    click(qtbot, window, "btn_back")
    (version / "_internal/libpython.so").write_bytes(b"broken")
    (version / "_internal/client/collector/grades.json").unlink()
    assert not child(window, QPushButton, "btn_quick_repair").isEnabled()
    child(window, QCheckBox, "chk_employer").setChecked(True)
    child(window, QCheckBox, "chk_collector").setChecked(True)
    click(qtbot, window, "btn_quick_repair")
    assert "恢复了 2 个文件" in wait_done(qtbot, window, "修复完成")
    assert verify_folder(version, payload_manifest) == []

    # §1.4.3: 卸载 of one module with its confirmation; 取消 changes nothing
    click(qtbot, window, "btn_back")
    click(qtbot, window, "btn_uninstall_collector")
    dialog = window.findChild(ConfirmUninstall, "dlg_confirm_uninstall")
    qtbot.mouseClick(child(dialog, QPushButton, "btn_confirm_cancel"), Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget().objectName() == "page_modules"
    assert installed.installed_modules(root) == ("employer", "collector")
    click(qtbot, window, "btn_uninstall_collector")
    confirm(qtbot, window)  # not the last module: no data question
    assert wait_done(qtbot, window, "卸载完成") == "代收单位业务已卸载"
    assert not child(window, QPushButton, "btn_launch").isVisible()
    click(qtbot, window, "btn_back")
    assert state(window, "collector") == "未安装"

    # the last module: 快速卸载 asks about the data, which stays when not ticked
    child(window, QCheckBox, "chk_employer").setChecked(True)
    click(qtbot, window, "btn_quick_uninstall")
    confirm(qtbot, window, remove_data=False)
    assert "已从本机移除" in wait_done(qtbot, window, "卸载完成")
    assert not child(window, QPushButton, "btn_back").isVisible()
    assert not (root / "versions").exists()
    assert not (desktop_dirs[0] / "shebaofei-client.desktop").exists()
    assert snapshot(data_dir, with_desktop=False) == data_before


def test_a_region_with_one_module_online_shows_no_choice(
    qtbot: QtBot, tmp_path: Path, payload: Path
) -> None:
    root = tmp_path / "D"
    window = MaintenanceWindow(root, payload, offered=("collector",), launcher=lambda p: None)
    qtbot.addWidget(window)
    window.show()
    assert window.findChild(QWidget, "row_employer") is None
    assert not child(window, QCheckBox, "chk_collector").isVisible()
    click(qtbot, window, "btn_install")  # enabled without ticking anything
    assert wait_done(qtbot, window, "安装完成") == "代收单位业务安装完成"
    assert installed.installed_modules(root) == ("collector",)
    click(qtbot, window, "btn_back")
    assert not child(window, QPushButton, "btn_install").isVisible()
    click(qtbot, window, "btn_quick_repair")  # §1.4.2.2.2 场景二: 快速修复 with no choice
    wait_done(qtbot, window, "修复完成")


def test_a_tampered_payload_is_reported_and_nothing_installed(
    qtbot: QtBot, tmp_path: Path, payload: Path
) -> None:
    (payload / "_internal/client/ui/style.qss").write_text("tampered", encoding="utf-8")
    root = tmp_path / "D"
    window = MaintenanceWindow(root, payload, launcher=lambda p: None)
    qtbot.addWidget(window)
    window.show()
    child(window, QCheckBox, "chk_collector").setChecked(True)
    click(qtbot, window, "btn_install")
    assert "已被修改或损坏" in wait_done(qtbot, window, "安装未完成")
    assert not child(window, QPushButton, "btn_launch").isVisible()
    click(qtbot, window, "btn_back")
    assert state(window, "collector") == "未安装"
    assert read_state(root).installed is False


def test_without_a_payload_only_uninstall_is_offered(
    qtbot: QtBot, tmp_path: Path, payload: Path
) -> None:
    root = tmp_path / "D"
    maintenance.install(["employer"], payload, root)
    window = MaintenanceWindow(root, None, launcher=lambda p: None)
    qtbot.addWidget(window)
    window.show()
    assert "没有找到安装包" in child(window, QLabel, "lbl_message").text()
    child(window, QCheckBox, "chk_employer").setChecked(True)
    assert not child(window, QPushButton, "btn_quick_repair").isEnabled()
    assert not child(window, QPushButton, "btn_repair_employer").isEnabled()
    assert child(window, QPushButton, "btn_quick_uninstall").isEnabled()
