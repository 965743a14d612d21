"""The wire layouts of 城乡居民个人缴费 (docs/http-contract.md, issue 13), checked
before anything is shown: another layout raises `MalformedResponseError`. Amounts stay the
server's strings after they were checked to be amounts."""

from __future__ import annotations

from typing import Any

from client.personal_payment.rules import STATES
from client.sync.errors import MalformedResponseError
from client.sync.wire_amounts import wire_amount

ROW_FIELDS = (
    "row_id", "kind", "item_id", "position", "declaration_id", "voucher_number",
    "collection_serial", "unit_number", "agency", "tax_authority", "person_number", "levy_item",
    "levy_category", "year", "amount", "line_id", "pay_type", "levy_subcategory",
)  # fmt: skip
ORDER_FIELDS = (
    "order_id", "mode", "name", "id_type", "id_number", "method", "amount", "state", "reason",
    "created_at", "finished_at", "levy_items", "years",
)  # fmt: skip
ORDER_ROW_FIELDS = (
    "row_id", "item_id", "declaration_id", "collection_serial", "unit_number", "agency",
    "tax_authority", "person_number", "levy_item", "levy_category", "year", "amount",
    "paid_line_id", "pay_type",
)  # fmt: skip
_TEXT = ("row_id", "item_id", "unit_number", "tax_authority", "person_number", "levy_item")
_ORDER_TEXT = ("order_id", "mode", "name", "id_type", "id_number", "method", "created_at")


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"personal payment {what}")


def _amount(value: Any, what: str) -> str:
    if wire_amount(value) is None:
        raise _fail(f"{what} amount {value!r}")
    return value


def _object(value: Any, fields: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not set(fields) <= value.keys():
        raise _fail(f"{what} layout {value!r}")
    return {k: value[k] for k in fields}


def pending_rows(payload: Any) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(the resident as registered, the pending rows) of a 待缴费信息 answer."""
    if not isinstance(payload, dict) or not isinstance(payload.get("rows"), list):
        raise _fail("pending layout")
    person = _object(payload.get("person"), ("name", "id_type", "id_number"), "person")
    rows = []
    for raw in payload["rows"]:
        row = _object(raw, ROW_FIELDS, "row")
        for key in _TEXT:
            if not isinstance(row[key], str) or not row[key]:
                raise _fail(f"row {key} {row[key]!r}")
        if not isinstance(row["year"], int):
            raise _fail(f"row year {row['year']!r}")
        row["amount"] = _amount(row["amount"], "row")
        rows.append(row)
    return person, rows


def order(payload: Any) -> dict[str, Any]:
    """An order (with `pay_url` and `rows` when the answer has them)."""
    data = _object(payload, ORDER_FIELDS, "order")
    for key in _ORDER_TEXT:
        if not isinstance(data[key], str) or not data[key]:
            raise _fail(f"order {key} {data[key]!r}")
    if data["state"] not in STATES:
        raise _fail(f"order state {data['state']!r}")
    data["amount"] = _amount(data["amount"], "order")
    url = payload.get("pay_url")
    if url is not None and (not isinstance(url, str) or not url.startswith("http")):
        raise _fail(f"order pay_url {url!r}")
    data["pay_url"] = url
    rows = payload.get("rows")
    if rows is not None:
        if not isinstance(rows, list):
            raise _fail("order rows")
        data["rows"] = [_object(r, ORDER_ROW_FIELDS, "order row") for r in rows]
        for row in data["rows"]:
            row["amount"] = _amount(row["amount"], "order row")
    return data


def orders(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("orders"), list):
        raise _fail("orders layout")
    return [order(o) for o in payload["orders"]]
