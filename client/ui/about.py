"""关于 (bottom right of the main window, manual §1.3 and §2.1.2): the version of this client
and whether it is the newest; 检查更新, and 立即升级 when a newer version exists."""

from __future__ import annotations

import platform

import shiboken6
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from client import __version__
from client.errors import user_message
from client.jobs import Job
from client.ui.context import UiServices
from client.ui.jobs import JobHandle, JobRunner
from client.ui.upgrade_dialog import UpgradeDialog, set_role
from client.ui.widgets.common import button, label
from client.upgrade.channel import UpdateCheck
from client.upgrade.service import Upgrader

UP_TO_DATE = "已是最新版本。"


class AboutDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        ui: UiServices | None = None,
        upgrader: Upgrader | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui if ui is not None else getattr(parent, "ui", None)
        if upgrader is None and self.ui is not None:
            upgrader = Upgrader.for_app(self.ui.app)
        self.upgrader = upgrader
        self.check_handle: JobHandle[UpdateCheck] | None = None
        self.result: UpdateCheck | None = None
        self.upgrade_dialog: UpgradeDialog | None = None
        self.setObjectName("dialog_about")
        self.setWindowTitle("关于")
        layout = QVBoxLayout(self)
        layout.addWidget(label("社保费管理客户端", role="dialog-title"))
        current = upgrader.current_version if upgrader is not None else None
        layout.addWidget(label(f"当前版本：V{current or __version__}", "label_version"))
        layout.addWidget(
            label(
                f"运行环境：Python {platform.python_version()}，{platform.system()} {platform.release()}"
            )
        )
        self.state = label("", "label_update_state")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        row = QHBoxLayout()
        self.btn_check = button("检查更新", "btn_check_update")
        self.btn_upgrade = button("立即升级", "btn_about_upgrade", primary=True)
        self.btn_upgrade.hide()
        row.addWidget(self.btn_check)
        row.addWidget(self.btn_upgrade)
        row.addStretch(1)
        ok = button("确定", "btn_about_ok", primary=self.upgrader is None)
        ok.clicked.connect(self.accept)
        row.addWidget(ok)
        layout.addLayout(row)
        self.btn_check.clicked.connect(self.check)
        self.btn_upgrade.clicked.connect(self.offer)
        if self.upgrader is None:
            self.btn_check.hide()
        else:
            self.check()  # the clerk sees at once whether this is the newest version

    def check(self) -> JobHandle[UpdateCheck] | None:
        if self.upgrader is None or self.ui is None:
            return None
        if self.check_handle is not None and not self.check_handle.done:
            return self.check_handle
        upgrader = self.upgrader
        self.btn_check.setEnabled(False)
        self.btn_upgrade.hide()
        set_role(self.state, "")
        self.state.setText("正在检查是否为最新版本…")
        runner = self.runner = JobRunner(self, self.ui.prompts, self.ui.show_delay_ms)
        self.check_handle = runner.run(
            Job("检查更新", lambda _ctx: upgrader.check()),
            self._checked,
            self._failed,
            progress=False,
        )
        return self.check_handle

    def _checked(self, check: UpdateCheck) -> None:
        if not shiboken6.isValid(self):
            return
        self.result = check
        self.btn_check.setEnabled(True)
        if check.info is None:
            self.state.setText(UP_TO_DATE)
            return
        set_role(self.state, "hint")  # 建议升级 stands out
        forced = "（强制升级）" if check.info.forced else ""
        self.state.setText(f"发现新版本V{check.info.version}{forced}，当前不是最新版本，建议升级。")
        self.btn_upgrade.show()

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.btn_check.setEnabled(True)
        set_role(self.state, "error")
        self.state.setText(f"检查更新失败：{user_message(error)}")

    def offer(self) -> UpgradeDialog | None:
        """立即升级: the same dialog the start check offers."""
        if self.result is None or self.result.info is None or self.upgrader is None:
            return None
        assert self.ui is not None
        parent = self.parentWidget() or self
        self.upgrade_dialog = UpgradeDialog(self.ui, self.upgrader, self.result.info, parent)
        self.accept()
        self.upgrade_dialog.open()
        return self.upgrade_dialog
