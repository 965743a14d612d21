"""What a page of the main window receives, and the base every page derives from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QVBoxLayout, QWidget

from client.app_context import UnitSession
from client.modules import ModuleDescriptor
from client.ui.context import UiServices


@dataclass
class PageContext:
    ui: UiServices
    session: UnitSession
    module: ModuleDescriptor
    open_page: Callable[[str], QWidget | None]  # by menu entry key; returns the page


class BasePage(QWidget):
    """A tab of the main window. Subclasses build their content in `__init__`."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = ctx.ui.runner(self)
        self.content = QVBoxLayout(self)
        self.content.setContentsMargins(12, 8, 12, 8)

    @property
    def prompts(self):  # type: ignore[no-untyped-def]
        return self.ctx.ui.prompts

    def refresh(self) -> None:
        """Called when the tab is shown again; pages reload what may have changed."""
