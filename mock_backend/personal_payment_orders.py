"""城乡居民个人缴费 orders (manual §3.21–§3.23): made for chosen rows with a 支付方式, paid by
scanning the QR code of their payment page, and what paying does to the fee machinery.

An order is 待支付 until the payer confirms (支付成功, or 支付失败 when the rows changed in the
meantime or the payer gave up), or it closes (已关闭: its time ran out, or a newer order took
its rows). Paying a declared row splits the person's amount off the declaration's 个人缴纳
arrears line as a line of its own, paid (the whole line when nothing else is left), so the
declaration turns 部分缴费/缴费成功 and 到账 follows as for any payment. Paying an 初始
征集信息 row moves the person's lines into an item of their own, declared 申报成功 through the
channel 个人缴费 and paid at once; the agent's 征集信息 keeps the others.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mock_backend import bank
from mock_backend.arrears import PERSONAL_PART, ensure_lines, mark_paid, void_covering
from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_declare import next_declaration_ids
from mock_backend.fee_items import (
    DECLARED,
    ITEM_COLUMNS,
    LINE_COLUMNS,
    new_item_ids,
    new_voucher_number,
    take_counter,
)
from mock_backend.fee_money import text_of
from mock_backend.personal_payment import ASSESSED, Row, pending_rows
from mock_backend.resident_processing import record_declared

METHODS = ("微信", "支付宝", "政融支付")
WAITING = "待支付"
PAID = "支付成功"
FAILED = "支付失败"
CLOSED = "已关闭"
STATES = (WAITING, PAID, FAILED, CLOSED)
CHANNEL = "个人缴费"  # 到账 channel of the lines paid
DECLARED_CHANNEL = (
    "电子税务局"  # a paid 征集信息 is declared through the tax bureau's online channel
)
ORDER_MINUTES = 30

STATE_CHANGED = "订单状态已变更，不能继续支付。"
EXPIRED_REASON = f"订单超过{ORDER_MINUTES}分钟未支付，已关闭。"
REPLACED_REASON = "已为相同的缴费信息重新生成支付订单{order_id}，本订单已关闭。"
CHANGED_REASON = (
    "缴费信息在支付前已变更（已缴费、已申报或已作废），本次支付未扣款，请重新查询后再缴费。"
)
GAVE_UP_REASON = "交易失败，缴费人取消了支付，未扣款。"
VOUCHER_VOID_REASON = "城乡居民个人缴费后应缴金额已变更，凭证同时作废"

ORDER_FIELDS = (
    "order_id", "mode", "name", "id_type", "id_number", "method", "amount", "state", "reason",
    "created_at", "finished_at", "levy_items", "years",
)  # fmt: skip
ROW_FIELDS = (
    "row_id", "item_id", "declaration_id", "collection_serial", "unit_number", "agency",
    "tax_authority", "person_number", "levy_item", "levy_category", "year", "amount",
    "paid_line_id",
)  # fmt: skip


def order_not_found(order_id: str) -> ApiError:
    return ApiError(
        404, "ORDER_NOT_FOUND", f"未找到支付订单{order_id}，请刷新缴费记录后重试。",
        {"order_id": order_id},
    )  # fmt: skip


def check_method(method: Any) -> str:
    if method not in METHODS:
        raise ApiError(
            422, "VALIDATION_ERROR", f"支付方式应为{'、'.join(METHODS)}之一，请重新选择。",
            {"field": "method"},
        )  # fmt: skip
    return str(method)


# -- making ------------------------------------------------------------------------------
def expiring(raw: sqlite3.Connection, unit_id: str, now: float) -> bool:
    """Whether some 待支付 order of the unit ran out of time."""
    return (
        raw.execute(
            "SELECT 1 FROM personal_orders WHERE unit_id = ? AND state = ? AND expires_at <= ?"
            " LIMIT 1",
            (unit_id, WAITING, now),
        ).fetchone()
        is not None
    )


def expire(raw: sqlite3.Connection, unit_id: str, now: float, now_text: str) -> None:
    raw.execute(
        "UPDATE personal_orders SET state = ?, reason = ?, finished_at = ? WHERE unit_id = ?"
        " AND state = ? AND expires_at <= ?",
        (CLOSED, EXPIRED_REASON, now_text, unit_id, WAITING, now),
    )


def create_order(
    raw: sqlite3.Connection,
    unit_id: str,
    mode: str,
    person: tuple[str, str, str],
    rows: Sequence[Row],
    method: str,
    now: datetime,
) -> str:
    """A 待支付 order for the rows; an older 待支付 order holding one of them is closed."""
    first = take_counter(raw, "personal_order_serial", 1)
    order_id = f"DD{now:%Y%m%d}{first:08d}"
    now_text = format_datetime(now)
    row_ids = [r.row_id for r in rows]
    older = raw.execute(
        "SELECT DISTINCT o.order_id FROM personal_orders o JOIN personal_order_rows r"
        " ON r.order_id = o.order_id WHERE o.unit_id = ? AND o.state = ? AND r.row_id IN"
        f" ({', '.join('?' * len(row_ids))})",
        (unit_id, WAITING, *row_ids),
    ).fetchall()
    raw.executemany(
        "UPDATE personal_orders SET state = ?, reason = ?, finished_at = ? WHERE order_id = ?",
        [(CLOSED, REPLACED_REASON.format(order_id=order_id), now_text, o) for (o,) in older],
    )
    raw.execute(
        "INSERT INTO personal_orders (order_id, unit_id, mode, name, id_type, id_number, method,"
        " amount, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (order_id, unit_id, mode, *person, method, sum(r.amount for r in rows), WAITING,
         now_text, now.timestamp() + ORDER_MINUTES * 60),
    )  # fmt: skip
    raw.executemany(
        "INSERT INTO personal_order_rows (order_id, position, row_id, kind, item_id,"
        " line_position, declaration_id, collection_serial, unit_number, agency, tax_authority,"
        " person_number, levy_item, levy_category, year, amount)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(order_id, n, r.row_id, r.kind, r.item_id, r.position, r.declaration_id,
          r.collection_serial, r.unit_number, r.agency, r.tax_authority, r.person_number,
          r.levy_item, r.levy_category, r.year, r.amount) for n, r in enumerate(rows, 1)],
    )  # fmt: skip
    return order_id


# -- reading -----------------------------------------------------------------------------
_ORDER_SELECT = (
    "SELECT o.order_id, o.mode, o.name, o.id_type, o.id_number, o.method, o.amount, o.state,"
    " o.reason, o.created_at, o.finished_at,"
    " (SELECT group_concat(DISTINCT levy_item) FROM personal_order_rows WHERE order_id = o.order_id),"
    " (SELECT group_concat(DISTINCT year) FROM personal_order_rows WHERE order_id = o.order_id)"
    " FROM personal_orders o"
)


def _order_dict(row: Sequence[Any]) -> dict[str, Any]:
    data = dict(zip(ORDER_FIELDS, row, strict=True))
    data["amount"] = text_of(data["amount"])
    data["levy_items"] = sorted((data["levy_items"] or "").split(",")) if data["levy_items"] else []
    data["years"] = sorted(int(y) for y in (data["years"] or "").split(",") if y)
    return data


def order_head(raw: sqlite3.Connection, unit_id: str | None, order_id: str) -> dict[str, Any]:
    where = "o.order_id = ?" + ("" if unit_id is None else " AND o.unit_id = ?")
    params = (order_id,) if unit_id is None else (order_id, unit_id)
    row = raw.execute(f"{_ORDER_SELECT} WHERE {where}", params).fetchone()
    if row is None:
        raise order_not_found(order_id)
    return _order_dict(row)


def order_rows(raw: sqlite3.Connection, order_id: str) -> list[dict[str, Any]]:
    rows = []
    for row in raw.execute(
        f"SELECT {', '.join(ROW_FIELDS)}, kind, line_position FROM personal_order_rows"
        " WHERE order_id = ? ORDER BY position",
        (order_id,),
    ):
        data = dict(zip(ROW_FIELDS, row[: len(ROW_FIELDS)], strict=True))
        data["amount"] = text_of(data["amount"])
        data["pay_type"] = "正常"
        rows.append(data)
    return rows


def list_orders(
    raw: sqlite3.Connection,
    unit_id: str,
    id_type: str | None,
    id_number: str | None,
    name: str | None,
    start: str | None,
    end: str | None,
    state: str | None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> list[dict[str, Any]]:
    """缴费记录查询. 费款所属期起止 (YYYY-MM) keeps the orders paying some 缴费年度 the span
    touches: a resident's year covers its twelve months."""
    where = ["o.unit_id = ?"]
    params: list[Any] = [unit_id]
    for column, value in (("o.id_type", id_type), ("o.id_number", id_number), ("o.name", name),
                          ("o.state", state)):  # fmt: skip
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if start:
        where.append("o.created_at >= ?")
        params.append(start)
    if end:
        where.append("o.created_at < ?")
        params.append(end + "T")  # the end day included ("YYYY-MM-DD HH:MM:SS" < "…T")
    if period_from or period_to:
        first = int(period_from[:4]) if period_from else 0
        last = int(period_to[:4]) if period_to else 9999
        where.append(
            "EXISTS (SELECT 1 FROM personal_order_rows r WHERE r.order_id = o.order_id"
            " AND r.year BETWEEN ? AND ?)"
        )
        params += [first, last]
    return [
        _order_dict(row)
        for row in raw.execute(
            f"{_ORDER_SELECT} WHERE {' AND '.join(where)} ORDER BY o.created_at DESC,"
            " o.order_id DESC",
            params,
        )
    ]


