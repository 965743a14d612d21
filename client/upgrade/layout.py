"""Where this client is installed (D, docs/installer.md, "Appendix") and restarting it.

Frozen inside `D/versions/<v>/`, D is two folders up. `SHEBAOFEI_INSTALL_DIR` names D
explicitly (QA, tests); a development checkout has no D: an upgrade there is downloaded
and verified but not installed.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from installer.upgrade import CURRENT, VERSIONS, read_current, version_folder

log = logging.getLogger(__name__)

INSTALL_DIR_ENV = "SHEBAOFEI_INSTALL_DIR"
EXECUTABLES = ("社保费管理客户端.exe", "社保费管理客户端")


def install_root() -> Path | None:
    override = os.environ.get(INSTALL_DIR_ENV)
    if override:
        return Path(override)
    if getattr(sys, "frozen", False):
        here = Path(sys.executable).resolve().parent
        if here.parent.name == VERSIONS and (here.parent.parent / CURRENT).exists():
            return here.parent.parent
    return None


def running_version(root: Path | None) -> str | None:
    """The version folder this process runs from (frozen), else current.json's version."""
    if getattr(sys, "frozen", False):
        here = Path(sys.executable).resolve().parent
        if here.parent.name == VERSIONS:
            return here.name
    if root is not None:
        state = read_current(root)
        return state.version if state else None
    return None


def executable_of(root: Path, version: str) -> Path | None:
    folder = version_folder(root, version)
    for name in EXECUTABLES:
        if (folder / name).is_file():
            return folder / name
    return None


@dataclass(frozen=True)
class Restart:
    started: bool  # a new process was started; the caller quits this one
    message: str


Spawner = Callable[[list[str], Path], object]


def _spawn(command: list[str], cwd: Path) -> object:
    if sys.platform == "win32":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        return subprocess.Popen(command, cwd=cwd, creationflags=flags, close_fds=True)
    return subprocess.Popen(command, cwd=cwd, start_new_session=True, close_fds=True)


def restart_client(
    root: Path | None,
    version: str,
    args: Sequence[str] = (),
    spawn: Spawner | None = None,
) -> Restart:
    """Start the installed `version` (with this run's arguments) so the caller can quit;
    where there is no executable (a development checkout) only say what to do."""
    exe = executable_of(root, version) if root is not None else None
    if exe is None:
        return Restart(False, f"新版本V{version}已安装，请关闭并重新启动客户端以使用新版本。")
    try:
        (spawn or _spawn)([str(exe), *args], exe.parent)
    except OSError:
        log.exception("starting %s failed", exe)
        return Restart(False, f"新版本V{version}已安装，但无法自动重新启动，请手动启动客户端。")
    return Restart(True, f"新版本V{version}已安装，客户端正在重新启动。")
