"""The pager under a list: 共 N 条, 首页/上一页/下一页/末页, page X/Y and 每页 N 条."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from client.storage.settings import clamp_page_size

PAGE_SIZES = (1000, 2000, 5000, 10_000)


def page_count(total: int, page_size: int) -> int:
    return max((total + page_size - 1) // page_size, 1)


class Pager(QFrame):
    page_requested = Signal(int)  # 0-based page index
    page_size_changed = Signal(int)

    def __init__(self, page_size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pager")
        self.total = 0
        self.page_index = 0
        self.page_size = clamp_page_size(page_size)
        self.label_checked = self._label("label_checked")
        self.label_total = self._label("label_total")
        self.btn_first = self._button("pager_first", "首页", lambda: 0)
        self.btn_prev = self._button("pager_prev", "上一页", lambda: self.page_index - 1)
        self.label_page = self._label("label_page")
        self.btn_next = self._button("pager_next", "下一页", lambda: self.page_index + 1)
        self.btn_last = self._button("pager_last", "末页", lambda: self.page_count - 1)
        self.combo_page_size = QComboBox(self)
        self.combo_page_size.setObjectName("combo_page_size")
        sizes = sorted({*PAGE_SIZES, self.page_size})
        for size in sizes:
            self.combo_page_size.addItem(f"{size}", size)
        self.combo_page_size.setCurrentIndex(sizes.index(self.page_size))
        self.combo_page_size.currentIndexChanged.connect(self._size_chosen)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(6)
        layout.addWidget(self.label_checked)
        layout.addStretch(1)
        layout.addWidget(self.label_total)
        for widget in (self.btn_first, self.btn_prev, self.label_page, self.btn_next):
            layout.addWidget(widget)
        layout.addWidget(self.btn_last)
        layout.addWidget(QLabel("每页", self))
        layout.addWidget(self.combo_page_size)
        layout.addWidget(QLabel("条", self))
        self.set_state(0, 0)
        self.set_checked_count(0)

    @property
    def page_count(self) -> int:
        return page_count(self.total, self.page_size)

    def set_state(self, total: int, page_index: int) -> None:
        self.total = total
        self.page_index = min(max(page_index, 0), self.page_count - 1)
        self.label_total.setText(f"共 {total:,} 条")
        self.label_page.setText(f"第 {self.page_index + 1}/{self.page_count} 页")
        first = self.page_index == 0
        last = self.page_index >= self.page_count - 1
        self.btn_first.setEnabled(not first)
        self.btn_prev.setEnabled(not first)
        self.btn_next.setEnabled(not last)
        self.btn_last.setEnabled(not last)

    def set_checked_count(self, count: int) -> None:
        self.label_checked.setText(f"已勾选 {count:,} 条" if count else "")

    def set_page_size(self, size: int) -> None:
        """Choose a size in the combo (emits page_size_changed when it changes)."""
        found = self.combo_page_size.findData(clamp_page_size(size))
        if found < 0:
            raise ValueError(f"page size {size} is not offered")
        self.combo_page_size.setCurrentIndex(found)

    def _size_chosen(self) -> None:
        self.page_size = int(self.combo_page_size.currentData())
        self.page_size_changed.emit(self.page_size)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        return label

    def _button(self, name: str, text: str, target: Callable[[], int]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda: self.page_requested.emit(target()))
        return button
