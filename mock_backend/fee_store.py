"""Reading fee items, their person lines and fee declarations in the wire layout.

Amounts are integer 分 in the tables and rendered as "960.00" by SQLite; a details page is
rendered row by row as JSON text by SQLite and embedded by orjson as a Fragment (as the feed
pages are), so paging 100,000 lines creates no Python object per field.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import orjson

from mock_backend.errors import ApiError

ITEM_FIELDS = [
    "item_id", "category", "data_source", "unit_number", "agency", "tax_authority",
    "project_number", "collection_serial", "valid_until", "period_start", "period_end",
    "levy_item", "levy_category", "special_type", "headcount", "wage_total", "base_total",
    "unit_rate", "personal_rate", "unit_amount", "personal_amount", "amount", "state",
    "declaration_id", "reason", "created_at",
]  # fmt: skip
LINE_FIELDS = [
    "position", "person_id", "person_number", "name", "id_type", "id_number", "period",
    "wage", "base", "unit_rate", "personal_rate", "unit_amount", "personal_amount", "amount",
]  # fmt: skip
DECLARATION_FIELDS = [
    "declaration_id", "category", "data_source", "channel", "submitted_at", "status",
    "pay_status", "amount", "headcount", "tax_authority", "voucher_number", "unit_number",
    "period_start", "period_end", "project_number", "collection_serial", "reason",
    "processed_at", "voided_at",
]  # fmt: skip
_MONEY = frozenset({"wage_total", "base_total", "unit_amount", "personal_amount", "amount"})
MAX_LIMIT = 20_000
DEFAULT_LIMIT = 5_000
ITEM_ORDER = "period_start, unit_number, levy_item, levy_category, item_id"


def money(column: str) -> str:
    """SQL rendering integer 分 as an amount string with two decimals."""
    return (
        f"(CASE WHEN {column} < 0 THEN '-' ELSE '' END"
        f" || printf('%d.%02d', abs({column}) / 100, abs({column}) % 100))"
    )


def _select(fields: Sequence[str], prefix: str = "") -> str:
    return ", ".join(money(prefix + f) if f in _MONEY else prefix + f for f in fields)


ITEM_SELECT = _select(ITEM_FIELDS)
_LINE_JSON = "json_array(" + ", ".join(
    [
        *LINE_FIELDS[:7],
        money("wage"),
        money("base"),
        "unit_rate",
        "personal_rate",
        money("unit_amount"),
        money("personal_amount"),
        money("unit_amount + personal_amount"),
    ]
) + ")"  # fmt: skip


def item_not_found(item_ids: Sequence[str]) -> ApiError:
    shown = "、".join(item_ids[:5]) + ("等" if len(item_ids) > 5 else "")
    return ApiError(
        404,
        "ITEM_NOT_FOUND",
        f"没有找到本单位的应缴信息{shown}，请刷新应缴信息后重新勾选。",
        {"item_ids": list(item_ids)},
    )


def list_items(
    raw: sqlite3.Connection, unit_id: str, categories: Sequence[str], states: Sequence[str]
) -> list[list[Any]]:
    """The unit's items in the wire layout, optionally of some categories and states (a
    代收代报（自主） request's `self` items are not 应缴信息: only its declaration shows them)."""
    sql = f"SELECT {ITEM_SELECT} FROM fee_items WHERE unit_id = ? AND category != 'self'"
    params: list[Any] = [unit_id]
    for column, values in (("category", categories), ("state", states)):
        if values:
            sql += f" AND {column} IN ({', '.join('?' * len(values))})"
            params.extend(values)
    return [list(row) for row in raw.execute(f"{sql} ORDER BY {ITEM_ORDER}", params)]


def items_by_id(raw: sqlite3.Connection, unit_id: str, item_ids: Sequence[str]) -> list[list[Any]]:
    """Items of the unit in the wire layout, in `ITEM_ORDER` (unknown ids are left out)."""
    return [
        list(row)
        for row in raw.execute(
            f"SELECT {ITEM_SELECT} FROM fee_items WHERE unit_id = ?"
            f" AND item_id IN (SELECT value FROM json_each(?)) ORDER BY {ITEM_ORDER}",
            (unit_id, orjson.dumps(list(item_ids)).decode()),
        )
    ]


