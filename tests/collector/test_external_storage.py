"""The 外部参保城乡居民 and 申报缴费状态 tables of a unit database (migration 0013) are exactly the
models, with the indexes the 申报缴费状态 filters need."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import UnitBase

TABLES = (
    "external_residents",
    "external_resident_sync",
    "resident_statuses",
    "resident_statuses_staging",
)


@pytest.fixture
def unit_db(tmp_path: Path) -> Iterator[UnitDatabase]:
    db = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield db
    db.close()


def test_migration_builds_the_models(unit_db: UnitDatabase) -> None:
    with unit_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), UnitBase.metadata)
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert set(TABLES) <= tables
    assert [d for d in diff if any(t in repr(d) for t in TABLES)] == []


def test_every_status_filter_has_an_index_led_by_the_year(unit_db: UnitDatabase) -> None:
    with unit_db.engine.connect() as conn:
        names = [r[1] for r in conn.exec_driver_sql("PRAGMA index_list('resident_statuses')")]
        leading = {
            tuple(c[2] for c in conn.exec_driver_sql(f"PRAGMA index_info('{n}')")) for n in names
        }
        plan = " ".join(
            str(r[3])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM resident_statuses"
                " WHERE year = 2026 AND township = '甲镇'"
            )
        )
    for column in ("township", "levy_item", "declare_status", "name", "id_number"):
        assert any(cols[:2] == ("year", column) for cols in leading), column
    assert "ix_resident_statuses_place" in plan


def test_deleting_a_group_keeps_the_person(unit_db: UnitDatabase) -> None:
    with unit_db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO groups (id, parent_id, name, position, saved_at)"
            " VALUES (1, NULL, '一组', 0, '2026-01-01 00:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO external_residents (name, id_type, id_number, status, group_id,"
            " added_at, checked_at) VALUES ('张三', '01', 'X', '未参保', 1,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        conn.exec_driver_sql("DELETE FROM groups WHERE id = 1")
    with unit_db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name, group_id FROM external_residents").all()
    assert [tuple(r) for r in rows] == [("张三", None)]
