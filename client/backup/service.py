"""备份恢复 (manual §4.2) without Qt: back up, list, prune and restore the client's data.

- 备份 copies the app database and every unit database with SQLite's online backup (safe
  while the client runs) into a staging folder beside the target, writes the manifest, then
  renames the folder into place: a backup either exists whole or not at all.
- 自动备份 on exit keeps at most N automatic backups in its folder (oldest removed first).
- 恢复 checks the backup first (manifest, checksums, schema revisions), backs up the current
  data as a 恢复前备份, copies the backup into ``.restore/new`` and swaps it in under a
  journal; `recover_interrupted_restore` (called before the databases open) finishes a swap a
  kill interrupted, or discards an unfinished copy, so the data is the old or the new, whole.
  The caller closes every database before `restore` and opens them again afterwards.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from client.backup.manifest import (
    APP_NAME,
    FOLDER_PREFIX,
    FORMAT,
    MANIFEST,
    BackupError,
    BackupFile,
    Manifest,
    check_schema,
    checked_file,
    copy_verified,
    read_manifest,
    revision_of,
    sha256_of,
    this_client_version,
    verify,
)
from client.jobs import JobContext
from client.storage.migrate import sqlite_copy
from client.storage.paths import DataPaths

log = logging.getLogger(__name__)

NO_SPACE = (
    "备份路径所在磁盘剩余空间不足（需要约{need}，剩余{free}），请清理磁盘或选择其他备份路径。"
)
NOT_WRITABLE = "无法写入备份路径“{folder}”：{reason}。请选择其他备份路径。"
RESTORE_NO_SPACE = (
    "数据文件夹所在磁盘剩余空间不足（需要约{need}，剩余{free}），不能恢复，当前数据未改变。"
)
NOTHING_TO_BACK_UP = "还没有任何数据，无需备份。"
SETTING_KEY = "backup"
DEFAULT_KEEP = 5
RESTORE_DIR = ".restore"
JOURNAL = "journal.json"
SWAPPED = ("app.sqlite3", "units")  # what a restore replaces, in this order


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KB"


@dataclass(frozen=True)
class BackupSettings:
    """备份设置 and 自动备份 (manual §4.2): where backups go, and the automatic one on exit."""

    folder: str = ""  # "" = the default folder
    auto_enabled: bool = False
    auto_keep: int = DEFAULT_KEEP
    auto_folder: str = ""  # "" = the default folder

    @classmethod
    def load(cls, app_db: Any) -> BackupSettings:
        raw = app_db.get_setting(SETTING_KEY) or {}
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        settings = cls(**known)
        return replace(settings, auto_keep=max(1, min(int(settings.auto_keep), 99)))

    def save(self, app_db: Any) -> None:
        if not 1 <= int(self.auto_keep) <= 99:
            raise BackupError("自动备份保留的份数应在1到99之间。")
        app_db.set_setting(SETTING_KEY, self.__dict__.copy())


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: Manifest
    seconds: float


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    safety: BackupResult | None  # the 恢复前备份 of the data that was replaced
    seconds: float


def default_folder(paths: DataPaths) -> Path:
    """The default backup folder: 备份 in the data folder (the program folder of the manual
    is read-only for a clerk on Windows)."""
    return paths.root / "备份"


def _databases(paths: DataPaths) -> list[tuple[Path, str, str | None, str | None]]:
    """(file, relative path, unit kind, unit id) of every database to back up."""
    found: list[tuple[Path, str, str | None, str | None]] = []
    if paths.app_db.exists():
        found.append((paths.app_db, "app.sqlite3", None, None))
    if paths.units_dir.is_dir():
        for db in sorted(paths.units_dir.glob("*.sqlite3")):
            kind, _, unit_id = db.stem.partition("-")
            found.append((db, f"units/{db.name}", kind or None, unit_id or None))
    return found


def _live_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _check_space(folder: Path, need: int, message: str) -> None:
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < need * 1.05 + 1024 * 1024:
        raise BackupError(message.format(need=size_text(need), free=size_text(free)))


def _units_info(paths: DataPaths) -> tuple[dict[str, str], ...]:
    if not paths.app_db.exists():
        return ()
    conn = sqlite3.connect(f"file:{paths.app_db.as_posix()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT kind, unit_id, taxpayer_name FROM registered_units").fetchall()
    except sqlite3.Error:
        return ()
    finally:
        conn.close()
    return tuple({"kind": k, "unit_id": u, "name": n} for k, u, n in rows)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, data: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _unique_folder(parent: Path, stamp: datetime) -> Path:
    base = f"{FOLDER_PREFIX}{stamp:%Y%m%d_%H%M%S}"
    target, n = parent / base, 1
    while target.exists() or (parent / f".{target.name}.partial").exists():
        n += 1
        target = parent / f"{base}_{n}"
    return target


def make_backup(
    paths: DataPaths, parent: Path, kind: str = "manual", ctx: JobContext | None = None
) -> BackupResult:
    """备份: every database into a new folder under `parent` (staged, then renamed)."""
    ctx = ctx or JobContext()
    started = time.perf_counter()
    databases = _databases(paths)
    if not databases:
        raise BackupError(NOTHING_TO_BACK_UP)
    need = sum(_live_size(db) for db, *_ in databases)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(NOT_WRITABLE.format(folder=parent, reason=exc.strerror or exc)) from exc
    _check_space(parent, need, NO_SPACE)
    target = _unique_folder(parent, datetime.now())
    staging = parent / f".{target.name}.partial"
    files: list[BackupFile] = []
    done = 0
    try:
        (staging / "units").mkdir(parents=True)
        for source, rel, unit_kind, unit_id in databases:
            ctx.check_cancelled()
            ctx.progress(f"正在备份 {rel}", done, need)
            copy = staging / rel
            sqlite_copy(source, copy, read_only=True)
            files.append(
                BackupFile(
                    rel, copy.stat().st_size, sha256_of(copy), revision_of(copy), unit_kind, unit_id
                )
            )
            done += _live_size(source)
        manifest = Manifest(
            APP_NAME, FORMAT, this_client_version(), datetime.now().isoformat(timespec="seconds"),
            kind, tuple(files), _units_info(paths),
        )  # fmt: skip
        _write_json(staging / MANIFEST, manifest.to_json())
        _fsync_dir(staging)
        os.replace(staging, target)
        _fsync_dir(parent)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            free = shutil.disk_usage(parent).free if parent.exists() else 0
            raise BackupError(NO_SPACE.format(need=size_text(need), free=size_text(free))) from exc
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower():
            free = shutil.disk_usage(parent).free if parent.exists() else 0
            raise BackupError(NO_SPACE.format(need=size_text(need), free=size_text(free))) from exc
        if isinstance(exc, PermissionError):
            raise BackupError(
                NOT_WRITABLE.format(folder=parent, reason=exc.strerror or exc)
            ) from exc
        raise
    ctx.progress("备份完成", need, need)
    log.info("backup %s: %d files, %d bytes in %s", kind, len(files), manifest.size, target)
    return BackupResult(target, manifest, time.perf_counter() - started)


def list_backups(parent: Path) -> list[tuple[Path, Manifest]]:
    """Readable backups in `parent`, newest first (others are skipped, not deleted)."""
    found: list[tuple[Path, Manifest]] = []
    if not parent.is_dir():
        return found
    for folder in parent.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            found.append(read_manifest(folder))
        except BackupError:
            continue
    found.sort(key=lambda item: (item[1].created_at, item[0].name), reverse=True)
    return found


def prune_auto(parent: Path, keep: int) -> list[Path]:
    """Remove the oldest automatic backups beyond `keep`; the removed folders."""
    autos = [(f, m) for f, m in list_backups(parent) if m.kind == "auto"]
    removed = []
    for folder, _manifest in autos[max(keep, 1) :]:
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def auto_backup(paths: DataPaths, settings: BackupSettings) -> BackupResult | None:
    """自动备份 on exit, when enabled: one more automatic backup, the oldest beyond N removed."""
    if not settings.auto_enabled:
        return None
    parent = Path(settings.auto_folder) if settings.auto_folder else default_folder(paths)
    result = make_backup(paths, parent, "auto")
    prune_auto(parent, settings.auto_keep)
    return result


def inspect_backup(location: Path, ctx: JobContext | None = None) -> tuple[Path, Manifest]:
    """The backup at `location` (folder or manifest.json), checked whole: refuses a foreign,
    damaged or newer backup with its sentence."""
    ctx = ctx or JobContext()
    folder, manifest = read_manifest(location)
    total = manifest.size
    ctx.progress("正在校验备份", 0, total)
    verify(folder, manifest, lambda done: ctx.progress("正在校验备份", done, total))
    return folder, manifest


# -- 恢复 ---------------------------------------------------------------------------------
def _checkpoint(db: Path) -> None:
    """Fold a closed database's WAL into the file, so the file alone is the data."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _move_aside(paths: DataPaths, old: Path, name: str) -> None:
    current = paths.root / name
    if name == "app.sqlite3":
        for suffix in ("-wal", "-shm", "-journal"):
            side = paths.root / f"{name}{suffix}"
            if side.exists():
                os.replace(side, old / side.name)
    if current.exists():
        os.replace(current, old / name)


