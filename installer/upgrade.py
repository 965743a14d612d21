"""Applying an upgrade package to an installed folder D (docs/installer.md, "Appendix").

`apply_upgrade` unpacks a payload zip into `D/.staging/`, checks every file against the
manifest, renames the folder to `D/versions/<new>/` and switches `D/current.json` in one
atomic replace (`previous` = the old version, `pending_first_start` = true). The previous
version stays until the new one has started once (`confirm_started`); if it fails to start,
`rollback` (or `choose_version` at the second start attempt) brings the old one back.

A kill at any point leaves either the old or the new state: before current.json is
replaced, current still names the old version (a half-made folder is discarded later).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from client.installed import ALL_MODULES
from client.upgrade.versions import VersionError, parse_version
from installer import desktop
from installer.journal import JOURNAL, LockBusyError, checkpoint, folder_lock, log_line
from installer.manifest import MANIFEST, Manifest, Payload, PayloadError
from installer.modules_state import read_installed_modules
from installer.state import client_executable, setup_executable

log = logging.getLogger(__name__)

CURRENT = "current.json"
VERSIONS = "versions"
STAGING = ".staging"
# Written by `choose_version` when a pending version is started for the first time: a
# second start that still finds it (no `confirm_started` in between) means the first failed.
FIRST_START_MARKER = "first-start-attempted"


class UpgradeError(Exception):
    """An upgrade that cannot be applied; `message` is the sentence for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CurrentState:
    version: str
    previous: str | None = None
    pending_first_start: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "previous": self.previous,
            "pending_first_start": self.pending_first_start,
        }


@dataclass(frozen=True)
class AppliedUpgrade:
    old_version: str
    new_version: str
    folder: Path


