"""The fee tables of a unit database: the migration builds exactly the models, and the
journal of submissions and voids is append-only."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from client.fees.journal import ACCEPTED, SUBMIT, FeeJournal
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import UnitBase

FEE_TABLES = {"fee_items", "fee_item_lines", "fee_declarations", "fee_declaration_items",
              "fee_journal"}  # fmt: skip


@pytest.fixture
def unit_db(tmp_path: Path) -> UnitDatabase:
    db = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield db
    db.close()


def test_migration_builds_the_fee_models(unit_db: UnitDatabase) -> None:
    with unit_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), UnitBase.metadata)
    fee_diff = [
        d for d in diff if any(table in repr(d) for table in FEE_TABLES)
    ]  # other tables are the earlier migrations' business
    assert fee_diff == []
    with unit_db.engine.connect() as conn:
        lines_sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'fee_item_lines'"
        ).scalar()
    assert "WITHOUT ROWID" in lines_sql  # one item's lines sit together on disk


def test_journal_is_append_only(unit_db: UnitDatabase) -> None:
    journal = FeeJournal(unit_db, operator="clerk")
    journal.record(SUBMIT, "日常申报", ACCEPTED, declaration_ids=["SB1", "SB2"], item_count=3,
                   headcount=12, amount=Decimal("1234.50"))  # fmt: skip
    [entry] = journal.entries()
    assert (entry.operator, entry.declaration_ids, entry.amount) == ("clerk", "SB1,SB2", "1234.50")
    with pytest.raises(IntegrityError), unit_db.write() as conn:
        conn.exec_driver_sql("UPDATE fee_journal SET result = '被拒绝'")
    with pytest.raises(IntegrityError), unit_db.write() as conn:
        conn.exec_driver_sql("DELETE FROM fee_journal")
    # not even through the file itself
    raw = sqlite3.connect(unit_db.path)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("DELETE FROM fee_journal")
    raw.close()
    assert [e.result for e in journal.entries()] == [ACCEPTED]
