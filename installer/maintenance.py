"""安装、修复、卸载 (manual §1.4.1-§1.4.3) of an installation folder D, without Qt.

Layout (docs/installer.md, "Appendix"): D/versions/<v>/ the program files of the common
part and the installed modules, D/versions/<v>/manifest.json, D/current.json,
D/installed-modules.json, D/maintenance.log. The user's data folder (platformdirs, outside
D) is never touched, except by an uninstall of the last module that is asked to remove it.

Every operation takes the folder lock, finishes or discards what a killed run left
(installer.journal), stages its files, commits and carries out its steps.
"""

from __future__ import annotations

import errno
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.installed import ALL_MODULES, STATE_FILE
from installer import desktop
from installer.journal import (
    JOURNAL,
    LOCK_FILE,
    LOG_FILE,
    STAGING,
    checkpoint,
    commit,
    discard_staging,
    folder_lock,
    log_line,
    new_txn,
    roll_forward,
    staging_dir,
)
from installer.manifest import APP, MANIFEST, Entry, Manifest, Payload, PayloadError, verify_folder
from installer.modules_state import (
    MODULE_TITLES,
    checked_modules,
    state_text,
)
from installer.state import (
    CURRENT,
    VERSIONS,
    Installation,
    client_executable,
    current_text,
    default_data_dir,
    installed_manifest,
    read_state,
    setup_executable,
)

BUSINESS = {key: f"{title}业务" for key, title in MODULE_TITLES.items()}

Progress = Callable[[int, int, str], None]


class MaintenanceError(Exception):
    """A refusal with its one-sentence Chinese message and the CLI's exit code."""

    exit_code = 1


class NotInstalledError(MaintenanceError):
    exit_code = 6


class DiskFullError(MaintenanceError):
    exit_code = 4


@dataclass
class Result:
    action: str
    version: str | None
    modules: tuple[str, ...]
    changed: list[str] = field(default_factory=list)
    message: str = ""


def _no_progress(done: int, total: int, text: str) -> None:
    pass


def _current_steps(root: Path, version: str) -> list[dict[str, Any]]:
    """current.json for `version`, unless it already names it: an upgrade's `previous` and
    `pending_first_start` (installer.upgrade) survive a repair or an added module."""
    try:
        if json.loads((root / CURRENT).read_text(encoding="utf-8"))["version"] == version:
            return []
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return [{"do": "write", "path": CURRENT, "text": current_text(version)}]


def _integrate_step(root: Path, step: dict[str, Any]) -> None:
    version_dir = root / VERSIONS / step["version"]
    client = version_dir / step["client"] if step.get("client") else version_dir / APP
    setup = version_dir / step["setup"] if step.get("setup") else None
    desktop.integrate(client, setup, step["version"], root)


def _unintegrate_step(root: Path, step: dict[str, Any]) -> None:
    desktop.unintegrate()


def _remove_data(root: Path, step: dict[str, Any]) -> None:
    shutil.rmtree(step["path"], ignore_errors=True)


HANDLERS = {
    "integrate": _integrate_step,
    "unintegrate": _unintegrate_step,
    "remove_data": _remove_data,
}


def recover(root: Path) -> str | None:
    """Finish a committed operation a kill interrupted, or discard uncommitted staging."""
    done = roll_forward(root, HANDLERS) if (root / JOURNAL).exists() else None
    if done:
        log_line(root, f"recovered: finished the interrupted {done}")
    discard_staging(root)
    return done


@contextmanager
def _session(root: Path, action: str) -> Iterator[None]:
    with folder_lock(root):
        recover(root)
        log_line(root, f"{action}: start")
        try:
            yield
        except (MaintenanceError, PayloadError) as exc:
            log_line(root, f"{action}: refused: {exc}")
            raise
        except OSError as exc:
            log_line(root, f"{action}: failed: {exc!r}")
            if (root / JOURNAL).exists():  # committed: the next run finishes it
                raise MaintenanceError(
                    f"{action}尚未全部完成（{exc.strerror or exc}）；请关闭社保费管理客户端后"
                    "重新运行本程序，未完成的步骤会自动完成"
                ) from exc
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFullError(
                    f"磁盘空间不足，{action}未完成，原有安装未改动；请清理磁盘后重试"
                ) from exc
            raise MaintenanceError(
                f"无法写入安装目录（{exc.strerror or exc}），{action}未完成，原有安装未改动"
            ) from exc
        finally:
            if not (root / JOURNAL).exists():
                discard_staging(root)  # uncommitted work of a refused run


def free_space(path: Path) -> int:
    return shutil.disk_usage(path).free


