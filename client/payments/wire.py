"""The wire layout of 费款缴纳 (docs/http-contract.md, issue 10), checked before anything is
kept: a payload of another layout raises `MalformedResponseError` and changes nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from client.payments.rules import DEDUCTION_STATES, LINE_STATES, VOUCHER_STATES
from client.sync.errors import MalformedResponseError

ARREARS_FIELDS = [
    "line_id", "voucher_number", "declaration_id", "item_id", "unit_number", "levy_item",
    "levy_category", "part", "period_start", "period_end", "pay_type", "sequential",
    "deferrable", "amount", "state", "reason", "bank_voucher_id", "declared_at",
    "tax_authority", "pay_deadline",
]  # fmt: skip
# An older server's layout: no 缴费期限 (`pay_deadline`), read as None.
LEGACY_ARREARS_FIELDS = ARREARS_FIELDS[:-1]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DEDUCTION_KEYS = (
    "deduction_id", "payment_id", "channel", "voucher_number", "declaration_id", "unit_number",
    "period_start", "period_end", "amount", "line_ids", "agreement_id", "bank_name",
    "branch_name", "account_masked", "submitted_at", "status", "reason", "finished_at",
)  # fmt: skip
VOUCHER_KEYS = (
    "voucher_id", "serial", "channel", "issued_at", "deadline", "taxpayer_id",
    "taxpayer_name", "tax_authority_code", "tax_authority_name", "payer", "summary",
    "amount", "status", "void_reason", "paid_at", "expired", "rows",
)  # fmt: skip
ROW_KEYS = (
    "line_id", "voucher_number", "unit_number", "levy_item", "levy_item_name",
    "levy_category_name", "period_start", "period_end", "amount",
)  # fmt: skip
_LINE_TEXT = ("line_id", "voucher_number", "declaration_id", "item_id", "unit_number",
              "levy_item", "levy_category", "part", "period_start", "period_end", "pay_type",
              "amount", "state")  # fmt: skip


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"payment {what}")


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _is_date(value: Any) -> bool:
    """A `YYYY-MM-DD` day that exists."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def arrears(payload: Any) -> list[dict[str, Any]]:
    """The arrears lines; `pay_deadline` is None when the server does not send it."""
    fields = payload.get("fields") if isinstance(payload, dict) else None
    if fields not in (ARREARS_FIELDS, LEGACY_ARREARS_FIELDS):
        raise _fail("arrears layout")
    records = payload.get("records")
    if not isinstance(records, list):
        raise _fail("arrears records")
    out = []
    for record in records:
        if not isinstance(record, list) or len(record) != len(fields):
            raise _fail("arrears record")
        row = {"pay_deadline": None, **dict(zip(fields, record, strict=True))}
        if any(not _is_text(row[k]) for k in _LINE_TEXT):
            raise _fail("arrears text field")
        if row["state"] not in LINE_STATES:
            raise _fail(f"arrears state {row['state']!r}")
        if not isinstance(row["sequential"], bool) or not isinstance(row["deferrable"], bool):
            raise _fail("arrears flags")
        if row["pay_deadline"] is not None and not _is_date(row["pay_deadline"]):
            raise _fail("arrears pay_deadline")
        out.append(row)
    return out


def deduction(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or any(k not in payload for k in DEDUCTION_KEYS):
        raise _fail("deduction layout")
    row = {k: payload[k] for k in DEDUCTION_KEYS}
    if row["status"] not in DEDUCTION_STATES:
        raise _fail(f"deduction status {row['status']!r}")
    if not isinstance(row["line_ids"], list) or not _is_text(row["deduction_id"]):
        raise _fail("deduction lines")
    if not _is_text(row["amount"]) or not _is_text(row["submitted_at"]):
        raise _fail("deduction amount")
    return row


def deductions(payload: Any, key: str = "deductions") -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        raise _fail("deduction list")
    return [deduction(d) for d in payload[key]]


def voucher(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict) or any(k not in payload for k in VOUCHER_KEYS):
        raise _fail("voucher layout")
    row = {k: payload[k] for k in VOUCHER_KEYS}
    if row["status"] not in VOUCHER_STATES or not _is_text(row["serial"]):
        raise _fail("voucher status")
    rows = row["rows"]
    if not isinstance(rows, list) or not rows:
        raise _fail("voucher rows")
    for r in rows:
        if not isinstance(r, dict) or any(k not in r for k in ROW_KEYS):
            raise _fail("voucher row")
    payer = row["payer"]
    if payer is not None and (
        not isinstance(payer, dict) or any(k not in payer for k in ("name", "account", "bank_name"))
    ):
        raise _fail("voucher payer")
    return row


def vouchers(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("vouchers"), list):
        raise _fail("voucher list")
    return [voucher(v) for v in payload["vouchers"]]
