"""Alembic migrations run on open, with a copy of the file taken before any schema change."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_ROOT = Path(__file__).resolve().parent / "migrations"
APP_SCRIPTS = MIGRATIONS_ROOT / "app"
UNIT_SCRIPTS = MIGRATIONS_ROOT / "unit"

_heads: dict[Path, str | None] = {}


def alembic_config(script_location: Path) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    return cfg


def head_revision(script_location: Path) -> str | None:
    """The newest revision of a script folder (cached: the folder does not change at run time)."""
    if script_location not in _heads:
        from alembic.script import ScriptDirectory

        _heads[script_location] = ScriptDirectory.from_config(
            alembic_config(script_location)
        ).get_current_head()
    return _heads[script_location]


def declared_head(script_location: Path) -> str | None:
    """The HEAD constant of a script folder's package, if it has one."""
    init = script_location / "__init__.py"
    if not init.exists():
        return None
    for line in init.read_text(encoding="utf-8").splitlines():
        if line.startswith("HEAD = "):
            return line.split("=", 1)[1].strip().strip("\"'")
    return None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
    return bool(names)


def sqlite_copy(source: Path, target: Path, *, read_only: bool = False) -> None:
    """A consistent copy through SQLite's online backup API (safe with WAL and a writer)."""
    src = (
        sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
        if read_only
        else sqlite3.connect(source)
    )
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_file(db_path: Path, backup_dir: Path, label: str) -> Path:
    """A copy of a database before a migration, in `backup_dir`."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{db_path.stem}.{label}.{stamp}.sqlite3"
    sqlite_copy(db_path, target)
    return target


def migrate(engine: Engine, db_path: Path, script_location: Path, backup_dir: Path) -> Path | None:
    """Bring the database to the newest schema; return the backup taken, if any.

    A file that already holds data is copied before the first migration step runs, so an
    upgrade that fails (or loses something) can always be undone from the copy.
    """
    current = current_revision(engine)
    if current is not None and current == declared_head(script_location):
        return None  # the common case: no Alembic import at all
    head = head_revision(script_location)
    if current == head:
        return None
    backup: Path | None = None
    if db_path.exists() and has_user_tables(engine):
        backup = backup_file(db_path, backup_dir, f"rev-{current or 'none'}")
        log.info("备份 %s → %s before migrating %s → %s", db_path.name, backup.name, current, head)
    from alembic import command

    cfg = alembic_config(script_location)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
