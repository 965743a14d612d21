"""`ListPage`: the one shape shared by the manual's list pages, driven by a `ListPageSpec`.

Top to bottom: the query conditions (收起/展开查询条件, 查询, 重置), the summary line and the
toolbar, the table (tick boxes, server-side sorting, the 操作 column) and the pager. The
page keeps the *applied* filters (those of the last 查询); paging, sorting and export use
them, not whatever is half-typed in the condition panel.

Queries run on the UI thread unless the spec sets `async_queries` (see `loader.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.errors import user_message
from client.storage.listing import ListSource
from client.ui.jobs import JobHandle
from client.ui.listpage.conditions import ConditionPanel
from client.ui.listpage.context import PageServices
from client.ui.listpage.export import export_job, suggested_file_name
from client.ui.listpage.loader import LoadedPage, PageLoader
from client.ui.listpage.model import ACTIONS_KEY, CHECK_KEY, ListTableModel
from client.ui.listpage.pager import Pager
from client.ui.listpage.spec import Action, ListPageSpec
from client.ui.listpage.table import ListTable
from client.ui.listpage.toolbar import action_button
from client.ui.listpage.widths import ColumnWidths

CHECK_COLUMN_WIDTH = 32
LOADING_TEXT = "正在查询，请稍候…"
NOTHING_TO_EXPORT = "当前查询结果没有数据，无需导出。"


class ListPage(QWidget):
    """A list page. Public methods mirror what a clerk can click, for tests and hosts."""

    query_finished = Signal()  # after every load, whether it succeeded or not

    def __init__(
        self,
        spec: ListPageSpec,
        source: ListSource,
        services: PageServices,
        parent: QWidget | None = None,
        *,
        auto_query: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(spec.name)
        self.spec = spec
        self.source = source
        self.services = services
        self.save_path_provider: Callable[[str], str | None] = self._ask_save_path
        self.filters: dict[str, Any] = {}
        self.sort: list[tuple[str, bool]] = []
        self.summary_items: list[tuple[str, Any]] = []
        self.last_export: JobHandle[int] | None = None
        self._offset = 0
        self._empty_text = spec.empty_text

        self.loader = PageLoader(
            source, services.jobs, self._loaded, self._failed, spec.async_queries
        )
        self.panel = ConditionPanel(spec.conditions, spec.condition_columns, self)
        self.panel.submitted.connect(self.query_clicked)
        buttons = self._build_controls()
        self.model = ListTableModel(
            spec.columns, spec.checkable, spec.row_actions, spec.row_actions_title, self,
            spec.tick_group, spec.tick_group_members, spec.confirm_tick,
        )  # fmt: skip
        self.table = ListTable(self.model, self)
        self.table.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.table.row_action_clicked.connect(self.trigger_row_action)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.clicked.connect(self._clicked)
        self.check_all = QCheckBox("全选本页", self)
        self.check_all.setObjectName("check_all_page")
        self.check_all.setVisible(spec.checkable)
        self.check_all.clicked.connect(self._check_all_clicked)
        self.pager = Pager(services.settings.page_size(), self)
        self.pager.page_requested.connect(self.go_to_page)
        self.pager.page_size_changed.connect(self._page_size_changed)
        self._build_layout(buttons)
        defaults = {c.key: c.width for c in spec.columns}
        defaults[ACTIONS_KEY] = spec.row_actions_width
        self.widths = ColumnWidths(
            self.table.horizontalHeader(), self.model.keys, defaults, services.settings,
            spec.page_key, fixed={CHECK_KEY: CHECK_COLUMN_WIDTH},
        )  # fmt: skip
        self.model.checks_changed.connect(self._checks_changed)
        self.model.edit_requested.connect(self.edit_cell)
        self._show_sort_indicator()
        if auto_query:
            self.query()

    # -- layout ----------------------------------------------------------------------------
    # Widgets are created in reading order, which is also the Tab order.
    def _build_controls(self) -> QHBoxLayout:
        has_conditions = bool(self.spec.conditions)
        self.btn_query = self._push("btn_query", "查询", self.query_clicked)
        self.btn_reset = self._push("btn_reset", "重置", self.reset)
        self.btn_toggle = self._push(
            "btn_toggle_conditions", "收起查询条件", self.toggle_conditions
        )
        self.btn_reset.setVisible(has_conditions)
        self.btn_toggle.setVisible(has_conditions)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.btn_query, self.btn_reset, self.btn_toggle):
            buttons.addWidget(button)

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("label_summary")
        self.summary_label.setVisible(self.spec.summary is not None)
        self.toolbar = QFrame(self)
        self.toolbar.setObjectName("toolbar")
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.summary_label)
        bar.addStretch(1)
        self.action_widgets: dict[str, QObject] = {}
        for action in self.spec.actions:
            bar.addWidget(
                action_button(action, self.toolbar, self._run_action, self.action_widgets)
            )
        return buttons

    def _build_layout(self, buttons: QHBoxLayout) -> None:
        bottom = QHBoxLayout()
        bottom.addWidget(self.check_all)
        bottom.addWidget(self.pager, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.panel)
        self.panel.setVisible(bool(self.spec.conditions))
        layout.addLayout(buttons)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _push(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda: slot())
        return button

    # -- query conditions ------------------------------------------------------------------
    def query(self) -> None:
        """查询: apply the panel's conditions, back to page 1, recompute the summary."""
        self.filters = self.panel.values()
        self.model.clear_checks()
        self._load(0, with_summary=True)

    def query_clicked(self) -> None:
        """The 查询 button: the page's own server query when it has one, else `query`."""
        if self.spec.on_query is not None:
            self.spec.on_query(self)
        else:
            self.query()

    def reset(self) -> None:
        """重置: conditions back to their initial values, then query."""
        self.panel.reset()
        self.query()

    def refresh(self) -> None:
        """Reload the current page with the applied filters (after an edit); ticks stay."""
        self._load(self.pager.page_index, with_summary=True)

    def set_condition(self, key: str, value: Any) -> None:
        self.panel.set_value(key, value)

    def reload_condition_options(self, key: str) -> None:
        self.panel.reload_options(key)

    def condition_value(self, key: str) -> Any:
        return self.panel.value(key)

    @property
    def conditions_visible(self) -> bool:
        return not self.panel.isHidden()

    def set_conditions_visible(self, visible: bool) -> None:
        self.panel.setVisible(visible and bool(self.spec.conditions))
        self.btn_toggle.setText("收起查询条件" if visible else "展开查询条件")

    def toggle_conditions(self) -> None:
        self.set_conditions_visible(not self.conditions_visible)

    # -- paging and sorting ----------------------------------------------------------------
    @property
    def total(self) -> int:
        return self.pager.total

    @property
    def page_index(self) -> int:
        return self.pager.page_index

    @property
    def page_size(self) -> int:
        return self.pager.page_size

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.model.rows

    def go_to_page(self, index: int) -> None:
        self._load(index, with_summary=False)

    def set_page_size(self, size: int) -> None:
        self.pager.set_page_size(size)

    def _page_size_changed(self, size: int) -> None:
        self.services.settings.set_page_size(size)
        self._load(self._offset // size, with_summary=False)  # keep the first row in view

    def set_sort(self, key: str, ascending: bool = True) -> None:
        """Sort by one column on the server side and show page 1 again."""
        self.sort = [(key, ascending)]
        self._show_sort_indicator()
        self._load(0, with_summary=False)

    def _is_sortable(self, key: str) -> bool:
        column = next((c for c in self.spec.columns if c.key == key), None)
        allowed = getattr(self.source, "sortable", None)
        return bool(column and column.sortable and (allowed is None or key in allowed))

    def _header_clicked(self, section: int) -> None:
        key = self.model.column_key(section)
        if key == CHECK_KEY:
            self._check_all_clicked(self.model.page_check_state() != Qt.CheckState.Checked)
        elif self._is_sortable(key):
            current = dict(self.sort[:1])
            self.set_sort(key, not current[key] if key in current else True)
            return
        self._show_sort_indicator()

    def _show_sort_indicator(self) -> None:
        header = self.table.horizontalHeader()
        order = self.sort or list(self.spec.default_sort)
        if order and order[0][0] in self.model.keys:
            key, ascending = order[0]
            header.setSortIndicatorShown(True)
            header.setSortIndicator(
                self.model.column_index(key),
                Qt.SortOrder.AscendingOrder if ascending else Qt.SortOrder.DescendingOrder,
            )
        else:
            header.setSortIndicatorShown(False)

    # -- loading ---------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.loader.busy

    def _load(self, page_index: int, *, with_summary: bool) -> None:
        summary = self.spec.summary if with_summary else None
        self.loader.load(self.filters, self.sort, page_index, self.pager.page_size, summary)
        if self.loader.busy:
            self._show_placeholder()

    def _loaded(self, loaded: LoadedPage) -> None:
        if not shiboken6.isValid(self):
            return  # the page was closed while a query ran
        self._offset = loaded.offset
        self.model.set_rows(loaded.rows, loaded.offset)
        self.pager.set_state(loaded.total, loaded.page_index)
        if loaded.summary is not None:
            self.summary_items = loaded.summary
            self.summary_label.setText(
                "    ".join(f"{label}：{value}" for label, value in self.summary_items)
            )
        self.table.scrollToTop()
        self._show_placeholder()
        self.query_finished.emit()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._show_placeholder()
        self.services.prompts.error(self, user_message(exc), title=self.spec.title)
        self.query_finished.emit()

    # -- empty placeholder -----------------------------------------------------------------
    @property
    def empty_text(self) -> str:
        return self._empty_text

    def set_empty_text(self, text: str) -> None:
        """Say why the list is empty (e.g. a page-specific reason); shown when no rows."""
        self._empty_text = text
        self._show_placeholder()

    @property
    def placeholder_visible(self) -> bool:
        return self.table.placeholder_visible

    def _show_placeholder(self) -> None:
        text = LOADING_TEXT if self.loading else self._empty_text
        self.table.show_placeholder(text, self.model.rowCount() == 0)

    # -- ticks -----------------------------------------------------------------------------
    def checked_keys(self) -> list[Any]:
        return self.model.checked_keys()

    def checked_rows(self) -> list[dict[str, Any]]:
        """The ticked rows, read again from the source (they may be on other pages)."""
        keys = self.model.checked_keys()
        return list(self.source.rows(self.filters, self.sort, keys)) if keys else []

    def set_checked(self, row: int, checked: bool = True) -> None:
        self.model.set_checked(row, checked)

    def set_page_checked(self, checked: bool = True) -> None:
        self.model.set_page_checked(checked)

    def _check_all_clicked(self, checked: bool) -> None:
        self.model.set_page_checked(checked)

    def _checks_changed(self) -> None:
        state = self.model.page_check_state()
        self.check_all.setCheckState(
            Qt.CheckState.Checked if state == Qt.CheckState.Checked else Qt.CheckState.Unchecked
        )
        self.pager.set_checked_count(len(self.model.checked_keys()))

    # -- actions ---------------------------------------------------------------------------
    def trigger_action(self, key: str) -> None:
        """Click a toolbar action (or a drop-down item) by key."""
        self._run_action(self.spec.find_action(key))

    def _run_action(self, action: Action) -> None:
        if action.needs_selection and not self.model.checked_keys():
            self.services.prompts.warning(self, action.selection_message)
            return
        if action.handler is not None:
            action.handler(self)

    def edit_cell(self, row: int, key: str, text: str) -> bool:
        """An in-place edit of a cell (what a double-click and typing does); the spec's
        `on_edit` checks and saves it, and the current page is reloaded to show it."""
        column = self.spec.column(key)
        data = dict(self.model.row(row))
        if self.spec.on_edit is None or column.editable is None or not column.editable(data):
            return False
        saved = self.spec.on_edit(self, data, key, text)
        if saved:
            self.refresh()
        return saved

    def trigger_row_action(self, row: int, key: str) -> None:
        """Click 查看/编辑/… in the 操作 column of a row of the current page."""
        action = next((a for a in self.model.visible_actions(row) if a.key == key), None)
        if action is None:
            raise ValueError(f"row {row} has no action {key!r}")
        action.handler(self, dict(self.model.row(row)))

    def row_action_rect(self, row: int, key: str) -> QRect:
        """Where a row action's link is drawn, in the table viewport's coordinates."""
        return self.table.row_action_rect(row, key)

    def click_cell(self, row: int, key: str) -> None:
        """Click a link cell (e.g. 缴费人数) of a row of the current page."""
        column = self.spec.column(key)
        data = dict(self.model.row(row))
        if column.on_click is None or not column.is_link(data):
            raise ValueError(f"cell {key!r} of row {row} is not a link")
        column.on_click(self, data)

    def _clicked(self, index: Any) -> None:
        column = self.model.column_at(index.column())
        if column is not None and column.is_link(self.model.row(index.row())):
            self.click_cell(index.row(), column.key)

    def _double_clicked(self, index: Any) -> None:
        if self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return  # the double-click opens the cell's editor instead
        column = self.model.column_at(index.column())
        if column is not None and column.is_link(self.model.row(index.row())):
            return  # the single click already followed the link
        actions = self.model.visible_actions(index.row()) if self.spec.row_actions else []
        if actions and self.model.column_key(index.column()) not in (CHECK_KEY, ACTIONS_KEY):
            self.trigger_row_action(index.row(), actions[0].key)

    # -- export ----------------------------------------------------------------------------
    def export_selected(self, stem: str | None = None) -> JobHandle[int] | None:
        """导出 → 选中…: exactly the ticked rows."""
        keys = self.model.checked_keys()
        if not keys:
            self.services.prompts.warning(self, "请先勾选需要导出的数据")
            return None
        return self._export(keys, len(keys), stem or f"{self._export_name()}_选中")

    def export_all(self, stem: str | None = None) -> JobHandle[int] | None:
        """导出 → 所有…: every row matching the applied query, streamed."""
        if self.total == 0:
            self.services.prompts.info(self, NOTHING_TO_EXPORT)
            return None
        return self._export(None, self.total, stem or f"{self._export_name()}_全部")

    def _export_name(self) -> str:
        return self.spec.export_name or self.spec.title

    def _export(self, keys: list[Any] | None, total: int, stem: str) -> JobHandle[int] | None:
        chosen = self.save_path_provider(suggested_file_name(stem))
        if not chosen:
            return None
        job = export_job(
            chosen, self._export_name(), self.spec.columns, self.source,
            self.filters, self.sort, keys, total,
        )  # fmt: skip
        prompts = self.services.prompts

        def done(count: int) -> None:
            prompts.info(self, f"导出成功，共导出 {count:,} 条数据。")

        self.last_export = self.services.jobs.run(job, done)
        return self.last_export

    def _ask_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "导出", str(Path.home() / suggested), "Excel 文件 (*.xlsx)"
        )
        return path or None

    # -- column widths ---------------------------------------------------------------------
    def column_width(self, key: str) -> int:
        return self.widths.width(key)

    def save_column_widths(self) -> None:
        self.widths.save()

    def hideEvent(self, event: QHideEvent) -> None:
        self.widths.flush()
        super().hideEvent(event)
