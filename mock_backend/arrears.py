"""Arrears (欠费): one line per item × part (单位缴纳/个人缴纳) of every 申报成功 declaration, made
when the 征收子系统 first looks at the unit after the declaration succeeded, and their states.

A line is visible while its declaration is 申报成功 and leaves the list once paid (it stays in
the table for 到账). Paying lines refreshes the declarations' `pay_status`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from mock_backend.clock import format_datetime, parse_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter
from mock_backend.fee_store import money
from mock_backend.region_rules import stored_rule

UNPAID = "未缴费"
IN_PROGRESS = "扣费中"
LOCKED = "锁定"
FAILED = "扣费失败"
PAID = "已缴费"
# Unpaid lines that are not with the bank: they must be paid first (顺序缴费) or together (汇总开具).
OUTSTANDING = (UNPAID, LOCKED, FAILED)
UNIT_PART = "单位缴纳"
PERSONAL_PART = "个人缴纳"
NORMAL = "正常"
SPECIAL = "特殊缴费"
DEFERRABLE_LEVIES = ("10203", "10205")  # 医保缓缴政策: 职工医保 and 生育保险, 单位缴纳 part
# 到账 channel of a line paid by a deduction of each channel.
ARRIVAL_CHANNELS = {"客户端": "三方协议缴费", "电子税务局": "电子税务局", "批量扣款": "批量扣款"}
VOUCHER_CHANNEL = "银行端凭证缴费"

ARREARS_FIELDS = [
    "line_id", "voucher_number", "declaration_id", "item_id", "unit_number", "levy_item",
    "levy_category", "part", "period_start", "period_end", "pay_type", "sequential",
    "deferrable", "amount", "state", "reason", "bank_voucher_id", "declared_at",
    "tax_authority", "pay_deadline",
]  # fmt: skip
LINE_ORDER = "l.period_start, l.unit_number, l.levy_item, l.levy_category, l.part, l.line_id"
_VISIBLE = (
    "FROM collect_lines l JOIN fee_declarations d ON d.declaration_id = l.declaration_id"
    " WHERE l.unit_id = ? AND d.status = '申报成功'"
)
# 缴费期限 (YYYY-MM-DD): the mock's rule is the last day of the month after 费款所属期止, derived
# from `period_end` when the lines are read (2026-10 → 2026-11-30, 2026-12 → 2027-01-31).
PAY_DEADLINE = "date(substr(l.period_end, 1, 7) || '-01', '+2 months', '-1 day')"
_COLUMN_OF = {
    "amount": money("l.amount"),
    "deferrable": "l.may_defer",
    "pay_deadline": PAY_DEADLINE,
}
_BOOLEANS = (ARREARS_FIELDS.index("sequential"), ARREARS_FIELDS.index("deferrable"))


@dataclass(frozen=True, slots=True)
class Line:
    line_id: str
    declaration_id: str
    voucher_number: str
    unit_number: str
    levy_item: str
    levy_category: str | None
    part: str
    period_start: str
    period_end: str
    pay_type: str
    sequential: bool
    may_defer: bool  # 可缓缴 (the column is not named deferrable: an SQL keyword)
    amount: int
    state: str

    @property
    def ordered(self) -> bool:
        """Subject to the ordering rule (是否顺序缴费 = 是 and not 可缓缴)."""
        return self.sequential and not self.may_defer


_LINE_COLUMNS = ", ".join(f"l.{name}" for name in Line.__dataclass_fields__)


# -- making lines ------------------------------------------------------------------------
def missing_lines(raw: sqlite3.Connection, unit_id: str) -> list[str]:
    """申报成功 declarations with something to pay whose lines are not made yet."""
    return [
        row[0]
        for row in raw.execute(
            "SELECT declaration_id FROM fee_declarations d WHERE unit_id = ? AND status = ?"
            " AND amount > 0 AND NOT EXISTS (SELECT 1 FROM collect_lines l"
            " WHERE l.declaration_id = d.declaration_id) ORDER BY submitted_at, declaration_id",
            (unit_id, "申报成功"),
        )
    ]


def ensure_lines(raw: sqlite3.Connection, unit_id: str) -> int:
    """Make the lines of the unit's declarations that have none; returns how many were made."""
    kind_row = raw.execute("SELECT kind FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    employer = kind_row is not None and kind_row[0] == "employer"
    made = 0
    for declaration_id in missing_lines(raw, unit_id):
        voucher_number, declared_at, pay_status, processed_at = raw.execute(
            "SELECT voucher_number, submitted_at, pay_status, processed_at FROM fee_declarations"
            " WHERE declaration_id = ?",
            (declaration_id,),
        ).fetchone()
        items = raw.execute(
            "SELECT i.item_id, i.category, i.unit_number, i.levy_item, i.levy_category,"
            " i.period_start, i.period_end, i.unit_amount, i.personal_amount, i.tax_authority"
            " FROM fee_declaration_items di JOIN fee_items i ON i.unit_id = ?"
            " AND i.item_id = di.item_id WHERE di.declaration_id = ? ORDER BY i.period_start,"
            " i.unit_number, i.levy_item, i.levy_category, i.item_id",
            (unit_id, declaration_id),
        ).fetchall()
        parts = [
            (item, part, cents)
            for item in items
            for part, cents in ((UNIT_PART, item[7]), (PERSONAL_PART, item[8]))
            if cents
        ]
        first = take_counter(raw, "collect_line_serial", len(parts))
        # A declaration paid before lines existed (a database of issue 9) is paid already.
        paid = pay_status == "缴费成功"
        paid_stamp = parse_datetime(processed_at).timestamp() if paid else None
        rows = []
        for n, (item, part, cents) in enumerate(parts):
            normal = item[1] != "special"
            deferrable = employer and normal and part == UNIT_PART and item[3] in DEFERRABLE_LEVIES
            rows.append(
                (f"QF{first + n:010d}", unit_id, declaration_id, item[0], voucher_number,
                 item[2], item[3], item[4], part, item[5], item[6],
                 NORMAL if normal else SPECIAL, normal, deferrable, cents,
                 PAID if paid else UNPAID, declared_at, item[9],
                 processed_at if paid else None, "批量扣款" if paid else None,
                 paid_stamp, paid_stamp)
            )  # fmt: skip
        raw.executemany(
            "INSERT INTO collect_lines (line_id, unit_id, declaration_id, item_id,"
            " voucher_number, unit_number, levy_item, levy_category, part, period_start,"
            " period_end, pay_type, sequential, may_defer, amount, state, declared_at,"
            " tax_authority, paid_at, paid_channel, stored_due, arrive_due)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        made += len(rows)
    return made


# -- reading -----------------------------------------------------------------------------
def list_arrears(raw: sqlite3.Connection, unit_id: str) -> list[list[Any]]:
    """The unit's unpaid lines in the wire layout and order."""
    columns = ", ".join(_COLUMN_OF.get(f, f"l.{f}") for f in ARREARS_FIELDS)
    records = []
    for row in raw.execute(f"SELECT {columns} {_VISIBLE} AND l.state != ? ORDER BY {LINE_ORDER}",
                           (unit_id, PAID)):  # fmt: skip
        record = list(row)
        for index in _BOOLEANS:
            record[index] = bool(record[index])
        records.append(record)
    return records


def visible_lines(
    raw: sqlite3.Connection, unit_id: str, where: str = "1", params: Sequence[Any] = ()
) -> list[Line]:
    """Lines of the unit's 申报成功 declarations matching `where` (on `l`), in line order."""
    return [
        Line(*row[:10], bool(row[10]), bool(row[11]), *row[12:])
        for row in raw.execute(
            f"SELECT {_LINE_COLUMNS} {_VISIBLE} AND ({where}) ORDER BY {LINE_ORDER}",
            (unit_id, *params),
        )
    ]


def lines_by_id(raw: sqlite3.Connection, unit_id: str, line_ids: Iterable[str]) -> list[Line]:
    ids = orjson.dumps(list(line_ids)).decode()
    return visible_lines(raw, unit_id, "l.line_id IN (SELECT value FROM json_each(?))", (ids,))


def levy_names(raw: sqlite3.Connection, region: str) -> tuple[dict[str, str], dict[str, str]]:
    """征收项目 and 征收品目 names from the region's rule files."""
    items = stored_rule(raw, region, "levy_items").get("entries", [])
    categories = stored_rule(raw, region, "levy_categories").get("entries", [])
    return (
        {str(e["code"]): str(e["name"]) for e in items},
        {str(e["code"]): str(e["name"]) for e in categories},
    )


# -- writing -----------------------------------------------------------------------------
def set_state(
    raw: sqlite3.Connection, line_ids: Iterable[str], state: str, reason: str | None = None
) -> None:
    raw.executemany(
        "UPDATE collect_lines SET state = ?, reason = ? WHERE line_id = ?",
        [(state, reason, line_id) for line_id in line_ids],
    )


def mark_paid(
    raw: sqlite3.Connection,
    line_ids: Sequence[str],
    paid_at: datetime,
    channel: str,
    delays: tuple[float, float],
) -> None:
    """Lines paid through `channel` (a 到账 channel) at `paid_at`: they leave the arrears,
    are 入库 `delays[0]` seconds later and 到账 `delays[1]` seconds after that."""
    stamp = paid_at.timestamp()
    stored, arrived = stamp + delays[0], stamp + delays[0] + delays[1]
    raw.executemany(
        "UPDATE collect_lines SET state = ?, reason = NULL, bank_voucher_id = NULL, paid_at = ?,"
        " paid_channel = ?, stored_due = ?, arrive_due = ? WHERE line_id = ?",
        [(PAID, format_datetime(paid_at), channel, stored, arrived, i) for i in line_ids],
    )
    ids = orjson.dumps(list(line_ids)).decode()
    declarations = [
        row[0]
        for row in raw.execute(
            "SELECT DISTINCT declaration_id FROM collect_lines"
            " WHERE line_id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
    ]
    refresh_pay_status(raw, declarations)


def refresh_pay_status(raw: sqlite3.Connection, declaration_ids: Iterable[str]) -> None:
    """`pay_status` of declarations with lines: 未缴费, 部分缴费 or 缴费成功."""
    raw.executemany(
        "UPDATE fee_declarations SET pay_status = (SELECT CASE SUM(state = ?)"
        " WHEN 0 THEN '未缴费' WHEN COUNT(*) THEN '缴费成功' ELSE '部分缴费' END"
        " FROM collect_lines WHERE declaration_id = ?)"
        " WHERE declaration_id = ? AND pay_status IS NOT NULL AND pay_status != '无需缴费'",
        [(PAID, d, d) for d in declaration_ids],
    )


def void_covering(raw: sqlite3.Connection, line_ids: Iterable[str], reason: str) -> list[str]:
    """Every 未缴款 voucher holding one of the lines becomes 已作废; returns their serials."""
    ids = orjson.dumps(list(line_ids)).decode()
    vouchers = raw.execute(
        "SELECT DISTINCT v.voucher_id, v.serial FROM bank_voucher_lines vl"
        " JOIN bank_vouchers v ON v.voucher_id = vl.voucher_id"
        " WHERE vl.line_id IN (SELECT value FROM json_each(?)) AND v.status = '未缴款'"
        " ORDER BY v.voucher_id",
        (ids,),
    ).fetchall()
    for voucher_id, _ in vouchers:
        raw.execute(
            "UPDATE bank_vouchers SET status = '已作废', void_reason = ? WHERE voucher_id = ?",
            (reason, voucher_id),
        )
        raw.execute(
            "UPDATE collect_lines SET bank_voucher_id = NULL WHERE bank_voucher_id = ?",
            (voucher_id,),
        )
    return [serial for _, serial in vouchers]


VOIDED_WITH_DECLARATION = "申报记录已作废，凭证同时作废"


def guard_void(raw: sqlite3.Connection, unit_id: str, declaration_id: str) -> None:
    """作废 of a declaration: refused while a line is paid, with the bank or 锁定; its unpaid
    vouchers are voided with it."""
    states = {
        row[0]: row[1]
        for row in raw.execute(
            "SELECT state, COUNT(*) FROM collect_lines WHERE unit_id = ? AND declaration_id = ?"
            " GROUP BY state",
            (unit_id, declaration_id),
        )
    }
    if PAID in states:
        raise ApiError(
            409,
            "ALREADY_PAID",
            "该申报记录已缴费，不能作废。如需退费，请使用单位退费申请。",
            {"declaration_id": declaration_id},
        )
    if IN_PROGRESS in states or LOCKED in states:
        raise ApiError(
            409,
            "NOT_VOIDABLE",
            "该申报记录有正在银行扣款或处于锁定状态的欠费，不能作废，请等待扣款结果或解锁后再办理。",
            {"declaration_id": declaration_id},
        )
    lines = [
        row[0]
        for row in raw.execute(
            "SELECT line_id FROM collect_lines WHERE declaration_id = ?", (declaration_id,)
        )
    ]
    void_covering(raw, lines, VOIDED_WITH_DECLARATION)
