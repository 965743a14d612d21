"""城乡居民个人缴费 (manual §3.21, §3.22): a resident's pending rows and the rules of choosing them.

A row is one person line of a 城乡居民 fee item (one person × 征收品目 × 年度), named
`item_id:position`:

- 自主 (`self`): lines of the agent's 代收代报（自主） declarations that are 申报成功 and whose
  个人缴纳 arrears line is 未缴费 or 扣费失败, not yet paid personally;
- 核定 (`verified`): lines of 征集信息 (03) the agent declared likewise, and lines of 征集信息
  still 初始 within their 征集有效日期 (paying declares them for that person).

Rows sharing a 征集通知流水号 are paid together (§3.22 二（三）).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from mock_backend.errors import ApiError
from mock_backend.fee_money import text_of

SELF_MODE = "self"
VERIFIED_MODE = "verified"
MODES = (SELF_MODE, VERIFIED_MODE)
DECLARED = "declared"  # a line of a 申报成功 declaration, paid through its arrears line
ASSESSED = "assessed"  # a line of an 初始 征集信息 item, declared for the person when paid
RESIDENT_LEVIES = ("10210", "10211")  # 城乡居民基本养老保险, 城乡居民基本医疗保险
PAYABLE_LINE_STATES = ("未缴费", "扣费失败")
NORMAL = "正常"

NOTHING_CHOSEN = "请先勾选需要缴费的缴费信息。"
NOT_PENDING = "勾选的缴费信息已缴费或已变更，请重新查询后再缴费。"


def serial_split(serial: str) -> str:
    return (
        f"征集通知流水号{serial}的缴费信息需一起缴费，请同时勾选该流水号下的全部缴费信息后再缴费。"
    )


@dataclass(frozen=True, slots=True)
class Row:
    row_id: str
    kind: str
    item_id: str
    position: int
    declaration_id: str | None
    voucher_number: str | None
    collection_serial: str | None
    unit_number: str
    agency: str | None
    tax_authority: str
    person_number: str
    levy_item: str
    levy_category: str | None
    year: int
    amount: int  # 分
    line_id: str | None  # the arrears line of a declared row

    def wire(self) -> dict[str, Any]:
        data = asdict(self)
        data["amount"] = text_of(self.amount)
        data["pay_type"] = NORMAL
        data["levy_subcategory"] = None
        return data


_LEVIES = f"i.levy_item IN {RESIDENT_LEVIES!r}"
_DECLARED_SQL = (
    "SELECT i.item_id, l.position, d.declaration_id, d.voucher_number, i.collection_serial,"
    " i.unit_number, i.agency, i.tax_authority, l.person_number, i.levy_item,"
    " i.levy_category, CAST(substr(l.period, 1, 4) AS INTEGER),"
    " l.unit_amount + l.personal_amount, c.line_id"
    " FROM fee_declarations d"
    " JOIN fee_declaration_items di ON di.declaration_id = d.declaration_id"
    " JOIN fee_items i ON i.unit_id = d.unit_id AND i.item_id = di.item_id"
    " JOIN fee_item_lines l ON l.item_id = i.item_id"
    " JOIN collect_lines c ON c.declaration_id = d.declaration_id AND c.item_id = i.item_id"
    " AND c.part = '个人缴纳' AND c.state IN ('未缴费', '扣费失败')"
    f" WHERE d.unit_id = ? AND d.status = '申报成功' AND {_LEVIES}"
    " AND l.id_type = ? AND l.id_number = ? AND {mode}"
    " AND NOT EXISTS (SELECT 1 FROM personal_paid_lines p WHERE p.item_id = l.item_id"
    " AND p.position = l.position)"
    " ORDER BY l.period, i.collection_serial, i.levy_item, i.levy_category, i.item_id"
)
_MODE_WHERE = {
    SELF_MODE: "d.category = 'self'",
    VERIFIED_MODE: "d.category = 'daily' AND d.data_source = '03'",
}
_ASSESSED_SQL = (
    "SELECT i.item_id, l.position, NULL, NULL, i.collection_serial, i.unit_number, i.agency,"
    " i.tax_authority, l.person_number, i.levy_item, i.levy_category,"
    " CAST(substr(l.period, 1, 4) AS INTEGER), l.unit_amount + l.personal_amount, NULL"
    " FROM fee_items i JOIN fee_item_lines l ON l.item_id = i.item_id"
    " WHERE i.unit_id = ? AND i.state = '初始' AND i.category = 'daily'"
    f" AND i.data_source = '03' AND {_LEVIES} AND (i.valid_until IS NULL OR i.valid_until >= ?)"
    " AND l.id_type = ? AND l.id_number = ?"
    # a person declared for the 征收品目 and year already (e.g. 代收代报（自主）) owes nothing more
    " AND NOT EXISTS (SELECT 1 FROM resident_declared r JOIN fee_declarations d"
    " ON d.declaration_id = r.declaration_id AND d.status = '申报成功'"
    " WHERE r.unit_id = i.unit_id AND r.person_id = l.person_id"
    " AND r.year = CAST(substr(l.period, 1, 4) AS INTEGER) AND r.levy_category = i.levy_category)"
    " ORDER BY l.period, i.collection_serial, i.levy_item, i.levy_category, i.item_id"
)


def pending_rows(
    raw: sqlite3.Connection, unit_id: str, mode: str, id_type: str, id_number: str, today: str
) -> list[Row]:
    """Every pending row of the person in this mode (unfiltered), in display order."""
    found = [
        Row(f"{r[0]}:{r[1]}", DECLARED, *r)
        for r in raw.execute(
            _DECLARED_SQL.format(mode=_MODE_WHERE[mode]), (unit_id, id_type, id_number)
        )
    ]
    if mode == VERIFIED_MODE:
        found += [
            Row(f"{r[0]}:{r[1]}", ASSESSED, *r)
            for r in raw.execute(_ASSESSED_SQL, (unit_id, today, id_type, id_number))
        ]
    return found


def filtered(rows: Sequence[Row], levy_item: str | None, year: int | None) -> list[Row]:
    """Rows of the 参保险种 and 缴费年度 asked for, and every row sharing a 征集通知流水号 with
    one of them (a group is shown whole, since it is paid whole)."""
    hits = [
        r
        for r in rows
        if (not levy_item or r.levy_item == levy_item) and (year is None or r.year == year)
    ]
    serials = {r.collection_serial for r in hits if r.collection_serial}
    return [r for r in rows if r in hits or (r.collection_serial in serials)]


def chosen_rows(pending: Sequence[Row], row_ids: Iterable[str]) -> list[Row]:
    """The rows ticked, checked: something ticked, each still pending, no 征集通知流水号 split."""
    wanted = list(dict.fromkeys(row_ids))
    if not wanted:
        raise ApiError(422, "NOTHING_SELECTED", NOTHING_CHOSEN)
    by_id = {r.row_id: r for r in pending}
    missing = [i for i in wanted if i not in by_id]
    if missing:
        raise ApiError(409, "ROW_NOT_PENDING", NOT_PENDING, {"row_ids": missing})
    chosen = [by_id[i] for i in wanted]
    ids = set(wanted)
    for serial in dict.fromkeys(r.collection_serial for r in chosen if r.collection_serial):
        left = [r.row_id for r in pending if r.collection_serial == serial and r.row_id not in ids]
        if left:
            raise ApiError(
                422, "SERIAL_SPLIT", serial_split(serial), {"serial": serial, "row_ids": left}
            )
    return chosen
