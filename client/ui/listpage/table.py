"""The table of a list page: a QTableView with clickable headers, the 操作 links and an
overlay that says why the list is empty."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from client.ui.listpage.delegate import RowActionDelegate, action_rects
from client.ui.listpage.model import ACTIONS_KEY, ListTableModel

ROW_HEIGHT = 28


class ListTable(QTableView):
    row_action_clicked = Signal(int, str)  # row, action key

    def __init__(self, model: ListTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("table")
        self.list_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Only cells whose column is `editable` open an editor (double-click, F2, typing).
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setMouseTracking(True)
        rows = self.verticalHeader()
        rows.setDefaultSectionSize(ROW_HEIGHT)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setObjectName("table_header")
        header.setSectionsClickable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        if model.row_actions:
            self.row_delegate = RowActionDelegate(self)
            self.row_delegate.triggered.connect(self.row_action_clicked)
            self.setItemDelegateForColumn(model.column_index(ACTIONS_KEY), self.row_delegate)
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("label_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

    def show_placeholder(self, text: str, visible: bool) -> None:
        self.empty_label.setText(text)
        self.empty_label.setGeometry(self.viewport().rect())
        self.empty_label.setVisible(visible)

    @property
    def placeholder_visible(self) -> bool:
        return not self.empty_label.isHidden()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.empty_label.setGeometry(self.viewport().rect())

    def row_action_rect(self, row: int, key: str) -> QRect:
        """Where a row action's link is drawn, in viewport coordinates (for tests)."""
        model = self.list_model
        cell = self.visualRect(model.index(row, model.column_index(ACTIONS_KEY)))
        font = self.font()
        font.setUnderline(True)
        placed = action_rects(cell, model.visible_actions(row), QFontMetrics(font))
        return next(rect for action, rect in placed if action.key == key)
