"""登录 dialogs (manual §1.5.2, §2.1.2): 安全认证, forced 申报密码 change, 数据更新."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from client.account.data_update import PHASE_LABELS, LoginUpdateResult
from client.account.login import LoginService
from client.app_context import UnitSession
from client.errors import user_message
from client.jobs import Progress
from client.storage.app_models import RegisteredUnit
from client.storage.integrity import DamagedDatabaseError
from client.ui.context import UiServices
from client.ui.dialogs.auth import PasswordForm, PasswordFormNames
from client.ui.jobs import JobHandle
from client.ui.network_settings import NetworkSettingsDialog
from client.ui.password_form import PasswordChangeForm
from client.ui.reauth import install_reauthentication
from client.ui.widgets.common import HeaderBar, button, label, network_button


class _ShellDialog(QDialog):
    def __init__(self, ui: UiServices, subtitle: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.runner = ui.runner(self)
        self.handle: JobHandle[object] | None = None
        self.setObjectName(name)
        self.setWindowTitle(f"社保费管理客户端 - {subtitle}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 14)
        self.header = HeaderBar(subtitle)
        outer.addWidget(self.header)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(24, 14, 24, 0)
        outer.addLayout(self.body, 1)

    def add_network_button(self) -> None:
        network_button(self.header, lambda: NetworkSettingsDialog(self.ui, self).exec())

    def button_row(self, *buttons: QWidget) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        for b in buttons:
            row.addWidget(b)
        self.body.addLayout(row)


LOGIN_FORM = PasswordFormNames(
    "edit_login_password",
    "label_login_error",
    "btn_login_ok",
    taxpayer_id="label_login_taxpayer_id",
    taxpayer_name="label_login_taxpayer_name",
    hint="label_password_hint",
)


class AuthDialog(_ShellDialog):
    """安全认证 for a registered unit; emits `authenticated` with the open session."""

    authenticated = Signal(object)  # UnitSession

    def __init__(self, ui: UiServices, unit: RegisteredUnit, parent: QWidget | None = None) -> None:
        super().__init__(ui, "安全认证", "dialog_auth", parent)
        self.unit = unit
        self.service = LoginService(ui.app)
        self.resize(560, 330)
        self.add_network_button()
        self.body.addWidget(label("安全认证", role="dialog-title"))
        self.form = PasswordForm(self.body, unit, LOGIN_FORM, self.submit)
        self.edit_password, self.status = self.form.edit_password, self.form.status
        self.body.addStretch(1)
        self.btn_ok = self.form.btn_ok
        self.button_row(self.btn_ok)

    def submit(self) -> None:
        self.status.setText("")  # the last refusal goes while the password is checked

        def failed(error: BaseException, password: str) -> None:
            if isinstance(error, DamagedDatabaseError) and not handle.token.cancelled:
                self.offer_repair(error, password)

        def ok(session: UnitSession) -> None:
            if handle.token.cancelled:  # closed while the server was checking
                self.ui.app.discard_session(session)
                return
            install_reauthentication(self.ui, session)  # an expired login: 安全认证, go on
            self.authenticated.emit(session)
            self.accept()

        handle = self.form.check(
            self.runner, lambda password: self.service.authenticate(self.unit, password), ok, failed
        )
        if handle is not None:
            self.handle = handle

    def offer_repair(self, error: DamagedDatabaseError, password: str) -> DamagedDatabaseDialog:
        """The unit's database is damaged: 重新下载 (the file set aside, the login done
        again), 从备份恢复 (the newest backup holding the unit) or 取消 (nothing changes)."""
        backups = self.service.backups_of(self.unit)
        dialog = DamagedDatabaseDialog(error, backups[0] if backups else None, self)
        self.repair_dialog = dialog

        def chosen(choice: str) -> None:
            if choice == DamagedDatabaseDialog.DOWNLOAD:
                self.service.set_aside_damaged(self.unit)
                self.edit_password.setText(password)
                self.submit()
            elif choice == DamagedDatabaseDialog.RESTORE and backups:
                restore = self.ui.restore_backup
                if restore is None:
                    self.status.setText("请在主窗口的“系统设置-备份恢复”中恢复数据。")
                    return
                self.service.set_aside_damaged(self.unit)  # the 恢复前备份 must not read it
                self.reject()
                restore(backups[0][0])

        dialog.chosen.connect(chosen)
        dialog.open()
        return dialog

    def reject(self) -> None:
        """Esc or closing the window: a password check under way is abandoned, so no
        session stays open and no password change pops up later."""
        if self.handle is not None and not self.handle.done:
            self.handle.cancel()
        super().reject()


class DamagedDatabaseDialog(QDialog):
    """本地数据损坏: the sentence, and 重新下载 / 从备份恢复 / 取消."""

    DOWNLOAD, RESTORE, CANCEL = "download", "restore", "cancel"
    chosen = Signal(str)

    def __init__(
        self,
        error: DamagedDatabaseError,
        backup: tuple[object, object] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_damaged_database")
        self.setWindowTitle("本地数据损坏")
        layout = QVBoxLayout(self)
        text = error.message
        if backup is not None:
            manifest = backup[1]
            when = str(getattr(manifest, "created_at", "")).replace("T", " ")
            text += (
                f"\n最近一次包含本单位的备份时间为{when}；从备份恢复会用该备份替换客户端的全部数据"
                "（恢复前的数据会先另行备份）。"
            )
        else:
            text += "\n没有找到包含本单位的备份，只能重新下载。"
        layout.addWidget(label(text, "label_damaged_database"))
        self.btn_download = button("重新下载", "btn_damaged_download", primary=True)
        self.btn_restore = button("从备份恢复", "btn_damaged_restore")
        self.btn_cancel = button("取消", "btn_damaged_cancel")
        self.btn_restore.setEnabled(backup is not None)
        row = QHBoxLayout()
        row.addStretch(1)
        for b in (self.btn_download, self.btn_restore, self.btn_cancel):
            row.addWidget(b)
        layout.addLayout(row)
        self.btn_download.clicked.connect(lambda: self._choose(self.DOWNLOAD))
        self.btn_restore.clicked.connect(lambda: self._choose(self.RESTORE))
        self.btn_cancel.clicked.connect(self.reject)

    def _choose(self, choice: str) -> None:
        self.accept()
        self.chosen.emit(choice)

    def reject(self) -> None:
        super().reject()
        self.chosen.emit(self.CANCEL)


class ChangePasswordDialog(_ShellDialog):
    """修改申报密码; forced after logging in with an initial password."""

    changed = Signal()

    def __init__(
        self,
        ui: UiServices,
        session: UnitSession,
        *,
        forced: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ui, "修改申报密码", "dialog_change_password", parent)
        self.add_network_button()
        self.session = session
        self.forced = forced
        self.resize(560, 380)
        self.body.addWidget(label("修改申报密码", role="dialog-title"))
        if forced:
            self.body.addWidget(
                label(
                    "您正在使用初始申报密码，为保障单位信息安全，请先修改申报密码。"
                    "修改后请牢记新密码，忘记密码只能到税务大厅重置。",
                    "label_forced_change",
                    "hint",
                )
            )
        self.form = PasswordChangeForm(ui, session, self)
        self.body.addWidget(self.form)
        self.body.addStretch(1)
        self.btn_cancel = button("返回单位管理" if forced else "取消", "btn_change_password_cancel")
        self.form.buttons.addWidget(self.btn_cancel)
        self._abandoned = False
        self.btn_cancel.clicked.connect(self.reject)
        self.form.changed.connect(self._changed)

    def _changed(self) -> None:
        if self._abandoned:
            return  # closed while the change was under way: the login was given up
        self.changed.emit()
        self.accept()

    def reject(self) -> None:
        self._abandoned = True
        super().reject()


class DataUpdateDialog(_ShellDialog):
    """数据更新: one progress bar to 100% before the main window opens; 取消 is possible."""

    completed = Signal(object)  # LoginUpdateResult
    abandoned = Signal()

    def __init__(self, ui: UiServices, session: UnitSession, parent: QWidget | None = None) -> None:
        super().__init__(ui, "数据更新", "dialog_data_update", parent)
        self.add_network_button()
        self.session = session
        self.service = LoginService(ui.app)
        self.resize(560, 260)
        first = not session.db.sync_state(
            "employees" if session.kind == "employer" else "residents"
        ).full_done
        self.body.addWidget(label("正在更新数据，请稍候…", role="dialog-title"))
        if first:
            self.body.addWidget(
                label(
                    "首次登录需要全量下载单位的参保信息，数据量较大时耗时较长，请耐心等待。",
                    "label_first_login_hint",
                    "hint",
                )
            )
        self.phase = label("准备更新…", "label_update_phase")
        self.body.addWidget(self.phase)
        self.bar = QProgressBar(objectName="progress_data_update")
        self.bar.setRange(0, 100)
        self.body.addWidget(self.bar)
        self.status = label("", "label_update_error", "error")
        self.body.addWidget(self.status)
        self.body.addStretch(1)
        self.btn_retry = button("重试", "btn_update_retry")
        self.btn_cancel = button("取消", "btn_update_cancel")
        self.button_row(self.btn_retry, self.btn_cancel)
        self.btn_retry.hide()
        self._abandoned = False
        self.btn_retry.clicked.connect(self.start)
        self.btn_cancel.clicked.connect(self.reject)

    def start(self) -> None:
        self.status.setText("")
        self.btn_retry.hide()
        self.handle = self.runner.run(
            self.service.data_update_job(self.session),
            self._done,
            self._failed,
            progress=False,  # this dialog is the progress display
            on_progress=self._progress,
        )

    def _progress(self, p: Progress) -> None:
        if p.total:
            self.bar.setValue(round(100 * p.done / p.total))
        text = PHASE_LABELS.get(p.phase, p.phase)
        if p.phase == "done":
            text = "数据更新完成"
        self.phase.setText(text)

    def _done(self, result: LoginUpdateResult) -> None:
        if self.handle is not None and self.handle.token.cancelled:
            self.reject()  # finished just as the clerk cancelled: still back to 单位管理
            return
        self.bar.setValue(100)
        self.completed.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        if self.handle is not None and self.handle.token.cancelled:
            self.reject()
            return
        self.status.setText(
            user_message(error) + "\n已下载的数据会保留，点击【重试】将从中断处继续。"
        )
        self.btn_retry.show()

    def reject(self) -> None:
        """取消, Esc and closing the window alike: a running update is stopped first (the
        dialog says so and closes when it has), then the login is abandoned; what was
        downloaded is kept and the next login continues from there."""
        if self.handle is not None and not self.handle.done:
            self.phase.setText("正在取消…")
            self.btn_cancel.setEnabled(False)
            self.handle.cancel()
            return
        if not self._abandoned:
            self._abandoned = True
            self.abandoned.emit()
        super().reject()
