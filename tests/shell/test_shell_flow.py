"""First start → region → add unit → login → password change → data update → main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from client.ui.add_unit_wizard import STEP_AUTH, STEP_CHOOSE, STEP_CONFIRM, AddUnitWizard
from client.ui.controller import AppController
from client.ui.login_flow import AuthDialog, ChangePasswordDialog, DataUpdateDialog
from client.ui.main_window import MainWindow
from tests.shell.conftest import save_screenshot

NEW_PASSWORD = "Shebao2026"


def choose_region(qtbot: Any, controller: AppController, code: str) -> None:
    controller.start()
    dialog = controller.region_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.load_handle is not None and dialog.load_handle.done)
    assert dialog.list.count() == 4
    dialog.select(code)
    qtbot.mouseClick(dialog.btn_enter, Qt.MouseButton.LeftButton)
    confirm = [p for p in controller.ui.prompts.history if p.kind == "confirm"][-1]
    assert "不能更改" in confirm.text
    assert controller.unit_manager is not None and controller.unit_manager.isVisible()


def add_unit(
    qtbot: Any,
    controller: AppController,
    kind: str,
    taxpayer_id: str,
    password: str,
    choose_row: int | None = None,
) -> AddUnitWizard:
    manager = controller.unit_manager
    assert manager is not None
    manager.set_kind(kind)
    qtbot.mouseClick(manager.btn_add, Qt.MouseButton.LeftButton)
    wizard = controller.dialog
    assert isinstance(wizard, AddUnitWizard)
    wizard.edit_taxpayer_id.setText(taxpayer_id)
    qtbot.mouseClick(wizard.btn_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done)
    if choose_row is not None:
        assert wizard.stack.currentIndex() == STEP_CHOOSE
        wizard.choose(choose_row)
        qtbot.mouseClick(wizard.btn_choose_ok, Qt.MouseButton.LeftButton)
    assert wizard.stack.currentIndex() == STEP_AUTH, wizard.status.text()
    wizard.edit_password.setText(password)
    wizard.handle = None
    qtbot.mouseClick(wizard.btn_auth_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done)
    assert wizard.stack.currentIndex() == STEP_CONFIRM, wizard.status.text()
    assert not wizard.btn_confirm.isEnabled()
    wizard.check_confirmed.setChecked(True)
    assert wizard.btn_confirm.isEnabled()
    qtbot.mouseClick(wizard.btn_confirm, Qt.MouseButton.LeftButton)
    return wizard


def login(
    qtbot: Any, controller: AppController, row: int, password: str, new_password: str | None
) -> MainWindow:
    manager = controller.unit_manager
    assert manager is not None
    qtbot.mouseClick(manager.login_button(row), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    assert isinstance(auth, AuthDialog)
    auth.edit_password.setText(password)
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: auth.handle is not None and auth.handle.done)
    if new_password is not None:
        change = controller.dialog
        assert isinstance(change, ChangePasswordDialog) and change.forced
        change.form.edit_old.setText(password)
        change.form.edit_new.setText(new_password)
        change.form.edit_repeat.setText(new_password)
        qtbot.mouseClick(change.form.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, DataUpdateDialog), timeout=10_000)
    update = controller.dialog
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=60_000)
    assert update.bar.value() == 100
    window = controller.main_window
    assert window is not None and window.isVisible()
    return window


def test_employer_first_start_to_main_window(qtbot: Any, backend: Any, make_shell: Any) -> None:
    created = backend.create_taxpayer(
        units=3, employees_per_unit=40, unit_numbers=[["1234"], ["5678"], ["24680"]]
    )
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    manager = controller.unit_manager
    assert [b for b in manager.switch_buttons] == ["employer", "collector"]

    wizard = add_unit(qtbot, controller, "employer", created["taxpayer_id"], "567800", 1)
    assert wizard.result() == wizard.DialogCode.Accepted
    assert manager.table.rowCount() == 1
    assert manager.table.item(0, 1).text() == created["taxpayer_id"]
    assert "添加成功" in controller.ui.prompts.last.text
    save_screenshot(manager, "unit_manager")

    # Adding the same unit again says so before asking for a password.
    qtbot.mouseClick(manager.btn_add, Qt.MouseButton.LeftButton)
    again = controller.dialog
    again.edit_taxpayer_id.setText(created["taxpayer_id"])
    qtbot.mouseClick(again.btn_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.handle is not None and again.handle.done)
    again.choose(1)
    qtbot.mouseClick(again.btn_choose_ok, Qt.MouseButton.LeftButton)
    assert "已在单位列表中" in again.status.text()
    again.reject()

    manager.set_remark(0, "总部财务")
    assert controller.ui.app.app_db.units("employer")[0].remark == "总部财务"

    qtbot.mouseClick(manager.login_button(0), Qt.MouseButton.LeftButton)
    save_screenshot(controller.dialog, "login_dialog")
    controller.dialog.reject()

    window = login(qtbot, controller, 0, "567800", NEW_PASSWORD)
    unit_name = created["units"][1]
    assert created["taxpayer_id"] in window.status_unit.text()
    assert controller.ui.app.session.unit.unit_id == unit_name["unit_id"]
    titles = window.menu_titles()
    assert titles[0] == "首页" and "系统设置" in titles and "规则文件更新" in titles
    assert "职工参保信息更新" in titles and "单位参保信息查询" in titles and "单位信息" in titles
    assert window.breadcrumb("rule_files") == "首页 >> 系统设置 >> 规则文件更新"
    assert window.btn_messages.text() == "消息中心(1)"  # the first full update
    session = controller.ui.app.session
    assert session.db.count("employees") == 40
    save_screenshot(window, "main_window")

    # Back to 单位管理 and in again: incremental now, and the new password is required.
    qtbot.mouseClick(window.btn_unit_manager, Qt.MouseButton.LeftButton)
    assert controller.main_window is None and manager.isVisible()
    backend.mutate(unit_name["unit_id"], "employees", change=2, seed=1)
    window = login(qtbot, controller, 0, NEW_PASSWORD, None)
    assert controller.ui.app.session.db.last_run("employees").mode == "incremental"


def test_collector_flow(qtbot: Any, backend: Any, make_shell: Any) -> None:
    created = backend.create_taxpayer(kind="collector", region="510100", residents_per_unit=60)
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "510100")
    manager = controller.unit_manager
    assert list(manager.switch_buttons) == ["collector"]  # 成都: only 代收单位 online
    wizard = add_unit(
        qtbot, controller, "collector", created["taxpayer_id"], created["taxpayer_id"][-6:]
    )
    assert (
        "纳税人识别号后6位" in wizard.findChild(type(wizard.status), "label_password_hint").text()
    )
    window = login(qtbot, controller, 0, created["taxpayer_id"][-6:], NEW_PASSWORD)
    assert window.module.title == "代收单位"
    assert controller.ui.app.session.db.count("residents") == 60
