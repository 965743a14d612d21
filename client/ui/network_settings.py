"""网络设置 (manual §1.5.2 四, §4.1): proxy none/HTTP/SOCKS5; 测试 must pass before 保存."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from client.jobs import Job
from client.storage.settings import ProxyConfig
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.widgets.common import HeaderBar, button, label

MODES = (("none", "不使用代理"), ("http", "HTTP代理"), ("socks5", "SOCKS5代理"))


class NetworkSettingsPanel(QWidget):
    """The form itself, used by the dialog and by the 系统设置-网络管理 page."""

    saved = Signal(object)

    def __init__(self, ui: UiServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.runner = ui.runner(self)
        self.tested_config: ProxyConfig | None = None
        self.test_handle: JobHandle[object] | None = None
        layout = QVBoxLayout(self)
        mode_row = QHBoxLayout()
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for key, text in MODES:
            radio = QRadioButton(text)
            radio.setObjectName(f"radio_proxy_{key}")
            self.mode_group.addButton(radio)
            self.mode_buttons[key] = radio
            mode_row.addWidget(radio)
        mode_row.addStretch(1)
        layout.addLayout(mode_row)
        form = QFormLayout()
        self.host = QLineEdit(objectName="edit_proxy_host", placeholderText="例如 10.1.2.3")
        self.port = QLineEdit(objectName="edit_proxy_port", placeholderText="例如 8080")
        self.port.setValidator(QIntValidator(1, 65535, self))
        self.username = QLineEdit(objectName="edit_proxy_user", placeholderText="不需要验证可不填")
        self.password = QLineEdit(objectName="edit_proxy_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("代理服务器地址：", self.host)
        form.addRow("端口：", self.port)
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        layout.addLayout(form)
        self.status = label("", "label_network_status", "error")
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_test = button("测试", "btn_network_test")
        self.btn_save = button("保存", "btn_network_save", primary=True)
        buttons.addWidget(self.btn_test)
        buttons.addWidget(self.btn_save)
        layout.addLayout(buttons)
        self._load(ui.app.settings.proxy())
        for widget in (self.host, self.port, self.username, self.password):
            widget.textChanged.connect(self._changed)
        self.mode_group.buttonToggled.connect(lambda *_: self._changed())
        self.btn_test.clicked.connect(self.test)
        self.btn_save.clicked.connect(self.save)
        self._changed()

    def _load(self, config: ProxyConfig) -> None:
        self.mode_buttons.get(config.mode, self.mode_buttons["none"]).setChecked(True)
        self.host.setText(config.host)
        self.port.setText(str(config.port) if config.port else "")
        self.username.setText(config.username)
        self.password.setText(config.password)

    def config(self) -> ProxyConfig:
        mode = next(k for k, b in self.mode_buttons.items() if b.isChecked())
        port = int(self.port.text()) if self.port.text().isdigit() else 0
        return ProxyConfig(
            mode, self.host.text().strip(), port, self.username.text().strip(), self.password.text()
        )

    def _changed(self) -> None:
        uses_proxy = self.config().mode != "none"
        for widget in (self.host, self.port, self.username, self.password):
            widget.setEnabled(uses_proxy)
        self.btn_save.setEnabled(self.tested_config == self.config())
        if self.tested_config != self.config():
            self.status.setProperty("role", "hint")
            self.status.setText("修改网络设置后，请先点击【测试】，测试通过后才能保存。")

    def test(self) -> None:
        config = self.config()
        problem = config.validation_error()
        if problem:
            self.status.setText(problem)
            return
        self.status.setText("正在测试网络连接…")
        self.btn_test.setEnabled(False)

        def run(_ctx):  # type: ignore[no-untyped-def]
            with self.ui.app.api(config) as api:
                api.retries = 0
                return api.health()

        def ok(_result: object) -> None:
            self.btn_test.setEnabled(True)
            self.tested_config = config
            self.status.setText("网络连接测试成功，可以保存。")
            self._changed()
            self.status.setText("网络连接测试成功，可以保存。")

        def failed(error: BaseException) -> None:
            self.btn_test.setEnabled(True)
            self.tested_config = None
            self._changed()
            message = getattr(error, "message", "") or "网络连接测试失败。"
            self.status.setText(f"网络连接测试失败：{message}")

        self.test_handle = self.runner.run(Job("网络连接测试", run), ok, failed, progress=False)

    def save(self) -> None:
        config = self.config()
        if self.tested_config != config:
            self.status.setText("请先测试网络连接，测试通过后才能保存。")
            return
        self.ui.app.set_proxy(config)  # the session's and the wizard's clients too
        self.ui.prompts.info(self, "网络设置已保存，之后的所有网络访问都将使用该设置。")
        self.saved.emit(config)


class NetworkSettingsDialog(QDialog):
    def __init__(self, ui: UiServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_network_settings")
        self.setWindowTitle("网络设置")
        self.resize(520, 340)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.addWidget(HeaderBar("网络设置"))
        self.panel = NetworkSettingsPanel(ui, self)
        self.panel.layout().setContentsMargins(16, 12, 16, 0)
        layout.addWidget(self.panel)
        self.panel.saved.connect(lambda _c: self.accept())
