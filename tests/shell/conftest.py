"""Fixtures for driving the whole shell against the real mock backend."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from client.app_context import AppContext  # noqa: E402
from client.ui.context import UiServices  # noqa: E402
from client.ui.controller import AppController  # noqa: E402
from client.ui.prompts import PromptService  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# "screen": the shell runs on a real X server (Xvfb, see test_screenshots_xvfb.py) and a
# screenshot is the whole screen as the X server shows it, saved under artifacts/…/xvfb.
SCREEN_MODE = os.environ.get("SHEBAOFEI_SCREENSHOTS") == "screen"


@pytest.fixture
def make_shell(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., AppController]]:
    """Build a controller on a fresh data folder (or a given one) against a server URL."""
    from client.ui.app import apply_look

    made: list[AppController] = []

    def build(
        url: str, data_dir: Path | None = None, modules: str = "employer,collector"
    ) -> AppController:
        monkeypatch.setenv("SHEBAOFEI_INSTALLED_MODULES", modules)
        app_ctx = AppContext.open(str(data_dir or tmp_path / "client"), url)
        from PySide6.QtWidgets import QApplication

        apply_look(QApplication.instance())
        controller = AppController(UiServices(app_ctx, PromptService.scripted(), show_delay_ms=0))
        made.append(controller)
        return controller

    yield build
    for controller in made:
        for widget in (controller.main_window, controller.unit_manager, controller.region_dialog):
            if widget is not None:
                widget.close()
        controller.ui.app.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def save_screenshot(widget: Any, name: str) -> Path:
    if SCREEN_MODE:
        from PySide6.QtTest import QTest

        widget.raise_()
        widget.activateWindow()
        QTest.qWait(400)  # let the X server map and paint the window
        folder = ARTIFACTS / "xvfb"
        pixmap = widget.screen().grabWindow(0)
    else:
        folder = ARTIFACTS
        pixmap = widget.grab()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert pixmap.save(str(path)), f"could not save {path}"
    return path
