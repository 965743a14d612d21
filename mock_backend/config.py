"""Settings of one mock backend run (from the command line or from tests)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PORT = 8765
DEFAULT_EMPLOYEES_PER_UNIT = 200
DEFAULT_RESIDENTS_PER_UNIT = 500
BENCH_EMPLOYEES_PER_UNIT = 100_000
BENCH_RESIDENTS_PER_UNIT = 1_000
DEFAULT_RANDOM_SEED = 20261123
DATABASE_NAME = "mock_backend.sqlite3"
SEED_PROFILES = ("demo", "bench", "none")


def default_data_dir() -> Path:
    return Path(tempfile.gettempdir()) / "shebaofei-mock-backend"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=default_data_dir)
    seed: str = "demo"
    employees_per_unit: int | None = None
    residents_per_unit: int | None = None
    random_seed: int = DEFAULT_RANDOM_SEED
    processing_delay: float = 0.0
    admin: bool = False
    reset: bool = False
    access_log: bool = False
    log_level: str = "info"

    @property
    def database_path(self) -> Path:
        return self.data_dir / DATABASE_NAME

    def employees_for(self, profile: str) -> int:
        if self.employees_per_unit is not None:
            return self.employees_per_unit
        return BENCH_EMPLOYEES_PER_UNIT if profile == "bench" else DEFAULT_EMPLOYEES_PER_UNIT

    def residents_for(self, profile: str) -> int:
        if self.residents_per_unit is not None:
            return self.residents_per_unit
        return BENCH_RESIDENTS_PER_UNIT if profile == "bench" else DEFAULT_RESIDENTS_PER_UNIT
