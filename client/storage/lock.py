"""One client per data folder: an exclusive lock on `<data folder>/.lock`, held for the
whole run (no Qt).

The lock is an OS lock on an open file (`flock` on POSIX, `msvcrt.locking` of one byte
past the text on Windows), so it goes away with the process however it ends — a killed
client never leaves a stale lock behind. The file holds the holder's process id: a client
started by the holder (the restart after an upgrade) waits for it to quit.

`claim_data_folder(root)` also finds a data folder the client cannot write (read-only
mount, no permission) before anything opens a database, so the clerk gets one clear
sentence instead of a crash deep inside SQLite.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import uuid
from pathlib import Path

from client.storage.errors import StorageError

LOCK_NAME = ".lock"
GRACE_SECONDS = 2.0
PARENT_WAIT_SECONDS = 120.0
POLL_SECONDS = 0.2
WINDOWS_LOCK_OFFSET = 1 << 20


class DataFolderInUseError(StorageError):
    def __init__(self, root: Path) -> None:
        super().__init__(
            f"客户端已在运行，同一个数据文件夹（{root}）只能由一个客户端使用，"
            "请切换到已打开的窗口，或先退出它再启动。"
        )
        self.root = root


class DataFolderNotWritableError(StorageError):
    def __init__(self, root: Path, reason: str = "") -> None:
        tail = f"（{reason}）" if reason else ""
        super().__init__(
            f"数据文件夹（{root}）不可写入{tail}，客户端无法保存数据。请检查该文件夹的权限，"
            "或磁盘是否为只读，处理后再启动客户端。"
        )
        self.root = root


class DataFolderLock:
    """The held lock; `release()` (or process exit) gives it up."""

    def __init__(self, root: Path, fd: int) -> None:
        self.root = root
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def __enter__(self) -> DataFolderLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def claim_data_folder(
    root: Path, grace: float = GRACE_SECONDS, parent_wait: float = PARENT_WAIT_SECONDS
) -> DataFolderLock:
    """Make `root` if needed, check that it can be written and take its lock.

    A holder that lets go within `grace` seconds is waited for (a client just closing); so
    is, for up to `parent_wait` seconds, the process that started this one (an upgrade
    starts the new version, then the old one quits — and may still make its 自动备份).

    Raises DataFolderNotWritableError or DataFolderInUseError (nothing in the folder is
    written then, beyond the lock file's creation on a first start).
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderNotWritableError(root, _reason(exc)) from exc
    path = root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DataFolderNotWritableError(root, _reason(exc)) from exc
    started = time.monotonic()
    parent = os.getppid()
    while True:
        try:
            locked = _try_lock(fd)
        except OSError as exc:
            os.close(fd)
            raise DataFolderNotWritableError(root, _reason(exc)) from exc
        if locked:
            break
        waited = time.monotonic() - started
        limit = parent_wait if holder_pid(root) == parent else grace
        if waited >= limit:
            os.close(fd)
            raise DataFolderInUseError(root)
        time.sleep(POLL_SECONDS)
    lock = DataFolderLock(root, fd)
    try:
        _probe_writable(root)
        _write_pid(fd)
    except OSError as exc:
        lock.release()
        raise DataFolderNotWritableError(root, _reason(exc)) from exc
    return lock


def holder_pid(root: Path) -> int | None:
    """The process id the lock's holder wrote, if any."""
    try:
        text = (root / LOCK_NAME).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _probe_writable(root: Path) -> None:
    """Create and remove a file (SQLite needs to create -wal/-shm files beside each
    database) and check that the existing databases can be opened for writing."""
    probe = root / f".write-test-{uuid.uuid4().hex}"
    fd = os.open(probe, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    probe.unlink()
    units = root / "units"
    targets = [root / "app.sqlite3", units]
    if units.is_dir():
        targets.extend(units.glob("*.sqlite3"))
    for target in targets:
        if target.exists() and not os.access(target, os.W_OK):
            raise PermissionError(f"{target} is read-only")


def _reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.EROFS:
        return "磁盘为只读"
    if exc.errno in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return "没有写入权限"
    if exc.errno == errno.ENOSPC:
        return "磁盘空间已满"
    return exc.strerror or type(exc).__name__


def _write_pid(fd: int) -> None:
    """Always the same 21 bytes at the start (no truncation, which a Windows lock past the
    end could refuse)."""
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid():<20}\n".encode("ascii"))


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    # One byte far past the text is locked, so the process id stays readable by others.
    def _try_lock(fd: int) -> bool:
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import errno as _errno
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (_errno.EWOULDBLOCK, _errno.EAGAIN, _errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