# -- paying ------------------------------------------------------------------------------
def _finish(
    raw: sqlite3.Connection, order_id: str, state: str, reason: str | None, at: str
) -> None:
    raw.execute(
        "UPDATE personal_orders SET state = ?, reason = ?, finished_at = ? WHERE order_id = ?",
        (state, reason, at, order_id),
    )


def give_up(raw: sqlite3.Connection, order_id: str, now: datetime) -> None:
    _finish(raw, order_id, FAILED, GAVE_UP_REASON, format_datetime(now))


def pay(raw: sqlite3.Connection, order_id: str, region: str, now: datetime) -> str:
    """Confirm a 待支付 order (the caller checked its state): 支付成功 when every row is still
    pending at the same amount, else 支付失败 with the reason. Returns the new state."""
    head = raw.execute(
        "SELECT unit_id, mode, id_type, id_number FROM personal_orders WHERE order_id = ?",
        (order_id,),
    ).fetchone()
    unit_id, mode, id_type, id_number = head
    ordered = raw.execute(
        "SELECT row_id, amount, kind FROM personal_order_rows WHERE order_id = ? ORDER BY position",
        (order_id,),
    ).fetchall()
    now_text = format_datetime(now)
    pending = {r.row_id: r for r in pending_rows(raw, unit_id, mode, id_type, id_number,
                                                 now.date().isoformat())}  # fmt: skip
    rows = [pending.get(row_id) for row_id, _, _ in ordered]
    if any(
        r is None or r.amount != amount or r.kind != kind
        for r, (_, amount, kind) in zip(rows, ordered, strict=True)
    ):
        _finish(raw, order_id, FAILED, CHANGED_REASON, now_text)
        return FAILED
    settings = bank.load_settings(raw)
    delays = (settings.store_delay_seconds, settings.arrive_delay_seconds)
    found = [r for r in rows if r is not None]
    declared = [r for r in found if r.kind != ASSESSED]
    paid_lines = _pay_declared(raw, order_id, declared, now, delays)
    paid_lines.update(
        _pay_assessed(raw, unit_id, region, [r for r in found if r.kind == ASSESSED], now, delays)
    )
    raw.executemany(
        "UPDATE personal_order_rows SET paid_line_id = ? WHERE order_id = ? AND row_id = ?",
        [(line, order_id, row_id) for row_id, line in paid_lines.items()],
    )
    _finish(raw, order_id, PAID, None, now_text)
    return PAID


