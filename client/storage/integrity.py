"""Is a database file whole? Checked when a unit's database opens for a login (no Qt).

A file cut short (a disk that filled, a copy that stopped, a crash of the disk) is found
by its header — the page count SQLite writes there against the file's real size — and by
`PRAGMA quick_check`, which reads every page once (about 0.1 s for a 140 MB file). A
damaged file is never repaired in place: `set_aside` moves it (with its -wal/-shm) into
`damaged/` of the data folder, so the clerk can download the unit's data afresh or restore
a backup, and the old bytes are still there for whoever wants to look.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from client.storage.errors import StorageError

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
DAMAGED_FOLDER = "damaged"
SIDE_FILES = ("-wal", "-shm", "-journal")


class DamagedDatabaseError(StorageError):
    """The unit's database cannot be used; the clerk chooses a fresh download or a restore."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            "本单位的本地数据文件已损坏，无法打开。可以重新下载本单位的数据"
            "（损坏的文件会另行保存，不会删除），或从备份恢复。"
        )
        self.path = path
        self.problem = problem


def database_problem(path: Path, *, quick_check: bool = True) -> str | None:
    """None when the file is missing (a new database), empty or whole; else what is wrong
    (in English, for the log)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return None
    try:
        with path.open("rb") as f:
            header = f.read(HEADER_SIZE)
    except OSError as exc:
        return f"cannot be read: {exc}"
    if len(header) < HEADER_SIZE:
        return f"shorter than the SQLite header ({size} bytes)"
    if header[:16] != SQLITE_MAGIC:
        return "not an SQLite database (wrong header)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"impossible page size {page_size}"
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if pages and header_valid and not wal_pending and size < pages * page_size:
        return f"cut short: {size} bytes of {pages * page_size}"
    if not quick_check:
        return None
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}", uri=True, timeout=10)
    except sqlite3.Error as exc:
        return f"cannot be opened: {exc}"
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return None  # in use elsewhere, not damaged
        return str(exc)
    finally:
        conn.close()
    found = [str(r[0]) for r in rows]
    return None if found == ["ok"] else "; ".join(found)


def set_aside(path: Path, data_root: Path, when: datetime | None = None) -> Path:
    """Move a damaged database (and its -wal/-shm/-journal) to `damaged/`; the new path."""
    folder = data_root / DAMAGED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{stamp}-{n}{path.suffix}"
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            with contextlib.suppress(FileNotFoundError):
                side.replace(target.with_name(target.name + suffix))
    path.replace(target)
    log.warning("damaged database %s set aside as %s", path.name, target)
    return target
