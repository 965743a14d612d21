"""The main window after login (manual §2.1.2 三): title bar, menu, tabs, status bar."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QSplitter,
    QStatusBar,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client import __version__
from client.app_context import UnitSession
from client.errors import user_message
from client.modules import MenuEntry, MenuGroup, ModuleDescriptor, import_object
from client.ui.about import AboutDialog
from client.ui.context import UiServices
from client.ui.guide import save_guide
from client.ui.home_page import HomePage
from client.ui.notices import MessageCenterDialog, NoticeDialog
from client.ui.pages import PageContext
from client.ui.system_pages import SYSTEM_MENU
from client.ui.widgets.common import HeaderBar, button, label

log = logging.getLogger(__name__)
HOME = "home"


class MainWindow(QMainWindow):
    switch_unit_requested = Signal()

    def __init__(self, ui: UiServices, session: UnitSession, module: ModuleDescriptor) -> None:
        super().__init__()
        self.ui = ui
        self.session = session
        self.module = module
        self.switching = False
        self.setObjectName("main_window")
        self.setWindowTitle(f"社保费管理客户端 - {module.title} - {session.unit.taxpayer_name}")
        self.resize(1366, 768)
        self.menu_nodes = (*module.visible_menu(session.region.collection_mode), SYSTEM_MENU)
        self.entries: dict[str, tuple[MenuEntry, tuple[str, ...]]] = {}
        self._collect(self.menu_nodes, ())
        self.pages: dict[str, QWidget] = {}
        self.page_ctx = PageContext(ui, session, module, self.open_page)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        header = self.header = HeaderBar(module.title)
        self.btn_manual = header.add_button("操作手册", "btn_manual")
        self.btn_notices = header.add_button("通知公告", "btn_notices")
        self.btn_unit_manager = header.add_button("单位管理", "btn_unit_manager")
        self.btn_messages = header.add_button("消息中心", "btn_messages")
        outer.addWidget(header)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.menu = QTreeWidget(objectName="side_menu")
        self.menu.setHeaderHidden(True)
        self.menu.setMinimumWidth(190)
        self._build_menu()
        splitter.addWidget(self.menu)
        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        # Manual §1.2: 最大化 shows the current page alone (no menu, no title bar), 还原
        # brings them back; double-clicking a tab does the same.
        self.btn_maximize = button("最大化", "btn_page_maximize", link=True)
        self.btn_maximize.setToolTip("将当前页面最大化展示")
        self.btn_maximize.clicked.connect(self.toggle_page_maximized)
        self.tabs.setCornerWidget(self.btn_maximize, Qt.Corner.TopRightCorner)
        self.tabs.tabBar().tabBarDoubleClicked.connect(lambda _i: self.toggle_page_maximized())
        splitter.addWidget(self.tabs)
        splitter.setSizes([210, 1150])
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)

        status = QStatusBar(objectName="status_bar")
        self.status_unit = label(
            f"纳税人识别号：{session.unit.taxpayer_id}    纳税人名称：{session.unit.taxpayer_name}",
            "label_status_unit",
        )
        status.addWidget(self.status_unit, 1)
        self.btn_about = button(f"关于 (V{__version__})", "btn_about", link=True)
        status.addPermanentWidget(self.btn_about)
        self.setStatusBar(status)

        self.dialog: QDialog | None = None  # the title bar's dialog on screen, for tests
        self.btn_manual.clicked.connect(lambda: self.save_manual())
        self.btn_notices.clicked.connect(self.show_notices)
        self.btn_unit_manager.clicked.connect(self.request_switch)
        self.btn_messages.clicked.connect(self.show_messages)
        self.btn_about.clicked.connect(lambda: self.show_dialog(AboutDialog(self)))
        self.menu.itemClicked.connect(self._menu_clicked)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.open_page(HOME)
        self.update_message_count()

    # -- menu ----------------------------------------------------------------------------
    def _collect(self, nodes: tuple[MenuEntry | MenuGroup, ...], path: tuple[str, ...]) -> None:
        for node in nodes:
            if isinstance(node, MenuEntry):
                self.entries[node.key] = (node, path)
            else:
                self._collect(node.children, (*path, node.title))

    def _build_menu(self) -> None:
        home = QTreeWidgetItem(["首页"])
        home.setData(0, Qt.ItemDataRole.UserRole, HOME)
        self.menu.addTopLevelItem(home)

        def add(parent: QTreeWidgetItem | None, node: MenuEntry | MenuGroup) -> None:
            item = QTreeWidgetItem([node.title])
            if isinstance(node, MenuEntry):
                item.setData(0, Qt.ItemDataRole.UserRole, node.key)
            if parent is None:
                self.menu.addTopLevelItem(item)
            else:
                parent.addChild(item)
            if isinstance(node, MenuGroup):
                for child in node.children:
                    add(item, child)

        for node in self.menu_nodes:
            add(None, node)
        self.menu.expandAll()

    def menu_titles(self) -> list[str]:
        """Every title in the menu tree, depth first (tests and screenshots)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            out.append(item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.menu.topLevelItemCount()):
            walk(self.menu.topLevelItem(i))
        return out

    def _menu_clicked(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        if key:
            self.open_page(key)

    # -- pages ---------------------------------------------------------------------------
    def breadcrumb(self, key: str) -> str:
        if key == HOME:
            return "首页"
        entry, path = self.entries[key]
        return " >> ".join(("首页", *path, entry.title))

    def open_page(self, key: str) -> QWidget | None:
        if key in self.pages:
            page = self.pages[key]
            self.tabs.setCurrentWidget(page.parentWidget())
            return page
        try:
            if key == HOME:
                titles = {k: e.title for k, (e, _p) in self.entries.items()}
                page = HomePage(self.page_ctx, titles)
                title = "首页"
            else:
                entry, _path = self.entries[key]
                page = import_object(entry.page)(self.page_ctx)
                title = entry.title
        except KeyError:
            self.ui.prompts.warning(self, "该功能在当前地区未开通。")
            return None
        except Exception as exc:
            log.exception("page %s failed to open", key)
            self.ui.prompts.error(self, f"打开页面失败：{user_message(exc)}")
            return None
        holder = QWidget()
        holder.setObjectName(f"tab_{key}")
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        crumb_row = QHBoxLayout()
        crumb_row.addWidget(label(self.breadcrumb(key), "breadcrumb"))
        layout.addLayout(crumb_row)
        layout.addWidget(page, 1)
        index = self.tabs.addTab(holder, title)
        if key == HOME:
            self.tabs.tabBar().setTabButton(
                index, self.tabs.tabBar().ButtonPosition.RightSide, None
            )
        self.pages[key] = page
        self.tabs.setCurrentIndex(index)
        return page

    def close_tab(self, index: int) -> None:
        holder = self.tabs.widget(index)
        key = next((k for k, p in self.pages.items() if p.parentWidget() is holder), None)
        if key == HOME:
            return
        if key is not None:
            del self.pages[key]
        self.tabs.removeTab(index)
        holder.deleteLater()

    def _tab_changed(self, index: int) -> None:
        holder = self.tabs.widget(index)
        for page in self.pages.values():
            if page.parentWidget() is holder and hasattr(page, "refresh"):
                page.refresh()

    @property
    def page_maximized(self) -> bool:
        return self.menu.isHidden()

    def toggle_page_maximized(self) -> None:
        maximize = not self.page_maximized
        self.menu.setVisible(not maximize)
        self.header.setVisible(not maximize)
        self.btn_maximize.setText("还原" if maximize else "最大化")
        self.btn_maximize.setToolTip("将当前页面还原展示" if maximize else "将当前页面最大化展示")

    def current_page(self) -> QWidget | None:
        holder = self.tabs.currentWidget()
        return next((p for p in self.pages.values() if p.parentWidget() is holder), None)

    # -- title bar -----------------------------------------------------------------------
    def update_message_count(self) -> None:
        unread = self.session.db.unread_messages()
        self.btn_messages.setText(f"消息中心({unread})" if unread else "消息中心")

    def show_dialog(self, dialog: QDialog) -> QDialog:
        """Window-modal and not blocking (the event loop and jobs keep running); the last
        one is replaced, so a dialog opened many times does not pile up."""
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        return dialog

    def save_manual(self, path: str | None = None) -> Path | None:
        """操作手册 (manual §2.1, §3.1): the guide to this module's pages, saved as a PDF where
        the clerk chooses; None when the clerk cancels or the file cannot be written."""
        if path is None:
            suggested = f"社保费管理客户端操作手册（{self.module.title}）.pdf"
            path, _ = QFileDialog.getSaveFileName(
                self, "保存操作手册", suggested, "PDF 文件 (*.pdf)"
            )
            if not path:
                return None
        mode = self.session.region.collection_mode
        try:
            saved = save_guide(Path(path), self.module, mode, date.today())
        except OSError as exc:
            self.ui.prompts.error(self, user_message(exc), title="操作手册")
            return None
        self.ui.prompts.info(self, f"操作手册已保存到：{saved}", title="操作手册")
        return saved

    def show_notices(self, notice_id: int | None = None) -> QDialog:
        return self.show_dialog(NoticeDialog(self.ui.app.app_db, self, notice_id))

    def show_messages(self) -> QDialog:
        dialog = self.show_dialog(MessageCenterDialog(self.session.db, self))
        self.update_message_count()  # opening the center marks the messages read
        return dialog

    def request_switch(self) -> None:
        self.switching = True
        self.switch_unit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        event.accept()
