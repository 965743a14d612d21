"""The maintenance program's window (manual §1.4.1-§1.4.3): the 用人单位业务 / 代收单位业务
modules with 已安装/未安装, tick to install, 立即安装 → progress → 立即启动; per installed
module 修复 and 卸载, or tick several for 快速修复 / 快速卸载 (with a confirmation).

The work runs in a QThread over installer.maintenance; the window only lays out and asks.
A region with one module online (`offered` of one) shows no choice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.installed import ALL_MODULES
from installer import maintenance
from installer.journal import LockBusyError, log_line
from installer.maintenance import BUSINESS, Installation, Result
from installer.manifest import APP, Payload, PayloadError
from installer.modules_state import ModuleChoiceError
from installer.state import client_executable, installed_manifest, read_state

Launcher = Callable[[Path], None]
VERBS = {"install": "安装", "repair": "修复", "uninstall": "卸载"}


def start_program(executable: Path) -> None:
    """立即启动: the installed client, detached from the maintenance program."""
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) if sys.platform == "win32" else 0
    subprocess.Popen(
        [str(executable)],
        cwd=executable.parent,
        start_new_session=sys.platform != "win32",
        creationflags=flags,
    )


class Job(QThread):
    """One maintenance operation off the UI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[..., Result], root: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self._work, self._root = work, root

    def run(self) -> None:
        try:
            result = self._work(progress=self.progressed.emit)
        except (
            maintenance.MaintenanceError,
            PayloadError,
            LockBusyError,
            ModuleChoiceError,
        ) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # the log keeps the details; the clerk gets one sentence
            log_line(self._root, f"unexpected: {exc!r}")
            self.failed.emit(f"操作未完成：{exc}")
        else:
            self.succeeded.emit(result)


