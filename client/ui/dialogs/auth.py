"""安全认证 dialog used inside a session before sensitive actions (缴费, 作废 …)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from client.account.login import LoginService
from client.account.registration import password_hint
from client.app_context import UnitSession
from client.errors import user_message
from client.jobs import Job
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.widgets.common import button, label


class SecurityAuthDialog(QDialog):
    """Asks for the 申报密码 and has the server check it; accepted only when it is right."""

    def __init__(
        self,
        ui: UiServices,
        session: UnitSession,
        purpose: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.session = session
        self.service = LoginService(ui.app)
        self.runner = ui.runner(self)
        self.handle: JobHandle[object] | None = None
        self.setObjectName("dialog_security_auth")
        self.setWindowTitle("安全认证")
        self.resize(520, 260)
        layout = QVBoxLayout(self)
        layout.addWidget(label("安全认证", role="dialog-title"))
        if purpose:
            layout.addWidget(label(purpose, "label_auth_purpose"))
        form = QFormLayout()
        form.addRow("纳税人识别号:", label(session.unit.taxpayer_id))
        form.addRow("纳税人名称:", label(session.unit.taxpayer_name))
        self.edit_password = QLineEdit(objectName="edit_security_password")
        self.edit_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("申报密码:", self.edit_password)
        layout.addLayout(form)
        layout.addWidget(label(password_hint(session.kind), role="hint"))
        self.status = label("", "label_security_error", "error")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.btn_ok = button("确定", "btn_security_ok", primary=True)
        self.btn_cancel = button("取消", "btn_security_cancel")
        row.addWidget(self.btn_ok)
        row.addWidget(self.btn_cancel)
        layout.addLayout(row)
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        self.edit_password.returnPressed.connect(self.submit)
        self.edit_password.setFocus()

    def submit(self) -> None:
        password = self.edit_password.text()
        if not password:
            self.status.setText("请输入申报密码。")
            return
        self.btn_ok.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.btn_ok.setEnabled(True)
            self.edit_password.clear()
            self.status.setText(user_message(error))

        def ok(_r: object) -> None:
            self.btn_ok.setEnabled(True)
            self.accept()

        self.handle = self.runner.run(
            Job("安全认证", lambda _c: self.service.verify_password(self.session, password)),
            ok,
            failed,
            progress=False,
        )
