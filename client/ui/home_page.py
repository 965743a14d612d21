"""首页 (manual §2.1, §3.1): quick buttons, 待办事项, 异常提醒 and 通知公告."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.modules import Reminder
from client.ui.notices import NoticeDialog
from client.ui.pages import BasePage, PageContext
from client.ui.widgets.common import button, label

log = logging.getLogger(__name__)


def _panel(title: str, name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(objectName=name)
    frame.setProperty("class", "panel")
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    layout.addWidget(label(title, role="section"))
    return frame, layout


class HomePage(BasePage):
    def __init__(self, ctx: PageContext, entry_titles: dict[str, str]) -> None:
        super().__init__(ctx)
        self.setObjectName("page_home")
        self.entry_titles = entry_titles
        self.notice_dialog: NoticeDialog | None = None

        quick, quick_layout = _panel("常用功能", "home_quick")
        grid = QGridLayout()
        self.quick_buttons: dict[str, QWidget] = {}
        keys = [k for k in ctx.module.quick_buttons if k in entry_titles]
        for i, key in enumerate(keys):
            b = button(entry_titles[key], f"quick_{key}")
            b.setProperty("quick", True)
            b.clicked.connect(lambda _c=False, k=key: ctx.open_page(k))
            grid.addWidget(b, i // 4, i % 4)
            self.quick_buttons[key] = b
        quick_layout.addLayout(grid)
        self.content.addWidget(quick)

        middle = QHBoxLayout()
        todo, todo_layout = _panel("待办事项", "home_todo")
        self.todo_list = QListWidget(objectName="list_todo")
        todo_layout.addWidget(self.todo_list)
        alert, alert_layout = _panel("异常提醒", "home_alerts")
        self.alert_list = QListWidget(objectName="list_alerts")
        alert_layout.addWidget(self.alert_list)
        middle.addWidget(todo)
        middle.addWidget(alert)
        self.content.addLayout(middle, 1)

        notices, notices_layout = _panel("通知公告", "home_notices")
        self.notice_list = QListWidget(objectName="list_home_notices")
        notices_layout.addWidget(self.notice_list)
        self.content.addWidget(notices, 1)

        for lst in (self.todo_list, self.alert_list):
            lst.itemClicked.connect(self._reminder_clicked)
        self.notice_list.itemClicked.connect(self._notice_clicked)
        self.refresh()

    def refresh(self) -> None:
        self._fill(self.todo_list, self.ctx.module.todo_providers, "暂无待办事项")
        self._fill(self.alert_list, self.ctx.module.alert_providers, "暂无异常提醒")
        self.notice_list.clear()
        notices = self.ctx.ui.app.app_db.notices()
        for n in notices[:20]:
            item = QListWidgetItem(f"{n.published_at[:10]}  {n.title}")
            item.setData(Qt.ItemDataRole.UserRole, n.id)
            self.notice_list.addItem(item)
        if not notices:
            self.notice_list.addItem("暂无通知公告")

    def _fill(self, widget: QListWidget, providers: tuple, empty: str) -> None:  # type: ignore[type-arg]
        widget.clear()
        reminders: list[Reminder] = []
        for provider in providers:
            try:
                reminders.extend(provider(self.ctx.session))
            except Exception:  # one broken provider must not empty the home page
                log.exception("reminder provider failed")
        for r in reminders:
            if r.entry_key not in self.entry_titles:
                continue
            item = QListWidgetItem(r.text)
            item.setData(Qt.ItemDataRole.UserRole, r.entry_key)
            widget.addItem(item)
        if widget.count() == 0:
            placeholder = QListWidgetItem(empty)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(placeholder)

    def _reminder_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        if key:
            self.ctx.open_page(key)

    def _notice_clicked(self, item: QListWidgetItem) -> None:
        notice_id = item.data(Qt.ItemDataRole.UserRole)
        if notice_id is not None:
            if self.notice_dialog is not None:
                self.notice_dialog.deleteLater()
            self.notice_dialog = NoticeDialog(self.ctx.ui.app.app_db, self, notice_id)
            self.notice_dialog.open()