def _swap_in(paths: DataPaths) -> None:
    """Move the current data to .restore/old and the staged copy into place (roll forward:
    safe to run again after a kill at any point)."""
    work = paths.root / RESTORE_DIR
    new, old = work / "new", work / "old"
    old.mkdir(exist_ok=True)
    for name in SWAPPED:
        staged = new / name
        if not staged.exists():
            continue  # already moved in
        if (paths.root / name).exists() and not (old / name).exists():
            _move_aside(paths, old, name)
        elif (paths.root / name).exists():  # the old one is aside already: this is debris
            if (paths.root / name).is_dir():
                shutil.rmtree(paths.root / name)
            else:
                (paths.root / name).unlink()
        os.replace(staged, paths.root / name)
    _fsync_dir(paths.root)


def _adopt_as_backup(
    old: Path, parent: Path, kind: str, digests: dict[str, str] | None = None
) -> BackupResult | None:
    """The data a restore replaced, moved aside whole, becomes a backup of its own (manifest
    written, folder renamed into the backup folder): nothing of it is lost. `digests` are the
    SHA-256 of the files (by relative path) when already known."""
    started = time.perf_counter()
    databases = []
    if (old / "app.sqlite3").exists():
        databases.append((old / "app.sqlite3", "app.sqlite3", None, None))
    for db in sorted((old / "units").glob("*.sqlite3")) if (old / "units").is_dir() else []:
        unit_kind, _, unit_id = db.stem.partition("-")
        databases.append((db, f"units/{db.name}", unit_kind or None, unit_id or None))
    if not databases:
        shutil.rmtree(old, ignore_errors=True)
        return None
    for side in old.glob("app.sqlite3-*"):
        side.unlink()  # checkpointed before the swap
    for side in (old / "units").glob("*.sqlite3-*") if (old / "units").is_dir() else []:
        side.unlink()
    known = digests or {}
    files = [
        BackupFile(
            rel,
            db.stat().st_size,
            known.get(rel) or sha256_of(db),
            revision_of(db),
            unit_kind,
            unit_id,
        )  # fmt: skip
        for db, rel, unit_kind, unit_id in databases
    ]
    manifest = Manifest(
        APP_NAME, FORMAT, this_client_version(), datetime.now().isoformat(timespec="seconds"),
        kind, tuple(files), _units_info(DataPaths(old)),
    )  # fmt: skip
    _write_json(old / MANIFEST, manifest.to_json())
    parent.mkdir(parents=True, exist_ok=True)
    target = _unique_folder(parent, datetime.now())
    try:
        os.replace(old, target)
    except OSError:  # another disk: copy, then drop the original
        staging = parent / f".{target.name}.partial"
        shutil.copytree(old, staging)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    return BackupResult(target, manifest, time.perf_counter() - started)


