"""Revision 0018: a unit database at 0017 gains `pay_arrears.pay_deadline` (缴费期限) and keeps
its arrears; the migrated table matches the model."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import UnitBase
from tests.storage.old_unit_db import unit_db_at

LINE = (
    "INSERT INTO pay_arrears (line_id, voucher_number, declaration_id, item_id, unit_number,"
    " levy_item, levy_category, part, period_start, period_end, pay_type, sequential,"
    ' "deferrable", amount, state, reason, bank_voucher_id, declared_at, tax_authority,'
    " fetched_at) VALUES ('QF0000000001', '10014403000123456789', 'SB202612040001',"
    " 'FI0000000123', '29747206', '10201', '102010001', '单位缴纳', '2026-10', '2026-10',"
    " '正常', 1, 0, '192000.00', '未缴费', NULL, NULL, '2026-11-04 10:01:00', NULL,"
    " '2026-11-04 10:05:00')"
)


def test_a_0017_database_upgrades_and_keeps_its_arrears(tmp_path: Path) -> None:
    db_path = tmp_path / "old.sqlite3"
    unit_db_at(db_path, "0017", LINE)
    db = UnitDatabase(db_path, tmp_path / "backups")
    try:
        assert db.migration_backup is not None and db.migration_backup.exists()
        with db.engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT line_id, period_end, amount, state, pay_deadline FROM pay_arrears"
            ).one()
            diff = compare_metadata(MigrationContext.configure(conn), UnitBase.metadata)
        assert tuple(row) == ("QF0000000001", "2026-10", "192000.00", "未缴费", None)
        assert [d for d in diff if "pay_arrears" in repr(d)] == []
    finally:
        db.close()
