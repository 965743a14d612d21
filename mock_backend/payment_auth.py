"""安全认证 before paying (manual §2.11.2): the unit's 申报密码 buys a ticket valid 10 minutes;
three wrong passwords in a row lock payment for 3 minutes of server time (separate from the
login lockout)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from mock_backend.auth import AuthService
from mock_backend.clock import CST, ServerClock, format_datetime
from mock_backend.db import Database, driver
from mock_backend.errors import ApiError

TICKET_LIFETIME = timedelta(minutes=10)
MAX_WRONG = 3
LOCK_TIME = timedelta(minutes=3)
TICKET_HEADER = "X-Payment-Ticket"


def _locked(until: float) -> ApiError:
    moment = datetime.fromtimestamp(until, CST)
    return ApiError(
        423,
        "PAYMENT_LOCKED",
        f"申报密码连续输错{MAX_WRONG}次，缴费功能已锁定，请于{moment:%H:%M:%S}后再试。",
        {"locked_until": format_datetime(moment)},
    )


def authenticate(
    db: Database, clock: ServerClock, auth: AuthService, unit_id: str, password: str
) -> dict[str, Any]:
    """A ticket for the right password; 401 WRONG_PASSWORD or 423 PAYMENT_LOCKED otherwise."""
    now = clock.now()
    stamp = now.timestamp()
    error: ApiError | None = None
    answer: dict[str, Any] = {}
    with db.write() as conn:
        raw = driver(conn)
        row = raw.execute(
            "SELECT failures, locked_until FROM payment_auth WHERE unit_id = ?", (unit_id,)
        ).fetchone()
        failures, locked_until = row if row else (0, None)
        if locked_until is not None and stamp < locked_until:
            error = _locked(locked_until)
        elif not auth.password_matches(raw, unit_id, password):
            failures = 0 if locked_until is not None else failures
            failures += 1
            until = (now + LOCK_TIME).timestamp() if failures >= MAX_WRONG else None
            raw.execute(
                "INSERT OR REPLACE INTO payment_auth (unit_id, failures, locked_until)"
                " VALUES (?, ?, ?)",
                (unit_id, 0 if until else failures, until),
            )
            remaining = MAX_WRONG - failures
            error = (
                _locked(until)
                if until
                else ApiError(
                    401,
                    "WRONG_PASSWORD",
                    f"申报密码错误，还可以再试{remaining}次；连续输错{MAX_WRONG}次将锁定缴费3分钟。",
                    {"remaining": remaining},
                )
            )
        else:
            raw.execute("DELETE FROM payment_auth WHERE unit_id = ?", (unit_id,))
            ticket = "PT" + secrets.token_hex(16)
            expires = now + TICKET_LIFETIME
            raw.execute("DELETE FROM payment_tickets WHERE expires_at < ?", (stamp,))
            raw.execute(
                "INSERT INTO payment_tickets (ticket, unit_id, expires_at) VALUES (?, ?, ?)",
                (ticket, unit_id, expires.timestamp()),
            )
            answer = {"ticket": ticket, "expires_at": format_datetime(expires)}
    if error is not None:  # raised outside the transaction, so the count is kept
        raise error
    return answer


def require_ticket(db: Database, clock: ServerClock, unit_id: str, ticket: str | None) -> None:
    """401 PAYMENT_AUTH_REQUIRED unless `ticket` is a live ticket of the unit."""
    if ticket:
        with db.read() as conn:
            found = (
                driver(conn)
                .execute(
                    "SELECT 1 FROM payment_tickets WHERE ticket = ? AND unit_id = ?"
                    " AND expires_at > ?",
                    (ticket, unit_id, clock.timestamp()),
                )
                .fetchone()
            )
        if found:
            return
    raise ApiError(401, "PAYMENT_AUTH_REQUIRED", "安全认证已过期，请重新输入申报密码。")


def clear_lock(db: Database, unit_id: str) -> None:
    """Admin: forget wrong payment passwords (and the lock)."""
    with db.write() as conn:
        driver(conn).execute("DELETE FROM payment_auth WHERE unit_id = ?", (unit_id,))
