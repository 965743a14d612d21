"""The table model of a list page: one page of rows, tick boxes kept by row key.

The model never queries: the page loads a page of rows from its `ListSource` and hands
them over with `set_rows`. Ticks are a set of row keys, so they survive re-sorting and
paging (the page clears them when the query conditions change).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from client.storage.listing import ROW_KEY
from client.ui.listpage.spec import Column, RowAction

CHECK_KEY = "_check"
ACTIONS_KEY = "_actions"
ROW_ACTIONS_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_KEY_ROLE = Qt.ItemDataRole.UserRole + 2

_ALIGN = {
    "left": Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    "center": Qt.AlignmentFlag.AlignCenter,
    "right": Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
}

Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    checks_changed = Signal()
    edit_requested = Signal(int, str, str)  # row, column key, new text

    def __init__(
        self,
        columns: Sequence[Column],
        checkable: bool = True,
        row_actions: Sequence[RowAction] = (),
        actions_title: str = "操作",
        parent: Any = None,
        tick_group: str | None = None,
        tick_group_members: Callable[[Any], Collection[Any]] | None = None,
        confirm_tick: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.confirm_tick = confirm_tick
        self.tick_group = tick_group
        self.tick_group_members = tick_group_members
        self.columns = list(columns)
        self.checkable = checkable
        self.row_actions = list(row_actions)
        self.actions_title = actions_title
        self.keys: list[str] = [
            *([CHECK_KEY] if checkable else []),
            *(c.key for c in self.columns),
            *([ACTIONS_KEY] if self.row_actions else []),
        ]
        self._first_data = 1 if checkable else 0
        self._rows: list[dict[str, Any]] = []
        self._offset = 0
        self._checked: dict[Any, None] = {}  # insertion-ordered set of row keys

    # -- content -------------------------------------------------------------------------
    def set_rows(self, rows: list[dict[str, Any]], offset: int = 0) -> None:
        self.beginResetModel()
        self._rows = rows
        self._offset = offset
        self.endResetModel()
        self.checks_changed.emit()

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self._rows

    def row(self, index: int) -> dict[str, Any]:
        return self._rows[index]

    def column_index(self, key: str) -> int:
        return self.keys.index(key)

    def column_key(self, index: int) -> str:
        return self.keys[index]

    def column_at(self, index: int) -> Column | None:
        position = index - self._first_data
        return self.columns[position] if 0 <= position < len(self.columns) else None

    def visible_actions(self, row: int) -> list[RowAction]:
        item = self._rows[row]
        return [a for a in self.row_actions if a.visible(item)]

    # -- ticks ---------------------------------------------------------------------------
    def checked_keys(self) -> list[Any]:
        return list(self._checked)

    def is_checked(self, row: int) -> bool:
        return self._rows[row][ROW_KEY] in self._checked

    def has_tick_box(self, row: int) -> bool:
        """Grouped rows show one tick box, on the first row of the group on this page."""
        if self.tick_group is None or row == 0:
            return True
        return self._rows[row].get(self.tick_group) != self._rows[row - 1].get(self.tick_group)

    def group_keys(self, row: int) -> list[Any]:
        """The keys ticked together with a row: its group's (on any page) or its own."""
        item = self._rows[row]
        if self.tick_group is None:
            return [item[ROW_KEY]]
        value = item.get(self.tick_group)
        keys = [r[ROW_KEY] for r in self._rows if r.get(self.tick_group) == value]
        if self.tick_group_members is not None:
            keys.extend(self.tick_group_members(value))
        return list(dict.fromkeys(keys))

    def set_checked(self, row: int, checked: bool) -> None:
        keys = self.group_keys(row)
        if len(keys) > 1:
            self.set_keys_checked(keys, checked)
            return
        key = keys[0]
        if checked:
            self._checked[key] = None
        else:
            self._checked.pop(key, None)
        if self.checkable:
            cell = self.index(row, 0)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.CheckStateRole])
        self.checks_changed.emit()

    def set_keys_checked(self, keys: Collection[Any], checked: bool = True) -> None:
        for key in keys:
            if checked:
                self._checked[key] = None
            else:
                self._checked.pop(key, None)
        self._checks_refreshed()

    def set_page_checked(self, checked: bool) -> None:
        """全选本页 / 取消全选 (whole groups, also their rows on other pages)."""
        keys = [r[ROW_KEY] for r in self._rows]
        if self.tick_group is not None:
            keys = [k for row in range(len(self._rows)) for k in self.group_keys(row)]
        self.set_keys_checked(keys, checked)

    def clear_checks(self) -> None:
        self._checked.clear()
        self._checks_refreshed()

    def page_check_state(self) -> Qt.CheckState:
        ticked = sum(1 for r in self._rows if r[ROW_KEY] in self._checked)
        if ticked == 0:
            return Qt.CheckState.Unchecked
        if ticked == len(self._rows):
            return Qt.CheckState.Checked
        return Qt.CheckState.PartiallyChecked

    def _checks_refreshed(self) -> None:
        if self.checkable and self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )
        self.checks_changed.emit()

    # -- QAbstractTableModel -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, key = index.row(), self.keys[index.column()]
        if key == CHECK_KEY:
            if role == Qt.ItemDataRole.CheckStateRole and self.has_tick_box(row):
                return Qt.CheckState.Checked if self.is_checked(row) else Qt.CheckState.Unchecked
            return None
        if key == ACTIONS_KEY:
            if role == ROW_ACTIONS_ROLE:
                return self.visible_actions(row)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return " ".join(a.title for a in self.visible_actions(row))
            return None
        column = self.column_at(index.column())
        assert column is not None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.display(self._rows[row].get(key))
        if role == Qt.ItemDataRole.EditRole:
            return column.display(self._rows[row].get(key))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN[column.alignment]
        if role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole) and (
            column.is_link(self._rows[row])
        ):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QGuiApplication.palette().color(QPalette.ColorRole.Link)
            font = QFont()
            font.setUnderline(True)
            return font
        if role == ROW_KEY_ROLE:
            return self._rows[row].get(ROW_KEY)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            index.isValid()
            and role == Qt.ItemDataRole.CheckStateRole
            and self.keys[index.column()] == CHECK_KEY
        ):
            state = Qt.CheckState(value) if isinstance(value, int) else value
            checked = state == Qt.CheckState.Checked
            if checked and self.confirm_tick and not self.confirm_tick(self._rows[index.row()]):
                return False
            self.set_checked(index.row(), checked)
            return True
        if index.isValid() and role == Qt.ItemDataRole.EditRole and self._editable(index):
            key = self.keys[index.column()]
            text = "" if value is None else str(value).strip()
            if text != self.data(index, Qt.ItemDataRole.EditRole):
                self.edit_requested.emit(index.row(), key, text)
            return True
        return False

    def _editable(self, index: Index) -> bool:
        column = self.column_at(index.column())
        return (
            column is not None
            and column.editable is not None
            and column.editable(self._rows[index.row()])
        )

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.keys[index.column()] == CHECK_KEY:
            if not self.has_tick_box(index.row()):
                return base
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.isValid() and self._editable(index):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(self._offset + section + 1)
            return None
        key = self.keys[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == CHECK_KEY:
                return ""
            if key == ACTIONS_KEY:
                return self.actions_title
            column = self.column_at(section)
            return column.title if column else ""
        if role == Qt.ItemDataRole.ToolTipRole and key == CHECK_KEY:
            return "全选本页"
        return None
