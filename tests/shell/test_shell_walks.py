"""More walks through the shell against the real backend: 否 at the region confirmation,
a collector taxpayer with several units added and logged in next to an employer unit in
one session (switching 用人单位/代收单位 loads the other module's menu), the hint texts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from client.account.registration import COLLECTOR_PASSWORD_HINT, EMPLOYER_PASSWORD_HINT
from client.ui.add_unit_wizard import AddUnitWizard
from tests.shell.test_shell_flow import NEW_PASSWORD, add_unit, choose_region, login


def test_no_at_the_region_confirmation_chooses_nothing(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    controller = make_shell(backend.url)
    controller.start()
    dialog = controller.region_dialog
    qtbot.waitUntil(lambda: dialog.load_handle is not None and dialog.load_handle.done)
    dialog.select("330100")
    controller.ui.prompts.answer(False)
    qtbot.mouseClick(dialog.btn_enter, Qt.MouseButton.LeftButton)
    assert "不能更改" in controller.ui.prompts.last.text
    assert controller.ui.app.app_db.region() is None  # nothing chosen
    assert dialog.isVisible() and controller.unit_manager is None
    dialog.select("440300")
    qtbot.mouseClick(dialog.btn_enter, Qt.MouseButton.LeftButton)  # 是 (the default)
    assert controller.ui.app.app_db.region().code == "440300"
    assert controller.unit_manager is not None and controller.unit_manager.isVisible()


def test_employer_and_collector_units_in_one_session(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    employer = backend.create_taxpayer(units=1, employees_per_unit=15, unit_numbers=[["4321"]])
    collector = backend.create_taxpayer(kind="collector", units=2, residents_per_unit=25)
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")  # 深圳: both modules online
    manager = controller.unit_manager
    assert list(manager.switch_buttons) == ["employer", "collector"]

    add_unit(qtbot, controller, "employer", employer["taxpayer_id"], "432100")
    window = login(qtbot, controller, 0, "432100", NEW_PASSWORD)
    assert window.module.title == "用人单位"
    employer_menu = window.menu_titles()
    assert "职工参保信息更新" in employer_menu
    qtbot.mouseClick(window.btn_unit_manager, Qt.MouseButton.LeftButton)
    assert controller.main_window is None and manager.isVisible()

    # The collector's taxpayer ID has two units: 选择单位, then its own password hint.
    manager.set_kind("collector")
    assert manager.table.rowCount() == 0  # the employer unit is listed under 用人单位 only
    qtbot.mouseClick(manager.btn_add, Qt.MouseButton.LeftButton)
    wizard = controller.dialog
    assert isinstance(wizard, AddUnitWizard)
    hint = wizard.findChild(type(wizard.status), "label_password_hint").text()
    assert hint == COLLECTOR_PASSWORD_HINT
    wizard.reject()
    password = collector["taxpayer_id"][-6:]
    add_unit(qtbot, controller, "collector", collector["taxpayer_id"], password, choose_row=1)
    assert manager.table.rowCount() == 1
    window = login(qtbot, controller, 0, password, NEW_PASSWORD)
    assert window.module.title == "代收单位"
    assert collector["taxpayer_id"] in window.status_unit.text()
    assert collector["units"][1]["taxpayer_name"] in window.status_unit.text()
    assert window.session.unit.unit_id == collector["units"][1]["unit_id"]
    collector_menu = window.menu_titles()
    assert "职工参保信息更新" not in collector_menu and collector_menu != employer_menu
    assert window.session.db.count("residents") == 25

    # Back to the employer: its menu again, and the unit's new password is the one asked.
    qtbot.mouseClick(window.btn_unit_manager, Qt.MouseButton.LeftButton)
    manager.set_kind("employer")
    window = login(qtbot, controller, 0, NEW_PASSWORD, None)
    assert window.module.title == "用人单位" and window.menu_titles() == employer_menu


def test_employer_password_hint(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    manager = controller.unit_manager
    manager.set_kind("employer")
    qtbot.mouseClick(manager.btn_add, Qt.MouseButton.LeftButton)
    wizard = controller.dialog
    hint = wizard.findChild(type(wizard.status), "label_password_hint").text()
    assert hint == EMPLOYER_PASSWORD_HINT
    assert "123450" in hint  # the manual's padding example
