"""FeedStore without a server: staging swap keeps indexes, change pages record what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client.storage.feed_store import FeedStore
from client.storage.feed_tables import EMPLOYEES
from client.storage.unit_db import UnitDatabase


def emp(i: int, seq: int, name: str = "林婷", status: str = "1") -> tuple:
    """A row as the parser makes it: wire fields, then the derived columns."""
    wire = (i, seq, name, "女", "01", f"ID{i:04d}", "1990-01-01", status, "2026-11-01 08:00:00")
    return (*wire, "|lt|", "2020-01", None)


def item(i: int, base: str = "5000.00") -> tuple:
    return (i, "1234", f"P{i}", "10201", "102010001", "1020100010", None, base, "2020-01", None)


@pytest.fixture
def store(tmp_path: Path) -> FeedStore:
    db = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield FeedStore(db, EMPLOYEES)
    db.close()


def index_names(store: FeedStore) -> set[str]:
    with store.db.engine.connect() as conn:
        return {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL"
            )
        }


def changes(store: FeedStore, run_id: int) -> list[tuple]:
    with store.db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT kind, record_id, detail FROM sync_changes WHERE run_id = ? ORDER BY id",
            (run_id,),
        ).all()


def test_full_swap_records_changes_and_keeps_indexes(store: FeedStore) -> None:
    before = index_names(store)
    run1 = store.start_run("full", None)
    store.begin_staging()
    store.stage_page(
        [emp(1, 10), emp(2, 11)], [item(1), item(2)], snapshot_seq=20, total=3, next_after_id=2
    )
    store.stage_page([emp(3, 12)], [item(3)], snapshot_seq=20, total=3, next_after_id=3)
    assert store.staged_count() == 3
    counts = store.swap_in_staging(run1)
    assert (counts.added, counts.changed, counts.removed) == (3, 0, 0)
    assert index_names(store) == before
    state = store.db.sync_state("employees")
    assert (state.cursor, state.full_done, state.staging_active) == (20, True, False)

    run2 = store.start_run("full", 20)
    store.begin_staging()
    store.stage_page(
        [emp(1, 10), emp(2, 30, status="3"), emp(4, 31)],
        [item(1), item(2, "6000.00"), item(4)],
        snapshot_seq=31,
        total=3,
        next_after_id=4,
    )
    counts = store.swap_in_staging(run2)
    assert (counts.added, counts.changed, counts.removed) == (1, 1, 1)
    rows = {(k, r): d for k, r, d in changes(store, run2)}
    assert set(rows) == {("added", 4), ("changed", 2), ("removed", 3)}
    detail = json.loads(rows[("changed", 2)])
    assert detail["fields"] == {"status": ["1", "3"]}
    assert detail["items"]["added"][0]["base"] == "6000.00"
    assert detail["items"]["removed"][0]["base"] == "5000.00"
    assert store.live_count() == 3
    assert index_names(store) == before


def test_apply_changes_moves_cursor_with_the_page(store: FeedStore) -> None:
    run = store.start_run("incremental", 0)
    counts = store.apply_changes(run, [emp(1, 5), emp(2, 6)], [item(1), item(2)], [], 6)
    assert (counts.added, counts.changed, counts.removed) == (2, 0, 0)
    counts = store.apply_changes(run, [emp(1, 7, name="林娜")], [item(1)], [(2, 8), (99, 9)], 9)
    assert (counts.added, counts.changed, counts.removed) == (0, 1, 1)
    assert store.db.sync_state("employees").cursor == 9
    with store.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, name FROM employees").all() == [(1, "林娜")]
        assert conn.exec_driver_sql("SELECT employee_id FROM employee_items").all() == [(1,)]
    # A replayed page (same seq) changes nothing and is not counted again.
    counts = store.apply_changes(run, [emp(1, 7, name="林娜")], [item(1)], [], 9)
    assert counts.total == 0


def test_discarded_staging_leaves_live_rows(store: FeedStore) -> None:
    run = store.start_run("incremental", 0)
    store.apply_changes(run, [emp(1, 5)], [item(1)], [], 5)
    store.begin_staging()
    store.stage_page([emp(7, 9)], [], snapshot_seq=9, total=1, next_after_id=7)
    assert store.staging_ready()
    store.discard_staging()
    assert not store.staging_ready()
    assert store.live_count() == 1
