"""税收完税证明 of the demo units: their 2026-09 批量扣款 lines are 入库 the next day, so each
has 未开具 tickets; every second demo employer printed its first ticket (开具, print_count 1)
and every fourth one had a ticket voided by the tax office (its lines have a new ticket)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from mock_backend import certificates as ticket_book  # a module: seed is imported mid-cycle
from mock_backend.clock import parse_datetime
from mock_backend.seed.taxpayers import UnitSpec

STORED_AT = "2026-09-26 03:00:00"  # the 批量扣款 of 2026-09-25 03:00 plus one day
ISSUED_ON = "2026-09-28"
VOIDED_ON = "2026-09-30"
VOIDED_BY = "系统管理员"
VOID_REASON = "票证信息有误，重新开具"
ISSUER = "单位社保费管理客户端"


def _unissued(raw: sqlite3.Connection, unit_id: str) -> list[str]:
    return [
        row[0]
        for row in raw.execute(
            "SELECT ticket_id FROM tax_tickets WHERE unit_id = ? AND status = ?"
            " ORDER BY stored_on, e_ticket_number",
            (unit_id, ticket_book.NOT_ISSUED),
        )
    ]


def seed_tickets(raw: sqlite3.Connection, specs: Iterable[UnitSpec]) -> None:
    """Tickets of every demo unit's 入库 lines; 开具 and 作废 on every second/fourth employer."""
    stored = parse_datetime(STORED_AT).timestamp()
    employers = [spec for spec in specs if spec.kind == "employer" and spec.records > 0]
    for position, spec in enumerate(employers):
        ticket_book.ensure_tickets(raw, spec.unit_id, stored)
        made = _unissued(raw, spec.unit_id)
        if position % 2 == 0 or len(made) < 2:  # keep a 未开具 one
            continue
        raw.execute(
            "UPDATE tax_tickets SET status = '已开具', issued_on = ?, issuer = ?, print_count = 1"
            " WHERE ticket_id = ?",
            (ISSUED_ON, ISSUER, made[0]),
        )
        if position % 4 == 3 and len(made) > 2:
            raw.execute(
                "UPDATE tax_tickets SET status = '已作废', issued_on = ?, issuer = ?,"
                " print_count = 1, voided_by = ?, voided_on = ?, void_reason = ?"
                " WHERE ticket_id = ?",
                (ISSUED_ON, ISSUER, VOIDED_BY, VOIDED_ON, VOID_REASON, made[-1]),
            )
            ticket_book.ensure_tickets(raw, spec.unit_id, stored)  # the voided lines' new ticket