class ConfirmUninstall(QDialog):
    """为避免操作失误: 确定 / 取消, and for the last module whether to remove the data too."""

    def __init__(self, modules: tuple[str, ...], last: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("dlg_confirm_uninstall")
        self.setWindowTitle("确认卸载")
        names = "、".join(BUSINESS[m] for m in modules)
        text = f"确定要卸载{names}吗？"
        if last:
            text += "\n卸载后社保费管理客户端将从本机移除，桌面快捷方式一并删除。"
        layout = QVBoxLayout(self)
        label = QLabel(text)
        label.setObjectName("lbl_confirm_text")
        layout.addWidget(label)
        self.remove_data = QCheckBox("同时删除本机的单位数据（删除后无法恢复）")
        self.remove_data.setObjectName("chk_remove_data")
        self.remove_data.setVisible(last)
        layout.addWidget(self.remove_data)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        ok = QPushButton("确定")
        ok.setObjectName("btn_confirm_ok")
        ok.clicked.connect(self.accept)
        cancel = QPushButton("取消")
        cancel.setObjectName("btn_confirm_cancel")
        cancel.clicked.connect(self.reject)
        buttons.addWidget(ok)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        ok.setDefault(True)


class ModuleRow(QFrame):
    def __init__(self, key: str, choice: bool, window: MaintenanceWindow) -> None:
        super().__init__()
        self.key = key
        self.setObjectName(f"row_{key}")
        layout = QHBoxLayout(self)
        self.check = QCheckBox(BUSINESS[key])
        self.check.setObjectName(f"chk_{key}")
        self.check.setVisible(choice)
        self.check.toggled.connect(window.refresh_buttons)
        self.title = QLabel(BUSINESS[key])
        self.title.setVisible(not choice)
        self.state = QLabel()
        self.state.setObjectName(f"lbl_state_{key}")
        self.repair = QPushButton("修复")
        self.repair.setObjectName(f"btn_repair_{key}")
        self.repair.clicked.connect(lambda: window.start_repair((key,)))
        self.uninstall = QPushButton("卸载")
        self.uninstall.setObjectName(f"btn_uninstall_{key}")
        self.uninstall.clicked.connect(lambda: window.ask_uninstall((key,)))
        for widget in (self.check, self.title):
            layout.addWidget(widget)
        layout.addStretch(1)
        for widget in (self.state, self.repair, self.uninstall):
            layout.addWidget(widget)

    def show_state(self, installed: bool) -> None:
        self.state.setText("已安装" if installed else "未安装")
        self.repair.setVisible(installed)
        self.uninstall.setVisible(installed)


class MaintenanceWindow(QWidget):
    def __init__(
        self,
        root: Path,
        payload: Path | None,
        offered: tuple[str, ...] = ALL_MODULES,
        launcher: Launcher = start_program,
    ) -> None:
        super().__init__()
        self.setObjectName("setup_window")
        self.setWindowTitle(f"{APP} 安装程序")
        self.root, self.payload, self.launcher = root, payload, launcher
        self.offered = tuple(m for m in ALL_MODULES if m in offered)
        self.state = Installation(root)
        self.job: Job | None = None
        self.confirm: ConfirmUninstall | None = None
        self.payload_version, self.payload_problem = self._read_payload()
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        header = QLabel(APP + (f"  {self.payload_version}" if self.payload_version else ""))
        header.setObjectName("lbl_header")
        layout.addWidget(header)
        layout.addWidget(self.stack)
        self._build_modules_page()
        self._build_progress_page()
        self._build_done_page()
        self.resize(560, 360)
        self.show_modules()

    def _read_payload(self) -> tuple[str | None, str]:
        if self.payload is None:
            return None, "没有找到安装包，只能卸载；请从安装包中启动本程序"
        try:
            with Payload(self.payload) as opened:
                return opened.manifest.version, ""
        except PayloadError as exc:
            return None, str(exc)

    # --- pages --------------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _build_modules_page(self) -> None:
        page = QWidget()
        page.setObjectName("page_modules")
        layout = QVBoxLayout(page)
        choice = len(self.offered) > 1
        self.rows = {key: ModuleRow(key, choice, self) for key in self.offered}
        for row in self.rows.values():
            layout.addWidget(row)
        self.message = QLabel()
        self.message.setObjectName("lbl_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_install = self._button("立即安装", "btn_install", self.start_install)
        self.btn_quick_repair = self._button("快速修复", "btn_quick_repair", self.quick_repair)
        self.btn_quick_uninstall = self._button(
            "快速卸载", "btn_quick_uninstall", self.quick_uninstall
        )
        for button in (self.btn_install, self.btn_quick_repair, self.btn_quick_uninstall):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.stack.addWidget(page)

    def _build_progress_page(self) -> None:
        page = QWidget()
        page.setObjectName("page_progress")
        layout = QVBoxLayout(page)
        self.progress_title = QLabel()
        self.progress_title.setObjectName("lbl_progress_title")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("progress_bar")
        self.progress_text = QLabel()
        self.progress_text.setObjectName("lbl_progress_text")
        for widget in (self.progress_title, self.progress_bar, self.progress_text):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.stack.addWidget(page)

    def _build_done_page(self) -> None:
        page = QWidget()
        page.setObjectName("page_done")
        layout = QVBoxLayout(page)
        self.done_title = QLabel()
        self.done_title.setObjectName("lbl_done_title")
        self.done_text = QLabel()
        self.done_text.setObjectName("lbl_done_text")
        self.done_text.setWordWrap(True)
        layout.addWidget(self.done_title)
        layout.addWidget(self.done_text)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_launch = self._button("立即启动", "btn_launch", self.launch)
        self.btn_back = self._button("返回", "btn_back", self.show_modules)
        self.btn_close = self._button("关闭", "btn_close", self.close)
        for button in (self.btn_launch, self.btn_back, self.btn_close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.stack.addWidget(page)

    # --- state --------------------------------------------------------------------------

    def show_modules(self) -> None:
        try:
            self.state = maintenance.status(self.root)
        except LockBusyError as exc:
            self.state = Installation(self.root)
            self.message.setText(str(exc))
        else:
            self.message.setText(self.payload_problem)
        for key, row in self.rows.items():
            row.check.setChecked(False)
            row.show_state(key in self.state.modules)
            row.repair.setEnabled(self.payload_version is not None)
        self.refresh_buttons()
        self.stack.setCurrentIndex(0)

    def _ticked(self, installed: bool) -> tuple[str, ...]:
        single = len(self.offered) == 1
        return tuple(
            key
            for key, row in self.rows.items()
            if (key in self.state.modules) == installed and (single or row.check.isChecked())
        )

    def refresh_buttons(self) -> None:
        have_payload = self.payload_version is not None
        missing = [k for k in self.offered if k not in self.state.modules]
        present = [k for k in self.offered if k in self.state.modules]
        self.btn_install.setVisible(bool(missing))
        self.btn_install.setEnabled(have_payload and bool(self._ticked(False)))
        self.btn_quick_repair.setVisible(bool(present))
        self.btn_quick_repair.setEnabled(have_payload and bool(self._ticked(True)))
        self.btn_quick_uninstall.setVisible(bool(present))
        self.btn_quick_uninstall.setEnabled(bool(self._ticked(True)))

    # --- actions ------------------------------------------------------------------------

    def start_install(self) -> None:
        modules = self._ticked(False)
        assert self.payload is not None
        payload = self.payload
        self._run(
            "install", lambda progress: maintenance.install(modules, payload, self.root, progress)
        )

    def quick_repair(self) -> None:
        self.start_repair(self._ticked(True))

    def start_repair(self, modules: tuple[str, ...]) -> None:
        assert self.payload is not None
        payload = self.payload
        self._run(
            "repair", lambda progress: maintenance.repair(self.root, payload, modules, progress)
        )

    def quick_uninstall(self) -> None:
        self.ask_uninstall(self._ticked(True))

    def ask_uninstall(self, modules: tuple[str, ...]) -> None:
        last = set(modules) >= set(self.state.modules)
        if self.confirm is not None:  # the one asked before (cancelled or done)
            self.confirm.setParent(None)
            self.confirm.deleteLater()
        self.confirm = ConfirmUninstall(modules, last, self)
        self.confirm.accepted.connect(lambda: self._uninstall(modules))
        self.confirm.open()

    def _uninstall(self, modules: tuple[str, ...]) -> None:
        assert self.confirm is not None
        remove_data = self.confirm.remove_data.isVisible() and self.confirm.remove_data.isChecked()
        self._run(
            "uninstall",
            lambda progress: maintenance.uninstall(
                self.root, modules, remove_data, progress=progress
            ),
        )

    def _run(self, action: str, work: Callable[[Any], Result]) -> None:
        verb = VERBS[action]
        self.action = action
        self.progress_title.setText(f"正在{verb}，请稍候…")
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_text.setText("")
        self.stack.setCurrentIndex(1)
        self.job = Job(lambda progress: work(progress), self.root, self)
        self.job.progressed.connect(self._progressed)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.job.start()

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress_bar.setValue(done * 100 // total if total else 100)
        self.progress_text.setText(text)

    def _succeeded(self, result: Result) -> None:
        verb = VERBS[self.action]
        self.state = read_state(self.root)
        self.progress_bar.setValue(100)
        self.done_title.setText(f"{verb}完成")
        self.done_text.setText(result.message)
        self.btn_launch.setVisible(self.state.installed and self.action != "uninstall")
        self.btn_back.setVisible(self.state.installed or self.action != "uninstall")
        self.stack.setCurrentIndex(2)

    def _failed(self, message: str) -> None:
        verb = VERBS[self.action]
        self.done_title.setText(f"{verb}未完成")
        self.done_text.setText(message)
        self.btn_launch.setVisible(False)
        self.btn_back.setVisible(True)
        self.stack.setCurrentIndex(2)

    def launch(self) -> None:
        manifest = installed_manifest(self.state)
        name = client_executable(manifest) if manifest else None
        if name is None:
            self.done_text.setText("找不到已安装的客户端程序，请先修复")
            return
        self.launcher(self.state.version_dir / name)
        self.close()


def run_window(root: Path, payload: Path | None, offered: tuple[str, ...]) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")
    window = MaintenanceWindow(root, payload, offered)
    window.show()
    return int(app.exec())  # type: ignore[union-attr]
