"""Where the client keeps its files: platformdirs by default, overridable for tests and QA."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "SheBaoFeiClient"
APP_AUTHOR = "SheBaoFei"
DATA_DIR_ENV = "SHEBAOFEI_DATA_DIR"


@dataclass(frozen=True)
class DataPaths:
    """All locations under one data root, so a whole installation can live in a temp folder."""

    root: Path

    @property
    def app_db(self) -> Path:
        return self.root / "app.sqlite3"

    @property
    def units_dir(self) -> Path:
        return self.root / "units"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def migration_backups_dir(self) -> Path:
        return self.backups_dir / "before-migration"

    @property
    def documents_dir(self) -> Path:
        """Documents the client made (申报表 …), kept so a reprint reuses the saved file."""
        return self.root / "documents"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def secret_key_file(self) -> Path:
        return self.root / "secret.key"

    def unit_db(self, kind: str, unit_id: str) -> Path:
        safe = "".join(ch for ch in unit_id if ch.isalnum() or ch in "-_")
        return self.units_dir / f"{kind}-{safe}.sqlite3"

    def ensure(self) -> DataPaths:
        for folder in (self.root, self.units_dir, self.backups_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def data_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: `--data-dir` wins, then the environment variable, then the platform's
    user data folder (nothing is created)."""
    if explicit:
        root = Path(explicit)
    elif os.environ.get(DATA_DIR_ENV):
        root = Path(os.environ[DATA_DIR_ENV])
    else:
        root = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR, roaming=False))
    return root.expanduser().resolve()


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> DataPaths:
    """The data folder of `data_root`, with its sub-folders made."""
    return DataPaths(data_root(explicit)).ensure()
