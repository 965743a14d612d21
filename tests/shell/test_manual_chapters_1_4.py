"""Chapter 1 and 4 of the manual as the clerk reads them (pytest-qt, real backend):
选择单位【取消】 closes that popup only (§1.5.1 四), and 申报密码设置 saves with 【保存】
(§4.5.2 二)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from client.ui.add_unit_wizard import STEP_AUTH, STEP_CHOOSE, STEP_ID, AddUnitWizard
from client.ui.system_pages import PasswordPage
from tests.shell.test_shell_flow import NEW_PASSWORD, add_unit, choose_region, login


def test_cancel_in_choose_unit_goes_back_to_the_taxpayer_id(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    created = backend.create_taxpayer(
        units=2, employees_per_unit=1, unit_numbers=[["1357"], ["2468"]]
    )
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    manager = controller.unit_manager
    qtbot.mouseClick(manager.btn_add, Qt.MouseButton.LeftButton)
    wizard = controller.dialog
    assert isinstance(wizard, AddUnitWizard)
    wizard.edit_taxpayer_id.setText(created["taxpayer_id"])
    qtbot.mouseClick(wizard.btn_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done)
    assert wizard.stack.currentIndex() == STEP_CHOOSE

    qtbot.mouseClick(wizard.btn_choose_cancel, Qt.MouseButton.LeftButton)
    assert wizard.isVisible()  # the wizard stays open
    assert wizard.stack.currentIndex() == STEP_ID
    assert wizard.edit_taxpayer_id.text() == created["taxpayer_id"]

    wizard.handle = None  # 下一步 again: the choice comes back and goes on
    qtbot.mouseClick(wizard.btn_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done)
    wizard.choose(1)
    qtbot.mouseClick(wizard.btn_choose_ok, Qt.MouseButton.LeftButton)
    assert wizard.stack.currentIndex() == STEP_AUTH
    wizard.reject()


def test_the_password_page_saves_with_its_button_named_save(
    qtbot: Any, backend: Any, make_shell: Any
) -> None:
    created = backend.create_taxpayer(units=1, employees_per_unit=2, unit_numbers=[["97531"]])
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    add_unit(qtbot, controller, "employer", created["taxpayer_id"], "975310")
    window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    page = window.open_page("password")
    assert isinstance(page, PasswordPage)
    assert page.form.btn_ok.text() == "保存"

    page.form.edit_old.setText(NEW_PASSWORD)
    page.form.edit_new.setText("Shebao2027")
    page.form.edit_repeat.setText("Shebao2027")
    qtbot.mouseClick(page.form.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.form.handle is not None and page.form.handle.done)
    assert controller.ui.prompts.last.text == "申报密码修改成功，请牢记新的申报密码。"
