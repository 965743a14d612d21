"""Modules are plugins: each describes its menu, quick buttons and reminders once.

A descriptor names page classes by "package.module:Class" strings, imported only when
the page opens, so a broken page is reported instead of breaking the shell.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from client.app_context import UnitSession

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuEntry:
    key: str
    title: str
    page: str  # "package.module:Class"
    modes: frozenset[str] | None = None  # collection modes it is shown in; None = all


@dataclass(frozen=True)
class MenuGroup:
    title: str
    children: tuple[MenuEntry | MenuGroup, ...]


@dataclass(frozen=True)
class Reminder:
    """A 待办事项 or 异常提醒 line; clicking it opens `entry_key`."""

    text: str
    entry_key: str


ReminderProvider = Callable[["UnitSession"], list[Reminder]]


@dataclass(frozen=True)
class ModuleDescriptor:
    key: str  # "employer" | "collector"
    title: str  # 用人单位 | 代收单位
    feed: str  # employees | residents
    menu: tuple[MenuEntry | MenuGroup, ...]
    quick_buttons: tuple[str, ...] = ()  # entry keys
    todo_providers: tuple[ReminderProvider, ...] = ()
    alert_providers: tuple[ReminderProvider, ...] = ()
    title_bar_extras: tuple[str, ...] = field(default_factory=tuple)

    def visible_menu(self, collection_mode: str) -> tuple[MenuEntry | MenuGroup, ...]:
        """The menu tree without entries that do not apply in this collection mode."""

        def keep(node: MenuEntry | MenuGroup) -> MenuEntry | MenuGroup | None:
            if isinstance(node, MenuEntry):
                return node if node.modes is None or collection_mode in node.modes else None
            children = tuple(c for c in (keep(n) for n in node.children) if c is not None)
            return MenuGroup(node.title, children) if children else None

        return tuple(n for n in (keep(n) for n in self.menu) if n is not None)

    def entries(
        self, collection_mode: str | None = None
    ) -> Iterator[tuple[MenuEntry, tuple[str, ...]]]:
        """Every entry with the titles of the groups above it (for the breadcrumb)."""
        menu = self.menu if collection_mode is None else self.visible_menu(collection_mode)

        def walk(nodes: tuple[Any, ...], path: tuple[str, ...]) -> Iterator[Any]:
            for node in nodes:
                if isinstance(node, MenuEntry):
                    yield node, path
                else:
                    yield from walk(node.children, (*path, node.title))

        yield from walk(menu, ())

    def entry(self, key: str) -> MenuEntry | None:
        return next((e for e, _ in self.entries() if e.key == key), None)


MODULE_PATHS = {
    "employer": "client.employer.module:DESCRIPTOR",
    "collector": "client.collector.module:DESCRIPTOR",
}


def import_object(path: str) -> Any:
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def load_module(key: str) -> ModuleDescriptor:
    return import_object(MODULE_PATHS[key])


def load_modules(keys: tuple[str, ...]) -> tuple[dict[str, ModuleDescriptor], dict[str, str]]:
    """Descriptors that loaded, and for the others the reason (reported, not fatal)."""
    loaded: dict[str, ModuleDescriptor] = {}
    failed: dict[str, str] = {}
    for key in keys:
        try:
            loaded[key] = load_module(key)
        except Exception as exc:
            log.exception("module %s failed to load", key)
            failed[key] = f"{type(exc).__name__}: {exc}"
    return loaded, failed
