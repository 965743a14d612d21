"""Toolbar buttons for a page's declared actions; an action with children is a drop-down."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from client.ui.listpage.spec import Action


def action_button(
    action: Action,
    parent: QWidget,
    run: Callable[[Action], None],
    registry: dict[str, QObject],
) -> QPushButton:
    """A button `btn_<key>` (or the action's object_name); menu items are `action_<key>`.

    Every created button or menu item is recorded in `registry` by action key.
    """
    button = QPushButton(action.title, parent)
    button.setObjectName(action.name)
    registry[action.key] = button
    if not action.children:
        button.clicked.connect(lambda: run(action))
        return button
    menu = QMenu(button)
    menu.setObjectName(f"menu_{action.key}")
    for child in action.children:
        item = menu.addAction(child.title)
        item.setObjectName(child.object_name or f"action_{child.key}")
        item.triggered.connect(lambda _=False, child=child: run(child))
        registry[child.key] = item
    button.setMenu(menu)
    return button
