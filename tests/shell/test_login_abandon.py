"""Closing a login dialog (Esc, the window's close button) while its work runs: the work
stops, the session ends, the clerk is back in 单位管理 and nothing downloaded is lost."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from client.ui.controller import AppController
from client.ui.login_flow import AuthDialog, ChangePasswordDialog, DataUpdateDialog
from tests.shell.test_shell_flow import NEW_PASSWORD, login
from tests.shell.test_shell_more import registered_shell


def close_dialog(qtbot: Any, dialog: Any, how: str) -> None:
    if how == "esc":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    else:
        dialog.close()  # the title bar's close button


def back_in_unit_manager(controller: AppController) -> bool:
    return (
        controller.main_window is None
        and controller.ui.app.session is None
        and controller.unit_manager is not None
        and controller.unit_manager.isVisible()
    )


def enter_password(qtbot: Any, controller: AppController, password: str) -> AuthDialog:
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    assert isinstance(auth, AuthDialog)
    auth.edit_password.setText(password)
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    return auth


def change_password(qtbot: Any, controller: AppController) -> ChangePasswordDialog:
    change = controller.dialog
    assert isinstance(change, ChangePasswordDialog)
    change.form.edit_old.setText("975310")
    change.form.edit_new.setText(NEW_PASSWORD)
    change.form.edit_repeat.setText(NEW_PASSWORD)
    qtbot.mouseClick(change.form.btn_ok, Qt.MouseButton.LeftButton)
    return change


@pytest.mark.parametrize("how", ["esc", "close"])
def test_closing_the_data_update_cancels_it_and_the_next_login_resumes(
    qtbot: Any, backend: Any, make_shell: Any, how: str
) -> None:
    controller, created = registered_shell(qtbot, backend, make_shell, employees=400)
    unit_id = created["units"][0]["unit_id"]
    prefix = f"/api/v1/mgmt/units/{unit_id}/employees/snapshot"
    backend.add_fault("latency", path_prefix=prefix, latency_ms=400)
    auth = enter_password(qtbot, controller, "975310")
    qtbot.waitUntil(lambda: auth.handle.done)
    change_password(qtbot, controller)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, DataUpdateDialog), timeout=10_000)
    update = controller.dialog
    qtbot.waitUntil(lambda: update.handle is not None)

    close_dialog(qtbot, update, how)
    assert update.isVisible()  # until the job has stopped, the dialog says so
    assert update.phase.text() == "正在取消…"
    qtbot.waitUntil(lambda: update.handle.done, timeout=20_000)
    assert update.handle.cancelled
    assert not update.isVisible()
    qtbot.wait(100)  # nothing opens the main window afterwards
    assert back_in_unit_manager(controller)

    backend.clear_faults()
    window = login(qtbot, controller, 0, NEW_PASSWORD, None)
    assert window.session.db.count("employees") == 400


def test_closing_a_failed_data_update_ends_the_login(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    backend.add_fault("error", path_prefix="/api/v1/mgmt/rules", status=500, count=50)
    auth = enter_password(qtbot, controller, "975310")
    qtbot.waitUntil(lambda: auth.handle.done)
    change_password(qtbot, controller)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, DataUpdateDialog), timeout=10_000)
    update = controller.dialog
    abandoned: list[bool] = []
    update.abandoned.connect(lambda: abandoned.append(True))
    qtbot.waitUntil(lambda: update.btn_retry.isVisible(), timeout=30_000)

    close_dialog(qtbot, update, "close")
    assert not update.isVisible()
    assert abandoned == [True]
    assert back_in_unit_manager(controller)

    backend.clear_faults()
    login(qtbot, controller, 0, NEW_PASSWORD, None)  # and the clerk can log in again


def test_closing_security_auth_during_the_check_opens_nothing_later(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    backend.add_fault("latency", path_prefix="/api/v1/mgmt/auth/login", latency_ms=600, count=1)
    auth = enter_password(qtbot, controller, "975310")  # an initial password
    assert not auth.handle.done
    qtbot.keyClick(auth.edit_password, Qt.Key.Key_Escape)
    assert not auth.isVisible()
    qtbot.waitUntil(lambda: auth.handle.done, timeout=10_000)
    qtbot.wait(100)
    assert controller.dialog is auth  # no forced password change popped up
    assert back_in_unit_manager(controller)

    login(qtbot, controller, 0, "975310", NEW_PASSWORD)  # a new attempt works as usual


def test_closing_the_forced_change_while_it_runs_goes_no_further(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    auth = enter_password(qtbot, controller, "975310")
    qtbot.waitUntil(lambda: auth.handle.done)
    backend.add_fault("latency", path_prefix="/api/v1/mgmt/auth/password", latency_ms=600)
    change = change_password(qtbot, controller)
    qtbot.keyClick(change, Qt.Key.Key_Escape)
    assert not change.isVisible()
    qtbot.waitUntil(lambda: change.form.handle.done, timeout=10_000)
    qtbot.wait(300)  # time for a date check the old code would have started
    assert not isinstance(controller.dialog, DataUpdateDialog)
    assert back_in_unit_manager(controller)
