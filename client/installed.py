"""Which modules are installed: written by the installer, read by the shell.

The maintenance program writes `installed-modules.json` in the installation folder D, two
levels above the program (D/versions/<v>/, docs/installer.md, "Appendix"); a onedir used
without it (QA, the old Inno Setup layout) has the file next to the program. A development
checkout (the project's pyproject.toml beside the package) counts both as installed.
`SHEBAOFEI_INSTALLED_MODULES=employer,collector` overrides both, for tests and QA.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ALL_MODULES = ("employer", "collector")
STATE_FILE = "installed-modules.json"
ENV = "SHEBAOFEI_INSTALLED_MODULES"


def program_dir() -> Path:
    if getattr(sys, "frozen", False):  # PyInstaller
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def state_dir(program: Path) -> Path:
    """Where the state file of the program in `program` lives: D for D/versions/<v>/."""
    if program.parent.name == "versions" and (program.parent.parent / STATE_FILE).exists():
        return program.parent.parent
    return program


def installed_modules(base: Path | None = None) -> tuple[str, ...]:
    override = os.environ.get(ENV)
    if override is not None:
        wanted = {m.strip() for m in override.split(",") if m.strip()}
        return tuple(m for m in ALL_MODULES if m in wanted)
    base = base or state_dir(program_dir())
    state = base / STATE_FILE
    if state.exists():
        try:
            data = json.loads(state.read_text(encoding="utf-8-sig"))  # a BOM is fine
        except (OSError, ValueError):
            return ()
        modules = data.get("modules") if isinstance(data, dict) else None
        if not isinstance(modules, list):
            return ()  # a damaged state file: nothing counts as installed
        names = {
            m.get("key") for m in modules if isinstance(m, dict) and m.get("installed") is True
        }
        return tuple(m for m in ALL_MODULES if m in names)
    if (base / "pyproject.toml").exists():
        return ALL_MODULES
    return ()
