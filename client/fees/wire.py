"""The wire layout of 社保费申报 (docs/http-contract.md, issue 9), checked before anything is
kept: a page of another layout or with malformed records raises `MalformedResponseError`
and changes nothing locally."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from client.fees.rules import (
    DECLARATION_STATES,
    ITEM_STATES,
    SUCCEEDED,
    failed_rows_text,
    merge_key,
)
from client.sync.errors import MalformedResponseError

ITEM_FIELDS = [
    "item_id", "category", "data_source", "unit_number", "agency", "tax_authority",
    "project_number", "collection_serial", "valid_until", "period_start", "period_end",
    "levy_item", "levy_category", "special_type", "headcount", "wage_total", "base_total",
    "unit_rate", "personal_rate", "unit_amount", "personal_amount", "amount", "state",
    "declaration_id", "reason", "created_at",
]  # fmt: skip
LINE_FIELDS = [
    "position", "person_id", "person_number", "name", "id_type", "id_number", "period",
    "wage", "base", "unit_rate", "personal_rate", "unit_amount", "personal_amount", "amount",
]  # fmt: skip
DECLARATION_KEYS = (
    "declaration_id", "category", "data_source", "channel", "submitted_at", "status",
    "pay_status", "amount", "headcount", "tax_authority", "voucher_number", "unit_number",
    "period_start", "period_end", "project_number", "collection_serial", "reason",
    "processed_at", "voided_at", "items",
)  # fmt: skip
_REQUIRED_TEXT = ("item_id", "category", "data_source", "unit_number", "period_start",
                  "period_end", "levy_item", "levy_category", "state")  # fmt: skip
_AMOUNTS = ("wage_total", "base_total", "unit_amount", "personal_amount", "amount")
# text or absent: a number or a list there would be stored as text unnoticed or fail the store
_OPTIONAL_TEXT = tuple(k for k in ITEM_FIELDS if k not in (*_REQUIRED_TEXT, *_AMOUNTS, "headcount"))
_DECLARATION_TEXT = tuple(k for k in DECLARATION_KEYS if k not in ("items", "headcount"))


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"fee {what}")


def items(payload: Any, fields_key: str = "fields", records_key: str = "records") -> list[dict]:
    """Item records as dicts (plus their tick box `merge_key`)."""
    if not isinstance(payload, dict) or payload.get(fields_key) != ITEM_FIELDS:
        raise _fail("item layout")
    records = payload.get(records_key)
    if not isinstance(records, list):
        raise _fail("item records")
    return [item_row(r) for r in records]


def item_row(record: Any) -> dict[str, Any]:
    if not isinstance(record, list) or len(record) != len(ITEM_FIELDS):
        raise _fail("item record")
    row = dict(zip(ITEM_FIELDS, record, strict=True))
    if any(not isinstance(row[k], str) or not row[k] for k in _REQUIRED_TEXT):
        raise _fail("item text field")
    if row["state"] not in ITEM_STATES:
        raise _fail(f"item state {row['state']!r}")
    if not _count(row["headcount"]):
        raise _fail("item headcount")
    if any(not isinstance(row[k], str) for k in _AMOUNTS):
        raise _fail("item amount")
    if not all(_text_or_none(row[k]) for k in _OPTIONAL_TEXT):
        raise _fail("item field")
    row["merge_key"] = merge_key(row)
    return row


def lines(payload: Any, item_id: str) -> tuple[list[tuple[Any, ...]], int, Any]:
    """A page of 预处理明细: (rows in LINE_FIELDS order, total, next_after)."""
    if (
        not isinstance(payload, dict)
        or payload.get("fields") != LINE_FIELDS
        or payload.get("item_id") != item_id
    ):
        raise _fail("line layout")
    records, total = payload.get("records"), payload.get("total")
    if not isinstance(records, list) or not isinstance(total, int):
        raise _fail("line page")
    width = len(LINE_FIELDS)
    for record in records:
        if not isinstance(record, list) or len(record) != width:
            raise _fail("line record")
    return [tuple(r) for r in records], total, payload.get("next_after")


def declarations(payload: Any) -> list[dict[str, Any]]:
    """Declarations of a list answer, each with its `items` as dicts."""
    if not isinstance(payload, dict) or payload.get("item_fields") != ITEM_FIELDS:
        raise _fail("declaration layout")
    entries = payload.get("declarations")
    if not isinstance(entries, list):
        raise _fail("declaration list")
    return [declaration(d) for d in entries]


def declaration(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict) or any(k not in entry for k in DECLARATION_KEYS):
        raise _fail("declaration entry")
    if entry["status"] not in DECLARATION_STATES or not isinstance(entry["items"], list):
        raise _fail("declaration status")
    if not all(_text_or_none(entry[k]) for k in _DECLARATION_TEXT):
        raise _fail("declaration field")
    if entry["headcount"] is not None and not _count(entry["headcount"]):
        raise _fail("declaration headcount")
    out = dict(entry)
    out["items"] = [item_row(r) for r in entry["items"]]
    failed = entry.get("failed_rows") or []
    if not isinstance(failed, list) or any(not isinstance(r, dict) for r in failed):
        raise _fail("declaration failed_rows")
    if failed and entry["status"] == SUCCEEDED:
        # 自主申报 with some persons left out: 失败原因 names them; the rest was declared.
        out["reason"] = failed_rows_text(failed)
    elif failed:  # 申报失败: 全部人员校验未通过, and who failed why
        out["reason"] = "。".join(p for p in (entry.get("reason"), failed_rows_text(failed)) if p)
    return out


def submitted(answer: Any) -> list[dict[str, Any]]:
    """The declarations a 提交申报 made (202 answer)."""
    entries = answer.get("declarations") if isinstance(answer, dict) else None
    if not isinstance(entries, list) or not entries:
        raise _fail("submission answer")
    for entry in entries:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("declaration_id"), str)
            or not entry["declaration_id"]
            or not isinstance(entry.get("item_ids"), list)
            or not all(isinstance(i, str) for i in entry["item_ids"])
        ):
            raise _fail("submission entry")
    return entries


def declaration_values(d: dict[str, Any], now: datetime) -> tuple[Any, ...]:
    """A declaration as the row of `fee_declarations` (column order of DECLARATION_COLUMNS)."""
    levy = ",".join(dict.fromkeys(i["levy_item"] for i in d["items"]))
    return (
        d["declaration_id"], d["category"], d["data_source"], d["channel"], d["submitted_at"],
        d["status"], d["pay_status"], d["amount"], int(d["headcount"] or 0), d["tax_authority"],
        d["voucher_number"], d["unit_number"], d["period_start"], d["period_end"],
        d["project_number"], d["collection_serial"], levy, d["reason"], d["processed_at"],
        d["voided_at"], now,
    )  # fmt: skip


DECLARATION_COLUMNS: Sequence[str] = (
    "declaration_id", "category", "data_source", "channel", "submitted_at", "status",
    "pay_status", "amount", "headcount", "tax_authority", "voucher_number", "unit_number",
    "period_start", "period_end", "project_number", "collection_serial", "levy_items",
    "reason", "processed_at", "voided_at", "fetched_at",
)  # fmt: skip
