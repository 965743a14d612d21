"""The 申报密码 change form (old, new twice, rules shown), in a dialog or a page."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from client.account.login import LoginService
from client.app_context import UnitSession
from client.domain.passwords import RULES_TEXT
from client.errors import user_message
from client.jobs import Job
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.widgets.common import button, label


class PasswordChangeForm(QWidget):
    changed = Signal()

    def __init__(self, ui: UiServices, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.session = session
        self.service = LoginService(ui.app)
        self.runner = ui.runner(self)
        self.handle: JobHandle[object] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.edit_old = QLineEdit(objectName="edit_old_password")
        self.edit_new = QLineEdit(objectName="edit_new_password")
        self.edit_repeat = QLineEdit(objectName="edit_repeat_password")
        for edit in (self.edit_old, self.edit_new, self.edit_repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(20)
        form.addRow("原申报密码:", self.edit_old)
        form.addRow("新申报密码:", self.edit_new)
        form.addRow("确认新申报密码:", self.edit_repeat)
        layout.addLayout(form)
        layout.addWidget(label(RULES_TEXT, "label_password_rules"))
        self.status = label("", "label_change_password_error", "error")
        layout.addWidget(self.status)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.btn_ok = button("确定", "btn_change_password_ok", primary=True)
        self.buttons.addWidget(self.btn_ok)
        layout.addLayout(self.buttons)
        self.btn_ok.clicked.connect(self.submit)
        self.edit_repeat.returnPressed.connect(self.submit)
        self.edit_old.setFocus()

    def submit(self) -> None:
        old, new, repeat = self.edit_old.text(), self.edit_new.text(), self.edit_repeat.text()
        self.status.setText("")
        self.btn_ok.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.btn_ok.setEnabled(True)
            self.status.setText(user_message(error))

        def ok(_r: object) -> None:
            self.btn_ok.setEnabled(True)
            for edit in (self.edit_old, self.edit_new, self.edit_repeat):
                edit.clear()
            self.ui.prompts.info(self, "申报密码修改成功，请牢记新的申报密码。")
            self.changed.emit()

        self.handle = self.runner.run(
            Job(
                "修改申报密码",
                lambda _c: self.service.change_password(self.session, old, new, repeat),
            ),
            ok,
            failed,
            progress=False,
        )
