"""安全认证 before 缴费 and 解锁 (manual §2.11 二(二), §2.13 (六)): the 申报密码 is checked by
the 征收子系统, which answers with a short-lived payment ticket. Three wrong entries in a row
lock payment for the unit for 3 minutes (seed 001); the server keeps the count and the
clock, the client shows its sentence and when the lock ends."""

from __future__ import annotations

from dataclasses import dataclass

from client.sync.api import ApiClient
from client.sync.errors import ApiError, MalformedResponseError

TICKET_HEADER = "X-Payment-Ticket"


@dataclass(frozen=True)
class PaymentTicket:
    ticket: str
    expires_at: str

    @property
    def headers(self) -> dict[str, str]:
        return {TICKET_HEADER: self.ticket}


class PaymentAuthError(Exception):
    """A wrong password or the lock: `message` for the clerk, `remaining` attempts or
    `locked_until` from the server."""

    def __init__(
        self, message: str, remaining: int | None = None, locked_until: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.remaining = remaining
        self.locked_until = locked_until

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def authenticate(api: ApiClient, unit_id: str, password: str) -> PaymentTicket:
    """The ticket for the next payment calls, or PaymentAuthError (wrong / locked)."""
    if not password:
        raise PaymentAuthError("请输入申报密码。")
    try:
        answer = api.post_json(f"/collect/units/{unit_id}/payment-auth", {"password": password})
    except ApiError as error:
        details = error.details or {}
        if error.code == "WRONG_PASSWORD":
            remaining = details.get("remaining")
            raise PaymentAuthError(
                error.message, remaining=remaining if isinstance(remaining, int) else None
            ) from None
        if error.code == "PAYMENT_LOCKED":
            until = details.get("locked_until")
            raise PaymentAuthError(error.message, locked_until=str(until or "")) from None
        raise
    ticket, expires = (answer or {}).get("ticket"), (answer or {}).get("expires_at")
    if not isinstance(ticket, str) or not ticket:
        raise MalformedResponseError(technical="payment ticket")
    return PaymentTicket(ticket, str(expires or ""))
