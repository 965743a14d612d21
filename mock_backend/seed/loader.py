"""Bulk insertion of units, registrations and generated records (executemany in big batches)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from mock_backend.feed_spec import FEEDS, FeedSpec
from mock_backend.seed.people import EmployeeFactory, ResidentFactory
from mock_backend.seed.taxpayers import UnitSpec

BATCH = 20_000

UNIT_INSERT = (
    "INSERT INTO units (unit_id, taxpayer_id, taxpayer_name, kind, region, district, registered_on,"
    " taxpayer_status, unit_type, tax_authority, tax_section, password_hash, initial_password,"
    " failed_attempts, failed_day, locked_until)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, '正常', ?, ?, ?, NULL, 1, 0, NULL, NULL)"
)
REGISTRATION_INSERT = (
    "INSERT INTO registrations (unit_id, position, unit_number, agency, agency_type,"
    " tax_authority, tax_section) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def insert_units(raw: sqlite3.Connection, specs: Iterable[UnitSpec]) -> None:
    specs = list(specs)
    raw.executemany(
        UNIT_INSERT,
        [
            (
                s.unit_id,
                s.taxpayer_id,
                s.taxpayer_name,
                s.kind,
                s.region.code,
                s.district.code,
                s.registered_on,
                s.unit_type,
                s.tax_authority,
                s.tax_section,
            )
            for s in specs
        ],
    )
    raw.executemany(REGISTRATION_INSERT, [row for s in specs for row in s.registration_rows()])
    raw.executemany(
        "INSERT OR IGNORE INTO feed_state (unit_id, feed, floor, live_count) VALUES (?, ?, 0, 0)",
        [(s.unit_id, s.feed) for s in specs],
    )


def next_record_id(raw: sqlite3.Connection, spec: FeedSpec) -> int:
    """The next unused id of a feed table (AUTOINCREMENT never reuses purged ids)."""
    row = raw.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (spec.table,)).fetchone()
    top = raw.execute(f"SELECT MAX(id) FROM {spec.table}").fetchone()[0] or 0
    return max(top, row[0] if row else 0) + 1


def insert_generated(
    raw: sqlite3.Connection,
    spec: FeedSpec,
    unit_id: str,
    factory: EmployeeFactory | ResidentFactory,
    count: int,
    first_id: int,
    first_seq: int,
    updated_at: str | None = None,
) -> list[int]:
    """Generate `count` records, insert them with consecutive ids and seqs; returns the ids."""
    rows: list[tuple[object, ...]] = []
    item_rows: list[tuple[object, ...]] = []
    make = factory.make
    for offset in range(count):
        record_id = first_id + offset
        core, items = make()
        if updated_at is not None:
            core = (*core[:-1], updated_at)
        rows.append((record_id, unit_id, first_seq + offset, 0, *core))
        for position, item in enumerate(items):
            item_rows.append((record_id, position, *item))
        if len(rows) >= BATCH:
            _flush(raw, spec, rows, item_rows)
    _flush(raw, spec, rows, item_rows)
    raw.execute(
        "UPDATE feed_state SET live_count = live_count + ? WHERE unit_id = ? AND feed = ?",
        (count, unit_id, spec.name),
    )
    return list(range(first_id, first_id + count))


def _flush(
    raw: sqlite3.Connection,
    spec: FeedSpec,
    rows: list[tuple[object, ...]],
    item_rows: list[tuple[object, ...]],
) -> None:
    if rows:
        raw.executemany(spec.insert_sql, rows)
        rows.clear()
    if item_rows:
        raw.executemany(spec.item_insert_sql, item_rows)
        item_rows.clear()


def load_unit_records(raw: sqlite3.Connection, specs: Iterable[UnitSpec], first_seq: int) -> int:
    """Insert every unit's generated records; returns the last sequence value used."""
    seq = first_seq - 1
    next_ids = {name: next_record_id(raw, spec) for name, spec in FEEDS.items()}
    for unit in specs:
        spec = FEEDS[unit.feed]
        if unit.records <= 0:
            continue
        insert_generated(
            raw, spec, unit.unit_id, unit.factory(), unit.records, next_ids[spec.name], seq + 1
        )
        next_ids[spec.name] += unit.records
        seq += unit.records
    return seq
