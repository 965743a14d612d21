"""Local writes of 社保费申报: the fee item mirror, item lines, declarations.

Every write is one transaction through the unit database's writer, so a sync or download
cut off half-way leaves the previous state, never a mix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from client.fees.wire import DECLARATION_COLUMNS, ITEM_FIELDS, LINE_FIELDS, declaration_values
from client.storage.chunks import chunked, marks

ITEM_COLUMNS = (*ITEM_FIELDS, "merge_key", "fetched_at")
_UPSERT_ITEM = (
    f"INSERT INTO fee_items ({', '.join(ITEM_COLUMNS)}, lines_fetched)"
    f" VALUES ({marks(len(ITEM_COLUMNS))}, 0) ON CONFLICT(item_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ITEM_COLUMNS[1:])
    # downloaded lines stay valid only while the item's figures are the same
    + ", lines_fetched = CASE WHEN fee_items.amount = excluded.amount"
    " AND fee_items.headcount = excluded.headcount THEN fee_items.lines_fetched ELSE 0 END"
)
_UPSERT_DECLARATION = (
    f"INSERT INTO fee_declarations ({', '.join(DECLARATION_COLUMNS)})"
    f" VALUES ({marks(len(DECLARATION_COLUMNS))}) ON CONFLICT(declaration_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in DECLARATION_COLUMNS[1:])
)
INSERT_LINES = (
    f"INSERT OR REPLACE INTO fee_item_lines (item_id, {', '.join(LINE_FIELDS)})"
    f" VALUES (?, {marks(len(LINE_FIELDS))})"
)


def item_values(row: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    return (*(row[f] for f in ITEM_FIELDS), row["merge_key"], now)


def upsert_items(conn: Connection, rows: Iterable[dict[str, Any]], now: datetime) -> list[str]:
    """Insert or update items; drops the lines of items whose figures changed."""
    values = [item_values(r, now) for r in rows]
    if not values:
        return []
    conn.exec_driver_sql(_UPSERT_ITEM, values)
    ids = [v[0] for v in values]
    for chunk in chunked(ids):
        conn.exec_driver_sql(
            "DELETE FROM fee_item_lines WHERE item_id IN (SELECT item_id FROM fee_items"
            f" WHERE lines_fetched = 0 AND item_id IN ({marks(len(chunk))}))",
            tuple(chunk),
        )
    return ids


def replace_items(
    conn: Connection, categories: Sequence[str], rows: list[dict[str, Any]], now: datetime
) -> None:
    """The mirror of these categories becomes exactly `rows` (items of local declarations
    the server no longer lists are kept for their records)."""
    keep = set(upsert_items(conn, rows, now))
    stale = [
        r[0]
        for r in conn.exec_driver_sql(
            f"SELECT item_id FROM fee_items WHERE category IN ({marks(len(categories))})"
            " AND item_id NOT IN (SELECT item_id FROM fee_declaration_items)",
            tuple(categories),
        )
        if r[0] not in keep
    ]
    for chunk in chunked(stale):
        args = tuple(chunk)
        conn.exec_driver_sql(
            f"DELETE FROM fee_item_lines WHERE item_id IN ({marks(len(chunk))})", args
        )
        conn.exec_driver_sql(f"DELETE FROM fee_items WHERE item_id IN ({marks(len(chunk))})", args)


def upsert_declaration(conn: Connection, d: dict[str, Any], now: datetime) -> None:
    """A declaration with its items (as the server lists them)."""
    conn.exec_driver_sql(_UPSERT_DECLARATION, declaration_values(d, now))
    upsert_items(conn, d["items"], now)
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO fee_declaration_items (declaration_id, item_id) VALUES (?, ?)",
        [(d["declaration_id"], i["item_id"]) for i in d["items"]],
    )


def clear_lines(conn: Connection, item_id: str) -> None:
    conn.exec_driver_sql("DELETE FROM fee_item_lines WHERE item_id = ?", (item_id,))
    conn.exec_driver_sql("UPDATE fee_items SET lines_fetched = 0 WHERE item_id = ?", (item_id,))
