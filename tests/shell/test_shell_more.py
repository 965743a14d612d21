"""Shell behaviour beyond the happy path: cancel and resume the data update, the system
date warning, module load failures, search, the in-session 安全认证, the job dialog."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from client.jobs import Job
from client.ui.dialogs.auth import SecurityAuthDialog
from client.ui.login_flow import AuthDialog, DataUpdateDialog
from tests.shell.test_shell_flow import NEW_PASSWORD, add_unit, choose_region, login


def registered_shell(qtbot: Any, backend: Any, make_shell: Any, employees: int = 30) -> Any:
    created = backend.create_taxpayer(unit_numbers=[["97531"]], employees_per_unit=employees)
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    add_unit(qtbot, controller, "employer", created["taxpayer_id"], "975310")
    return controller, created


def test_data_update_can_be_cancelled_and_resumes(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller, created = registered_shell(qtbot, backend, make_shell, employees=400)
    unit_id = created["units"][0]["unit_id"]
    prefix = f"/api/v1/mgmt/units/{unit_id}/employees/snapshot"
    backend.add_fault("latency", path_prefix=prefix, latency_ms=400)
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    auth.edit_password.setText("975310")
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: auth.handle is not None and auth.handle.done)
    change = controller.dialog
    for edit, text in (
        (change.form.edit_old, "975310"),
        (change.form.edit_new, NEW_PASSWORD),
        (change.form.edit_repeat, NEW_PASSWORD),
    ):
        edit.setText(text)
    qtbot.mouseClick(change.form.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, DataUpdateDialog), timeout=10_000)
    update = controller.dialog
    # Page size is 5000, so the 400 employees come in one slow page: cancel while waiting.
    qtbot.waitUntil(lambda: update.handle is not None)
    qtbot.mouseClick(update.btn_cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: update.handle.done, timeout=20_000)
    assert update.handle.cancelled
    assert controller.main_window is None
    assert controller.ui.app.session is None  # back to 单位管理, logged out
    assert controller.unit_manager.isVisible()

    backend.clear_faults()
    window = login(qtbot, controller, 0, NEW_PASSWORD, None)
    assert window.session.db.count("employees") == 400


def test_failed_data_update_offers_retry(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller, created = registered_shell(qtbot, backend, make_shell)
    backend.add_fault("error", path_prefix="/api/v1/mgmt/rules", status=500, count=50)
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    auth.edit_password.setText("975310")
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: auth.handle is not None and auth.handle.done)
    change = controller.dialog
    change.form.edit_old.setText("975310")
    change.form.edit_new.setText(NEW_PASSWORD)
    change.form.edit_repeat.setText(NEW_PASSWORD)
    qtbot.mouseClick(change.form.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, DataUpdateDialog), timeout=10_000)
    update = controller.dialog
    qtbot.waitUntil(lambda: update.btn_retry.isVisible(), timeout=30_000)
    assert "稍后重试" in update.status.text()
    backend.clear_faults()
    qtbot.mouseClick(update.btn_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=30_000)


def test_system_date_mismatch_is_warned(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    backend.admin_post("clock", {"now": "2031-05-06 10:00:00"})
    login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    warnings = [p for p in controller.ui.prompts.history if p.title == "系统日期提醒"]
    assert len(warnings) == 1
    assert "2031-05-06" in warnings[0].text and "不一致" in warnings[0].text


def test_a_module_that_fails_to_load_is_reported(
    qtbot: Any, backend: Any, make_shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from client import modules

    monkeypatch.setitem(modules.MODULE_PATHS, "collector", "client.collector.nothing:DESCRIPTOR")
    controller = make_shell(backend.url)
    assert "collector" in controller.module_errors
    choose_region(qtbot, controller, "440300")
    errors = [p.text for p in controller.ui.prompts.history if p.kind == "error"]
    assert any("加载失败" in text for text in errors)
    assert controller.unit_manager.isVisible()  # the shell still works


def test_unit_search_and_reset(qtbot: Any, backend: Any, make_shell: Any) -> None:
    a = backend.create_taxpayer(unit_numbers=[["1111"]], employees_per_unit=1)
    b = backend.create_taxpayer(unit_numbers=[["2222"]], employees_per_unit=1)
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    add_unit(qtbot, controller, "employer", a["taxpayer_id"], "111100")
    add_unit(qtbot, controller, "employer", b["taxpayer_id"], "222200")
    manager = controller.unit_manager
    manager.set_remark(1, "分公司")
    manager.search.setText("分公司")
    assert manager.table.rowCount() == 1
    assert manager.table.item(0, 1).text() == b["taxpayer_id"]
    manager.search.setText(a["taxpayer_id"][:12])
    assert manager.table.item(0, 1).text() == a["taxpayer_id"]
    manager.search.setText("不存在的单位")
    assert manager.table.rowCount() == 0 and "没有找到" in manager.empty_hint.text()
    qtbot.mouseClick(manager.btn_reset, Qt.MouseButton.LeftButton)
    assert manager.table.rowCount() == 2


def test_security_auth_in_session(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    dialog = SecurityAuthDialog(controller.ui, window.session, "缴费前请输入申报密码", window)
    dialog.edit_password.setText("wrong-000")
    qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.handle is not None and dialog.handle.done)
    assert "还可以再试" in dialog.status.text()
    dialog.edit_password.setText(NEW_PASSWORD)
    qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)


def test_job_dialog_appears_after_delay_and_cancel_reaches_the_job(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller = make_shell(backend.url)
    runner = controller.ui.runner(None)
    runner.show_delay_ms = 0

    def slow(ctx: Any) -> int:
        for i in range(200):
            ctx.check_cancelled()
            ctx.progress("step", i, 200)
            time.sleep(0.01)
        return 1

    handle = runner.run(Job("长任务", slow))
    qtbot.waitUntil(lambda: handle.last_progress is not None)
    assert handle.dialog is not None and handle.dialog.labelText() == "长任务"
    cancel_button = handle.dialog.findChild(QPushButton)
    assert cancel_button is not None and cancel_button.text() == "取消"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert handle.cancelled and handle.result is None
    assert controller.ui.prompts.history == []  # a cancel is not an error


def test_login_dialog_rejects_empty_password(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    assert isinstance(auth, AuthDialog)
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    assert auth.status.text() == "请输入申报密码。" and auth.handle is None