# -- current.json ------------------------------------------------------------------------
def read_current(root: Path) -> CurrentState | None:
    """D/current.json, or None when D is not an installation (or the file is unreadable)."""
    try:
        data = json.loads((root / CURRENT).read_text(encoding="utf-8-sig"))
        previous = data.get("previous")
        return CurrentState(
            str(data["version"]),
            str(previous) if previous else None,
            bool(data.get("pending_first_start", False)),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write_current(root: Path, state: CurrentState) -> None:
    """Replace D/current.json in one step (a kill leaves the old file or the new one)."""
    root.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".current.", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            json.dump(state.as_json(), handle, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, root / CURRENT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def version_folder(root: Path, version: str) -> Path:
    return root / VERSIONS / version


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """The maintenance program's folder lock: an upgrade never runs beside a repair."""
    try:
        with folder_lock(root):
            yield
    except LockBusyError as exc:
        raise UpgradeError("安装维护程序正在处理客户端的安装目录，请等它结束后再升级。") from exc


# -- apply -------------------------------------------------------------------------------
def apply_upgrade(
    root: Path, package_zip: Path, expected_version: str | None = None
) -> AppliedUpgrade:
    """Install the package as the new current version, keeping the old one as previous.

    Refused (UpgradeError, nothing changed) when D is not an installation, the package is
    unreadable, not the announced version, not newer than the current one, or any file
    differs from its manifest.
    """
    root = Path(root)
    if read_current(root) is None:
        raise UpgradeError(f"在{root}没有找到已安装的客户端（缺少current.json），无法安装升级包。")
    with _locked(root):
        return _apply(root, Path(package_zip), expected_version)


def _apply(root: Path, package_zip: Path, expected_version: str | None) -> AppliedUpgrade:
    state = read_current(root)
    if state is None:
        raise UpgradeError(f"在{root}没有找到已安装的客户端（缺少current.json），无法安装升级包。")
    if (root / JOURNAL).exists():
        raise UpgradeError("上次的安装维护没有完成，请先运行安装维护程序修复客户端，再进行升级。")
    _discard_leftovers(root, keep=(state.version, state.previous))
    try:
        payload = Payload(package_zip)
    except PayloadError as exc:
        raise UpgradeError(f"{exc}。升级包无法使用，当前版本保持不变。") from exc
    with payload:
        new = payload.manifest.version
        _check_versions(new, state.version, expected_version)
        modules = read_installed_modules(root)
        if not modules:
            modules = ALL_MODULES
        staging = root / STAGING / f"upgrade-{new}-{uuid.uuid4().hex[:8]}"
        staging.mkdir(parents=True)
        try:
            for entry in payload.manifest.entries(modules):
                payload.copy_to(entry, staging / entry.path)
                checkpoint()
            (staging / MANIFEST).write_text(payload.manifest.text(), encoding="utf-8")
        except PayloadError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise UpgradeError(f"{exc}。已停止升级，当前版本保持不变。") from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    target = version_folder(root, new)
    if target.exists():  # a leftover of an earlier attempt that never became current
        _remove_folder(root, target)
    if target.exists():
        shutil.rmtree(staging, ignore_errors=True)
        raise UpgradeError(
            f"无法替换安装目录中残留的版本文件夹{target.name}，请关闭所有客户端窗口后重试。"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    checkpoint()
    os.replace(staging, target)
    checkpoint()
    # A version applied but never started is not worth keeping: the last confirmed one
    # stays the one to come back to.
    keep = state.previous if state.pending_first_start and state.previous else state.version
    write_current(root, CurrentState(new, keep, True))
    checkpoint()
    (root / FIRST_START_MARKER).unlink(missing_ok=True)
    if state.pending_first_start and state.version not in (keep, new):
        _remove_folder(root, version_folder(root, state.version))
    refresh_shortcut(root, new)
    log_line(root, f"upgrade {state.version} -> {new}: installed, previous {keep} kept")
    return AppliedUpgrade(state.version, new, target)


def _check_versions(new: str, current: str, expected: str | None) -> None:
    try:
        new_key = parse_version(new)
    except VersionError as exc:
        raise UpgradeError(f"升级包的版本号“{new}”不正确，已拒绝安装。") from exc
    if expected is not None and parse_version(expected) != new_key:
        raise UpgradeError(
            f"升级包的版本V{new}与升级信息中的版本V{expected}不一致，可能已被篡改，已拒绝安装。"
        )
    try:
        current_key = parse_version(current)
    except VersionError:
        current_key = (0,)
    if new_key <= current_key:
        raise UpgradeError(
            f"升级包的版本V{new}不高于当前版本V{current}，已拒绝安装旧版本，当前版本保持不变。"
        )


# -- after the upgrade: first start, confirm, roll back ---------------------------------
def choose_version(root: Path) -> str | None:
    """The version the launcher should start (None: D is not an installation).

    A pending version is tried once: its first start leaves a marker; a start that finds
    the marker (the first never reached `confirm_started`) rolls back to the previous one.
    """
    state = read_current(root)
    if state is None:
        return None
    try:
        with _locked(root):
            return _choose(root)
    except UpgradeError:  # a maintenance run is busy: start what is current, decide later
        return state.version


def _choose(root: Path) -> str | None:
    state = _tidy(root)
    if state is None or not state.pending_first_start:
        return state.version if state else None
    marker = root / FIRST_START_MARKER
    attempted = marker.exists() and marker.read_text(encoding="utf-8").strip() == state.version
    if attempted and state.previous and version_folder(root, state.previous).is_dir():
        log_line(root, f"upgrade {state.version}: did not start last time, rolling back")
        return _rollback(root)
    marker.write_text(state.version + "\n", encoding="utf-8")
    return state.version


def confirm_started(root: Path, version: str | None = None) -> bool:
    """The new version started: it is no longer pending and the previous one is removed.
    True when something was confirmed (`version`, when given, must be the current one)."""
    if read_current(root) is None:
        return False
    try:
        with _locked(root):
            return _confirm(root, version)
    except UpgradeError:  # a maintenance run is busy: confirmed at the next start
        return False


def _confirm(root: Path, version: str | None) -> bool:
    state = _tidy(root)
    if state is None or not state.pending_first_start:
        return False
    if version is not None and version != state.version:
        return False
    write_current(root, CurrentState(state.version, None, False))
    checkpoint()
    (root / FIRST_START_MARKER).unlink(missing_ok=True)
    refresh_shortcut(root, state.version)  # before the folder it may still name goes
    if state.previous and state.previous != state.version:
        _remove_folder(root, version_folder(root, state.previous))
    log_line(root, f"upgrade {state.version}: started, previous {state.previous} removed")
    return True


def rollback(root: Path) -> str:
    """Switch back to the previous version and remove the one that failed; the version now
    current. UpgradeError when there is nothing to come back to."""
    with _locked(root):
        return _rollback(root)


def _rollback(root: Path) -> str:
    state = read_current(root)
    if state is None:
        raise UpgradeError(f"在{root}没有找到已安装的客户端，无法恢复上一版本。")
    if not state.previous or not version_folder(root, state.previous).is_dir():
        raise UpgradeError("没有可以恢复的上一版本，请使用安装程序修复客户端。")
    write_current(root, CurrentState(state.previous, None, False))
    checkpoint()
    (root / FIRST_START_MARKER).unlink(missing_ok=True)
    if state.version != state.previous:
        _remove_folder(root, version_folder(root, state.version))
    refresh_shortcut(root, state.previous)
    log_line(root, f"rollback {state.version} -> {state.previous}")
    return state.previous


# -- housekeeping ------------------------------------------------------------------------
def _remove_folder(root: Path, folder: Path) -> None:
    """Move a folder into staging first (one rename), then delete it: a kill half-way
    leaves only staging garbage, never a half-deleted version folder."""
    if not folder.exists():
        return
    trash = root / STAGING / f"removed-{folder.name}-{uuid.uuid4().hex[:8]}"
    trash.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(folder, trash)
    except OSError:  # e.g. the old version still exiting on Windows: tidied at a later start
        log.warning("could not remove %s now", folder, exc_info=True)
        return
    shutil.rmtree(trash, ignore_errors=True)


def refresh_shortcut(root: Path, version: str) -> bool:
    """Point the shortcut "社保费管理客户端" (and the 程序和功能 entry) at `version`, which
    it starts from D/versions/<v>/. On Linux only a .desktop entry of this D is rewritten
    (none: nothing to do). A failure is logged, never fatal: the launcher rule still starts
    the current version. True when refreshed."""
    folder = version_folder(root, version)
    try:
        manifest = Manifest.read(folder / MANIFEST)
    except PayloadError:
        return False
    client, setup = client_executable(manifest), setup_executable(manifest)
    if client is None:
        return False
    if not desktop.WINDOWS and not any(
        path.is_file() and str(root) in path.read_text(encoding="utf-8", errors="replace")
        for path in desktop.linux_entry_paths()
    ):
        return False
    try:
        desktop.integrate(folder / client, folder / setup if setup else None, version, root)
    except (OSError, subprocess.SubprocessError):
        log.exception("refreshing the shortcut for %s failed", version)
        return False
    return True


def _tidy(root: Path) -> CurrentState | None:
    """current.json, after removing what a killed upgrade, confirmation or rollback left
    behind (never while the maintenance program has a run to finish)."""
    state = read_current(root)
    if state is not None and not (root / JOURNAL).exists():
        _discard_leftovers(root, keep=(state.version, state.previous))
    return state


def _discard_leftovers(root: Path, keep: tuple[str | None, ...]) -> None:
    """What an earlier upgrade killed half-way left: its staging folders, and version
    folders that are neither current nor previous."""
    staging = root / STAGING
    if staging.is_dir():
        for child in staging.iterdir():
            if child.name.startswith(("upgrade-", "removed-")):
                shutil.rmtree(child, ignore_errors=True)
    versions = root / VERSIONS
    if versions.is_dir():
        for child in versions.iterdir():
            if child.is_dir() and child.name not in keep:
                _remove_folder(root, child)
