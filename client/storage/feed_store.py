"""Local writes of one synced feed: staged full loads swapped in atomically, change pages.

Every method commits its own transaction, so a sync that dies between two calls leaves a
consistent database: either a page and its cursor are both there, or neither is.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

import orjson
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, InterfaceError, ProgrammingError

from client.storage.chunks import chunked, marks
from client.storage.errors import StorageError
from client.storage.feed_tables import FeedSpec, Row
from client.storage.unit_db import UnitDatabase


class RowsRejectedError(StorageError):
    """The database refused a page's rows (a required value missing, a value that is not
    a scalar); the page's transaction was rolled back, nothing of it was written."""

    def __init__(self, technical: str) -> None:
        super().__init__("税务系统返回的数据格式不正确，本次未做任何修改，请稍后重试。")
        self.technical = technical


REJECTED = (
    IntegrityError,
    InterfaceError,
    ProgrammingError,
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
)


@dataclass
class ChangeCounts:
    added: int = 0
    changed: int = 0
    removed: int = 0

    def __iadd__(self, other: ChangeCounts) -> ChangeCounts:
        self.added += other.added
        self.changed += other.changed
        self.removed += other.removed
        return self

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


class FeedStore:
    def __init__(self, db: UnitDatabase, spec: FeedSpec) -> None:
        self.db = db
        self.spec = spec
        self._name_idx = spec.fields.index("name")
        self._idno_idx = spec.fields.index("id_number")

    # -- sync runs ---------------------------------------------------------------------
    def start_run(self, mode: str, cursor_from: int | None) -> int:
        with self.db.write() as conn:
            result = conn.exec_driver_sql(
                "INSERT INTO sync_runs (feed, mode, status, started_at, cursor_from, added,"
                " changed, removed) VALUES (?, ?, 'running', ?, ?, 0, 0, 0)",
                (self.spec.name, mode, datetime.now(), cursor_from),
            )
            return int(result.lastrowid)

    def finish_run(
        self,
        run_id: int,
        status: str,
        *,
        mode: str | None = None,
        counts: ChangeCounts | None = None,
        cursor_to: int | None = None,
        total: int | None = None,
    ) -> None:
        counts = counts or ChangeCounts()
        with self.db.write() as conn:
            conn.exec_driver_sql(
                "UPDATE sync_runs SET status = ?, mode = COALESCE(?, mode), finished_at = ?,"
                " added = ?, changed = ?, removed = ?, cursor_to = ?, total = ? WHERE id = ?",
                (
                    status,
                    mode,
                    datetime.now(),
                    counts.added,
                    counts.changed,
                    counts.removed,
                    cursor_to,
                    total,
                    run_id,
                ),
            )

    # -- state -------------------------------------------------------------------------
    def _set_state(self, conn: Connection, **values: Any) -> None:
        defaults = {"full_done": False, "staging_active": False, "snapshot_stable": True}
        row = {"feed": self.spec.name, **defaults, **values}
        updates = ", ".join(f"{k} = excluded.{k}" for k in values)
        conn.exec_driver_sql(
            f"INSERT INTO sync_state ({', '.join(row)}) VALUES ({marks(len(row))})"
            f" ON CONFLICT(feed) DO UPDATE SET {updates}",
            tuple(row.values()),
        )

    def mark_needs_full(self) -> None:
        with self.db.write() as conn:
            self._set_state(conn, full_done=False)

    def live_count(self) -> int:
        with self.db.engine.connect() as conn:
            return int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {self.spec.table}").scalar())

    # -- full sync: staging ------------------------------------------------------------
    def _table_exists(self, conn: Connection, name: str) -> bool:
        return (
            conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
            ).first()
            is not None
        )

    def staging_ready(self) -> bool:
        state = self.db.sync_state(self.spec.name)
        if not state.staging_active:
            return False
        with self.db.engine.connect() as conn:
            return self._table_exists(conn, self.spec.staging_table) and self._table_exists(
                conn, self.spec.staging_item_table
            )

    def begin_staging(self) -> None:
        """Fresh, index-free copies of the live tables' structure (indexes come at the swap)."""
        spec = self.spec
        with self.db.write() as conn:
            for live, staging in (
                (spec.table, spec.staging_table),
                (spec.item_table, spec.staging_item_table),
            ):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {staging}")
                ddl = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (live,)
                ).scalar_one()
                conn.exec_driver_sql(
                    re.sub(
                        rf'^CREATE TABLE\s+("?){live}\1', f"CREATE TABLE {staging}", ddl, count=1
                    )
                )
            self._set_state(
                conn,
                staging_active=True,
                snapshot_seq=None,
                snapshot_after_id=0,
                snapshot_total=None,
                snapshot_stable=True,
            )

    def stage_page(
        self,
        records: list[Row],
        items: list[Row],
        *,
        snapshot_seq: int,
        total: int,
        next_after_id: int,
    ) -> None:
        """Append one snapshot page and remember how far the snapshot got, in one transaction."""
        spec = self.spec
        with self.db.write() as conn:
            state = conn.exec_driver_sql(
                "SELECT snapshot_seq, snapshot_stable FROM sync_state WHERE feed = ?",
                (spec.name,),
            ).one()
            first_seq, stable = state
            self._insert(conn, spec.staging_table, spec.staging_item_table, records, items)
            if first_seq is None:
                first_seq = snapshot_seq
            elif snapshot_seq != first_seq:
                stable = False
            self._set_state(
                conn,
                snapshot_seq=first_seq,
                snapshot_after_id=next_after_id,
                snapshot_total=total,
                snapshot_stable=bool(stable),
            )

    def staged_count(self) -> int:
        with self.db.engine.connect() as conn:
            return int(
                conn.exec_driver_sql(f"SELECT COUNT(*) FROM {self.spec.staging_table}").scalar()
            )

    def discard_staging(self) -> None:
        with self.db.write() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.spec.staging_table}")
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self.spec.staging_item_table}")
            self._set_state(conn, staging_active=False, snapshot_seq=None, snapshot_after_id=None)

    def swap_in_staging(self, run_id: int) -> ChangeCounts:
        """Record what the full load changes, then replace the live tables in one transaction."""
        spec = self.spec
        live, staging = spec.table, spec.staging_table
        name, idno = spec.fields[self._name_idx], spec.fields[self._idno_idx]
        with self.db.write() as conn:
            state = conn.exec_driver_sql(
                "SELECT snapshot_seq FROM sync_state WHERE feed = ?", (spec.name,)
            ).one()
            counts = ChangeCounts()
            for kind, newer, older in (("added", staging, live), ("removed", live, staging)):
                result = conn.exec_driver_sql(
                    "INSERT INTO sync_changes (run_id, feed, kind, record_id, name, id_number)"
                    f" SELECT ?, ?, ?, n.id, n.{name}, n.{idno} FROM {newer} n"
                    f" WHERE NOT EXISTS (SELECT 1 FROM {older} o WHERE o.id = n.id)",
                    (run_id, spec.name, kind),
                )
                setattr(counts, kind, result.rowcount)
            changed_ids = [
                r[0]
                for r in conn.exec_driver_sql(
                    f"SELECT n.id FROM {staging} n JOIN {live} o ON o.id = n.id"
                    " WHERE o.seq <> n.seq"
                )
            ]
            if changed_ids:
                old_rows, old_items = self._load(conn, changed_ids, live, spec.item_table)
                new_rows, new_items = self._load(
                    conn, changed_ids, staging, spec.staging_item_table
                )
                self._record(
                    conn,
                    run_id,
                    "changed",
                    (
                        (
                            new_rows[i],
                            describe_change(
                                spec, old_rows[i], old_items[i], new_rows[i], new_items[i]
                            ),
                        )
                        for i in changed_ids
                    ),
                )
                counts.changed = len(changed_ids)
            index_sql = [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                    " AND tbl_name IN (?, ?)",
                    (spec.table, spec.item_table),
                )
            ]
            conn.exec_driver_sql(f"DROP TABLE {spec.item_table}")
            conn.exec_driver_sql(f"DROP TABLE {spec.table}")
            conn.exec_driver_sql(f"ALTER TABLE {spec.staging_table} RENAME TO {spec.table}")
            conn.exec_driver_sql(
                f"ALTER TABLE {spec.staging_item_table} RENAME TO {spec.item_table}"
            )
            for sql in index_sql:
                conn.exec_driver_sql(sql)
            now = datetime.now()
            self._set_state(
                conn,
                cursor=state[0],
                full_done=True,
                staging_active=False,
                snapshot_seq=None,
                snapshot_after_id=None,
                last_full_at=now,
                last_sync_at=now,
            )
        return counts

    # -- incremental sync ------------------------------------------------------------------
    def apply_changes(
        self,
        run_id: int,
        records: list[Row],
        items: list[Row],
        removals: list[tuple[int, int]],
        cursor: int,
    ) -> ChangeCounts:
        """Apply one change page and move the cursor past it, in one transaction."""
        spec = self.spec
        counts = ChangeCounts()
        removal_ids = [r[0] for r in removals]
        touched = [r[0] for r in records] + removal_ids
        with self.db.write() as conn:
            old_rows, old_items = self._load(conn, touched, spec.table, spec.item_table)
            new_items: dict[int, list[Row]] = defaultdict(list)
            for it in items:
                new_items[it[0]].append(it[1:])
            notes: list[tuple[str, Row, str | None]] = []
            for rec in records:
                old = old_rows.get(rec[0])
                if old is None:
                    notes.append(("added", rec, None))
                    counts.added += 1
                elif old[1] != rec[1]:
                    detail = describe_change(
                        spec,
                        old,
                        old_items.get(rec[0], []),
                        rec[: len(spec.fields)],
                        new_items.get(rec[0], []),
                    )
                    notes.append(("changed", rec, detail))
                    counts.changed += 1
            for rid in removal_ids:
                if rid in old_rows:
                    notes.append(("removed", old_rows[rid], None))
                    counts.removed += 1
            for chunk in chunked(touched):
                conn.exec_driver_sql(
                    f"DELETE FROM {spec.item_table} WHERE {spec.item_owner} IN ({marks(len(chunk))})",
                    tuple(chunk),
                )
            for chunk in chunked(removal_ids):
                conn.exec_driver_sql(
                    f"DELETE FROM {spec.table} WHERE id IN ({marks(len(chunk))})", tuple(chunk)
                )
            self._insert(conn, spec.table, spec.item_table, records, items)
            for kind in ("added", "changed", "removed"):
                self._record(conn, run_id, kind, ((row, d) for k, row, d in notes if k == kind))
            self._set_state(conn, cursor=cursor, last_sync_at=datetime.now())
        return counts

    # -- helpers ---------------------------------------------------------------------------
    def _insert(
        self, conn: Connection, table: str, item_table: str, records: list[Row], items: list[Row]
    ) -> None:
        # Straight to the driver's cursor, in the connection's transaction: rows may be
        # the decoded record lists (SQLAlchemy takes only tuples), and 400,000 items skip
        # its parameter handling.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if records:
                _insert_rows(cursor, self.spec.insert_sql(table), records)
            if items:
                _insert_rows(cursor, self.spec.item_insert_sql(item_table), items)
        except REJECTED as exc:
            raise RowsRejectedError(str(getattr(exc, "orig", exc))) from None
        finally:
            cursor.close()

    def _load(
        self, conn: Connection, ids: Sequence[int], table: str, item_table: str
    ) -> tuple[dict[int, Row], dict[int, list[Row]]]:
        spec = self.spec
        rows: dict[int, Row] = {}
        items: dict[int, list[Row]] = defaultdict(list)
        cols = ", ".join(spec.fields)
        item_cols = ", ".join((spec.item_owner, *spec.item_fields))
        for chunk in chunked(ids):
            held = marks(len(chunk))
            for row in conn.exec_driver_sql(
                f"SELECT {cols} FROM {table} WHERE id IN ({held})", tuple(chunk)
            ):
                rows[row[0]] = tuple(row)
            for row in conn.exec_driver_sql(
                f"SELECT {item_cols} FROM {item_table} WHERE {spec.item_owner} IN ({held})"
                " ORDER BY rowid",
                tuple(chunk),
            ):
                items[row[0]].append(tuple(row[1:]))
        return rows, items

    def _record(
        self, conn: Connection, run_id: int, kind: str, entries: Iterable[tuple[Row, str | None]]
    ) -> None:
        rows = [
            (run_id, self.spec.name, kind, row[0], row[self._name_idx], row[self._idno_idx], d)
            for row, d in entries
        ]
        if rows:
            conn.exec_driver_sql(
                "INSERT INTO sync_changes (run_id, feed, kind, record_id, name, id_number, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )


ROWS_PER_STATEMENT = 64


def _insert_rows(cursor: Any, sql: str, rows: Sequence[Row]) -> None:
    """`sql` (an INSERT … VALUES (?, …) of one row) for every row, ROWS_PER_STATEMENT rows to
    a statement: one step of SQLite (and one release of the GIL) per 64 rows instead of per
    row makes a page's insert about a fifth faster. Rows are inserted in order, as one
    statement per row would; a refused row fails the statement, which the caller's
    transaction rolls back with the rest of the page."""
    k = ROWS_PER_STATEMENT
    # Flattened rows only line up when every row has the statement's width; otherwise
    # one row per statement, where the driver names a wrong row as wrong.
    full = len(rows) - len(rows) % k if len(set(map(len, rows))) == 1 else 0
    if full:
        head, _, one = sql.rpartition(" VALUES ")
        many = f"{head} VALUES {', '.join([one] * k)}"
        cursor.executemany(
            many, [tuple(chain.from_iterable(rows[i : i + k])) for i in range(0, full, k)]
        )
    if full < len(rows):
        cursor.executemany(sql, rows[full:])


IGNORED_IN_DETAIL = frozenset({"id", "seq", "updated_at"})


def describe_change(
    spec: FeedSpec, old: Row, old_items: list[Row], new: Row, new_items: list[Row]
) -> str:
    """What changed, as JSON: {"fields": {name: [old, new]}, "items": {"added", "removed"}}."""
    fields = {
        f: [o, n]
        for f, o, n in zip(spec.fields, old, new, strict=True)
        if f not in IGNORED_IN_DETAIL and o != n
    }
    before = {tuple(i) for i in old_items}
    after = {tuple(i) for i in new_items}
    detail: dict[str, Any] = {"fields": fields}
    if before != after:
        detail["items"] = {
            "added": [
                dict(zip(spec.item_fields, i, strict=True)) for i in sorted(after - before, key=str)
            ],
            "removed": [
                dict(zip(spec.item_fields, i, strict=True)) for i in sorted(before - after, key=str)
            ],
        }
    return orjson.dumps(detail).decode("utf-8")
