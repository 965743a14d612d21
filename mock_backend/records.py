"""Write side of the feeds: every change takes the next sequence value; removals leave tombstones."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection

from mock_backend.db import driver, take_sequence
from mock_backend.errors import ApiError
from mock_backend.feed_spec import FEEDS, FeedSpec
from mock_backend.seed.loader import next_record_id

Row = tuple[Any, ...]


def spec_of(feed: str) -> FeedSpec:
    spec = FEEDS.get(feed)
    if spec is None:
        raise ApiError(404, "FEED_NOT_FOUND", f"没有“{feed}”这类数据，请使用employees或residents。")
    return spec


def load_records(
    raw: sqlite3.Connection, spec: FeedSpec, ids: Sequence[int]
) -> dict[int, list[Any]]:
    """Live records by id as mutable lists: [core columns..., items (list of lists)]."""
    if not ids:
        return {}
    id_list = orjson.dumps(list(ids)).decode()
    core = ", ".join(spec.core_columns)
    records: dict[int, list[Any]] = {}
    for row in raw.execute(
        f"SELECT id, {core} FROM {spec.table}"
        " WHERE deleted = 0 AND id IN (SELECT value FROM json_each(?))",
        (id_list,),
    ):
        records[row[0]] = [*row[1:], []]
    item_cols = ", ".join(spec.item_columns)
    for row in raw.execute(
        f"SELECT {spec.owner}, {item_cols} FROM {spec.item_table}"
        f" WHERE {spec.owner} IN (SELECT value FROM json_each(?)) ORDER BY {spec.owner}, position",
        (id_list,),
    ):
        if row[0] in records:
            records[row[0]][-1].append(list(row[1:]))
    return records


def write_records(
    raw: sqlite3.Connection, spec: FeedSpec, records: dict[int, list[Any]], first_seq: int
) -> dict[int, int]:
    """Store changed records (core + full item list) with consecutive new seqs; returns id→seq."""
    assignments = ", ".join(f"{c} = ?" for c in spec.core_columns)
    seqs: dict[int, int] = {}
    rows = []
    item_rows = []
    for offset, (record_id, record) in enumerate(sorted(records.items())):
        seq = first_seq + offset
        seqs[record_id] = seq
        rows.append((*record[:-1], seq, record_id))
        item_rows.extend((record_id, pos, *item) for pos, item in enumerate(record[-1]))
    raw.executemany(f"UPDATE {spec.table} SET {assignments}, seq = ? WHERE id = ?", rows)
    _delete_items(raw, spec, list(records))
    raw.executemany(spec.item_insert_sql, item_rows)
    return seqs


def _delete_items(raw: sqlite3.Connection, spec: FeedSpec, ids: Iterable[int]) -> None:
    raw.executemany(f"DELETE FROM {spec.item_table} WHERE {spec.owner} = ?", [(i,) for i in ids])


def insert_record(
    conn: Connection,
    spec: FeedSpec,
    unit_id: str,
    core: Sequence[Any],
    items: Sequence[Sequence[Any]],
) -> tuple[int, int]:
    """Insert one record with its items; returns (id, seq)."""
    raw = driver(conn)
    record_id = next_record_id(raw, spec)
    seq = take_sequence(conn)
    raw.execute(spec.insert_sql, (record_id, unit_id, seq, 0, *core))
    raw.executemany(
        spec.item_insert_sql, [(record_id, pos, *item) for pos, item in enumerate(items)]
    )
    raw.execute(
        "UPDATE feed_state SET live_count = live_count + 1 WHERE unit_id = ? AND feed = ?",
        (unit_id, spec.name),
    )
    return record_id, seq


def owner_unit(raw: sqlite3.Connection, spec: FeedSpec, record_id: int) -> str:
    row = raw.execute(
        f"SELECT unit_id FROM {spec.table} WHERE id = ? AND deleted = 0", (record_id,)
    ).fetchone()
    if row is None:
        raise ApiError(
            404, "RECORD_NOT_FOUND", f"没有找到编号为{record_id}的人员记录，可能已被删除。"
        )
    return str(row[0])


def remove_records(
    conn: Connection, spec: FeedSpec, unit_id: str, ids: Sequence[int], updated_at: str
) -> dict[int, int]:
    """Turn live records into tombstones with new seqs; returns id→seq."""
    if not ids:
        return {}
    raw = driver(conn)
    first = take_sequence(conn, len(ids))
    seqs = {record_id: first + i for i, record_id in enumerate(sorted(ids))}
    raw.executemany(
        f"UPDATE {spec.table} SET deleted = 1, seq = ?, updated_at = ? WHERE id = ? AND deleted = 0",
        [(seq, updated_at, record_id) for record_id, seq in seqs.items()],
    )
    _delete_items(raw, spec, seqs)
    raw.execute(
        "UPDATE feed_state SET live_count = live_count - ? WHERE unit_id = ? AND feed = ?",
        (len(seqs), unit_id, spec.name),
    )
    return seqs


def compact(conn: Connection, spec: FeedSpec, unit_id: str) -> tuple[int, int]:
    """Purge the feed's tombstones and raise its floor to the current sequence value."""
    raw = driver(conn)
    purged = raw.execute(
        f"DELETE FROM {spec.table} WHERE unit_id = ? AND deleted = 1", (unit_id,)
    ).rowcount
    floor = int(raw.execute("SELECT value FROM sequence WHERE id = 1").fetchone()[0])
    raw.execute(
        "INSERT INTO feed_state (unit_id, feed, floor, live_count) VALUES (?, ?, ?, 0)"
        " ON CONFLICT(unit_id, feed) DO UPDATE SET floor = excluded.floor",
        (unit_id, spec.name, floor),
    )
    return floor, purged
