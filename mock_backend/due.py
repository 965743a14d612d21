"""Asynchronous processing shared by submissions (缴费工资申报, 社保费申报 and its 作废): the
pending rows of a unit whose processing delay has passed are processed one by one, each in
its own write transaction, when something reads them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from mock_backend.clock import ServerClock
from mock_backend.db import Database, driver

Process = Callable[[Connection, str], bool]  # (write connection, declaration id) -> processed


def process_due(
    db: Database,
    clock: ServerClock,
    table: str,
    pending: Sequence[str],
    unit_id: str,
    process: Process,
    declaration_id: str | None = None,
) -> int:
    """Process the unit's rows of `table` in a `pending` status whose `due_at` has passed
    (or just `declaration_id`); returns how many were processed."""
    marks = ", ".join("?" * len(pending))
    with db.read() as conn:
        due = [
            row[0]
            for row in driver(conn).execute(
                f"SELECT declaration_id FROM {table} WHERE unit_id = ? AND status IN ({marks})"
                " AND due_at <= ? AND (? IS NULL OR declaration_id = ?) ORDER BY declaration_id",
                (unit_id, *pending, clock.timestamp(), declaration_id, declaration_id),
            )
        ]
    processed = 0
    for one in due:
        with db.write() as conn:
            processed += process(conn, one)
    return processed