def details_page(
    raw: sqlite3.Connection, unit_id: str, item_id: str, after: int, limit: int
) -> bytes:
    """One page of an item's person lines (预处理明细), ordered by position."""
    found = raw.execute(
        "SELECT 1 FROM fee_items WHERE unit_id = ? AND item_id = ?", (unit_id, item_id)
    ).fetchone()
    if found is None:
        raise item_not_found([item_id])
    rows = raw.execute(
        f"SELECT position, {_LINE_JSON} FROM fee_item_lines WHERE item_id = ? AND position > ?"
        " ORDER BY position LIMIT ?",
        (item_id, after, limit + 1),
    ).fetchall()
    has_more = len(rows) > limit
    if has_more:
        rows = rows[:limit]
    total = raw.execute(
        "SELECT COUNT(*) FROM fee_item_lines WHERE item_id = ?", (item_id,)
    ).fetchone()[0]
    return orjson.dumps(
        {
            "item_id": item_id,
            "total": total,
            "next_after": rows[-1][0] if has_more else None,
            "fields": LINE_FIELDS,
            "records": orjson.Fragment("[" + ",".join(r[1] for r in rows) + "]"),
        }
    )


def _declarations(
    raw: sqlite3.Connection, where: str, params: Sequence[Any]
) -> list[dict[str, Any]]:
    heads = raw.execute(
        f"SELECT unit_id, {_select(DECLARATION_FIELDS)} FROM fee_declarations WHERE {where}"
        " ORDER BY submitted_at DESC, declaration_id DESC",
        params,
    ).fetchall()
    if not heads:
        return []
    ids = orjson.dumps([h[1] for h in heads]).decode()
    items: dict[str, list[list[Any]]] = {}
    for row in raw.execute(
        f"SELECT d.declaration_id, {_select(ITEM_FIELDS, 'i.')} FROM fee_declaration_items d"
        " JOIN fee_items i ON i.unit_id = ? AND i.item_id = d.item_id"
        " WHERE d.declaration_id IN (SELECT value FROM json_each(?))"
        " ORDER BY d.declaration_id, d.position",
        (heads[0][0], ids),
    ):
        items.setdefault(row[0], []).append(list(row[1:]))
    failed = _failed_rows(raw, [h[1] for h in heads if h[2] == "self"])
    return [
        {
            **dict(zip(DECLARATION_FIELDS, head[1:], strict=True)),
            "items": items.get(head[1], []),
            "failed_rows": failed.get(head[1], []),
        }
        for head in heads
    ]


def _failed_rows(raw: sqlite3.Connection, declaration_ids: list[str]) -> dict[str, Any]:
    """`failed_rows` of processed 代收代报（自主） declarations (others have none)."""
    if not declaration_ids:
        return {}
    return {
        row[0]: orjson.loads(row[1])
        for row in raw.execute(
            "SELECT declaration_id, failed_rows FROM self_declarations WHERE failed_rows IS NOT"
            " NULL AND declaration_id IN (SELECT value FROM json_each(?))",
            (orjson.dumps(declaration_ids).decode(),),
        )
    }


def list_declarations(
    raw: sqlite3.Connection,
    unit_id: str,
    first_day: str | None,
    last_day: str | None,
    categories: Sequence[str],
) -> dict[str, Any]:
    """The unit's declarations from every channel, newest first, by 申报日期 and category."""
    where = "unit_id = ? AND (? IS NULL OR submitted_at >= ?) AND (? IS NULL OR submitted_at < ?)"
    after_last = None if last_day is None else last_day + "~"  # '~' sorts after " HH:MM:SS"
    params: list[Any] = [unit_id, first_day, first_day, after_last, after_last]
    if categories:
        where += f" AND category IN ({', '.join('?' * len(categories))})"
        params.extend(categories)
    return {"item_fields": ITEM_FIELDS, "declarations": _declarations(raw, where, params)}


def declaration_not_found(declaration_id: str) -> ApiError:
    return ApiError(
        404,
        "DECLARATION_NOT_FOUND",
        f"没有找到本单位编号为{declaration_id}的社保费申报记录，请同步申报记录后重试。",
        {"declaration_id": declaration_id},
    )


def one_declaration(raw: sqlite3.Connection, unit_id: str, declaration_id: str) -> dict[str, Any]:
    found = _declarations(raw, "unit_id = ? AND declaration_id = ?", (unit_id, declaration_id))
    if not found:
        raise declaration_not_found(declaration_id)
    return found[0]
