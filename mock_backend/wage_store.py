"""Storing submitted 缴费工资申报 and reading them back (list and detail).

A submission is stored in one write transaction with batched inserts (100,000 rows take
well under a second); processing happens later (`wage_processing`).
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from mock_backend.clock import format_datetime
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.region_rules import load_wage_rules
from mock_backend.wage_input import ANNUAL, DeclarationIn
from mock_backend.wage_processing import PENDING

SUMMARY_COLUMNS = (
    "declaration_id",
    "declaration_type",
    "mode",
    "tax_authority",
    "submitted_at",
    "rows",
    "succeeded",
    "failed",
    "status",
)
DETAIL_FIELDS = [
    "employee_id",
    "name",
    "id_type",
    "id_number",
    "old_wage",
    "new_wage",
    "effective_month",
    "status",
    "reason",
]
_SUMMARY_SQL = ", ".join(SUMMARY_COLUMNS)


def _next_declaration_id(raw: sqlite3.Connection, now: datetime) -> str:
    """WD + yyyymmdd + a serial of at least 4 digits, unique on the server."""
    prefix = f"WD{now:%Y%m%d}"
    count = raw.execute(
        "SELECT COUNT(*) FROM wage_declarations WHERE declaration_id >= ? AND declaration_id < ?",
        (prefix, prefix + ":"),  # ':' sorts right after '9'
    ).fetchone()[0]
    return f"{prefix}{count + 1:04d}"


def submit(
    conn: Connection,
    unit_id: str,
    region: str,
    declaration: DeclarationIn,
    now: datetime,
    due_at: float,
    delay: float,
) -> dict[str, Any]:
    """Store a checked declaration as 待反馈; returns the 202 answer."""
    raw = driver(conn)
    declaration_id = _next_declaration_id(raw, now)
    submitted_at = format_datetime(now)
    annual_month = None
    if declaration.declaration_type == ANNUAL:
        annual_month = load_wage_rules(raw, region).annual_month(now.date())
    ids = orjson.dumps(sorted({row.employee_id for row in declaration.rows})).decode()
    people = {
        employee_id: (name, id_type)
        for employee_id, name, id_type in raw.execute(
            "SELECT id, name, id_type FROM employees WHERE unit_id = ?"
            " AND id IN (SELECT value FROM json_each(?))",
            (unit_id, ids),
        )
    }
    rows = []
    items = []
    for position, row in enumerate(declaration.rows):
        name, id_type = people.get(row.employee_id, ("", ""))
        first = row.items[0]
        month = annual_month or row.effective_month
        rows.append(
            (declaration_id, position, row.employee_id, name, id_type, row.id_number)
            + (first.old_wage, first.new_wage, month, PENDING)
        )
        items.extend(
            (declaration_id, position, index, it.unit_number, it.levy_item, it.levy_category)
            + (it.old_wage, it.new_wage)
            for index, it in enumerate(row.items)
        )
    raw.execute(
        "INSERT INTO wage_declarations (declaration_id, unit_id, declaration_type, mode,"
        " tax_authority, submitted_at, due_at, rows, succeeded, failed, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
        (
            declaration_id,
            unit_id,
            declaration.declaration_type,
            declaration.mode,
            declaration.tax_authority,
            submitted_at,
            due_at,
            len(rows),
            PENDING,
        ),
    )
    raw.executemany(
        "INSERT INTO wage_declaration_rows (declaration_id, position, employee_id, name, id_type,"
        " id_number, old_wage, new_wage, effective_month, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    raw.executemany(
        "INSERT INTO wage_declaration_items (declaration_id, row_position, position, unit_number,"
        " levy_item, levy_category, old_wage, new_wage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        items,
    )
    return {
        "declaration_id": declaration_id,
        "status": PENDING,
        "submitted_at": submitted_at,
        "rows": len(rows),
        "processing_delay_seconds": math.ceil(delay),
    }


def list_declarations(conn: Connection, unit_id: str, since: str | None) -> dict[str, Any]:
    """The unit's declarations, newest first, submitted on or after `since` (a date)."""
    rows = (
        driver(conn)
        .execute(
            f"SELECT {_SUMMARY_SQL} FROM wage_declarations WHERE unit_id = ?"
            " AND (? IS NULL OR submitted_at >= ?) ORDER BY submitted_at DESC, declaration_id DESC",
            (unit_id, since, since),
        )
        .fetchall()
    )
    return {"declarations": [dict(zip(SUMMARY_COLUMNS, row, strict=True)) for row in rows]}


def declaration_summary(conn: Connection, unit_id: str, declaration_id: str) -> dict[str, Any]:
    head = (
        driver(conn)
        .execute(
            f"SELECT {_SUMMARY_SQL} FROM wage_declarations WHERE declaration_id = ? AND unit_id = ?",
            (declaration_id, unit_id),
        )
        .fetchone()
    )
    if head is None:
        raise not_found(declaration_id)
    return dict(zip(SUMMARY_COLUMNS, head, strict=True))


def declaration_detail(conn: Connection, unit_id: str, declaration_id: str) -> bytes:
    """One declaration with its rows (orjson from row tuples: 100,000 rows stay fast)."""
    body: dict[str, Any] = declaration_summary(conn, unit_id, declaration_id)
    body["fields"] = DETAIL_FIELDS
    body["records"] = (
        driver(conn)
        .execute(
            f"SELECT {', '.join(DETAIL_FIELDS)} FROM wage_declaration_rows"
            " WHERE declaration_id = ? ORDER BY position",
            (declaration_id,),
        )
        .fetchall()
    )
    return orjson.dumps(body)


def not_found(declaration_id: str) -> ApiError:
    return ApiError(
        404,
        "DECLARATION_NOT_FOUND",
        f"没有找到本单位编号为{declaration_id}的缴费工资申报记录，请刷新申报记录后重试。",
        {"declaration_id": declaration_id},
    )


PREPROCESSING_FIELDS = [
    "employee_id",
    "unit_number",
    "levy_item",
    "levy_category",
    "period",
    "base",
    "declaration_id",
    "created_at",
]


def read_preprocessing(
    conn: Connection, unit_id: str, declaration_id: str | None
) -> dict[str, Any]:
    """The unit's 社保费预处理信息 (admin, for tests), optionally of one declaration."""
    records = (
        driver(conn)
        .execute(
            f"SELECT {', '.join(PREPROCESSING_FIELDS)} FROM fee_preprocessing WHERE unit_id = ?"
            " AND (? IS NULL OR declaration_id = ?)"
            " ORDER BY employee_id, unit_number, levy_category, period",
            (unit_id, declaration_id, declaration_id),
        )
        .fetchall()
    )
    return {"fields": PREPROCESSING_FIELDS, "records": [list(r) for r in records]}
