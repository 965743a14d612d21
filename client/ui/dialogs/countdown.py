"""The wait before fetching a submission's feedback: "N 秒后自动获取", or 立即获取.

The backend processes a declaration asynchronously, so the client waits (20 s by default)
before asking for the result. Accepted means "fetch now"; 取消 closes without fetching.
`SHEBAOFEI_FEEDBACK_DELAY_SECONDS` overrides every delay (tests and QA set it low).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

FEEDBACK_DELAY_ENV = "SHEBAOFEI_FEEDBACK_DELAY_SECONDS"
DEFAULT_DELAY_SECONDS = 20


def feedback_delay(requested: int | None = None) -> int:
    """The environment variable wins, then the caller's value, then 20 seconds."""
    raw = os.environ.get(FEEDBACK_DELAY_ENV, "").strip()
    if raw:
        try:
            return max(int(float(raw)), 0)
        except ValueError:
            pass
    return max(requested, 0) if requested is not None else DEFAULT_DELAY_SECONDS


class CountdownDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        delay_seconds: int | None = None,
        message: str = "正在获取反馈信息，请稍候…",
        title: str = "获取反馈信息",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_countdown")
        self.setWindowTitle(title)
        self.setModal(True)
        self.message = message
        self._left = feedback_delay(delay_seconds)

        self.label = QLabel(self)
        self.label.setObjectName("label_countdown")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(320)
        self.btn_fetch_now = QPushButton("立即获取", self)
        self.btn_fetch_now.setObjectName("btn_fetch_now")
        self.btn_fetch_now.setDefault(True)
        self.btn_fetch_now.clicked.connect(self.fetch_now)
        self.btn_cancel = QPushButton("取消", self)
        self.btn_cancel.setObjectName("btn_cancel")
        self.btn_cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.btn_fetch_now)
        buttons.addWidget(self.btn_cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addWidget(self.label)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self.finished.connect(self._timer.stop)
        self._show_left()

    def showEvent(self, event: QShowEvent) -> None:
        """The countdown starts when the dialog appears."""
        super().showEvent(event)
        if self._left <= 0:
            QTimer.singleShot(0, self.fetch_now)
        elif not self._timer.isActive():
            self._timer.start()

    @property
    def seconds_left(self) -> int:
        return self._left

    @property
    def counting(self) -> bool:
        """True while the countdown runs (stopped by 立即获取, 取消 or reaching zero)."""
        return self._timer.isActive()

    def fetch_now(self) -> None:
        """立即获取 (also what the countdown does when it reaches zero)."""
        self._timer.stop()
        self._left = 0
        self._show_left()
        self.accept()

    def _tick(self) -> None:
        self._left = max(self._left - 1, 0)
        self._show_left()
        if self._left == 0:
            self.fetch_now()

    def _show_left(self) -> None:
        self.label.setText(f"{self.message}\n{self._left} 秒后自动获取")
