"""社保费到账 (manual §2.22): a paid line is 入库 a delay after payment and 到账 (the 社保/医保
department has it) a delay after that; both moments are fixed when the line is paid, so a read
shows what has happened by the server clock."""

from __future__ import annotations

import sqlite3
from typing import Any

from mock_backend.arrears import PAID
from mock_backend.fee_store import money

ARRIVAL_FIELDS = [
    "line_id", "voucher_number", "unit_number", "levy_item", "levy_category", "part",
    "period_start", "period_end", "amount", "channel", "paid_at", "stored_on", "arrived_on",
    "state",
]  # fmt: skip
STORED = "已入库"
ARRIVED = "已到账"
_LOCAL_DATE = "date({}, 'unixepoch', '+8 hours')"  # server local time is UTC+8


def list_arrivals(
    raw: sqlite3.Connection,
    unit_id: str,
    period_from: str | None,
    period_to: str | None,
    now: float,
) -> list[list[Any]]:
    """The unit's 入库 lines whose 费款所属期 overlaps the range, in line order."""
    return [
        list(row)
        for row in raw.execute(
            "SELECT line_id, voucher_number, unit_number, levy_item, levy_category, part,"
            f" period_start, period_end, {money('amount')}, paid_channel, paid_at,"
            f" {_LOCAL_DATE.format('stored_due')},"
            f" CASE WHEN arrive_due <= ? THEN {_LOCAL_DATE.format('arrive_due')} END,"
            " CASE WHEN arrive_due <= ? THEN ? ELSE ? END"
            " FROM collect_lines WHERE unit_id = ? AND state = ? AND stored_due <= ?"
            " AND (? IS NULL OR period_end >= ?) AND (? IS NULL OR period_start <= ?)"
            " ORDER BY period_start, unit_number, levy_item, levy_category, part, line_id",
            (
                now,
                now,
                ARRIVED,
                STORED,
                unit_id,
                PAID,
                now,
                period_from,
                period_from,
                period_to,
                period_to,
            ),
        )  # fmt: skip
    ]


def arrive_now(raw: sqlite3.Connection, unit_id: str, now: float) -> int:
    """Admin: every paid line of the unit is 入库 and 到账 now; how many lines moved."""
    return raw.execute(
        "UPDATE collect_lines SET stored_due = MIN(stored_due, ?), arrive_due = MIN(arrive_due, ?)"
        " WHERE unit_id = ? AND state = ? AND arrive_due > ?",
        (now, now, unit_id, PAID, now),
    ).rowcount
