"""安全认证: the 申报密码 form of the login (`login_flow.AuthDialog`) and of the dialog used
inside a session before sensitive actions (缴费, 作废 …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from client.account.login import LoginService
from client.account.registration import password_hint
from client.app_context import UnitSession
from client.errors import user_message
from client.jobs import Job
from client.storage.app_models import RegisteredUnit
from client.ui.context import UiServices
from client.ui.jobs import JobHandle, JobRunner
from client.ui.widgets.common import button, label

T = TypeVar("T")


@dataclass(frozen=True)
class PasswordFormNames:
    """The objectNames of one 安全认证 form ("": left unnamed)."""

    password: str
    error: str
    ok: str
    taxpayer_id: str = ""
    taxpayer_name: str = ""
    hint: str = ""


class PasswordForm:
    """The unit's 纳税人识别号 and 名称, the 申报密码 with its hint and the error line, added to
    `layout`, and 确定 (`btn_ok`, for the dialog to place); 确定 and Enter call `submit`,
    which has `check` run the server's check of the typed password."""

    def __init__(
        self,
        layout: QVBoxLayout,
        unit: RegisteredUnit,
        names: PasswordFormNames,
        submit: Callable[[], None],
    ) -> None:
        form = QFormLayout()
        form.addRow("纳税人识别号:", label(unit.taxpayer_id, names.taxpayer_id))
        form.addRow("纳税人名称:", label(unit.taxpayer_name, names.taxpayer_name))
        self.edit_password = QLineEdit(objectName=names.password)
        self.edit_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("申报密码:", self.edit_password)
        layout.addLayout(form)
        layout.addWidget(label(password_hint(unit.kind), names.hint, "hint"))
        self.status = label("", names.error, "error")
        layout.addWidget(self.status)
        self.btn_ok = button("确定", names.ok, primary=True)
        self.btn_ok.clicked.connect(submit)
        self.edit_password.returnPressed.connect(submit)
        self.edit_password.setFocus()

    def check(
        self,
        runner: JobRunner,
        verify: Callable[[str], T],
        ok: Callable[[T], None],
        failed: Callable[[BaseException, str], None] | None = None,
    ) -> JobHandle[T] | None:
        """确定: None when no password was typed (the error line asks for it); else the job
        `verify(password)`, 确定 disabled meanwhile. A refusal clears the password and says
        why before `failed(error, password)`."""
        password = self.edit_password.text()
        if not password:
            self.status.setText("请输入申报密码。")
            return None
        self.btn_ok.setEnabled(False)

        def refused(error: BaseException) -> None:
            self.btn_ok.setEnabled(True)
            self.edit_password.clear()
            self.status.setText(user_message(error))
            if failed is not None:
                failed(error, password)

        def verified(result: T) -> None:
            self.btn_ok.setEnabled(True)
            ok(result)

        return runner.run(
            Job("安全认证", lambda _c: verify(password)), verified, refused, progress=False
        )


SECURITY_FORM = PasswordFormNames(
    "edit_security_password", "label_security_error", "btn_security_ok"
)


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
        self.form = PasswordForm(layout, session.unit, SECURITY_FORM, self.submit)
        self.edit_password, self.status = self.form.edit_password, self.form.status
        self.btn_ok = self.form.btn_ok
        self.btn_cancel = button("取消", "btn_security_cancel")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.btn_ok)
        row.addWidget(self.btn_cancel)
        layout.addLayout(row)
        self.btn_cancel.clicked.connect(self.reject)

    def submit(self) -> None:
        handle = self.form.check(
            self.runner,
            lambda password: self.service.verify_password(self.session, password),
            lambda _r: self.accept(),
        )
        if handle is not None:
            self.handle = handle
