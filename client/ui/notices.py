"""通知公告 reader and 消息中心 (title bar of the main window, manual §2.1.2)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase
from client.ui.widgets.common import button, label


class NoticeDialog(QDialog):
    """All notices of the region, newest first, with the selected one's text."""

    def __init__(
        self, app_db: AppDatabase, parent: QWidget | None = None, notice_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.app_db = app_db
        self.setObjectName("dialog_notices")
        self.setWindowTitle("通知公告")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget(objectName="list_notices")
        self.reader = QTextBrowser(objectName="notice_reader")
        self.reader.setOpenExternalLinks(False)
        splitter.addWidget(self.list)
        splitter.addWidget(self.reader)
        splitter.setSizes([320, 580])
        layout.addWidget(splitter, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = button("关闭", "btn_notices_close")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.notices = app_db.notices()
        for n in self.notices:
            item = QListWidgetItem(f"{n.title}\n{n.published_at[:10]}")
            item.setData(Qt.ItemDataRole.UserRole, n.id)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self.show_notice)
        if not self.notices:
            self.reader.setPlainText("暂无通知公告。登录时会自动获取最新的通知公告。")
            return
        index = next((i for i, n in enumerate(self.notices) if n.id == notice_id), 0)
        self.list.setCurrentRow(index)

    def show_notice(self, row: int) -> None:
        if row < 0:
            return
        notice = self.notices[row]
        self.reader.setHtml(
            f"<h3>{_esc(notice.title)}</h3><p style='color:#5b6b7f'>发布时间：{notice.published_at}</p>"
            + "".join(f"<p>{_esc(p)}</p>" for p in notice.body.splitlines() if p.strip())
        )
        self.app_db.mark_notice_read(notice.id)


class MessageCenterDialog(QDialog):
    """消息中心: opening it marks the messages as read."""

    def __init__(self, unit_db: UnitDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_messages")
        self.setWindowTitle("消息中心")
        self.resize(860, 480)
        layout = QVBoxLayout(self)
        messages = unit_db.messages()
        if not messages:
            layout.addWidget(label("暂无消息。", "label_no_messages"))
        table = QTableWidget(len(messages), 4, objectName="table_messages")
        table.setHorizontalHeaderLabels(("时间", "类别", "标题", "内容"))
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for row, m in enumerate(messages):
            values = (f"{m.created_at:%Y-%m-%d %H:%M:%S}", m.category, m.title, m.body)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if not m.read:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        table.setColumnWidth(0, 160)
        table.setColumnWidth(2, 200)
        layout.addWidget(table, 1)
        row_layout = QHBoxLayout()
        row_layout.addStretch(1)
        close = button("关闭", "btn_messages_close")
        close.clicked.connect(self.accept)
        row_layout.addWidget(close)
        layout.addLayout(row_layout)
        unit_db.mark_messages_read()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
