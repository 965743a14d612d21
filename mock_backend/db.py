"""The backend's SQLite database: schema (SQLAlchemy Core tables), engine with WAL, transactions.

Hot paths (feeds, seeding, mutations) run plain SQL on the driver connection inside a
transaction opened here. Items live in WITHOUT ROWID tables keyed by (owner, position), so
one record's items sit together on disk and come back in their order.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    create_engine,
    event,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", Text, nullable=False),
)

# One row: the server-wide monotonic sequence every synced change takes a value from.
sequence = Table(
    "sequence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
)

regions = Table(
    "regions",
    metadata,
    Column("code", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("employer_online", Boolean, nullable=False),
    Column("collector_online", Boolean, nullable=False),
    Column("collection_mode", String, nullable=False),
    Column("position", Integer, nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("unit_id", String, primary_key=True),
    Column("taxpayer_id", String, nullable=False),
    Column("taxpayer_name", String, nullable=False),
    Column("kind", String, nullable=False),  # employer | collector
    Column("region", String, nullable=False),
    Column("district", String, nullable=False),
    Column("registered_on", String, nullable=False),
    Column("taxpayer_status", String, nullable=False),
    Column("unit_type", String, nullable=False),
    Column("tax_authority", String, nullable=False),
    Column("tax_section", String, nullable=False),
    Column("password_hash", String),  # NULL while the initial password is in force
    Column("initial_password", Boolean, nullable=False),
    Column("failed_attempts", Integer, nullable=False),
    Column("failed_day", String),
    Column("locked_until", String),
    Index("ix_units_taxpayer", "taxpayer_id", "region", "kind"),
)

registrations = Table(
    "registrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("agency", String, nullable=False),
    Column("agency_type", String, nullable=False),  # 社保 | 医保
    Column("tax_authority", String, nullable=False),
    Column("tax_section", String, nullable=False),
    Index("ix_registrations_unit", "unit_id", "position"),
)

employees = Table(
    "employees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("deleted", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("gender", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),
    Column("birth_date", String, nullable=False),
    Column("status", String, nullable=False),
    Column("updated_at", String, nullable=False),
    sqlite_autoincrement=True,  # ids of purged tombstones are never reused
)

employee_items = Table(
    "employee_items",
    metadata,
    Column("employee_id", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("person_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("levy_subcategory", String, nullable=False),
    Column("special_category", String, nullable=False),
    Column("base", String, nullable=False),
    Column("start_month", String, nullable=False),
    Column("end_month", String),
    PrimaryKeyConstraint("employee_id", "position"),
    sqlite_with_rowid=False,
)

residents = Table(
    "residents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("deleted", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("gender", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),
    Column("birth_date", String, nullable=False),
    Column("phone", String),
    Column("township", String, nullable=False),
    Column("village", String, nullable=False),
    Column("status", String, nullable=False),
    Column("updated_at", String, nullable=False),
    sqlite_autoincrement=True,
)

resident_items = Table(
    "resident_items",
    metadata,
    Column("resident_id", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("person_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("levy_subcategory", String, nullable=False),
    Column("start_month", String, nullable=False),
    Column("end_month", String),
    PrimaryKeyConstraint("resident_id", "position"),
    sqlite_with_rowid=False,
)

# Per (unit, feed): the floor below which history was purged, and the live record count
# (kept up to date by every write, so a no-change request does not count 100,000 rows).
feed_state = Table(
    "feed_state",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("feed", String, nullable=False),
    Column("floor", Integer, nullable=False),
    Column("live_count", Integer, nullable=False),
    PrimaryKeyConstraint("unit_id", "feed"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token", String, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("created_at", String, nullable=False),
    Column("expires_at", String, nullable=False),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("key", String, nullable=False),
    Column("method", String, nullable=False),
    Column("path", String, nullable=False),
    Column("body_hash", String, nullable=False),
    Column("status", Integer, nullable=False),
    Column("content_type", String, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("created_at", Float, nullable=False),
    PrimaryKeyConstraint("key", "method", "path"),
    Index("ix_idempotency_created", "created_at"),
)

rule_files = Table(
    "rule_files",
    metadata,
    Column("region", String, nullable=False),
    Column("code", String, nullable=False),
    Column("name", String, nullable=False),
    Column("version", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("content", Text, nullable=False),  # JSON
    PrimaryKeyConstraint("region", "code"),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("region", String, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("title", String, nullable=False),
    Column("body", Text, nullable=False),
    Column("published_at", String, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Index("ix_notices_region_seq", "region", "seq"),
)

# Unit reference data (单位信息, 单位参保信息, 工程项目). unit_info's unit_name, taxpayer_id and
# tax_authority are NULL unless the admin API overrode them (the units row is the source).
unit_info = Table(
    "unit_info",
    metadata,
    Column("unit_id", String, primary_key=True),
    Column("taxpayer_id", String),
    Column("unit_name", String),
    Column("tax_authority", String),
    Column("finance_officer", String),
    Column("legal_representative", String),
    Column("industry", String),
    Column("enterprise_type", String),
    Column("address", String),
    Column("postal_code", String),
    Column("phone", String),
    Column("email", String),
    Column("listed", Boolean, nullable=False),
)

unit_insurance = Table(
    "unit_insurance",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("agency", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("levy_subcategory", String),
    Column("start_date", String),
    Column("end_date", String),
    Column("status", String, nullable=False),  # 正常 | 暂停 | 注销
    Column("unit_rate", String),
    Column("personal_rate", String),
    Column("tax_authority", String),
    PrimaryKeyConstraint("unit_id", "position"),
    sqlite_with_rowid=False,
)

projects = Table(
    "projects",
    metadata,
    Column("project_number", String, primary_key=True),
    Column("unit_id", String, nullable=False),
    Column("project_name", String, nullable=False),
    Column("project_address", String),
    Column("contract_amount", String),
    Column("start_date", String),
    Column("end_date", String),
    Column("unit_number", String),
    Column("agency", String),
    Column("levy_item", String),
    Column("status", String, nullable=False),  # 在建 | 停工 | 竣工
    Column("registered_on", String),
    Index("ix_projects_unit", "unit_id", "project_number"),
)

# Feed indexes are created after bulk loading (faster than maintaining them row by row).
FEED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_employees_unit_seq ON employees (unit_id, seq)",
    "CREATE INDEX IF NOT EXISTS ix_employees_unit_live ON employees (unit_id, id) WHERE deleted = 0",
    "CREATE INDEX IF NOT EXISTS ix_residents_unit_seq ON residents (unit_id, seq)",
    "CREATE INDEX IF NOT EXISTS ix_residents_unit_live ON residents (unit_id, id) WHERE deleted = 0",
)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # SQLAlchemy's "begin" event emits BEGIN itself, so a read transaction really holds
    # one snapshot across several SELECTs (pysqlite would not start one for SELECT).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "busy_timeout=30000",
        "cache_size=-65536",
        "temp_store=MEMORY",
        "mmap_size=268435456",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The engine plus read and write transactions.

    SQLite has one writer: writes are serialised in-process by a lock and start with
    BEGIN IMMEDIATE; reads start with BEGIN so several statements see one snapshot (WAL).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=40,
        )
        event.listen(self.engine, "connect", _on_connect)
        event.listen(self.engine, "begin", _on_begin)
        self.write_lock = threading.RLock()

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.write_lock, self.engine.connect() as conn:
            conn = conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    def create_schema(self) -> None:
        import mock_backend.authorisation_accounts_tables  # noqa: F401  (registers tables)
        import mock_backend.authorisation_tables  # noqa: F401  (likewise)
        import mock_backend.collect_tables  # noqa: F401  (registers its tables on `metadata`)
        import mock_backend.personal_payment_tables  # noqa: F401  (likewise)
        import mock_backend.refund_tables  # noqa: F401  (likewise)
        import mock_backend.resident_tables  # noqa: F401  (likewise)
        import mock_backend.wage_tables  # noqa: F401  (likewise)
        from mock_backend import certificate_tables, fee_tables  # (likewise)

        metadata.create_all(self.engine)
        with self.write() as conn:
            conn.exec_driver_sql("INSERT OR IGNORE INTO sequence (id, value) VALUES (1, 0)")
            fee_tables.upgrade(driver(conn))
            certificate_tables.create_indexes(driver(conn))

    def create_feed_indexes(self) -> None:
        with self.write() as conn:
            for statement in FEED_INDEXES:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql("ANALYZE")


def driver(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy connection, for hot paths returning tuples."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def get_meta(conn: Connection, key: str) -> str | None:
    row = driver(conn).execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: Connection, key: str, value: str) -> None:
    driver(conn).execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def sequence_value(conn: Connection) -> int:
    return int(driver(conn).execute("SELECT value FROM sequence WHERE id = 1").fetchone()[0])


def take_sequence(conn: Connection, count: int = 1) -> int:
    """Reserve `count` sequence values; returns the first (the caller uses first..first+count-1)."""
    row = (
        driver(conn)
        .execute("UPDATE sequence SET value = value + ? WHERE id = 1 RETURNING value", (count,))
        .fetchone()
    )
    return int(row[0]) - count + 1
