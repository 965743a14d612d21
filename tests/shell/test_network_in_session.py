"""网络设置 (manual §4.1): once saved, all later traffic uses it, also inside a session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from client.ui.add_unit_wizard import STEP_AUTH, STEP_CONFIRM
from client.ui.controller import AppController
from client.ui.login_flow import DataUpdateDialog
from client.ui.network_settings import NetworkSettingsDialog
from tests.shell.test_shell_errors import start_wizard
from tests.shell.test_shell_flow import NEW_PASSWORD, choose_region, login
from tests.shell.test_shell_more import registered_shell
from tests.support.proxies import HttpProxy


@pytest.fixture
def proxy() -> Iterator[HttpProxy]:
    server = HttpProxy("clerk", "pw")
    yield server
    server.close()


def save_proxy(qtbot: Any, controller: AppController, parent: QWidget, proxy: HttpProxy) -> None:
    """Fill in, 测试 and 保存 the HTTP proxy as a clerk would."""
    dialog = NetworkSettingsDialog(controller.ui, parent)
    panel = dialog.panel
    panel.mode_buttons["http"].setChecked(True)
    panel.host.setText("127.0.0.1")
    panel.port.setText(str(proxy.port))
    panel.username.setText("clerk")
    panel.password.setText("pw")
    qtbot.mouseClick(panel.btn_test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.btn_save.isEnabled(), timeout=20_000)
    qtbot.mouseClick(panel.btn_save, Qt.MouseButton.LeftButton)
    assert "之后的所有网络访问都将使用该设置" in controller.ui.prompts.last.text
    assert controller.ui.app.settings.proxy().port == proxy.port


def test_proxy_saved_in_a_session_carries_its_later_calls(
    qtbot: Any, backend: Any, make_shell: Any, proxy: HttpProxy
) -> None:
    controller, created = registered_shell(qtbot, backend, make_shell)
    window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    session = controller.ui.app.session
    save_proxy(qtbot, controller, window, proxy)

    before = proxy.requests
    session.api.server_time()
    registration = session.api.registration(created["units"][0]["unit_id"])  # token kept
    assert registration.registrations
    assert proxy.requests == before + 2
    assert controller.ui.app.session is session  # the clerk stays logged in


def test_add_unit_wizard_uses_a_proxy_saved_halfway(
    qtbot: Any, backend: Any, make_shell: Any, proxy: HttpProxy
) -> None:
    created = backend.create_taxpayer(unit_numbers=[["36912"]], employees_per_unit=1)
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    wizard = start_wizard(qtbot, controller, created["taxpayer_id"])
    assert wizard.stack.currentIndex() == STEP_AUTH  # looked up directly
    save_proxy(qtbot, controller, wizard, proxy)

    before = proxy.requests
    wizard.edit_password.setText("369120")
    wizard.handle = None
    qtbot.mouseClick(wizard.btn_auth_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done)
    assert wizard.stack.currentIndex() == STEP_CONFIRM, wizard.status.text()
    assert proxy.requests == before + 2  # 安全认证 and the registration info


def test_data_update_retry_goes_through_a_proxy_saved_on_its_screen(
    qtbot: Any, backend: Any, make_shell: Any, proxy: HttpProxy
) -> None:
    controller, _created = registered_shell(qtbot, backend, make_shell)
    window = login(qtbot, controller, 0, "975310", NEW_PASSWORD)
    qtbot.mouseClick(window.btn_unit_manager, Qt.MouseButton.LeftButton)
    backend.add_fault("error", path_prefix="/api/v1/mgmt/rules", status=500, count=50)
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    auth.edit_password.setText(NEW_PASSWORD)
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, DataUpdateDialog), timeout=10_000)
    update = controller.dialog
    qtbot.waitUntil(lambda: update.btn_retry.isVisible(), timeout=30_000)

    save_proxy(qtbot, controller, update, proxy)
    backend.clear_faults()
    before = proxy.requests
    qtbot.mouseClick(update.btn_retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=30_000)
    assert proxy.requests > before  # 重试 used the new setting
