"""Read side of the change feeds: snapshot and changes pages.

Hot path: SQLite itself renders each record and its items as JSON text (json_array /
json_group_array in C), one query per page; Python only joins the texts and orjson embeds
them as a Fragment. No per-field Python objects, no model validation of outgoing pages.
"""

from __future__ import annotations

import sqlite3
import threading
from functools import cache
from weakref import WeakKeyDictionary

import orjson
from sqlalchemy import Connection, Engine

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


class _Rendered:
    """Records already rendered as wire JSON, per database and feed: id → (seq, text).

    Every change to a record or its items gives it a new sequence value (records.py), so
    a text whose seq still matches is the record as it is now. A snapshot page is then one
    index-ordered read of (id, seq) and a join of texts; only new or changed records are
    rendered (by SQLite, as before).
    """

    def __init__(self) -> None:
        self.texts: dict[int, tuple[int, str]] = {}


_RENDERED: WeakKeyDictionary[Engine, dict[str, _Rendered]] = WeakKeyDictionary()
_rendered_lock = threading.Lock()


def _rendered(conn: Connection, spec: FeedSpec) -> _Rendered:
    with _rendered_lock:
        per_db = _RENDERED.setdefault(conn.engine, {})
        return per_db.setdefault(spec.name, _Rendered())


def _render(
    raw: sqlite3.Connection, spec: FeedSpec, unit_id: str, ids: list[int]
) -> dict[int, tuple[int, str]]:
    """The records `ids` (one unit's, ascending) rendered now: id → (seq, text)."""
    select = f"SELECT r.id, r.seq, {_json_columns(spec)} FROM {spec.table} r WHERE r.unit_id = ?"
    if len(ids) > 200:  # most of a range: one ordered scan of it
        rows = raw.execute(f"{select} AND r.id BETWEEN ? AND ?", (unit_id, ids[0], ids[-1]))
    else:
        rows = raw.execute(f"{select} AND r.id IN ({','.join('?' * len(ids))})", (unit_id, *ids))
    wanted = set(ids)
    return {
        rid: (seq, _record_text(record, items)) for rid, seq, record, items in rows if rid in wanted
    }


def snapshot_page(
    conn: Connection, spec: FeedSpec, unit_id: str, after_id: int, limit: int
) -> bytes:
    raw = driver(conn)
    keys = raw.execute(
        f"SELECT r.id, r.seq FROM {spec.table} r"
        " WHERE r.unit_id = ? AND r.deleted = 0 AND r.id > ? ORDER BY r.id LIMIT ?",
        (unit_id, after_id, limit + 1),
    ).fetchall()
    has_more = len(keys) > limit
    if has_more:
        keys = keys[:limit]
    texts = _rendered(conn, spec).texts
    known = [texts.get(rid) for rid, _ in keys]
    page_texts = [
        t[1] if t is not None and t[0] == seq else None
        for (_, seq), t in zip(keys, known, strict=True)
    ]
    stale = [rid for (rid, _), t in zip(keys, page_texts, strict=True) if t is None]
    if stale:
        fresh = _render(raw, spec, unit_id, stale)  # this read's versions
        texts.update(fresh)
        page_texts = [
            t if t is not None else fresh[rid][1]
            for (rid, _), t in zip(keys, page_texts, strict=True)
        ]
    _, total = feed_state(raw, unit_id, spec.name)
    page = {
        "feed": spec.name,
        "fields": spec.fields,
        "item_fields": spec.item_fields,
        "snapshot_seq": sequence_value(conn),
        "total": total,
        "records": _array(page_texts),
        "next_after_id": keys[-1][0] if has_more else None,
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