def recover_interrupted_restore(paths: DataPaths) -> str | None:
    """Before the databases open: finish a restore a kill interrupted after its copy was
    complete (the replaced data kept as a 恢复前备份), or discard one that was still
    copying. What happened, or None."""
    work = paths.root / RESTORE_DIR
    if not work.exists():
        return None
    journal = work / JOURNAL
    state: dict[str, Any] = {}
    if journal.exists():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
    if state.get("state") == "swapping":
        _swap_in(paths)
        parent = Path(state.get("safety") or default_folder(paths))
        if (work / "old").exists():
            _adopt_as_backup(work / "old", parent, "before-restore")
        shutil.rmtree(work, ignore_errors=True)
        log.warning("an interrupted restore was completed")
        return "completed"
    shutil.rmtree(work, ignore_errors=True)
    log.warning("an unfinished restore was discarded; the data is unchanged")
    return "discarded"


def restore(
    paths: DataPaths,
    location: Path,
    ctx: JobContext | None = None,
    safety_parent: Path | None = None,
) -> RestoreResult:
    """恢复 from the backup at `location`. Every database must be closed by the caller.

    The backup is checked (manifest, schema, every file's size and header, and its SHA-256
    while it is copied); the current data is moved aside whole and kept as a 恢复前备份."""
    ctx = ctx or JobContext()
    started = time.perf_counter()
    folder, manifest = read_manifest(location)
    check_schema(manifest)
    for f in manifest.files:
        checked_file(folder, f)
    recover_interrupted_restore(paths)
    _check_space(paths.root, manifest.size, RESTORE_NO_SPACE)
    safety_parent = safety_parent or default_folder(paths)
    work = paths.root / RESTORE_DIR
    new = work / "new"
    (new / "units").mkdir(parents=True)
    _write_json(work / JOURNAL, json.dumps({"state": "staging", "from": str(folder)}))
    done = 0
    current = _databases(paths)
    digests: dict[str, str] = {}
    hashing: threading.Thread | None = None
    try:
        for db, *_ in current:
            _checkpoint(db)
        # The current data will be the 恢复前备份: hash it on a second thread meanwhile
        # (hashlib and file reads release the GIL), unchanged since it is closed.
        hashing = threading.Thread(
            target=lambda: digests.update({rel: sha256_of(db) for db, rel, *_ in current}),
            name="恢复前备份校验", daemon=True,
        )  # fmt: skip
        hashing.start()
        for f in manifest.files:
            ctx.check_cancelled()
            ctx.progress("正在校验并复制备份数据", done, manifest.size)
            copy_verified(folder / f.path, new / f.path, f)
            done += f.size
        _fsync_dir(new / "units")
        _fsync_dir(new)
        hashing.join()
    except BaseException as exc:
        if hashing is not None:
            hashing.join()
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            free = shutil.disk_usage(paths.root).free
            raise BackupError(
                RESTORE_NO_SPACE.format(need=size_text(manifest.size), free=size_text(free))
            ) from exc
        raise
    _write_json(
        work / JOURNAL,
        json.dumps({"state": "swapping", "from": str(folder), "safety": str(safety_parent)}),
    )
    _swap_in(paths)
    ctx.progress("正在保存恢复前的数据", 95, 100)
    safety = _adopt_as_backup(work / "old", safety_parent, "before-restore", digests)
    shutil.rmtree(work, ignore_errors=True)
    paths.ensure()
    ctx.progress("恢复完成", 100, 100)
    log.info("restored %s (%d files)", folder, len(manifest.files))
    return RestoreResult(manifest, safety, time.perf_counter() - started)