def _pay_declared(
    raw: sqlite3.Connection,
    order_id: str,
    rows: list[Row],
    now: datetime,
    delays: tuple[float, float],
) -> dict[str, str]:
    """Each arrears line gives up the rows' amount to a paid line of its own (or is paid
    whole when they are all it holds); returns row id → paid line id."""
    by_line: dict[str, list[Row]] = {}
    for row in rows:
        assert row.line_id is not None
        by_line.setdefault(row.line_id, []).append(row)
    paid: dict[str, str] = {}
    for line_id, members in by_line.items():
        share = sum(r.amount for r in members)
        (whole,) = raw.execute(
            "SELECT amount FROM collect_lines WHERE line_id = ?", (line_id,)
        ).fetchone()
        void_covering(raw, [line_id], VOUCHER_VOID_REASON)
        target = line_id
        if share < whole:
            target = f"QF{take_counter(raw, 'collect_line_serial', 1):010d}"
            raw.execute(
                "UPDATE collect_lines SET amount = amount - ? WHERE line_id = ?", (share, line_id)
            )
            columns = (
                "unit_id, declaration_id, item_id, voucher_number, unit_number, levy_item,"
                " levy_category, part, period_start, period_end, pay_type, sequential, may_defer,"
                " state, reason, declared_at, tax_authority"
            )
            raw.execute(
                f"INSERT INTO collect_lines (line_id, amount, {columns})"
                f" SELECT ?, ?, {columns} FROM collect_lines WHERE line_id = ?",
                (target, share, line_id),
            )
        mark_paid(raw, [target], now, CHANNEL, delays)
        raw.executemany(
            "INSERT INTO personal_paid_lines (item_id, position, order_id) VALUES (?, ?, ?)",
            [(r.item_id, r.position, order_id) for r in members],
        )
        paid.update({r.row_id: target for r in members})
    return paid


