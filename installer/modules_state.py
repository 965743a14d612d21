"""The installed-modules state: which of 用人单位/代收单位 the installer put on this machine.

The maintenance program (installer.maintenance) writes `installed-modules.json` in the
installation folder, `python -m installer modules` next to a bare onedir; the client reads
it through `client.installed`. The file is plain ASCII JSON, the same bytes everywhere.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from client.installed import ALL_MODULES, STATE_FILE

MODULE_TITLES = {"employer": "用人单位", "collector": "代收单位"}
FORMAT = 1


class ModuleChoiceError(ValueError):
    """The chosen modules are not a valid installation (unknown name, or none at all)."""


def parse_modules(text: str) -> tuple[str, ...]:
    """`employer,collector` (keys or Chinese titles, any order) → keys in canonical order."""
    by_title = {title: key for key, title in MODULE_TITLES.items()}
    chosen = {by_title.get(part.strip(), part.strip()) for part in text.split(",") if part.strip()}
    return checked_modules(chosen)


def checked_modules(modules: Iterable[str]) -> tuple[str, ...]:
    chosen = set(modules)
    unknown = sorted(chosen - set(ALL_MODULES))
    if unknown:
        raise ModuleChoiceError(
            f"未知的模块：{'、'.join(unknown)}；可选 {', '.join(ALL_MODULES)}"
            f"（{'、'.join(MODULE_TITLES[m] for m in ALL_MODULES)}）"
        )
    if not chosen:
        raise ModuleChoiceError("请至少选择一个模块（用人单位或代收单位）")
    return tuple(m for m in ALL_MODULES if m in chosen)


def state_text(modules: Iterable[str]) -> str:
    """The file's content for this choice: every known module, each marked installed or not."""
    chosen = checked_modules(modules)
    state = {
        "format": FORMAT,
        "modules": [
            {"key": key, "title": MODULE_TITLES[key], "installed": key in chosen}
            for key in ALL_MODULES
        ],
    }
    return json.dumps(state, ensure_ascii=True) + "\n"


def write_installed_modules(program_dir: Path, modules: Iterable[str]) -> Path:
    """Write the state next to the program, replacing any earlier choice in one step."""
    text = state_text(modules)
    program_dir.mkdir(parents=True, exist_ok=True)
    target = program_dir / STATE_FILE
    fd, tmp = tempfile.mkstemp(prefix=".installed-modules.", dir=program_dir)
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def read_installed_modules(program_dir: Path) -> tuple[str, ...] | None:
    """The modules the state file marks installed; None when there is no state file.

    A damaged file reads as no module (the client reads a file that is not JSON so too).
    """
    path = program_dir / STATE_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        names = {m["key"] for m in data.get("modules", []) if m.get("installed")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return ()
    return tuple(m for m in ALL_MODULES if m in names)


def remove_installed_modules(program_dir: Path) -> bool:
    """Forget the choice (uninstall); True if there was one."""
    path = program_dir / STATE_FILE
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed
