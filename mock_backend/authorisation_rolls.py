"""社保费批扣清册 (manual §3.20): the rows a bank deducts, made from the 有效 批扣费额设置.

批扣状态 is the bank's; 作废状态 the agent's. Per the table of §3.20.2 a row can be 作废 unless
it is 扣款成功 or already 已作废 (the clerk then chooses another way to pay). A resident
without an 有效 两两协议 (table `resident_agreements`, kept by 居民两两协议签订) is 扣款失败
at once."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from mock_backend.authorisation_amounts import INSURANCES, valid_settings
from mock_backend.errors import ApiError
from mock_backend.fee_money import text_of
from mock_backend.ids import make_id_number

# 批扣状态 as the manual's table names them.
GENERATING = "正在生成"
PENDING = "已生成待扣款"
DEDUCTING = "扣款中"
LOCKED = "扣款锁定"
SUCCEEDED = "扣款成功"
FAILED = "扣款失败"
SPLIT = "分票成功"
UNKNOWN = "状态不明"
RECEIPT = "接收回执成功"
STATES = (GENERATING, PENDING, DEDUCTING, LOCKED, SUCCEEDED, FAILED, SPLIT, UNKNOWN, RECEIPT)
NOT_VOIDED, VOIDED = "未作废", "已作废"
NO_AGREEMENT = "未签订有效的两两协议"

VOID_SUCCEEDED = "该批扣清册已扣款成功，不能作废。"
VOID_AGAIN = "该批扣清册已作废，不能重复作废。"
ROW_NOT_FOUND = "未找到该批扣清册信息，请刷新后重试。"

FIELDS = [
    "row_id", "roll_number", "name", "id_type", "id_number", "insurance", "insurance_name",
    "levy_category", "year", "period_start", "period_end", "amount", "deduct_date", "state",
    "voided", "failure_reason", "created_at", "voided_at",
]  # fmt: skip
_COLUMNS = (
    "row_id, roll_number, name, id_type, id_number, insurance, levy_category, year,"
    " amount_cents, deduct_date, state, voided, failure_reason, created_at, voided_at"
)
MAX_LIMIT = 5000
SORTS = {"row_id": "row_id", "name": "name", "year": "year", "amount": "amount_cents",
         "deduct_date": "deduct_date", "state": "state"}  # fmt: skip


def can_void(state: str, voided: str) -> bool:
    """§3.20.2: 作废 for every row not 扣款成功 and not already 已作废."""
    return voided != VOIDED and state != SUCCEEDED


def _record(row: tuple[Any, ...]) -> list[Any]:
    (row_id, number, name, id_type, id_number, insurance, category, year, cents, deduct_date,
     state, voided, reason, created, voided_at) = row  # fmt: skip
    return [row_id, number, name, id_type, id_number, insurance, INSURANCES.get(insurance, ""),
            category, year, f"{year:04d}-01", f"{year:04d}-12", text_of(cents), deduct_date,
            state, voided, reason, created, voided_at]  # fmt: skip


def as_dict(record: list[Any]) -> dict[str, Any]:
    return dict(zip(FIELDS, record, strict=True))


def _has_table(raw: sqlite3.Connection, name: str) -> bool:
    return (
        raw.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def _with_agreement(raw: sqlite3.Connection, unit_id: str) -> set[int]:
    if not _has_table(raw, "resident_agreements"):
        return set()
    return {
        int(r[0])
        for r in raw.execute(
            "SELECT resident_id FROM resident_agreements WHERE unit_id = ? AND state = '有效'",
            (unit_id,),
        )
    }


def run_roll(raw: sqlite3.Connection, unit_id: str, year: int | None, now: str) -> dict[str, Any]:
    """The bank makes a 待批扣清册: a row per 有效 setting not yet in a row that is not
    作废; 已生成待扣款 with an 有效 两两协议, else 扣款失败 未签订有效的两两协议."""
    agreed = _with_agreement(raw, unit_id)
    taken = {
        (r[0], r[1], r[2])
        for r in raw.execute(
            "SELECT resident_id, insurance, year FROM authorisation_rolls WHERE unit_id = ?"
            " AND voided = ?",
            (unit_id, NOT_VOIDED),
        )
    }
    roll_number = f"PK{unit_id[-6:]}{now[:10].replace('-', '')}{_next_roll(raw, unit_id):03d}"
    made: list[int] = []
    failed = 0
    for s in valid_settings(raw, unit_id, year):
        if (s["resident_id"], s["insurance"], s["year"]) in taken:
            continue
        ok = s["resident_id"] in agreed
        failed += not ok
        cursor = raw.execute(
            "INSERT INTO authorisation_rolls (unit_id, roll_number, setting_id, resident_id,"
            " name, id_type, id_number, insurance, levy_category, year, amount_cents, state,"
            " voided, failure_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            (unit_id, roll_number, s["setting_id"], s["resident_id"], s["name"], s["id_type"],
             s["id_number"], s["insurance"], s["levy_category"], s["year"], s["amount_cents"],
             PENDING if ok else FAILED, NOT_VOIDED, None if ok else NO_AGREEMENT, now),
        )  # fmt: skip
        made.append(int(cursor.lastrowid or 0))
    return {"roll_number": roll_number, "created": len(made), "failed": failed, "row_ids": made}


def _next_roll(raw: sqlite3.Connection, unit_id: str) -> int:
    row = raw.execute(
        "SELECT COUNT(DISTINCT roll_number) FROM authorisation_rolls WHERE unit_id = ?",
        (unit_id,),
    ).fetchone()
    return int(row[0]) + 1


def get_row(raw: sqlite3.Connection, unit_id: str, row_id: int) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT {_COLUMNS} FROM authorisation_rolls WHERE unit_id = ? AND row_id = ?",
        (unit_id, row_id),
    ).fetchone()
    if row is None:
        raise ApiError(404, "ROLL_ROW_NOT_FOUND", ROW_NOT_FOUND)
    return as_dict(_record(row))


def void_row(raw: sqlite3.Connection, unit_id: str, row_id: int, now: str) -> dict[str, Any]:
    """作废 per §3.20.2; 扣款成功 or 已作废 → 409 with one sentence."""
    row = get_row(raw, unit_id, row_id)
    if row["voided"] == VOIDED:
        raise ApiError(409, "ROLL_ALREADY_VOID", VOID_AGAIN)
    if row["state"] == SUCCEEDED:
        raise ApiError(409, "ROLL_DEDUCTED", VOID_SUCCEEDED)
    raw.execute(
        "UPDATE authorisation_rolls SET voided = ?, voided_at = ? WHERE row_id = ?",
        (VOIDED, now, row_id),
    )
    return get_row(raw, unit_id, row_id)


def set_state(
    raw: sqlite3.Connection, unit_id: str, row_id: int, body: dict[str, Any], today: date
) -> dict[str, Any]:
    """Admin: the bank's answer for a row (扣款成功 dated today unless `deduct_date`)."""
    state = str(body.get("state") or "")
    if state not in STATES:
        raise ApiError(422, "VALIDATION_ERROR", f"批扣状态“{state}”不存在。", {"field": "state"})
    get_row(raw, unit_id, row_id)
    deduct_date = body.get("deduct_date")
    if state in (SUCCEEDED, FAILED) and not deduct_date:
        deduct_date = today.isoformat()
    voided = body.get("voided") or NOT_VOIDED
    raw.execute(
        "UPDATE authorisation_rolls SET state = ?, deduct_date = ?, failure_reason = ?,"
        " voided = ? WHERE row_id = ?",
        (state, deduct_date, body.get("failure_reason"), voided, row_id),
    )
    return get_row(raw, unit_id, row_id)


def _where(unit_id: str, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    where, args = ["unit_id = ?"], [unit_id]
    if filters.get("name"):
        where.append("name = ?")
        args.append(str(filters["name"]).strip())
    if filters.get("id_type"):
        where.append("id_type = ?")
        args.append(str(filters["id_type"]))
    if filters.get("id_number"):
        where.append("id_number = ?")
        args.append(str(filters["id_number"]).strip().upper())
    # 费款所属期起止 (YYYY-MM): a row's period is its whole 所属年度.
    if filters.get("period_from"):
        where.append("year >= ?")
        args.append(int(str(filters["period_from"])[:4]))
    if filters.get("period_to"):
        where.append("year <= ?")
        args.append(int(str(filters["period_to"])[:4]))
    if filters.get("state"):
        where.append("state = ?")
        args.append(str(filters["state"]))
    return " AND ".join(where), args


def query_rows(
    raw: sqlite3.Connection,
    unit_id: str,
    filters: dict[str, Any],
    offset: int,
    limit: int,
    sort: str = "row_id",
    ascending: bool = True,
    with_total: bool = True,
) -> dict[str, Any]:
    """查询: a page of the unit's rows; `total` counts every matching row."""
    clause, args = _where(unit_id, filters)
    total = None
    if with_total:
        total = raw.execute(
            f"SELECT COUNT(*) FROM authorisation_rolls WHERE {clause}", args
        ).fetchone()[0]
    order = f"{SORTS.get(sort, 'row_id')} {'ASC' if ascending else 'DESC'}, row_id"
    rows = raw.execute(
        f"SELECT {_COLUMNS} FROM authorisation_rolls WHERE {clause} ORDER BY {order}"
        " LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return {"total": total, "fields": FIELDS, "records": [_record(r) for r in rows]}


BENCH_STATES = (PENDING, SUCCEEDED, FAILED, DEDUCTING, LOCKED, UNKNOWN, SPLIT, GENERATING)


def bench_seed(raw: sqlite3.Connection, unit_id: str, count: int, now: str) -> int:
    """Admin: `count` made-up rows for one unit (benchmarks), one resident per row, quickly."""
    base = 800_000_000 + int(
        raw.execute("SELECT COALESCE(MAX(row_id), 0) FROM authorisation_rolls").fetchone()[0]
    )
    roll_number = f"PK{unit_id[-6:]}BENCH"

    def rows() -> Any:
        for n in range(count):
            born = date(1950 + n % 50, 1 + n % 12, 1 + n % 28)
            state = BENCH_STATES[n % len(BENCH_STATES)]
            insurance = "10210" if n % 3 else "10211"
            yield (unit_id, roll_number, base + n, f"批扣居民{n:06d}", "01",
                   make_id_number("659001", born, n % 1000), insurance,
                   "102100001" if insurance == "10210" else "102110001", 2022 + n % 5,
                   (20000, 30000, 40000, 38000)[n % 4], state, NOT_VOIDED,
                   NO_AGREEMENT if state == FAILED else None, now,
                   now[:10] if state in (SUCCEEDED, FAILED) else None)  # fmt: skip

    raw.executemany(
        "INSERT INTO authorisation_rolls (unit_id, roll_number, resident_id, name, id_type,"
        " id_number, insurance, levy_category, year, amount_cents, state, voided,"
        " failure_reason, created_at, deduct_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?)",
        rows(),
    )
    return count
