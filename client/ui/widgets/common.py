"""Header bar, buttons and labels in the application's style."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

APP_TITLE = "社保费管理客户端"


def button(text: str, name: str, *, primary: bool = False, link: bool = False) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    # Enter in a field submits through the field's own handler; no button should grab
    # Enter just because it happens to be the dialog's first (auto-default) button.
    b.setAutoDefault(False)
    if primary:
        b.setProperty("primary", True)
    if link:
        b.setProperty("link", True)
        b.setFlat(True)
    return b


def label(text: str = "", name: str = "", role: str = "") -> QLabel:
    lbl = QLabel(text)
    if name:
        lbl.setObjectName(name)
    if role:
        lbl.setProperty("role", role)
    lbl.setWordWrap(role in ("error", "hint"))
    return lbl


class HeaderBar(QWidget):
    """The blue bar across the top of every window, with its buttons on the right."""

    def __init__(self, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header_bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(14, 0, 10, 0)
        title = label(APP_TITLE, "header_title")
        self._layout.addWidget(title)
        self.subtitle = label(subtitle, "header_subtitle")
        self._layout.addWidget(self.subtitle)
        self._layout.addStretch(1)

    def add_button(self, text: str, name: str) -> QPushButton:
        b = button(text, name)
        self._layout.addWidget(b)
        return b


def network_button(header: HeaderBar, open_settings: object) -> QPushButton:
    """The 网络设置 button every window shows before login."""
    b = header.add_button("网络设置", "btn_network_settings")
    b.clicked.connect(open_settings)  # type: ignore[arg-type]
    return b
