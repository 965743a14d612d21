"""The query-condition panel: one editor per declared condition, laid out in a grid.

Editors are named `cond_<key>` (ranges: `cond_<key>_start` / `cond_<key>_end`) and read
back as plain values: text, the combo option's value (None for 全部), (date, date) or
('YYYY-MM', 'YYYY-MM'), with None for a blank bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from client.ui.listpage.spec import (
    ComboCondition,
    Condition,
    DateRangeCondition,
    MonthRangeCondition,
    TextCondition,
)

BLANK_DATE = QDate(1900, 1, 1)  # shown as empty (QDateEdit's special value)
EDITOR_WIDTH = 180


class _OptionalDateEdit(QDateEdit):
    """A date (or month) editor that can be blank: the minimum date means "not set"."""

    def __init__(self, month: bool, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._month = month
        self.setDisplayFormat("yyyy-MM" if month else "yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(BLANK_DATE)
        self.setSpecialValueText(" ")
        self.clear_value()

    def clear_value(self) -> None:
        self.setDate(BLANK_DATE)

    def value(self) -> date | str | None:
        current = self.date()
        if current == BLANK_DATE:
            return None
        if self._month:
            return f"{current.year():04d}-{current.month():02d}"
        return date(current.year(), current.month(), current.day())

    def set_value(self, value: date | str | None) -> None:
        if value is None or value == "":
            self.clear_value()
        elif isinstance(value, date):
            self.setDate(QDate(value.year, value.month, value.day))
        else:
            text = str(value)
            year, month = int(text[:4]), int(text[5:7])
            day = int(text[8:10]) if len(text) >= 10 and not self._month else 1
            self.setDate(QDate(year, month, day))


class _RangeEdit(QWidget):
    def __init__(self, key: str, month: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"cond_{key}")
        self.start = _OptionalDateEdit(month, f"cond_{key}_start", self)
        self.end = _OptionalDateEdit(month, f"cond_{key}_end", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.start, 1)
        layout.addWidget(QLabel("至", self))
        layout.addWidget(self.end, 1)

    def value(self) -> tuple[Any, Any]:
        return (self.start.value(), self.end.value())

    def set_value(self, value: Sequence[Any] | None) -> None:
        start, end = tuple(value) if value else (None, None)
        self.start.set_value(start)
        self.end.set_value(end)


class ConditionPanel(QFrame):
    """The grid of condition editors; `submitted` fires on Enter in a text field."""

    submitted = Signal()

    def __init__(
        self, conditions: Sequence[Condition], per_row: int = 3, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("panel_conditions")
        self.conditions = list(conditions)
        self.editors: dict[str, QWidget] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        per_row = max(per_row, 1)
        for position, condition in enumerate(self.conditions):
            row, col = divmod(position, per_row)
            label = QLabel(f"{condition.label}：", self)
            label.setObjectName(f"label_cond_{condition.key}")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor = self._editor(condition)
            label.setBuddy(editor)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(editor, row, col * 2 + 1)
            self.editors[condition.key] = editor
        for col in range(per_row):
            grid.setColumnStretch(col * 2 + 1, 1)
        self.reset()

    def _editor(self, condition: Condition) -> QWidget:
        name = f"cond_{condition.key}"
        editor: QWidget
        if isinstance(condition, TextCondition):
            line = QLineEdit(self)
            line.setPlaceholderText(condition.placeholder)
            line.setClearButtonEnabled(True)
            line.returnPressed.connect(self.submitted)
            editor = line
        elif isinstance(condition, ComboCondition):
            combo = QComboBox(self)
            for text, value in condition.choices():
                combo.addItem(text, value)
            editor = combo
        elif isinstance(condition, DateRangeCondition | MonthRangeCondition):
            editor = _RangeEdit(condition.key, isinstance(condition, MonthRangeCondition), self)
        else:  # pragma: no cover - Condition is a closed union
            raise TypeError(f"unknown condition {condition!r}")
        editor.setObjectName(name)
        editor.setMinimumWidth(EDITOR_WIDTH)
        editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return editor

    def editor(self, key: str) -> QWidget:
        return self.editors[key]

    def values(self) -> dict[str, Any]:
        return {c.key: self.value(c.key) for c in self.conditions}

    def value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QLineEdit):
            return editor.text().strip()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, _RangeEdit):
            return editor.value()
        raise KeyError(key)

    def set_value(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        if isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))
        elif isinstance(editor, QComboBox):
            found = next((i for i in range(editor.count()) if editor.itemData(i) == value), -1)
            if found < 0:
                found = editor.findText(str(value)) if value is not None else 0
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, _RangeEdit):
            editor.set_value(value)

    def reload_options(self, key: str) -> None:
        """Read a combo's options again (they can change, e.g. 分组 after 分组管理), keeping
        the current choice when it still exists."""
        condition = next(c for c in self.conditions if c.key == key)
        combo = self.editors[key]
        if not isinstance(condition, ComboCondition) or not isinstance(combo, QComboBox):
            raise KeyError(key)
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in condition.choices():
            combo.addItem(text, value)
        combo.blockSignals(False)
        self.set_value(key, current)

    def reset(self) -> None:
        """Back to each condition's initial value (重置)."""
        for condition in self.conditions:
            self.set_value(condition.key, condition.initial())
