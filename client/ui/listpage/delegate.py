"""The 操作 column: link-style row actions (查看 编辑 …) painted by a delegate.

A delegate rather than one widget per row, so a page of 10,000 rows stays light. Clicks are
hit-tested against the same rectangles that were painted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from client.ui.listpage.model import ROW_ACTIONS_ROLE
from client.ui.listpage.spec import RowAction

SPACING = 12


def action_rects(
    cell: QRect, actions: list[RowAction], metrics: QFontMetrics
) -> list[tuple[RowAction, QRect]]:
    """Where each action's link sits inside a cell, centred as a group."""
    widths = [metrics.horizontalAdvance(a.title) for a in actions]
    total = sum(widths) + SPACING * max(len(actions) - 1, 0)
    x = cell.left() + max((cell.width() - total) // 2, 4)
    placed = []
    for action, width in zip(actions, widths, strict=True):
        placed.append((action, QRect(x, cell.top(), width, cell.height())))
        x += width + SPACING
    return placed


class RowActionDelegate(QStyledItemDelegate):
    triggered = Signal(int, str)  # row, action key

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        actions: list[RowAction] = index.data(ROW_ACTIONS_ROLE) or []
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        font = opt.font
        font.setUnderline(True)
        painter.setFont(font)
        painter.setPen(opt.palette.color(QPalette.ColorRole.Link))
        for action, rect in action_rects(opt.rect, actions, QFontMetrics(font)):
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), action.title)
        painter.restore()

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event.type() not in (QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove):
            return False
        assert isinstance(event, QMouseEvent)
        actions: list[RowAction] = index.data(ROW_ACTIONS_ROLE) or []
        font = option.font
        font.setUnderline(True)
        point = event.position().toPoint()
        hit = next(
            (
                a
                for a, r in action_rects(option.rect, actions, QFontMetrics(font))
                if r.contains(point)
            ),
            None,
        )
        view: Any = option.widget
        if event.type() == QEvent.Type.MouseMove:
            if isinstance(view, QAbstractItemView):
                shape = Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor
                view.viewport().setCursor(shape)
            return False
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.triggered.emit(index.row(), hit.key)
            return True
        return False