def _stage(
    payload: Payload,
    entries: list[Entry],
    target: Callable[[int, Entry], Path],
    progress: Progress,
    verb: str,
) -> None:
    for index, entry in enumerate(entries):
        payload.copy_to(entry, target(index, entry))
        progress(index + 1, len(entries), f"正在{verb}：{entry.path}")
        checkpoint()


def _check_space(root: Path, needed: int, action: str) -> None:
    free = free_space(root)
    if free < needed + 16 * 1024 * 1024:
        raise DiskFullError(
            f"磁盘空间不足：{action}需要约 {needed // 1024 // 1024 + 16} MB，"
            f"安装目录所在磁盘只剩 {free // 1024 // 1024} MB，原有安装未改动"
        )


def _integrate(manifest: Manifest) -> dict[str, Any]:
    return {
        "do": "integrate",
        "version": manifest.version,
        "client": client_executable(manifest),
        "setup": setup_executable(manifest),
    }


def install(
    modules: tuple[str, ...] | list[str],
    payload_path: Path,
    root: Path,
    progress: Progress = _no_progress,
) -> Result:
    """安装 the chosen modules (with the common part) from a payload; modules already
    installed stay. A payload of another version replaces the installed version whole."""
    chosen = checked_modules(modules)
    root.mkdir(parents=True, exist_ok=True)
    with _session(root, "安装"), Payload(payload_path) as payload:
        manifest = payload.manifest
        state = read_state(root)
        same_version = state.installed and state.version == manifest.version
        wanted = tuple(m for m in ALL_MODULES if m in chosen or m in state.modules)
        txn = new_txn()
        stage = staging_dir(root, txn)
        rel_stage = f"{STAGING}/{txn}"
        version_rel = f"{VERSIONS}/{manifest.version}"
        if same_version:
            added = [m for m in chosen if m not in state.modules]
            entries = [e for m in added for e in manifest.parts.get(m, ())]
            _check_space(root, sum(e.size for e in entries), "安装")
            _stage(payload, entries, lambda i, e: stage / str(i), progress, "安装")
            steps: list[dict[str, Any]] = [
                {"do": "move", "src": f"{rel_stage}/{i}", "dst": f"{version_rel}/{e.path}"}
                for i, e in enumerate(entries)
            ]
            steps.append(
                {"do": "write", "path": f"{version_rel}/{MANIFEST}", "text": manifest.text()}
            )
        else:
            leftover = root / version_rel
            if leftover.exists():  # not the current version: a stray copy, never a state
                shutil.rmtree(leftover)
            entries = manifest.entries(wanted)
            _check_space(root, sum(e.size for e in entries), "安装")
            tree = stage / "tree"
            _stage(payload, entries, lambda i, e: tree / e.path, progress, "安装")
            (tree / MANIFEST).write_text(manifest.text(), encoding="utf-8")
            steps = [{"do": "move", "src": f"{rel_stage}/tree", "dst": version_rel}]
            for old in {state.version, state.previous} - {None, manifest.version}:
                steps.append({"do": "remove", "path": f"{VERSIONS}/{old}"})
        steps += [
            {"do": "write", "path": STATE_FILE, "text": state_text(wanted), "encoding": "ascii"},
            *_current_steps(root, manifest.version),
            _integrate(manifest),
        ]
        checkpoint()
        commit(root, txn, "安装", steps)
        roll_forward(root, HANDLERS)
        added_names = "、".join(BUSINESS[m] for m in chosen)
        return Result(
            "install", manifest.version, wanted, [e.path for e in entries], f"{added_names}安装完成"
        )


def _installed_or_refuse(state: Installation, modules: Any, action: str) -> tuple[str, ...]:
    if not state.installed:
        raise NotInstalledError(f"本机的这个目录中没有安装社保费管理客户端，无法{action}")
    chosen = state.modules if modules is None else checked_modules(modules)
    missing = [m for m in chosen if m not in state.modules]
    if missing:
        names = "、".join(BUSINESS[m] for m in missing)
        raise NotInstalledError(f"{names}尚未安装，无法{action}")
    return chosen


