"""The manifest of a backup (manual §4.2): what it holds and how to check it, no Qt.

A backup is a folder ``社保费客户端备份_<时间>`` holding ``app.sqlite3``, ``units/*.sqlite3``
(each made with SQLite's online backup) and ``manifest.json``: the program and its version,
when and why it was made, the schema revision of every database and each file's size and
SHA-256. Restoring reads the manifest first and refuses a foreign, damaged or newer backup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from client import __version__
from client.storage.migrate import APP_SCRIPTS, UNIT_SCRIPTS, declared_head

APP_NAME = "社保费管理客户端"
MANIFEST = "manifest.json"
FORMAT = 1
FOLDER_PREFIX = "社保费客户端备份_"
KINDS = {"manual": "手动备份", "auto": "自动备份", "before-restore": "恢复前备份"}
SQLITE_HEADER = b"SQLite format 3\x00"
CHUNK = 4 * 1024 * 1024

NOT_A_BACKUP = "所选位置不是本客户端的备份（缺少备份说明文件manifest.json），请选择备份文件夹或其中的manifest.json。"
FOREIGN = "所选备份不是社保费管理客户端生成的（来自“{app}”），不能恢复。"
UNREADABLE = "备份说明文件manifest.json已损坏，无法读取，不能恢复。"
NEWER_FORMAT = (
    "该备份由更新版本的客户端生成（备份格式{found}），当前客户端不能识别，请先升级客户端。"
)
NEWER_SCHEMA = (
    "该备份中“{file}”的数据结构版本（{found}）比当前客户端（{mine}）新，请先升级客户端后再恢复。"
)
MISSING_FILE = "备份已损坏：缺少文件“{file}”，不能恢复。"
DAMAGED_FILE = "备份已损坏：文件“{file}”与备份时不一致（校验值不同），不能恢复。"
NOT_SQLITE = "备份已损坏：文件“{file}”不是数据库文件，不能恢复。"


class BackupError(Exception):
    """A backup or restore that cannot be done; `message` is the clerk's sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BackupFile:
    path: str  # relative, "/"-separated
    size: int
    sha256: str
    revision: str | None  # alembic revision of the database
    unit_kind: str | None = None  # employer | collector for a unit database
    unit_id: str | None = None


@dataclass(frozen=True)
class Manifest:
    app: str
    format: int
    client_version: str
    created_at: str  # ISO seconds
    kind: str  # manual | auto | before-restore
    files: tuple[BackupFile, ...]
    units: tuple[dict[str, str], ...] = field(default_factory=tuple)  # kind, unit_id, name

    @property
    def kind_title(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        files = tuple(BackupFile(**f) for f in data["files"])
        units = tuple(dict(u) for u in data.get("units", ()))
        return cls(
            str(data["app"]), int(data["format"]), str(data["client_version"]),
            str(data["created_at"]), str(data["kind"]), files, units,
        )  # fmt: skip


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def revision_of(path: Path) -> str | None:
    """The alembic revision stored in a database file (None before any migration)."""
    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if row is None:
            return None
        found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(found[0]) if found else None
    finally:
        conn.close()


def own_heads() -> dict[str, str | None]:
    """This client's newest schema revisions: app database and unit databases."""
    return {"app": declared_head(APP_SCRIPTS), "unit": declared_head(UNIT_SCRIPTS)}


def _newer(found: str | None, mine: str | None) -> bool:
    if found is None or mine is None:
        return False
    try:
        return int(found) > int(mine)
    except ValueError:
        return found != mine  # a revision this client does not know


def read_manifest(location: Path) -> tuple[Path, Manifest]:
    """The backup folder and its manifest, from the folder or its manifest.json; checks that
    it is this program's backup in a format this client reads (files are not checked)."""
    folder = location.parent if location.is_file() else location
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(NOT_A_BACKUP)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(UNREADABLE) from exc
    if not isinstance(data, dict) or data.get("app") != APP_NAME:
        app = data.get("app") if isinstance(data, dict) else None
        raise BackupError(FOREIGN.format(app=app or "未知程序"))
    try:
        manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(UNREADABLE) from exc
    if manifest.format > FORMAT:
        raise BackupError(NEWER_FORMAT.format(found=manifest.format))
    return folder, manifest


def check_schema(manifest: Manifest) -> None:
    """Refuse a backup whose databases are of a newer schema than this client knows."""
    heads = own_heads()
    for f in manifest.files:
        mine = heads["unit"] if f.unit_kind else heads["app"]
        if _newer(f.revision, mine):
            raise BackupError(NEWER_SCHEMA.format(file=f.path, found=f.revision, mine=mine))


def checked_file(folder: Path, f: BackupFile) -> Path:
    """The file of a manifest entry: inside the backup, present, of its size, a database."""
    if ".." in Path(f.path).parts or Path(f.path).is_absolute():
        raise BackupError(UNREADABLE)
    target = folder / f.path
    if not target.is_file():
        raise BackupError(MISSING_FILE.format(file=f.path))
    if target.stat().st_size != f.size:
        raise BackupError(DAMAGED_FILE.format(file=f.path))
    with target.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(NOT_SQLITE.format(file=f.path))
    return target


def verify(folder: Path, manifest: Manifest, progress: Any = None) -> None:
    """Every file present, a database, of a schema this client knows, with its checksum."""
    check_schema(manifest)
    for f in manifest.files:
        checked_file(folder, f)
    done = 0
    for f in manifest.files:
        if sha256_of(folder / f.path) != f.sha256:
            raise BackupError(DAMAGED_FILE.format(file=f.path))
        done += f.size
        if progress is not None:
            progress(done)


def copy_verified(source: Path, target: Path, f: BackupFile) -> None:
    """Copy a backup file (the kernel's copy) while a second thread checks the source's
    SHA-256 (hashlib releases the GIL); the copy is fsynced, a mismatch refused."""
    found: dict[str, str] = {}
    hashing = threading.Thread(target=lambda: found.update(digest=sha256_of(source)))
    hashing.start()
    try:
        shutil.copyfile(source, target)
        with target.open("rb+") as handle:
            os.fsync(handle.fileno())
    finally:
        hashing.join()
    if found.get("digest") != f.sha256:
        raise BackupError(DAMAGED_FILE.format(file=f.path))


def this_client_version() -> str:
    return __version__
