"""A local SQLite database file: engine, migrations on open, sessions, one writer at a time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from client.storage.engine import make_engine
from client.storage.migrate import migrate


class LocalDatabase:
    """Opens (and migrates) one database file.

    Reads may happen on any thread (WAL lets them run beside a writer); every write goes
    through `write()` / `write_session()`, which hold this database's writer lock.
    """

    def __init__(self, path: Path, script_location: Path, backup_dir: Path) -> None:
        self.path = path
        self.engine: Engine = make_engine(path)
        self.migration_backup = migrate(self.engine, path, script_location, backup_dir)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock = threading.RLock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """An ORM session committed on success, rolled back on error."""
        with self.write_lock, self._sessions.begin() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A Core connection in one transaction, for bulk statements."""
        with self.write_lock, self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()
