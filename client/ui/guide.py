"""The 操作手册 of the logged-in module: its visible menu pages, in menu order, with the
guide's text for each (the title bar's 【操作手册】 saves it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from client import __version__
from client.documents.guide_pdf import GuideSection, write_guide
from client.guide.texts import guide_text
from client.modules import ModuleDescriptor
from client.ui.system_pages import SYSTEM_MENU


def guide_sections(module: ModuleDescriptor, collection_mode: str) -> list[GuideSection]:
    """Every page the clerk sees in the menu (the module's, then 系统设置), in menu order;
    a page without a text is described by its title alone rather than left out."""
    system = ModuleDescriptor("system", "系统设置", "", (SYSTEM_MENU,))
    entries = [*module.entries(collection_mode), *system.entries()]
    return [
        GuideSection(path, entry.title, guide_text(module.key, entry.key) or entry.title)
        for entry, path in entries
    ]


def save_guide(path: Path, module: ModuleDescriptor, collection_mode: str, today: date) -> Path:
    return write_guide(
        path, module.title, guide_sections(module, collection_mode), today, __version__
    )
