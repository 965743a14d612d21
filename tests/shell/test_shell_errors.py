"""Bad input and faults in the shell: clear Chinese messages, nothing lost."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from client.storage.settings import ProxyConfig
from client.ui.add_unit_wizard import AddUnitWizard
from client.ui.login_flow import AuthDialog
from client.ui.network_settings import NetworkSettingsDialog
from tests.shell.conftest import free_port
from tests.shell.test_shell_flow import add_unit, choose_region
from tests.support.proxies import HttpProxy


def start_wizard(qtbot: Any, controller: Any, taxpayer_id: str) -> AddUnitWizard:
    qtbot.mouseClick(controller.unit_manager.btn_add, Qt.MouseButton.LeftButton)
    wizard = controller.dialog
    wizard.edit_taxpayer_id.setText(taxpayer_id)
    qtbot.mouseClick(wizard.btn_next, Qt.MouseButton.LeftButton)
    if wizard.handle is not None:
        qtbot.waitUntil(lambda: wizard.handle.done)
    return wizard


def test_unknown_and_invalid_taxpayer_ids(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    wizard = start_wizard(qtbot, controller, "91440300MA5G0R9X3R")  # bad check character
    assert wizard.handle is None  # refused before any request
    assert "校验位不正确" in wizard.status.text()
    wizard.edit_taxpayer_id.setText("91440300MA5G0R9X3Q")
    qtbot.mouseClick(wizard.btn_next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.handle is not None and wizard.handle.done)
    assert wizard.status.text() == "没有查询到参保登记信息"


def test_wrong_password_then_lockout(qtbot: Any, backend: Any, make_shell: Any) -> None:
    created = backend.create_taxpayer(unit_numbers=[["13579"]], employees_per_unit=5)
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    add_unit(qtbot, controller, "employer", created["taxpayer_id"], "135790")
    qtbot.mouseClick(controller.unit_manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = controller.dialog
    assert isinstance(auth, AuthDialog)
    messages = []
    for _ in range(5):
        auth.handle = None
        auth.edit_password.setText("000000")
        qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: auth.handle is not None and auth.handle.done)
        messages.append(auth.status.text())
    assert "还可以再试" in messages[0] and "4" in messages[0]
    assert "锁定" in messages[-1] and "00:00" in messages[-1]
    assert controller.main_window is None


def test_backend_down_keeps_units_and_says_so(
    qtbot: Any, backend: Any, make_shell: Any, tmp_path: Any
) -> None:
    created = backend.create_taxpayer(unit_numbers=[["8642"]], employees_per_unit=3)
    data = tmp_path / "kept"
    controller = make_shell(backend.url, data)
    choose_region(qtbot, controller, "440300")
    add_unit(qtbot, controller, "employer", created["taxpayer_id"], "864200")
    controller.unit_manager.close()

    down = make_shell(f"http://127.0.0.1:{free_port()}", data)
    down.start()
    assert down.region_dialog is None  # the region is permanent, asked once
    manager = down.unit_manager
    assert manager.table.rowCount() == 1  # nothing lost
    qtbot.mouseClick(manager.login_button(0), Qt.MouseButton.LeftButton)
    auth = down.dialog
    auth.edit_password.setText("864200")
    qtbot.mouseClick(auth.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: auth.handle is not None and auth.handle.done, timeout=20_000)
    assert "无法连接" in auth.status.text()


def test_region_list_unreachable_offers_retry(qtbot: Any, make_shell: Any) -> None:
    controller = make_shell(f"http://127.0.0.1:{free_port()}")
    controller.start()
    dialog = controller.region_dialog
    qtbot.waitUntil(
        lambda: dialog.load_handle is not None and dialog.load_handle.done, timeout=20_000
    )
    assert "无法连接" in dialog.status.text()
    assert dialog.btn_retry.isVisible()
    assert controller.ui.app.region() is None


def test_proxy_must_pass_test_before_save(qtbot: Any, backend: Any, make_shell: Any) -> None:
    controller = make_shell(backend.url)
    choose_region(qtbot, controller, "440300")
    dialog = NetworkSettingsDialog(controller.ui, controller.unit_manager)
    panel = dialog.panel
    panel.mode_buttons["http"].setChecked(True)
    panel.host.setText("127.0.0.1")
    panel.port.setText(str(free_port()))
    assert not panel.btn_save.isEnabled()
    qtbot.mouseClick(panel.btn_test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.test_handle is not None and panel.test_handle.done, timeout=20_000
    )
    assert "测试失败" in panel.status.text()
    assert not panel.btn_save.isEnabled()
    assert controller.ui.app.settings.proxy() == ProxyConfig()

    proxy = HttpProxy("clerk", "pw")
    try:
        panel.port.setText(str(proxy.port))
        panel.username.setText("clerk")
        panel.password.setText("pw")
        qtbot.mouseClick(panel.btn_test, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: panel.test_handle.done and panel.btn_save.isEnabled(), timeout=20_000
        )
        panel.password.setText("changed")
        assert not panel.btn_save.isEnabled()  # any edit needs a new test
        panel.password.setText("pw")
        qtbot.mouseClick(panel.btn_test, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.btn_save.isEnabled(), timeout=20_000)
        qtbot.mouseClick(panel.btn_save, Qt.MouseButton.LeftButton)
        saved = controller.ui.app.settings.proxy()
        assert (saved.mode, saved.port, saved.username) == ("http", proxy.port, "clerk")
        before = proxy.requests
        controller.ui.app.api().regions()  # all traffic uses it from then on
        assert proxy.requests == before + 1
    finally:
        proxy.close()
