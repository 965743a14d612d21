"""Bringing a unit's 费款缴纳 up to date before a read or a payment: due fee declarations are
processed, the arrears of successful ones made, and the bank answers every deduction and
agreement verification whose delay has passed (in order, each in its own transaction)."""

from __future__ import annotations

from collections.abc import Callable

from mock_backend import agreements, deductions
from mock_backend.arrears import ensure_lines, missing_lines
from mock_backend.clock import ServerClock
from mock_backend.db import Database, driver
from mock_backend.fee_processing import process_due as process_due_declarations

_PENDING = {
    "collect_deductions": ("deduction_id", deductions.WITH_BANK),
    "agreements": ("agreement_id", agreements.VERIFYING),
}


def _answer_due(
    db: Database,
    clock: ServerClock,
    table: str,
    unit_id: str,
    answer: Callable[..., bool],
    force: bool,
) -> int:
    key, status = _PENDING[table]
    now = clock.timestamp()
    with db.read() as conn:
        due = [
            row[0]
            for row in driver(conn).execute(
                f"SELECT {key} FROM {table} WHERE unit_id = ? AND status = ?"
                f" AND (? OR due_at <= ?) ORDER BY due_at, {key}",
                (unit_id, status, force, now),
            )
        ]
    answered = 0
    for one in due:
        with db.write() as conn:
            answered += answer(driver(conn), one, clock.timestamp())
    return answered


def answer_bank(
    db: Database, clock: ServerClock, unit_id: str, force: bool = False
) -> dict[str, int]:
    """The bank answers the unit's pending deductions and verifications (all of them with
    `force`, else those whose delay has passed)."""
    return {
        "deductions": _answer_due(
            db, clock, "collect_deductions", unit_id, deductions.process, force
        ),
        "agreements": _answer_due(
            db, clock, "agreements", unit_id, agreements.process_verification, force
        ),
    }


def make_arrears(db: Database, clock: ServerClock, unit_id: str) -> None:
    """Due fee declarations processed, the lines of successful ones made."""
    process_due_declarations(db, clock, unit_id)
    with db.read() as conn:
        missing = missing_lines(driver(conn), unit_id)
    if missing:
        with db.write() as conn:
            ensure_lines(driver(conn), unit_id)


def bring_up_to_date(db: Database, clock: ServerClock, unit_id: str) -> None:
    make_arrears(db, clock, unit_id)
    answer_bank(db, clock, unit_id)
