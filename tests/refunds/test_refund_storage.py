"""The refund tables of a unit database (migration 0010) are exactly the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import UnitBase

REFUND_TABLES = ("refund_applications", "refund_application_rows")


@pytest.fixture
def unit_db(tmp_path: Path) -> Iterator[UnitDatabase]:
    db = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield db
    db.close()


def test_migration_builds_the_refund_models(unit_db: UnitDatabase) -> None:
    with unit_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), UnitBase.metadata)
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        rows_sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'refund_application_rows'"
        ).scalar()
    assert set(REFUND_TABLES) <= tables
    assert [d for d in diff if any(t in repr(d) for t in REFUND_TABLES)] == []
    assert "WITHOUT ROWID" in rows_sql  # an application's rows sit together on disk
