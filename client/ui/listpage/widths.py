"""Column widths that survive restarts: restored per page key, saved shortly after a resize.

Widths are kept by column key (not position), so adding a column to a page later does not
shift anyone's saved widths. A width below 30 px, including 0, is never restored or saved.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QHeaderView

from client.storage.settings import MIN_COLUMN_WIDTH, AppSettings

SAVE_DELAY_MS = 400


class ColumnWidths(QObject):
    def __init__(
        self,
        header: QHeaderView,
        keys: list[str],
        defaults: Mapping[str, int],
        settings: AppSettings,
        page_key: str,
        fixed: Mapping[str, int] | None = None,
    ) -> None:
        """`keys[i]` names section i; `fixed` sections (the tick column) are never saved."""
        super().__init__(header)
        self.header = header
        self.keys = keys
        self.settings = settings
        self.page_key = page_key
        self.fixed = dict(fixed or {})
        header.setMinimumSectionSize(MIN_COLUMN_WIDTH)
        saved = settings.column_widths(page_key)
        for index, key in enumerate(keys):
            width = self.fixed.get(key) or saved.get(key) or defaults.get(key) or 120
            header.resizeSection(index, max(width, MIN_COLUMN_WIDTH))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)
        header.sectionResized.connect(lambda *_: self.timer.start())

    def width(self, key: str) -> int:
        return self.header.sectionSize(self.keys.index(key))

    def save(self) -> None:
        self.timer.stop()
        widths = {
            key: self.header.sectionSize(index)
            for index, key in enumerate(self.keys)
            if key not in self.fixed and self.header.sectionSize(index) > 0
        }
        self.settings.set_column_widths(self.page_key, widths)

    def flush(self) -> None:
        """Save now if a resize is still waiting (the page is being hidden or closed)."""
        if self.timer.isActive():
            self.save()