_ITEM_COPY = ", ".join(c for c in ITEM_COLUMNS if c not in ("unit_id", "item_id"))
_LINE_REST = ", ".join(LINE_COLUMNS[2:])


def _pay_assessed(
    raw: sqlite3.Connection,
    unit_id: str,
    region: str,
    rows: list[Row],
    now: datetime,
    delays: tuple[float, float],
) -> dict[str, str]:
    """The person's 征集信息 lines leave the agent's items for items of their own, one
    declaration per 征集通知流水号, 申报成功 through 个人缴费 and paid at once."""
    by_serial: dict[str | None, list[Row]] = {}
    for row in rows:
        by_serial.setdefault(row.collection_serial, []).append(row)
    now_text = format_datetime(now)
    paid: dict[str, str] = {}
    for members in by_serial.values():
        (declaration_id,) = next_declaration_ids(raw, now, 1)
        fresh_ids = new_item_ids(raw, len(members))
        for n, (row, fresh) in enumerate(zip(members, fresh_ids, strict=True)):
            _move_line(raw, unit_id, row, fresh, declaration_id, now_text)
            raw.execute(
                "INSERT INTO fee_declaration_items (declaration_id, position, item_id)"
                " VALUES (?, ?, ?)",
                (declaration_id, n, fresh),
            )
        first = members[0]
        total = sum(r.amount for r in members)
        period = f"{first.year:04d}"
        raw.execute(
            "INSERT INTO fee_declarations (declaration_id, unit_id, category, data_source,"
            " channel, submitted_at, due_at, status, pay_status, amount, headcount,"
            " tax_authority, voucher_number, unit_number, period_start, period_end,"
            " collection_serial, processed_at) VALUES (?, ?, 'daily', '03', ?, ?, ?,"
            " '申报成功', '未缴费', ?, 1, ?, ?, ?, ?, ?, ?, ?)",
            (declaration_id, unit_id, DECLARED_CHANNEL, now_text, now.timestamp(), total,
             first.tax_authority, new_voucher_number(raw, region), first.unit_number,
             f"{period}-01", f"{period}-12", first.collection_serial, now_text),
        )  # fmt: skip
        record_declared(raw, unit_id, region, declaration_id)
        ensure_lines(raw, unit_id)
        lines = raw.execute(
            "SELECT line_id, item_id FROM collect_lines WHERE declaration_id = ? AND part = ?",
            (declaration_id, PERSONAL_PART),
        ).fetchall()
        mark_paid(raw, [line for line, _ in lines], now, CHANNEL, delays)
        line_of = {item: line for line, item in lines}
        paid.update(
            {r.row_id: line_of[f] for r, f in zip(members, fresh_ids, strict=True) if f in line_of}
        )
    return paid


