"""Transactions on an installed folder D: a folder lock, and a journal of idempotent steps.

An operation first stages everything it needs under `D/.staging/<txn>/` without touching
the installation; a kill then leaves the old state (the staging folder is discarded on the
next run). It commits by writing `D/maintenance-journal.json` in one atomic replace; from
then on the steps are carried out, and a kill in the middle is finished by the next run
(`recover`), which yields the new state. Each step can be done twice with the same result.

`SHEBAOFEI_SETUP_DIE_AT=N` kills the process at its N-th checkpoint (tests of the above).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

JOURNAL = "maintenance-journal.json"
STAGING = ".staging"
LOCK_FILE = ".maintenance.lock"
LOG_FILE = "maintenance.log"
DIE_AT_ENV = "SHEBAOFEI_SETUP_DIE_AT"

_checkpoints = 0
LOG_FILE_OVERRIDE: Path | None = None  # `setup --log FILE`


class LockBusyError(Exception):
    """Another maintenance run holds the folder."""


def checkpoint() -> None:
    """A point where the kill tests may stop this process dead (SIGKILL, no cleanup)."""
    global _checkpoints
    _checkpoints += 1
    wanted = os.environ.get(DIE_AT_ENV)
    if wanted and int(wanted) == _checkpoints:
        if sys.platform == "win32":
            os._exit(137)
        os.kill(os.getpid(), signal.SIGKILL)


def log_path(root: Path) -> Path:
    return LOG_FILE_OVERRIDE or root / LOG_FILE


def log_line(root: Path, text: str) -> None:
    """Append one line to D/maintenance.log (QA reads it after silent runs)."""
    try:
        path = log_path(root)
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"{stamp} [{os.getpid()}] {text}\n")
    except OSError:
        pass  # a log that cannot be written must not stop a repair


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding=encoding, newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """An OS lock on D/.maintenance.lock: released by the system even when killed."""
    root.mkdir(parents=True, exist_ok=True)
    handle = (root / LOCK_FILE).open("a+b")
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise LockBusyError("另一个安装维护程序正在处理这个安装目录，请等它结束后再试") from exc
        yield
    finally:
        handle.close()


def new_txn() -> str:
    return time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]


def staging_dir(root: Path, txn: str) -> Path:
    return root / STAGING / txn


StepHandler = Callable[[Path, dict[str, Any]], None]


def commit(root: Path, txn: str, op: str, steps: list[dict[str, Any]]) -> None:
    """The point of no return: from here on the new state will be reached."""
    checkpoint()
    atomic_write(root / JOURNAL, json.dumps({"txn": txn, "op": op, "steps": steps}) + "\n")
    log_line(root, f"{op}: committed {len(steps)} steps (txn {txn})")
    checkpoint()


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def do_step(root: Path, step: dict[str, Any], handlers: dict[str, StepHandler]) -> None:
    kind = step["do"]
    if kind == "move":
        src, dst = root / step["src"], root / step["dst"]
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir() and dst.exists():
                _remove_tree(dst)  # a half-removed leftover never holds the new state
            os.replace(src, dst)
    elif kind == "delete":
        path = root / step["path"]
        path.unlink(missing_ok=True)
        if "prune_to" in step:
            _prune_empty(path.parent, root / step["prune_to"])
    elif kind == "remove":
        _remove_tree(root / step["path"])
    elif kind == "write":
        atomic_write(root / step["path"], step["text"], step.get("encoding", "utf-8"))
    else:
        handlers[kind](root, step)


def roll_forward(root: Path, handlers: dict[str, StepHandler]) -> str | None:
    """Carry out a committed journal to its end; the operation's name, or None if none."""
    path = root / JOURNAL
    if not path.exists():
        return None
    journal = json.loads(path.read_text(encoding="utf-8"))
    for step in journal["steps"]:
        do_step(root, step, handlers)
        checkpoint()
    _remove_tree(staging_dir(root, journal["txn"]))
    path.unlink()
    log_line(root, f"{journal['op']}: done (txn {journal['txn']})")
    return str(journal["op"])


def discard_staging(root: Path) -> None:
    """Uncommitted work of a killed run (only called with no journal pending)."""
    staging = root / STAGING
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
