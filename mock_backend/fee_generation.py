"""Making fee items ("管理子系统定期生成") from the unit's people, projects and rule files.

- 01 (税务自主 预处理信息): per month, from every person whose 税务自主 item is in force, at
  the declared base of that month (`fee_preprocessing`) or the item's base, clamped.
- 03 (征集信息 of 税务代征 items): the monthly batch 核定 on the 15th; a 代收单位's
  城乡居民 get one item per 征收品目 and year.
- project: one item per 在建 工程项目.
Making a box again replaces its 初始 items and leaves a declared box alone. Lines are built
from plain tuples and stored with `executemany`: 100,000 employees × 5 征收品目 take about
2.5 s. When to make what is `fee_schedule`'s business.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from mock_backend.clock import format_datetime
from mock_backend.fee_items import (
    ASSESSED,
    DAILY,
    FROM_TAX,
    INITIAL,
    LIVE_STATES,
    PROJECT,
    ItemHead,
    Line,
    UnitFacts,
    default_valid_until,
    delete_items,
    insert_items,
    item_row,
    new_collection_serial,
    new_item_ids,
)
from mock_backend.fee_money import ZERO_RATE, cents_of, times
from mock_backend.fee_rules import RESIDENT_RATE, FeeRules
from mock_backend.reference_spec import agency_type_of
from mock_backend.seed.people import month_text

_EMPLOYEE_LINES = (
    "SELECT e.id, i.unit_number, i.person_number, i.levy_item, i.levy_category,"
    " i.levy_subcategory, i.base, e.name, e.id_type, e.id_number, {declared}"
    " FROM employees e JOIN employee_items i ON i.employee_id = e.id {join}"
    " WHERE e.unit_id = ? AND e.deleted = 0 AND i.start_month <= ?"
    " AND (i.end_month IS NULL OR i.end_month >= ?)"
    " AND i.levy_item IN (SELECT value FROM json_each(?)) ORDER BY e.id, i.position"
)
_DECLARED_JOIN = (
    "LEFT JOIN fee_preprocessing p ON p.employee_id = e.id AND p.unit_number = i.unit_number"
    " AND p.levy_category = i.levy_category AND p.period = ?"
)
_RESIDENT_LINES = (
    "SELECT r.id, i.person_number, i.levy_item, i.levy_category, i.levy_subcategory,"
    " r.name, r.id_type, r.id_number FROM residents r JOIN resident_items i ON i.resident_id = r.id"
    " WHERE r.unit_id = ? AND r.deleted = 0 AND i.start_month <= ?"
    " AND (i.end_month IS NULL OR i.end_month >= ?)"
    " AND i.levy_item IN (SELECT value FROM json_each(?)) ORDER BY r.id, i.position"
)

Box = tuple[str, str]  # (单位编号, 征收项目) of a 01 month
Group = tuple[str, str, str]  # (单位编号, 征收项目, 征收品目)


# -- person lines ------------------------------------------------------------------------
def employee_groups(
    raw: sqlite3.Connection, unit_id: str, month: int, levy_items: Iterable[str], declared: bool
) -> dict[Group, list[tuple[Any, ...]]]:
    """The unit's employees' items in force in `month`, grouped by 单位编号 × 征收品目."""
    text = month_text(month)
    if declared:
        sql = _EMPLOYEE_LINES.format(declared="p.base, p.wage", join=_DECLARED_JOIN)
        params: tuple[Any, ...] = (text, unit_id, text, text)
    else:
        sql = _EMPLOYEE_LINES.format(declared="NULL, NULL", join="")
        params = (unit_id, text, text)
    groups: dict[Group, list[tuple[Any, ...]]] = {}
    for row in raw.execute(sql, (*params, orjson.dumps(sorted(levy_items)).decode())):
        key = (row[1], row[3], row[4])
        group = groups.get(key)
        if group is None:
            groups[key] = group = []
        group.append(row)
    return groups


def employee_lines(
    item_id: str, rows: list[tuple[Any, ...]], rules: FeeRules, month: int
) -> list[Line]:
    """One line per row (person × month): base = the declared or the item's base, clamped.

    Many people share a base and a rate, so each distinct (base, rate) is computed once.
    """
    period = month_text(month)
    lower, upper = rules.limits_of(month // 12)
    memo: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    lines = []
    for position, row in enumerate(rows, 1):
        key = (row[6], row[4], row[5], row[10], row[11])
        amounts = memo.get(key)
        if amounts is None:
            item_base, category, sub, p_base, p_wage = key
            wage = cents_of(item_base if p_base is None else p_base)
            base = lower if wage < lower else upper if wage > upper else wage
            if p_base is not None:
                wage = base if p_wage is None else cents_of(p_wage)
            unit_rate, personal_rate = rules.rates_of(category, sub)
            amounts = (wage, base, unit_rate.text, personal_rate.text,
                       times(base, unit_rate), times(base, personal_rate))  # fmt: skip
            memo[key] = amounts
        lines.append((item_id, position, row[0], row[2], row[7], row[8], row[9], period, *amounts))
    return lines


def resident_groups(
    raw: sqlite3.Connection, unit: UnitFacts, year: int, levy_items: Iterable[str]
) -> dict[Group, list[tuple[Any, ...]]]:
    """The unit's residents' items in force in the year, by 单位编号 × 征收品目."""
    groups: dict[Group, list[tuple[Any, ...]]] = {}
    levies = orjson.dumps(sorted(levy_items)).decode()
    for row in raw.execute(_RESIDENT_LINES, (unit.unit_id, f"{year}-12", f"{year}-01", levies)):
        key = (unit.number_of(agency_type_of(row[2])), row[2], row[3])
        groups.setdefault(key, []).append(row)
    return groups


def resident_lines(
    item_id: str, rows: list[tuple[Any, ...]], rules: FeeRules, period: str
) -> list[Line]:
    """One line per resident and year: the yearly amount as base, paid in full by the person."""
    lines = []
    for position, (pid, pnum, levy, category, sub, name, id_type, id_number) in enumerate(rows, 1):
        base = rules.resident_amount(levy, category, sub)
        lines.append(
            (item_id, position, pid, pnum, name, id_type, id_number, period, base, base,
             ZERO_RATE.text, RESIDENT_RATE.text, 0, times(base, RESIDENT_RATE))
        )  # fmt: skip
    return lines


# -- replacing boxes ---------------------------------------------------------------------
def _existing(
    raw: sqlite3.Connection, unit_id: str, where: str, params: tuple[Any, ...]
) -> list[tuple[str, str, str, str, str | None]]:
    """(item_id, unit_number, levy_item, state, collection_serial) of the items matching."""
    return raw.execute(
        "SELECT item_id, unit_number, levy_item, state, collection_serial FROM fee_items"
        f" WHERE unit_id = ? AND {where}",
        (unit_id, *params),
    ).fetchall()


@dataclass
class _Made:
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    def add(self, unit_id: str, item_id: str, head: ItemHead, lines: list[Line], now: str) -> None:
        self.rows.append(item_row(unit_id, item_id, head, lines, now))
        self.lines.extend(lines)

    def store(self, raw: sqlite3.Connection) -> list[str]:
        insert_items(raw, self.rows, self.lines)
        return [row[1] for row in self.rows]


def make_01(
    raw: sqlite3.Connection,
    unit: UnitFacts,
    rules: FeeRules,
    month: int,
    now: datetime,
    boxes: set[Box] | None = None,
) -> list[str]:
    """(Re)make the 01 items of a month (only `boxes` when given); returns the new item ids."""
    levies = rules.self_collected
    if unit.kind != "employer" or not levies:
        return []
    text = month_text(month)
    existing = _existing(
        raw, unit.unit_id, "data_source = ? AND period_start = ?", (FROM_TAX, text)
    )
    blocked = {(r[1], r[2]) for r in existing if r[3] in LIVE_STATES}

    def wanted(box: Box) -> bool:
        return box not in blocked and (boxes is None or box in boxes)

    delete_items(
        raw, unit.unit_id, [r[0] for r in existing if r[3] == INITIAL and wanted((r[1], r[2]))]
    )
    groups = {
        key: rows
        for key, rows in employee_groups(raw, unit.unit_id, month, levies, True).items()
        if wanted(key[:2])
    }
    ids = new_item_ids(raw, len(groups))
    made = _Made()
    created = format_datetime(now)
    for item_id, ((number, levy, category), rows) in zip(ids, sorted(groups.items()), strict=True):
        head = ItemHead(
            DAILY, FROM_TAX, number, unit.agency(number, agency_type_of(levy)),
            unit.tax_authority_of(number), text, text, levy, category,
        )  # fmt: skip
        made.add(unit.unit_id, item_id, head, employee_lines(item_id, rows, rules, month), created)
    return made.store(raw)


def make_03(
    raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, month: int, now: datetime
) -> list[str]:
    """(Re)make the 征集信息 of a batch month: an employer's 税务代征 items of that month, or a
    代收单位's 城乡居民 items of that month's year. One 征集通知流水号 per 单位编号."""
    yearly = unit.kind != "employer"
    start = f"{month // 12:04d}-01" if yearly else month_text(month)
    end = f"{month // 12:04d}-12" if yearly else start
    existing = _existing(
        raw,
        unit.unit_id,
        "data_source = ? AND category = ? AND period_start = ?",
        (ASSESSED, DAILY, start),
    )
    blocked = {r[1] for r in existing if r[3] in LIVE_STATES}
    serials = {r[1]: r[4] for r in existing if r[3] == INITIAL and r[4]}
    delete_items(
        raw, unit.unit_id, [r[0] for r in existing if r[3] == INITIAL and r[1] not in blocked]
    )
    if yearly:
        groups = resident_groups(raw, unit, month // 12, ("10210", "10211"))
    else:
        levies = rules.collected_for_others
        groups = employee_groups(raw, unit.unit_id, month, levies, False) if levies else {}
    groups = {key: rows for key, rows in groups.items() if key[0] not in blocked}
    ids = new_item_ids(raw, len(groups))
    made = _Made()
    created = format_datetime(now)
    valid_until = default_valid_until(now)
    for item_id, ((number, levy, category), rows) in zip(ids, sorted(groups.items()), strict=True):
        if number not in serials:
            serials[number] = new_collection_serial(raw, now.date())
        head = ItemHead(
            DAILY, ASSESSED, number, unit.agency(number, agency_type_of(levy)),
            unit.tax_authority_of(number), start, end, levy, category,
            collection_serial=serials[number], valid_until=valid_until,
        )  # fmt: skip
        if yearly:
            lines = resident_lines(item_id, rows, rules, start)
        else:
            lines = employee_lines(item_id, rows, rules, month)
        made.add(unit.unit_id, item_id, head, lines, created)
    return made.store(raw)


def make_projects(
    raw: sqlite3.Connection,
    unit: UnitFacts,
    rules: FeeRules,
    now: datetime,
    numbers: set[str] | None = None,
) -> list[str]:
    """(Re)make the items of the unit's 在建 工程项目 (only `numbers` when given)."""
    projects = [
        p
        for p in raw.execute(
            "SELECT project_number, contract_amount, start_date, end_date, unit_number, agency,"
            " levy_item FROM projects WHERE unit_id = ? AND status = '在建' ORDER BY project_number",
            (unit.unit_id,),
        )
        if numbers is None or p[0] in numbers
    ]
    if not projects:
        return []
    existing = raw.execute(
        "SELECT item_id, project_number, state FROM fee_items WHERE unit_id = ? AND category = ?",
        (unit.unit_id, PROJECT),
    ).fetchall()
    blocked = {r[1] for r in existing if r[2] in LIVE_STATES}
    wanted = {p[0] for p in projects} - blocked
    delete_items(raw, unit.unit_id, [r[0] for r in existing if r[2] == INITIAL and r[1] in wanted])
    projects = [p for p in projects if p[0] in wanted]
    rows = []
    current = f"{now:%Y-%m}"
    for item_id, (number, amount, start, end, unit_number, agency, levy) in zip(
        new_item_ids(raw, len(projects)), projects, strict=True
    ):
        unit_number = unit_number or unit.number_of("社保")
        base = cents_of(amount) if amount else 0
        unit_amount = times(base, rules.project_rate)
        first = start[:7] if start else current
        rows.append(
            (unit.unit_id, item_id, PROJECT, ASSESSED, unit_number,
             agency or unit.agency(unit_number, "社保"), unit.tax_authority_of(unit_number),
             number, new_collection_serial(raw, now.date()), default_valid_until(now), first,
             max(first, end[:7]) if end else first, levy or "10204", "102040001", None, 0, 0,
             base, rules.project_rate.text, ZERO_RATE.text, unit_amount, 0, unit_amount,
             INITIAL, None, None, None, format_datetime(now))
        )  # fmt: skip
    insert_items(raw, rows, ())
    return [row[1] for row in rows]
