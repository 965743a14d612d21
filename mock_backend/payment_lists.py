"""缴费清单 behind 缴费证明 (manual §2.16–§2.17, 代收单位 §3.13–§3.14): what the unit, or one of
its people, paid that is 入库, and why a list is empty.

The person rows come from the fee lines (person × month, 城乡居民 person × year) of the items
whose arrears lines are paid; a part is listed once its line is 入库. One person's lines are
found through ix_fee_item_lines_person (certificate_tables), so a person of a 100,000-employee
unit answers as fast as one of a small unit.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mock_backend.arrears import PAID, UNIT_PART, levy_names
from mock_backend.certificates import month_days
from mock_backend.fee_money import text_of

PERSON_FIELDS = [
    "name", "id_type", "id_number", "tax_authority", "agency", "unit_number", "levy_item",
    "levy_item_name", "levy_category_name", "part", "period", "base", "amount", "stored_on",
    "channel",
]  # fmt: skip
UNIT_FIELDS = [
    "tax_authority", "agency", "unit_number", "levy_item", "levy_item_name",
    "levy_category_name", "sub_item", "period_start", "period_end", "stored_on", "amount",
    "line_id",
]  # fmt: skip
NOT_REGISTERED = "NOT_REGISTERED"
NOT_PAID = "NOT_PAID"
NOT_STORED = "NOT_STORED"
PERSON_EMPTY = {
    NOT_REGISTERED: "未查询到该人员的参保登记信息，请核对姓名、证件类型和证件号码。",
    NOT_PAID: "该人员在所选费款所属期内没有已缴纳的社保费。",
    NOT_STORED: "该人员在所选费款所属期内缴纳的社保费尚未入库，请入库后再打印。",
}
UNIT_EMPTY = {
    NOT_PAID: "本单位在所选费款所属期内没有已缴纳的社保费。",
    NOT_STORED: "本单位在所选费款所属期内缴纳的社保费尚未入库，请入库后再打印。",
}
_LOCAL_DATE = "date(l.stored_due, 'unixepoch', '+8 hours')"  # server local time is UTC+8


def _answer(
    fields: list[str], records: list[list[Any]], messages: dict[str, str], code: str | None
) -> dict[str, Any]:
    reason = None if code is None else {"code": code, "message": messages[code]}
    return {"fields": fields, "records": records, "empty_reason": reason}


def _category_name(names: dict[str, str], code: str | None, part: str) -> str:
    return f"{names.get(code or '', code or '')}({part})"


# -- 单位缴费证明 ---------------------------------------------------------------------------
def unit_list(
    raw: sqlite3.Connection, unit_id: str, region: str, period_from: str, period_to: str,
    now: float,
) -> dict[str, Any]:  # fmt: skip
    """One row per 入库 line of the unit whose 费款所属期 overlaps the range, in arrears order."""
    item_names, category_names = levy_names(raw, region)
    records = []
    stored_any = paid_any = False
    for row in raw.execute(
        "SELECT l.tax_authority, i.agency, l.unit_number, l.levy_item, l.levy_category, l.part,"
        f" l.period_start, l.period_end, {_LOCAL_DATE}, l.amount, l.line_id, l.stored_due <= ?"
        " FROM collect_lines l LEFT JOIN fee_items i ON i.unit_id = l.unit_id"
        " AND i.item_id = l.item_id WHERE l.unit_id = ? AND l.state = ?"
        " AND l.period_end >= ? AND l.period_start <= ?"
        " ORDER BY l.period_start, l.unit_number, l.levy_item, l.levy_category, l.part, l.line_id",
        (now, unit_id, PAID, period_from, period_to),
    ):
        (authority, agency, number, levy, category, part, start, end, stored_on, cents,
         line_id, stored) = row  # fmt: skip
        paid_any = True
        if not stored:
            continue
        stored_any = True
        first_day, last_day = month_days(start, end)
        records.append(
            [authority, agency or "", number, levy, item_names.get(levy, levy),
             _category_name(category_names, category, part), "", first_day, last_day,
             stored_on, text_of(cents), line_id]
        )  # fmt: skip
    code = None if stored_any else (NOT_STORED if paid_any else NOT_PAID)
    return _answer(UNIT_FIELDS, records, UNIT_EMPTY, code)


# -- 职工/城乡居民缴费证明 -------------------------------------------------------------------
# One person's paid parts: their fee lines (ix_fee_item_lines_person), the item of the unit, its
# arrears lines (ix_collect_lines_item). CROSS JOIN fixes that order and the unary + keeps the
# planner off the unit's (unit_id, state) index, which would read every paid line of a big unit.
# Parameters: the 单位缴纳 part, now, unit, person, the paid state, the period range.
PERSON_ROWS = (
    "SELECT fl.name, fl.id_type, fl.id_number, l.tax_authority, i.agency, l.unit_number,"
    " l.levy_item, l.levy_category, l.part, fl.period, fl.base,"
    " CASE WHEN l.part = ? THEN fl.unit_amount ELSE fl.personal_amount END,"
    f" {_LOCAL_DATE}, l.paid_channel, l.stored_due <= ?, l.line_id"
    " FROM fee_item_lines fl CROSS JOIN fee_items i CROSS JOIN collect_lines l"
    " WHERE i.unit_id = ? AND i.item_id = fl.item_id AND l.item_id = fl.item_id"
    " AND +l.unit_id = i.unit_id AND fl.person_id = ? AND +l.state = ?"
    " AND fl.period >= ? AND fl.period <= ?"
    # 城乡居民个人缴费 splits a payer's share off the 个人缴纳 line into a line of its own: the
    # payer's part is that line only, and nobody else's part is on it.
    " AND CASE WHEN EXISTS (SELECT 1 FROM personal_order_rows r WHERE r.paid_line_id = l.line_id)"
    " THEN EXISTS (SELECT 1 FROM personal_order_rows r WHERE r.paid_line_id = l.line_id"
    " AND r.item_id = fl.item_id AND r.line_position = fl.position)"
    " ELSE NOT (l.part = '个人缴纳' AND EXISTS (SELECT 1 FROM personal_paid_lines p"
    " WHERE p.item_id = fl.item_id AND p.position = fl.position)) END"
)


def _person_ids(
    raw: sqlite3.Connection, unit_id: str, resident: bool, name: str, id_type: str,
    id_number: str,
) -> list[int]:  # fmt: skip
    """The unit's records of this person (live ones first; a removed person's history still
    counts), empty when none has that name."""
    table = "residents" if resident else "employees"
    return [
        row[0]
        for row in raw.execute(
            f"SELECT id FROM {table} WHERE unit_id = ? AND id_number = ? AND id_type = ?"
            " AND name = ? ORDER BY deleted, id",
            (unit_id, id_number, id_type, name),
        )
    ]


def person_list(
    raw: sqlite3.Connection,
    unit_id: str,
    form: dict[str, str],
    now: float,
) -> dict[str, Any]:
    """One row per month (城乡居民: year) × item part the person paid, once 入库."""
    kind, region = raw.execute(
        "SELECT kind, region FROM units WHERE unit_id = ?", (unit_id,)
    ).fetchone()
    resident = kind != "employer"
    ids = _person_ids(raw, unit_id, resident, form["name"], form["id_type"], form["id_number"])
    if not ids:
        return _answer(PERSON_FIELDS, [], PERSON_EMPTY, NOT_REGISTERED)
    period_from, period_to = form["period_from"], form["period_to"]
    if resident:  # a 城乡居民 line is a year, stored as its first month
        period_from, period_to = f"{period_from[:4]}-01", f"{period_to[:4]}-01"
    item_names, category_names = levy_names(raw, region)
    records: list[tuple[tuple[Any, ...], list[Any]]] = []
    stored_any = paid_any = False
    rows = [
        row
        for person_id in ids
        for row in raw.execute(
            PERSON_ROWS, (UNIT_PART, now, unit_id, person_id, PAID, period_from, period_to)
        )
    ]
    for row in rows:
        (name, id_type, id_number, authority, agency, number, levy, category, part, period,
         base, cents, stored_on, channel, stored, line_id) = row  # fmt: skip
        if not cents:
            continue
        paid_any = True
        if not stored:
            continue
        stored_any = True
        shown = period[:4] if resident else period
        records.append(
            (
                (period, number, levy, part, category or "", line_id),
                [name, id_type, id_number, authority, agency or "", number, levy,
                 item_names.get(levy, levy), _category_name(category_names, category, part),
                 part, shown, text_of(base), text_of(cents), stored_on, channel],
            )
        )  # fmt: skip
    records.sort(key=lambda pair: pair[0])
    code = None if stored_any else (NOT_STORED if paid_any else NOT_PAID)
    return _answer(PERSON_FIELDS, [record for _, record in records], PERSON_EMPTY, code)
