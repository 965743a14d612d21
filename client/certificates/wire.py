"""The wire layout of 证明打印 (docs/http-contract.md, issue 11), checked before anything is
shown or drawn: another layout raises `MalformedResponseError`. Amounts stay the server's
strings; a ticket whose rows do not add up to its 金额合计 is refused here, so no document
ever shows a total that is not the sum of its lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from client.sync.errors import MalformedResponseError
from client.sync.wire_amounts import wire_amount

TICKET_STATES = ("未开具", "已开具", "已作废")
TICKET_KEYS = (
    "ticket_id", "e_ticket_number", "ticket_kind", "ticket_word", "ticket_number",
    "taxpayer_id", "taxpayer_name", "tax_authority_code", "tax_authority_name", "region_code",
    "treasury_name", "stored_on", "period_start", "period_end", "amount", "amount_in_words",
    "status", "issued_on", "issuer", "print_count", "check_code", "remark", "voided_by",
    "voided_on", "void_reason", "rows",
)  # fmt: skip
TICKET_ROW_KEYS = (
    "line_id", "original_voucher", "tax_kind", "item_name", "period_start", "period_end",
    "stored_on", "amount",
)  # fmt: skip
PERSON_LIST_FIELDS = [
    "name", "id_type", "id_number", "tax_authority", "agency", "unit_number", "levy_item",
    "levy_item_name", "levy_category_name", "part", "period", "base", "amount", "stored_on",
    "channel",
]  # fmt: skip
UNIT_LIST_FIELDS = [
    "tax_authority", "agency", "unit_number", "levy_item", "levy_item_name",
    "levy_category_name", "sub_item", "period_start", "period_end", "stored_on", "amount",
    "line_id",
]  # fmt: skip


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"certificate {what}")


def money(value: Any) -> Decimal:
    """A wire amount ("3533.34") as Decimal; anything else is a malformed answer."""
    number = wire_amount(value)
    if number is None:
        raise _fail(f"amount {value!r}")
    return number


def ticket(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or any(k not in payload for k in TICKET_KEYS):
        raise _fail("ticket layout")
    if payload["status"] not in TICKET_STATES:
        raise _fail(f"ticket status {payload['status']!r}")
    for key in ("ticket_id", "e_ticket_number", "taxpayer_id", "region_code"):
        if not isinstance(payload[key], str) or not payload[key]:
            raise _fail(f"ticket {key}")
    if not isinstance(payload["print_count"], int) or payload["print_count"] < 0:
        raise _fail("ticket print_count")
    rows = payload["rows"]
    if not isinstance(rows, list) or not rows:
        raise _fail("ticket rows")
    for row in rows:
        if not isinstance(row, dict) or any(k not in row for k in TICKET_ROW_KEYS):
            raise _fail("ticket row layout")
    total = money(payload["amount"])
    if sum((money(r["amount"]) for r in rows), Decimal("0.00")) != total:
        raise _fail("ticket rows do not add up to its amount")
    return dict(payload)


def tickets(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("tickets"), list):
        raise _fail("ticket list")
    return [ticket(t) for t in payload["tickets"]]


def payment_list(payload: Any, fields: list[str]) -> tuple[list[dict[str, Any]], dict | None]:
    """A 缴费清单: its rows as dicts, and the server's `empty_reason` ({code, message})."""
    if not isinstance(payload, dict) or payload.get("fields") != fields:
        raise _fail("payment list layout")
    records = payload.get("records")
    reason = payload.get("empty_reason")
    if not isinstance(records, list):
        raise _fail("payment list records")
    if reason is not None and (
        not isinstance(reason, dict) or not isinstance(reason.get("message"), str)
    ):
        raise _fail("payment list empty_reason")
    rows = []
    for record in records:
        if not isinstance(record, list) or len(record) != len(fields):
            raise _fail("payment list record")
        row = dict(zip(fields, record, strict=True))
        money(row["amount"])
        rows.append(row)
    return rows, reason
