"""Read side of the change feeds: snapshot and changes pages.

Hot path: SQLite itself renders each record and its items as JSON text (json_array /
json_group_array in C), one query per page; Python only joins the texts and orjson embeds
them as a Fragment. No per-field Python objects, no model validation of outgoing pages.
"""

from __future__ import annotations

import sqlite3
from functools import cache

import orjson
from sqlalchemy import Connection

from mock_backend.db import driver, sequence_value
from mock_backend.errors import ApiError
from mock_backend.feed_spec import FEED_OF_KIND, FEEDS, FeedSpec

MAX_LIMIT = 20_000
DEFAULT_LIMIT = 5_000


def feed_for_unit(conn: Connection, unit_id: str, feed: str) -> FeedSpec:
    """The feed spec if `feed` belongs to the unit's kind, else 404 FEED_NOT_FOUND."""
    row = driver(conn).execute("SELECT kind FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    if row is None:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}，请确认单位信息是否正确。")
    spec = FEEDS.get(feed)
    if spec is None or FEED_OF_KIND[row[0]] is not spec:
        kind_name = "用人单位" if row[0] == "employer" else "代收单位"
        raise ApiError(
            404,
            "FEED_NOT_FOUND",
            f"{kind_name}没有“{feed}”这类人员数据，请确认请求的数据类型是否正确。",
            {"feed": feed, "available": FEED_OF_KIND[row[0]].name},
        )
    return spec


def feed_state(raw: sqlite3.Connection, unit_id: str, feed: str) -> tuple[int, int]:
    """(floor, live_count) of a unit's feed."""
    row = raw.execute(
        "SELECT floor, live_count FROM feed_state WHERE unit_id = ? AND feed = ?", (unit_id, feed)
    ).fetchone()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


@cache
def _json_columns(spec: FeedSpec) -> str:
    """SELECT list rendering a live record as JSON: the record without items, then its items."""
    record = ", ".join(f"r.{c}" for c in spec.columns)
    item = ", ".join(f"i.{c}" for c in spec.item_columns)
    # The items table is clustered on (owner, position) and has no other index, so this
    # scan, and the aggregation following it, runs in position order. (An ORDER BY
    # subquery would lose the JSON subtype and quote every item as a string.)
    items = (
        f"(SELECT json_group_array(json_array({item}))"
        f" FROM {spec.item_table} i WHERE i.{spec.owner} = r.id)"
    )
    return f"json_array({record}), {items}"


def _record_text(record: str, items: str | None) -> str:
    # record is '[id, seq, ...]': insert the items array as its last element.
    return f"{record[:-1]},{items or '[]'}]"


def _array(texts: list[str]) -> orjson.Fragment:
    return orjson.Fragment("[" + ",".join(texts) + "]")


def snapshot_page(
    conn: Connection, spec: FeedSpec, unit_id: str, after_id: int, limit: int
) -> bytes:
    raw = driver(conn)
    rows = raw.execute(
        f"SELECT r.id, {_json_columns(spec)} FROM {spec.table} r"
        " WHERE r.unit_id = ? AND r.deleted = 0 AND r.id > ? ORDER BY r.id LIMIT ?",
        (unit_id, after_id, limit + 1),
    ).fetchall()
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    _, total = feed_state(raw, unit_id, spec.name)
    page = {
        "feed": spec.name,
        "fields": spec.fields,
        "item_fields": spec.item_fields,
        "snapshot_seq": sequence_value(conn),
        "total": total,
        "records": _array([_record_text(r[1], r[2]) for r in rows]),
        "next_after_id": rows[-1][0] if has_more else None,
    }
    return orjson.dumps(page)


def changes_page(conn: Connection, spec: FeedSpec, unit_id: str, cursor: int, limit: int) -> bytes:
    raw = driver(conn)
    floor, total = feed_state(raw, unit_id, spec.name)
    if cursor < floor:
        raise ApiError(
            410,
            "CURSOR_EXPIRED",
            "本地人员数据的更新位置已过期（服务器已清理更早的变更记录），请进行全量更新。",
            {"cursor": cursor, "floor": floor},
        )
    live = _json_columns(spec)
    rows = raw.execute(
        f"SELECT r.id, r.seq, r.deleted, {live} FROM {spec.table} r"
        " WHERE r.unit_id = ? AND r.seq > ? ORDER BY r.seq LIMIT ?",
        (unit_id, cursor, limit + 1),
    ).fetchall()
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    page = {
        "feed": spec.name,
        "fields": spec.fields,
        "item_fields": spec.item_fields,
        "cursor": rows[-1][1] if has_more else sequence_value(conn),
        "has_more": has_more,
        "total": total,
        "upserts": _array([_record_text(r[3], r[4]) for r in rows if not r[2]]),
        "removals": [(r[0], r[1]) for r in rows if r[2]],
    }
    return orjson.dumps(page)


def dump(conn: Connection, spec: FeedSpec, unit_id: str) -> bytes:
    """Every live record of the unit's feed, ordered by id, in the wire layout."""
    rows = (
        driver(conn)
        .execute(
            f"SELECT {_json_columns(spec)} FROM {spec.table} r"
            " WHERE r.unit_id = ? AND r.deleted = 0 ORDER BY r.id",
            (unit_id,),
        )
        .fetchall()
    )
    return orjson.dumps(
        {
            "fields": spec.fields,
            "item_fields": spec.item_fields,
            "records": _array([_record_text(r[0], r[1]) for r in rows]),
        }
    )
