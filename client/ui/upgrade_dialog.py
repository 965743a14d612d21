"""升级 (manual §1.3): the offer of a newer version, its download with a progress bar and
取消, the install and the restart; and the check in the background after the main window
appears. The work itself is client/upgrade (no Qt)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import shiboken6
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from client.errors import user_message
from client.jobs import Job, JobCancelled, Progress
from client.ui.context import UiServices
from client.ui.jobs import JobHandle, JobRunner
from client.ui.widgets.common import button, label
from client.upgrade.channel import UpdateCheck, UpdateInfo
from client.upgrade.errors import UpgradeRefused
from client.upgrade.layout import install_root
from client.upgrade.service import Applied, Upgrader
from client.upgrade.startup import confirm_start

log = logging.getLogger(__name__)

# Versions the clerk chose not to install in this run (not offered again at the next login).
_declined: set[str] = set()


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size, 1) / 1024:.1f} KB"


def set_role(widget: QWidget, role: str) -> None:
    """Restyle a label (the stylesheet keys on its `role`)."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class UpgradeDialog(QDialog):
    """发现新版本: notes, 立即升级 → progress → installed → restart. A forced upgrade has no
    取消 and cannot be closed; the clerk can only upgrade or leave the client."""

    def __init__(
        self,
        ui: UiServices,
        upgrader: Upgrader,
        info: UpdateInfo,
        parent: QWidget | None = None,
        *,
        quit_app: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.upgrader = upgrader
        self.info = info
        self.forced = info.forced
        self.quit_app = quit_app or _quit_application
        self.handle: JobHandle[Applied] | None = None
        self.applied: Applied | None = None
        self.runner = JobRunner(self, ui.prompts, ui.show_delay_ms)
        self.setObjectName("dialog_upgrade")
        self.setWindowTitle("强制升级" if self.forced else "发现新版本")
        self.resize(520, 380)

        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                f"发现新版本V{info.version}（当前版本V{upgrader.current_version}），"
                f"升级包大小{size_text(info.size)}。",
                "label_upgrade_version",
            )
        )
        if self.forced:
            layout.addWidget(
                label(
                    "此版本为强制升级，升级完成前无法继续使用客户端。",
                    "label_upgrade_forced",
                    role="error",
                )
            )
        layout.addWidget(label("更新说明：", "label_upgrade_notes_title"))
        self.notes = QPlainTextEdit(objectName="text_upgrade_notes")
        self.notes.setReadOnly(True)
        self.notes.setPlainText(info.notes or "（无）")
        layout.addWidget(self.notes, 1)
        self.progress = QProgressBar(objectName="progress_upgrade")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.status = label("", "label_upgrade_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        row = QHBoxLayout()
        row.addStretch(1)
        self.btn_start = button("立即升级", "btn_upgrade_start", primary=True)
        self.btn_cancel = button("取消", "btn_upgrade_cancel")
        self.btn_quit = button("退出客户端", "btn_upgrade_quit")
        row.addWidget(self.btn_start)
        row.addWidget(self.btn_cancel)
        row.addWidget(self.btn_quit)
        layout.addLayout(row)
        self.btn_cancel.setVisible(not self.forced)
        self.btn_quit.setVisible(self.forced)
        self.btn_start.clicked.connect(self.start)
        self.btn_cancel.clicked.connect(self.cancel)
        self.btn_quit.clicked.connect(self.quit_app)

    # -- the upgrade ---------------------------------------------------------------------
    def start(self) -> JobHandle[Applied]:
        self.btn_start.setEnabled(False)
        self.progress.show()
        self.progress.setValue(0)
        self.status.setText("正在下载升级包…")
        self.handle = self.runner.run(
            Job("升级", lambda ctx: self.upgrader.upgrade(self.info, ctx)),
            self._done,
            self._failed,
            progress=False,
            on_progress=self._progressed,
        )
        return self.handle

    def _progressed(self, p: Progress) -> None:
        if not shiboken6.isValid(self):
            return
        if p.total:
            self.progress.setValue(int(100 * min(p.done, p.total) / p.total))
        if p.phase == "下载升级包" and p.total:
            self.status.setText(f"正在下载升级包：{size_text(p.done)} / {size_text(p.total)}")
        else:
            self.status.setText(f"{p.phase}…")

    def _done(self, applied: Applied) -> None:
        if not shiboken6.isValid(self):
            return
        self.applied = applied
        self.progress.setValue(100)
        restart = self.upgrader.restart(applied, sys.argv[1:])
        self.status.setText(restart.message)
        if restart.started:  # the new version is starting: this one steps aside
            self.forced = False
            self.accept()
            self.quit_app()
            return
        self.ui.prompts.info(self, restart.message, title="升级完成")
        if not self.forced:
            self.accept()

    def _failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        if isinstance(error, JobCancelled):
            self.status.setText("已取消升级，已下载的部分会保留，下次将从中断处继续下载。")
            if not self.forced:
                self.reject()
            return
        message = user_message(error)
        self.status.setText(message)
        set_role(self.status, "error")
        self.btn_start.setEnabled(True)
        self.btn_start.setText("重试")
        if isinstance(error, UpgradeRefused):
            self.btn_start.setEnabled(False)  # the same package would be refused again
        self.ui.prompts.error(self, message, title="升级失败")

    # -- 取消 and closing --------------------------------------------------------------
    def cancel(self) -> None:
        if self.forced:
            return
        if self.handle is not None and not self.handle.done:
            self.handle.cancel()  # the dialog closes once the download stops
            self.btn_cancel.setEnabled(False)
            return
        _declined.add(self.info.version)
        self.reject()

    def reject(self) -> None:  # Esc
        if self.forced:
            return
        if self.handle is not None and not self.handle.done:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt)
        if self.forced:
            event.ignore()
            return
        super().closeEvent(event)


def _quit_application() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()


class StartCheck:
    """The check after the client's first window appears: in the background, never blocking;
    a newer version is offered in UpgradeDialog, window-modal over `window` (the controller
    moves it to the window in front while the check runs)."""

    def __init__(self, ui: UiServices, window: QWidget, upgrader: Upgrader) -> None:
        self.ui = ui
        self.window = window
        self.upgrader = upgrader
        self.result: UpdateCheck | None = None
        self.error: BaseException | None = None
        self.dialog: UpgradeDialog | None = None
        self.runner = JobRunner(window, ui.prompts, ui.show_delay_ms)
        self.handle = self.runner.run(
            Job("检查更新", lambda _ctx: upgrader.check()),
            self._checked,
            self._failed,
            progress=False,
        )

    def _checked(self, check: UpdateCheck) -> None:
        self.result = check
        if check.info is None or not shiboken6.isValid(self.window):
            return
        if check.info.version in _declined and not check.info.forced:
            return
        self.dialog = UpgradeDialog(self.ui, self.upgrader, check.info, self.window)
        self.dialog.open()

    def _failed(self, error: BaseException) -> None:
        self.error = error  # never in front of the clerk at start: 关于 says it again
        log.info("update check at start failed: %s", getattr(error, "message", error))


def check_at_start(
    ui: UiServices, window: QWidget, upgrader: Upgrader | None = None
) -> StartCheck | None:
    """Called once the client's first window is shown (the controller, §1.3.1). Only an
    installed client checks at start (a development checkout checks from 关于 only); the
    running version counts as started."""
    root = install_root() if upgrader is None else upgrader.root
    if root is None:
        return None
    confirm_start(root)
    return StartCheck(ui, window, upgrader or Upgrader.for_app(ui.app, root))
