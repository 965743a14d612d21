"""The wire layouts of a 代收单位's resident queries (docs/http-contract.md, issue 12): 缴费档次,
申报缴费状态 pages and the 外部参保城乡居民 lookup, checked before anything is shown or kept.
Another layout raises `MalformedResponseError`; amounts stay the server's strings."""

from __future__ import annotations

from typing import Any

from client.sync.errors import MalformedResponseError
from client.sync.wire_amounts import wire_amount

GRADE_FIELDS = ["levy_item", "levy_category", "grade", "name", "amount", "current"]
STATUS_FIELDS = [
    "resident_id", "name", "id_type", "id_number", "township", "village", "levy_item",
    "levy_category", "declare_status", "pay_status", "grade", "amount", "declaration_id",
    "declared_at", "paid_at",
]  # fmt: skip
LOOKUP_ITEM_FIELDS = (
    "person_number", "levy_item", "levy_category", "levy_subcategory", "start_month", "end_month",
)  # fmt: skip
REGISTERED = "正常参保"
NOT_REGISTERED = "未参保"
DECLARE_STATES = ("未申报", "已申报")
PAY_STATES = ("未缴费", "已缴费")

_REQUIRED_AT = tuple(
    STATUS_FIELDS.index(k) for k in ("name", "id_type", "id_number", "levy_item", "levy_category")
)


def _fail(what: str) -> MalformedResponseError:
    return MalformedResponseError(technical=f"collector {what}")


def _text(value: Any, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _fail(f"{what} {value!r}")
    return value


def money(value: Any) -> str:
    """A wire amount ("500.00"), kept as the server's string once it is known to be one."""
    if wire_amount(value) is None:
        raise _fail(f"amount {value!r}")
    return value


# -- 缴费档次 ------------------------------------------------------------------------------
def grades(payload: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(person, rows): the resident as registered and the 档次 open to them."""
    if not isinstance(payload, dict) or payload.get("fields") != GRADE_FIELDS:
        raise _fail("grades layout")
    person = payload.get("person")
    if not isinstance(person, dict) or not isinstance(person.get("name"), str):
        raise _fail("grades person")
    records = payload.get("records")
    if not isinstance(records, list):
        raise _fail("grades records")
    rows = []
    for record in records:
        if not isinstance(record, list) or len(record) != len(GRADE_FIELDS):
            raise _fail("grade record")
        row = dict(zip(GRADE_FIELDS, record, strict=True))
        for key in ("levy_item", "levy_category", "grade", "name"):
            _text(row[key], f"grade {key}")
        money(row["amount"])
        if not isinstance(row["current"], bool):
            raise _fail(f"grade current {row['current']!r}")
        rows.append(row)
    return dict(person), rows


# -- 申报缴费状态 ----------------------------------------------------------------------------
def status_page(payload: Any, year: int) -> tuple[list[tuple[Any, ...]], int, Any]:
    """(rows as tuples (year, *fields), total, next_after_id) of one page of the snapshot."""
    if not isinstance(payload, dict) or payload.get("fields") != STATUS_FIELDS:
        raise _fail("statuses layout")
    if payload.get("year") != year:
        raise _fail(f"statuses year {payload.get('year')!r}")
    total, next_after = payload.get("total"), payload.get("next_after_id")
    if not isinstance(total, int) or (next_after is not None and not isinstance(next_after, int)):
        raise _fail("statuses paging")
    records = payload.get("records")
    if not isinstance(records, list):
        raise _fail("statuses records")
    width = len(STATUS_FIELDS)
    rows = []
    for record in records:
        if not isinstance(record, list) or len(record) != width:
            raise _fail("status record")
        if not isinstance(record[0], int):
            raise _fail(f"status resident_id {record[0]!r}")
        for index in _REQUIRED_AT:
            if not isinstance(record[index], str):
                raise _fail(f"status {STATUS_FIELDS[index]} {record[index]!r}")
        if record[8] not in DECLARE_STATES:
            raise _fail(f"declare_status {record[8]!r}")
        if record[9] is not None and record[9] not in PAY_STATES:
            raise _fail(f"pay_status {record[9]!r}")
        if record[11] is not None:
            money(record[11])
        rows.append((year, *record))
    return rows, total, next_after


# -- 外部参保城乡居民 lookup -------------------------------------------------------------------
def lookup_results(payload: Any, sent: list[dict[str, str]]) -> list[dict[str, Any]]:
    """One result per person sent, in the same order: status and (正常参保) the registration."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise _fail("lookup layout")
    results = payload["results"]
    if len(results) != len(sent):
        raise _fail(f"lookup {len(results)} results for {len(sent)} persons")
    checked = []
    for asked, result in zip(sent, results, strict=True):
        if not isinstance(result, dict):
            raise _fail("lookup result")
        if (result.get("id_type"), result.get("id_number")) != (asked["id_type"],
                                                                asked["id_number"]):  # fmt: skip
            raise _fail("lookup result for another person")
        status = result.get("status")
        person = result.get("person")
        if status == NOT_REGISTERED:
            checked.append({**asked, "status": status, "person": None})
            continue
        if status != REGISTERED or not isinstance(person, dict):
            raise _fail(f"lookup status {status!r}")
        checked.append({**asked, "status": status, "person": _registration(person)})
    return checked


def _registration(person: dict[str, Any]) -> dict[str, Any]:
    found = {
        key: _text(person.get(key), f"person {key}", optional=True)
        for key in ("person_number", "gender", "birth_date", "township", "village", "phone")
    }
    items = person.get("items")
    if not isinstance(items, list):
        raise _fail("person items")
    found["items"] = []
    for item in items:
        if not isinstance(item, list) or len(item) != len(LOOKUP_ITEM_FIELDS):
            raise _fail("person item")
        for value in item:
            if value is not None and not isinstance(value, str):
                raise _fail(f"person item value {value!r}")
        found["items"].append(dict(zip(LOOKUP_ITEM_FIELDS, item, strict=True)))
    return found
