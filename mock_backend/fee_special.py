"""特殊缴费 (补缴, 退休补收, 政策性补缴): 征集信息 the 社保 department sends after accepting a
unit's application offline (manual §2.9). Made through the admin API and by the demo seed.

One 征集通知流水号 per application and one item per 单位编号 × 征收品目, with a line per
person and month at the person's base of that year (城乡居民: a line per person and year).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime
from typing import Any

from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_generation import resident_lines
from mock_backend.fee_items import (
    FROM_SOCIAL,
    SPECIAL,
    ItemHead,
    Line,
    UnitFacts,
    default_valid_until,
    insert_items,
    item_row,
    new_collection_serial,
    new_item_ids,
)
from mock_backend.fee_money import cents_of, times
from mock_backend.fee_rules import FeeRules
from mock_backend.reference_spec import agency_type_of
from mock_backend.seed.people import month_text, parse_month

SPECIAL_TYPES = ("补缴", "退休补收", "政策性补缴")
MAXMONTHS = 120
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _refuse(message: str, **details: Any) -> ApiError:
    return ApiError(422, "VALIDATION_ERROR", message, details)


def _check(
    special_type: str, period_start: str, period_end: str, persons: int, valid_until: str | None
) -> None:
    if special_type not in SPECIAL_TYPES:
        raise _refuse(f"特殊缴费类型应为{'、'.join(SPECIAL_TYPES)}之一。", field="special_type")
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        if not MONTH.fullmatch(value):
            raise _refuse(f"费款所属期“{value}”格式不正确，应为YYYY-MM。", field=name)
    months = parse_month(period_end) - parse_month(period_start) + 1
    if not 1 <= months <= MAXMONTHS:
        raise _refuse(
            f"费款所属期止不能早于费款所属期起，且最多{MAXMONTHS}个月。", field="period_end"
        )
    if persons < 1:
        raise _refuse("特殊缴费至少需要1名人员。", field="persons")
    if valid_until is not None:
        try:
            date.fromisoformat(valid_until)
        except ValueError:
            raise _refuse(
                f"征集有效日期“{valid_until}”格式不正确，应为YYYY-MM-DD。", field="valid_until"
            ) from None


def _employee_lines(
    raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, levy_item: str, persons: int,
    first: int, last: int,
) -> dict[tuple[str, str], list[Line]]:  # fmt: skip
    rows = raw.execute(
        "SELECT e.id, i.unit_number, i.person_number, i.levy_category, i.levy_subcategory,"
        " i.base, e.name, e.id_type, e.id_number FROM employees e"
        " JOIN employee_items i ON i.employee_id = e.id"
        " WHERE e.unit_id = ? AND e.deleted = 0 AND i.levy_item = ? ORDER BY e.id, i.position",
        (unit.unit_id, levy_item),
    ).fetchall()
    chosen = list(dict.fromkeys(row[0] for row in rows))[:persons]
    groups: dict[tuple[str, str], list[Line]] = {}
    for pid, number, pnum, category, sub, item_base, name, id_type, id_number in rows:
        if pid not in chosen:
            continue
        lines = groups.setdefault((number, category), [])
        unit_rate, personal_rate = rules.rates_of(category, sub)
        for month in range(first, last + 1):
            base = rules.clamp(cents_of(item_base), month // 12)
            lines.append(
                ("", len(lines) + 1, pid, pnum, name, id_type, id_number, month_text(month),
                 base, base, unit_rate.text, personal_rate.text, times(base, unit_rate),
                 times(base, personal_rate))
            )  # fmt: skip
    return groups


def _resident_lines(
    raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, levy_item: str, persons: int,
    first: int, last: int,
) -> dict[tuple[str, str], list[Line]]:  # fmt: skip
    rows = raw.execute(
        "SELECT r.id, i.person_number, i.levy_item, i.levy_category, i.levy_subcategory,"
        " r.name, r.id_type, r.id_number FROM residents r"
        " JOIN resident_items i ON i.resident_id = r.id"
        " WHERE r.unit_id = ? AND r.deleted = 0 AND i.levy_item = ? ORDER BY r.id, i.position",
        (unit.unit_id, levy_item),
    ).fetchall()
    chosen = set(list(dict.fromkeys(row[0] for row in rows))[:persons])
    number = unit.number_of(agency_type_of(levy_item))
    groups: dict[tuple[str, str], list[Line]] = {}
    for year in range(first // 12, last // 12 + 1):
        period = month_text(max(first, year * 12))
        for row in rows:
            if row[0] in chosen:
                lines = groups.setdefault((number, row[3]), [])
                lines.extend(resident_lines("", [row], rules, period))
    return {
        key: [(line[0], position, *line[2:]) for position, line in enumerate(lines, 1)]
        for key, lines in groups.items()
    }


def add_special(
    raw: sqlite3.Connection,
    unit: UnitFacts,
    rules: FeeRules,
    *,
    special_type: str,
    levy_item: str,
    period_start: str,
    period_end: str,
    persons: int,
    valid_until: str | None,
    now: datetime,
) -> list[str]:
    """One application's 特殊缴费 items; returns their ids."""
    _check(special_type, period_start, period_end, persons, valid_until)
    first, last = parse_month(period_start), parse_month(period_end)
    make = _employee_lines if unit.kind == "employer" else _resident_lines
    groups = make(raw, unit, rules, levy_item, persons, first, last)
    if not groups:
        name = rules.levy_item_name(levy_item)
        raise ApiError(
            422,
            "NO_PERSONS",
            f"本单位没有参保{name}的人员，无法生成该征收项目的特殊缴费信息。",
            {"levy_item": levy_item},
        )
    serial = new_collection_serial(raw, now.date())
    valid = valid_until or default_valid_until(now)
    created = format_datetime(now)
    rows, all_lines = [], []
    for item_id, ((number, category), lines) in zip(
        new_item_ids(raw, len(groups)), sorted(groups.items()), strict=True
    ):
        lines = [(item_id, *line[1:]) for line in lines]
        head = ItemHead(
            SPECIAL, FROM_SOCIAL, number, unit.agency(number, agency_type_of(levy_item)),
            unit.tax_authority_of(number), period_start, period_end, levy_item, category,
            collection_serial=serial, valid_until=valid, special_type=special_type,
        )  # fmt: skip
        rows.append(item_row(unit.unit_id, item_id, head, lines, created))
        all_lines.extend(lines)
    insert_items(raw, rows, all_lines)
    return [row[1] for row in rows]
