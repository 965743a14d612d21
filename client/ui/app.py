"""QApplication set-up: fonts that show Chinese on every platform, the one stylesheet."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

PREFERRED_FONTS = (
    "Microsoft YaHei",
    "微软雅黑",
    "PingFang SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
    "SimSun",
)


def stylesheet() -> str:
    return (Path(__file__).with_name("style.qss")).read_text(encoding="utf-8")


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("社保费管理客户端")
    app.setOrganizationName("SheBaoFei")
    apply_look(app)
    return app


def apply_look(app: QApplication) -> None:
    families = set(QFontDatabase.families())
    chosen = next((f for f in PREFERRED_FONTS if f in families), None)
    font = QFont(chosen) if chosen else app.font()
    font.setPointSize(10)
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())