def _move_line(
    raw: sqlite3.Connection, unit_id: str, row: Row, fresh: str, declaration_id: str, at: str
) -> None:
    """The row's line becomes the only line of a new 申报成功 item like its own; the old item
    keeps the other lines renumbered from 1 (and is removed when none is left)."""
    raw.execute(
        f"INSERT INTO fee_items (unit_id, item_id, {_ITEM_COPY})"
        f" SELECT unit_id, ?, {_ITEM_COPY} FROM fee_items WHERE unit_id = ? AND item_id = ?",
        (fresh, unit_id, row.item_id),
    )
    raw.execute(
        f"INSERT INTO fee_item_lines (item_id, position, {_LINE_REST})"
        f" SELECT ?, 1, {_LINE_REST} FROM fee_item_lines WHERE item_id = ? AND position = ?",
        (fresh, row.item_id, row.position),
    )
    rest = raw.execute(
        f"SELECT {_LINE_REST} FROM fee_item_lines WHERE item_id = ? AND position != ?"
        " ORDER BY position",
        (row.item_id, row.position),
    ).fetchall()
    raw.execute("DELETE FROM fee_item_lines WHERE item_id = ?", (row.item_id,))
    raw.executemany(
        f"INSERT INTO fee_item_lines (item_id, position, {_LINE_REST})"
        f" VALUES (?, ?, {', '.join('?' * (len(LINE_COLUMNS) - 2))})",
        [(row.item_id, n, *line) for n, line in enumerate(rest, 1)],
    )
    for item_id in (fresh, row.item_id):
        _retotal(raw, unit_id, item_id)
    raw.execute(
        "UPDATE fee_items SET state = ?, declaration_id = ?, created_at = ?"
        " WHERE unit_id = ? AND item_id = ?",
        (DECLARED, declaration_id, at, unit_id, fresh),
    )
    if not rest:
        raw.execute(
            "DELETE FROM fee_items WHERE unit_id = ? AND item_id = ?", (unit_id, row.item_id)
        )


def _retotal(raw: sqlite3.Connection, unit_id: str, item_id: str) -> None:
    raw.execute(
        "UPDATE fee_items SET (headcount, wage_total, base_total, unit_amount, personal_amount,"
        " amount) = (SELECT COUNT(DISTINCT person_id), COALESCE(SUM(wage), 0),"
        " COALESCE(SUM(base), 0), COALESCE(SUM(unit_amount), 0),"
        " COALESCE(SUM(personal_amount), 0), COALESCE(SUM(unit_amount + personal_amount), 0)"
        " FROM fee_item_lines WHERE item_id = ?) WHERE unit_id = ? AND item_id = ?",
        (item_id, unit_id, item_id),
    )
