"""Opening a 代收单位 page the way the main window does, answering prompts from a script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from client.collector.module import DESCRIPTOR
from client.ui.context import UiServices
from client.ui.pages import PageContext
from client.ui.prompts import PromptService
from tests.collector.conftest import CollectorUnit


def open_page(qtbot: Any, env: CollectorUnit, page_class: type) -> Any:
    ui = UiServices(env.app, PromptService.scripted(), show_delay_ms=0)
    widget = page_class(PageContext(ui, env.session, DESCRIPTOR, lambda key: None))
    qtbot.addWidget(widget)
    return widget


def wait(qtbot: Any, handle: Any, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: handle is not None and handle.done, timeout=timeout)


def wait_ok(qtbot: Any, handle: Any, timeout: int = 30_000) -> None:
    wait(qtbot, handle, timeout)
    assert handle.error is None, handle.error


def shown(page: Any, row: int, key: str) -> str:
    return page.list.model.index(row, page.list.model.column_index(key)).data()


def sheet_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    sheet = openpyxl.load_workbook(path).active
    header, *data = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    return header, data
