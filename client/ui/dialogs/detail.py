"""查看: a read-only record dialog of titled sections (label/value grids and small tables).

Like the manual's 职工参保明细: 基本信息 as a grid of label/value pairs, 参保信息 with a
switch (the unit's 单位编号) that changes the section's content, and 参保险种 as a table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client.ui.listpage.model import ListTableModel
from client.ui.listpage.spec import Column

ROW_HEIGHT = 26
MAX_TABLE_ROWS_SHOWN = 8


@dataclass(frozen=True)
class DetailTable:
    """A read-only table inside a section, formatted like list columns (amounts, months)."""

    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    title: str = ""


@dataclass(frozen=True)
class DetailSection:
    """A titled block. With `variants`, a combo labelled `switch_label` picks which
    (option text, content) is shown below the section's own fields and tables."""

    title: str
    fields: Sequence[tuple[str, Any]] = ()
    tables: Sequence[DetailTable] = ()
    per_row: int = 3
    switch_label: str = ""
    variants: Sequence[tuple[str, DetailSection]] = ()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class DetailDialog(QDialog):
    """关闭 (or Esc, or the title bar's close) closes it; nothing in it can be edited."""

    def __init__(
        self,
        title: str,
        sections: Sequence[DetailSection],
        parent: QWidget | None = None,
        object_name: str = "dialog_detail",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setModal(True)
        self.sections = list(sections)
        self._fields: list[tuple[str, QLabel]] = []
        self._tables: list[QTableView] = []
        self.switches: dict[int, QComboBox] = {}

        body = QWidget()
        body.setObjectName("detail_body")
        column = QVBoxLayout(body)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(10)
        for index, section in enumerate(self.sections):
            column.addWidget(self._section_box(index, section))
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        self.btn_close = QPushButton("关闭", self)
        self.btn_close.setObjectName("btn_close")
        self.btn_close.setDefault(True)
        self.btn_close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.btn_close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(900, 560)

    # -- building --------------------------------------------------------------------------
    def _section_box(self, index: int, section: DetailSection) -> QGroupBox:
        box = QGroupBox(section.title, self)
        box.setObjectName(f"section_{index}")
        layout = QVBoxLayout(box)
        layout.addWidget(self._content(section))
        if section.variants:
            switch_row = QHBoxLayout()
            label = QLabel(f"{section.switch_label}：" if section.switch_label else "", box)
            combo = QComboBox(box)
            combo.setObjectName(f"combo_switch_{index}")
            label.setBuddy(combo)
            stack = QStackedWidget(box)
            stack.setObjectName(f"stack_switch_{index}")
            for option, content in section.variants:
                combo.addItem(option)
                stack.addWidget(self._content(content))
            combo.currentIndexChanged.connect(stack.setCurrentIndex)
            switch_row.addWidget(label)
            switch_row.addWidget(combo)
            switch_row.addStretch(1)
            layout.addLayout(switch_row)
            layout.addWidget(stack)
            self.switches[index] = combo
        return box

    def _content(self, section: DetailSection) -> QWidget:
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        if section.fields:
            grid = QGridLayout()
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(6)
            per_row = max(section.per_row, 1)
            for position, (label_text, value) in enumerate(section.fields):
                row, col = divmod(position, per_row)
                label = QLabel(f"{label_text}：", holder)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                shown = QLabel(_text(value), holder)
                shown.setObjectName("detail_value")
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                grid.addWidget(label, row, col * 2)
                grid.addWidget(shown, row, col * 2 + 1)
                self._fields.append((label_text, shown))
            for col in range(per_row):
                grid.setColumnStretch(col * 2 + 1, 1)
            layout.addLayout(grid)
        for table in section.tables:
            if table.title:
                layout.addWidget(QLabel(table.title, holder))
            layout.addWidget(self._table(table, holder))
        return holder

    def _table(self, spec: DetailTable, parent: QWidget) -> QTableView:
        view = QTableView(parent)
        view.setObjectName("table_detail")
        model = ListTableModel(spec.columns, checkable=False, parent=view)
        model.set_rows([dict(row) for row in spec.rows])
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        for index, column in enumerate(spec.columns):
            view.setColumnWidth(index, column.width)
        shown_rows = min(max(len(spec.rows), 1), MAX_TABLE_ROWS_SHOWN)
        view.setMinimumHeight(ROW_HEIGHT * (shown_rows + 1) + 4)
        self._tables.append(view)
        return view

    # -- reading (tests, and hosts that want to copy) ---------------------------------------
    def field_text(self, label: str) -> str:
        """The value shown next to `label` in the visible content (the chosen variant)."""
        for text, shown in self._fields:
            if text == label and shown.isVisibleTo(self):
                return shown.text()
        raise KeyError(label)

    def visible_tables(self) -> list[QTableView]:
        return [view for view in self._tables if view.isVisibleTo(self)]

    def table_texts(self, view: QTableView) -> list[list[str]]:
        """Every cell as displayed, row by row."""
        model = view.model()
        return [
            [model.index(r, c).data() or "" for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]

    def choose_variant(self, section_index: int, option: int | str) -> None:
        combo = self.switches[section_index]
        combo.setCurrentIndex(option if isinstance(option, int) else combo.findText(option))
