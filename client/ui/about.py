"""关于 (bottom right of the main window): the version of this client."""

from __future__ import annotations

import platform

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from client import __version__
from client.ui.widgets.common import button, label


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_about")
        self.setWindowTitle("关于")
        layout = QVBoxLayout(self)
        layout.addWidget(label("社保费管理客户端", role="dialog-title"))
        layout.addWidget(label(f"当前版本：V{__version__}", "label_version"))
        layout.addWidget(
            label(
                f"运行环境：Python {platform.python_version()}，{platform.system()} {platform.release()}"
            )
        )
        row = QHBoxLayout()
        row.addStretch(1)
        ok = button("确定", "btn_about_ok", primary=True)
        ok.clicked.connect(self.accept)
        row.addWidget(ok)
        layout.addLayout(row)