def repair(
    root: Path,
    payload_path: Path,
    modules: tuple[str, ...] | list[str] | None = None,
    progress: Progress = _no_progress,
) -> Result:
    """修复: every file of the common part and of the modules checked (size, SHA-256); the
    missing or changed ones restored from the payload. The data folder is not touched."""
    with _session(root, "修复"), Payload(payload_path) as payload:
        manifest = payload.manifest
        state = read_state(root)
        chosen = _installed_or_refuse(state, modules, "修复")
        if manifest.version != state.version:
            raise PayloadError(
                f"安装包的版本 {manifest.version} 与已安装的版本 {state.version} 不同，"
                "修复需要同一版本的安装包"
            )
        differences = verify_folder(
            state.version_dir,
            manifest,
            chosen,
            lambda done, total: progress(done, total * 2, "正在检查程序文件"),
        )
        entries = {e.path: e for e in manifest.entries(chosen)}
        bad = [entries[d.path] for d in differences]
        txn = new_txn()
        stage = staging_dir(root, txn)
        version_rel = f"{VERSIONS}/{state.version}"
        total = len(bad)

        def staged(done: int, _total: int, text: str) -> None:
            progress(total + done, total * 2, text)

        _stage(payload, bad, lambda i, e: stage / str(i), staged, "修复")
        steps: list[dict[str, Any]] = [
            {"do": "move", "src": f"{STAGING}/{txn}/{i}", "dst": f"{version_rel}/{e.path}"}
            for i, e in enumerate(bad)
        ]
        steps += [
            {"do": "write", "path": f"{version_rel}/{MANIFEST}", "text": manifest.text()},
            {
                "do": "write",
                "path": STATE_FILE,
                "text": state_text(state.modules),
                "encoding": "ascii",
            },
            *_current_steps(root, manifest.version),
            _integrate(manifest),
        ]
        commit(root, txn, "修复", steps)
        roll_forward(root, HANDLERS)
        progress(1, 1, "修复完成")
        names = "、".join(BUSINESS[m] for m in chosen)
        note = f"，恢复了 {len(bad)} 个文件" if bad else "，程序文件完好"
        return Result(
            "repair", state.version, state.modules, [e.path for e in bad], f"{names}修复完成{note}"
        )


def _safe_data_dir(path: Path, root: Path) -> Path:
    resolved = path.expanduser().resolve()
    if (
        len(resolved.parts) < 3
        or resolved == Path.home().resolve()
        or resolved in root.resolve().parents
    ):
        raise MaintenanceError(f"数据目录 {resolved} 不像客户端的数据目录，未删除任何数据")
    return resolved


def uninstall(
    root: Path,
    modules: tuple[str, ...] | list[str] | None,
    remove_data: bool = False,
    data_dir: Path | None = None,
    progress: Progress = _no_progress,
) -> Result:
    """卸载 modules (None: every installed one). The last module takes the program, its
    shortcut and its uninstall entry with it; the data folder stays unless remove_data."""
    with _session(root, "卸载"):
        state = read_state(root)
        chosen = _installed_or_refuse(state, modules, "卸载")
        remaining = tuple(m for m in state.modules if m not in chosen)
        manifest = installed_manifest(state)
        txn = new_txn()
        steps: list[dict[str, Any]]
        if remaining:
            if manifest is None:
                raise MaintenanceError("安装目录中的清单 manifest.json 已损坏，请先修复再卸载")
            version_rel = f"{VERSIONS}/{state.version}"
            steps = [
                {
                    "do": "write",
                    "path": STATE_FILE,
                    "text": state_text(remaining),
                    "encoding": "ascii",
                }
            ]
            steps += [
                {"do": "delete", "path": f"{version_rel}/{e.path}", "prune_to": version_rel}
                for m in chosen
                for e in manifest.parts.get(m, ())
            ]
            steps.append(_integrate(manifest))
        else:
            steps = [
                {"do": "unintegrate"},
                {"do": "delete", "path": CURRENT},
                {"do": "delete", "path": STATE_FILE},
                {"do": "remove", "path": VERSIONS},
            ]
            if remove_data:
                target = _safe_data_dir(data_dir or default_data_dir(), root)
                steps.append({"do": "remove_data", "path": str(target)})
        progress(0, len(steps), "正在卸载")
        commit(root, txn, "卸载", steps)
        roll_forward(root, HANDLERS)
        progress(len(steps), len(steps), "卸载完成")
        names = "、".join(BUSINESS[m] for m in chosen)
        if remaining:
            return Result("uninstall", state.version, remaining, [], f"{names}已卸载")
        kept = "，已删除本机数据" if remove_data else "，本机数据已保留"
        return Result(
            "uninstall", None, (), [], f"{names}已卸载，社保费管理客户端已从本机移除{kept}"
        )


def status(root: Path) -> Installation:
    """The state after finishing or discarding what a killed run left (takes the lock)."""
    if not root.exists():
        return Installation(root)
    with folder_lock(root):
        recover(root)
        return read_state(root)


def leftover_names() -> frozenset[str]:
    """What an uninstall of the last module leaves in D: the log (and the lock file while held)."""
    return frozenset({LOG_FILE, LOCK_FILE})
