"""The wire layout of 退费 (docs/http-contract.md, 证明打印 and 退费 › 退费), checked before
anything is shown or kept: an answer of another shape raises `MalformedResponseError`, so a
half-read list never reaches the clerk or the local tables."""

from __future__ import annotations

import re
from typing import Any

from client.refunds.rules import METHODS, STATUSES
from client.sync.errors import MalformedResponseError
from client.sync.wire_amounts import wire_amount

TICKET_KEYS = ("ticket_id", "e_ticket_number", "status", "tax_authority_name", "rows")
TICKET_ROW_KEYS = (
    "row_id", "line_id", "original_voucher", "tax_kind", "item_name", "period_start",
    "period_end", "stored_on", "amount", "refundable", "declared", "check",
)  # fmt: skip
PERSON_FIELDS = [
    "row_id", "name", "id_type", "id_number", "levy_item_name", "levy_category_name",
    "period", "paid", "refundable",
]  # fmt: skip
APPLICATION_TEXT = (
    "refund_id", "application_number", "method", "submitted_at", "status", "amount",
    "reason_code", "reason_name", "statement", "account_name", "bank_code", "bank_name",
    "account_masked",
)  # fmt: skip
APPLICATION_OPTIONAL = ("refund_kind", "decision_reason", "refunded_on")
APPLICATION_ROW_TEXT = (
    "row_id", "levy_item_name", "levy_category_name", "period_start", "period_end", "paid",
    "amount",
)  # fmt: skip
APPLICATION_ROW_OPTIONAL = ("e_ticket_number", "name", "id_number")
_MONEY = re.compile(r"-?\d+\.\d{2}")


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"refund {what}")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _money(value: Any) -> bool:
    """A wire amount written with two decimals, as the contract writes them ("80.00")."""
    return wire_amount(value) is not None and bool(_MONEY.fullmatch(value))


def _optional_text(entry: dict[str, Any], keys: tuple[str, ...], what: str) -> None:
    for key in keys:
        if entry[key] is not None and not isinstance(entry[key], str):
            raise _fail(f"{what} {key} is not a string: {entry[key]!r}")


# -- refundable rows --------------------------------------------------------------------------
def ticket_rows(payload: Any) -> list[dict[str, Any]]:
    """税票退费: the rows of every ticket, flattened (one row per ticket row, in the answer's
    order), each with its ticket's 电子税票号码, 状态 and 税务机关."""
    tickets = payload.get("tickets") if isinstance(payload, dict) else None
    if not isinstance(tickets, list):
        raise _fail("ticket list")
    out: list[dict[str, Any]] = []
    for ticket in tickets:
        if not isinstance(ticket, dict) or any(k not in ticket for k in TICKET_KEYS):
            raise _fail("ticket layout")
        if not _text(ticket["ticket_id"]) or not isinstance(ticket["rows"], list):
            raise _fail("ticket id or rows")
        for row in ticket["rows"]:
            if not isinstance(row, dict) or any(k not in row for k in TICKET_ROW_KEYS):
                raise _fail("ticket row layout")
            if not _text(row["row_id"]) or not row["row_id"].startswith("T-"):
                raise _fail(f"ticket row id {row['row_id']!r}")
            if not all(_money(row[k]) for k in ("amount", "refundable", "declared")):
                raise _fail(f"ticket row amounts of {row['row_id']}")
            out.append(
                {
                    "ticket_id": ticket["ticket_id"],
                    "e_ticket_number": ticket["e_ticket_number"],
                    "ticket_status": ticket["status"],
                    "tax_authority_name": ticket["tax_authority_name"],
                    **{k: row[k] for k in TICKET_ROW_KEYS},
                }
            )
    if len({r["row_id"] for r in out}) != len(out):
        raise _fail("ticket row id repeats")
    return out


def person_rows(payload: Any) -> list[dict[str, Any]]:
    """职工明细退费: one row per person × month × 入库 part."""
    if not isinstance(payload, dict) or payload.get("fields") != PERSON_FIELDS:
        raise _fail("person rows layout")
    records = payload.get("records")
    if not isinstance(records, list):
        raise _fail("person rows records")
    out = []
    for record in records:
        if not isinstance(record, list) or len(record) != len(PERSON_FIELDS):
            raise _fail("person row")
        row = dict(zip(PERSON_FIELDS, record, strict=True))
        if not _text(row["row_id"]) or not row["row_id"].startswith("P-"):
            raise _fail(f"person row id {row['row_id']!r}")
        if not _money(row["paid"]) or not _money(row["refundable"]):
            raise _fail(f"person row amounts of {row['row_id']}")
        out.append(row)
    if len({r["row_id"] for r in out}) != len(out):
        raise _fail("person row id repeats")
    return out


# -- applications -----------------------------------------------------------------------------
def application(entry: Any) -> dict[str, Any]:
    """One application with its `rows` and `history` checked."""
    if not isinstance(entry, dict):
        raise _fail("application is not an object")
    keys = (*APPLICATION_TEXT, *APPLICATION_OPTIONAL, "history", "rows")
    missing = [k for k in keys if k not in entry]
    if missing:
        raise _fail(f"application fields missing: {missing}")
    for key in APPLICATION_TEXT:
        if not isinstance(entry[key], str) or (key != "statement" and not entry[key]):
            raise _fail(f"application {key} is not a non-empty string: {entry[key]!r}")
    _optional_text(entry, APPLICATION_OPTIONAL, "application")
    if entry["method"] not in METHODS or entry["status"] not in STATUSES:
        raise _fail(f"application method/status {entry['method']!r} {entry['status']!r}")
    if not _money(entry["amount"]):
        raise _fail(f"application amount {entry['amount']!r}")
    history = entry["history"]
    if not isinstance(history, list) or not all(
        isinstance(h, dict) and h.get("status") in STATUSES and _text(h.get("at")) for h in history
    ):
        raise _fail("application history")
    rows = entry["rows"]
    if not isinstance(rows, list) or not rows:
        raise _fail("application rows")
    checked_rows = []
    for row in rows:
        if not isinstance(row, dict):
            raise _fail("application row")
        if any(k not in row for k in (*APPLICATION_ROW_TEXT, *APPLICATION_ROW_OPTIONAL)):
            raise _fail("application row layout")
        if not all(_text(row[k]) for k in APPLICATION_ROW_TEXT):
            raise _fail(f"application row text of {row.get('row_id')!r}")
        if not _money(row["paid"]) or not _money(row["amount"]):
            raise _fail(f"application row amounts of {row['row_id']}")
        _optional_text(row, APPLICATION_ROW_OPTIONAL, "application row")
        checked_rows.append({k: row[k] for k in (*APPLICATION_ROW_TEXT, *APPLICATION_ROW_OPTIONAL)})
    out = {k: entry[k] for k in (*APPLICATION_TEXT, *APPLICATION_OPTIONAL)}
    out["history"] = [{"status": h["status"], "at": h["at"]} for h in history]
    out["rows"] = checked_rows
    return out


def applications(payload: Any) -> list[dict[str, Any]]:
    """The list answer (`{"refunds": [...]}`), every entry checked; ids do not repeat."""
    entries = payload.get("refunds") if isinstance(payload, dict) else None
    if not isinstance(entries, list):
        raise _fail("list answer has no refunds list")
    found = [application(e) for e in entries]
    if len({a["refund_id"] for a in found}) != len(found):
        raise _fail("refund_id repeats")
    return found
