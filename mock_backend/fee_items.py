"""Fee items (应缴信息) in the database: ids, serial numbers, the unit's registrations, and
storing, deleting and copying items with their person lines in bulk.

Lines are tuples in `LINE_COLUMNS` order built by the generators; an item's totals are
summed from exactly those tuples, so they equal the sum of its lines by construction.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mock_backend.clock import format_datetime
from mock_backend.seed.people import month_text

INITIAL = "初始"
DECLARING = "申报中"
DECLARED = "申报成功"
WRITTEN_OFF = "销账"
IN_BATCH = "已生成待批扣清册"
STATES = (INITIAL, DECLARING, DECLARED, WRITTEN_OFF, IN_BATCH)
# An item in one of these states is declared: its box is not made again behind the clerk.
LIVE_STATES = (DECLARING, DECLARED, IN_BATCH)

DAILY = "daily"
SPECIAL = "special"
PROJECT = "project"
CATEGORIES = (DAILY, SPECIAL, PROJECT)  # of 应缴信息 (fee-items)
SELF = "self"  # 代收代报（自主）: made by a 代收单位's request, declared at once, never listed
DECLARATION_CATEGORIES = (*CATEGORIES, SELF)
FROM_TAX = "01"  # 税务机关 (税务自主 预处理信息)
FROM_SOCIAL = "02"  # 社保部门 (特殊缴费)
ASSESSED = "03"  # 社保部门核定征收 (征集信息, 工程项目)
SELF_DECLARED = "04"  # 自主申报

ITEM_COLUMNS = (
    "unit_id", "item_id", "category", "data_source", "unit_number", "agency", "tax_authority",
    "project_number", "collection_serial", "valid_until", "period_start", "period_end",
    "levy_item", "levy_category", "special_type", "headcount", "wage_total", "base_total",
    "unit_rate", "personal_rate", "unit_amount", "personal_amount", "amount", "state",
    "declaration_id", "reason", "refuse_reason", "created_at",
)  # fmt: skip
LINE_COLUMNS = (
    "item_id", "position", "person_id", "person_number", "name", "id_type", "id_number",
    "period", "wage", "base", "unit_rate", "personal_rate", "unit_amount", "personal_amount",
)  # fmt: skip
_ITEM_INSERT = (
    f"INSERT INTO fee_items ({', '.join(ITEM_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(ITEM_COLUMNS))})"
)
_LINE_INSERT = (
    f"INSERT INTO fee_item_lines ({', '.join(LINE_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(LINE_COLUMNS))})"
)
_BATCH = 50_000

Line = tuple[Any, ...]  # LINE_COLUMNS order


@dataclass(frozen=True)
class ItemHead:
    """What identifies an item and where it is paid, besides its amounts."""

    category: str
    data_source: str
    unit_number: str
    agency: str | None
    tax_authority: str
    period_start: str
    period_end: str
    levy_item: str
    levy_category: str | None
    project_number: str | None = None
    collection_serial: str | None = None
    valid_until: str | None = None
    special_type: str | None = None


@dataclass(frozen=True)
class Registration:
    unit_number: str
    agency: str
    agency_type: str  # 社保 | 医保
    tax_authority: str


@dataclass(frozen=True)
class UnitFacts:
    unit_id: str
    kind: str  # employer | collector
    region: str
    tax_authority: str
    registrations: tuple[Registration, ...]

    def agency(self, unit_number: str, agency_type: str) -> str | None:
        same = [r for r in self.registrations if r.unit_number == unit_number]
        typed = [r for r in same if r.agency_type == agency_type]
        hit = (typed or same or [None])[0]
        return hit.agency if hit else None

    def tax_authority_of(self, unit_number: str | None) -> str:
        hit = next((r for r in self.registrations if r.unit_number == unit_number), None)
        return hit.tax_authority if hit else self.tax_authority

    def number_of(self, agency_type: str) -> str:
        """The unit's first 单位编号 registered with a 社保 or 医保 agency."""
        typed = [r for r in self.registrations if r.agency_type == agency_type]
        hit = (typed or list(self.registrations) or [None])[0]
        return hit.unit_number if hit else ""


def unit_facts(raw: sqlite3.Connection, unit_id: str) -> UnitFacts | None:
    row = raw.execute(
        "SELECT kind, region, tax_authority FROM units WHERE unit_id = ?", (unit_id,)
    ).fetchone()
    if row is None:
        return None
    registrations = tuple(
        Registration(*r)
        for r in raw.execute(
            "SELECT unit_number, agency, agency_type, tax_authority FROM registrations"
            " WHERE unit_id = ? ORDER BY position",
            (unit_id,),
        )
    )
    return UnitFacts(unit_id, row[0], row[1], row[2], registrations)


# -- numbers -----------------------------------------------------------------------------
def take_counter(raw: sqlite3.Connection, key: str, count: int) -> int:
    """Reserve `count` values of a server-wide counter kept in `meta`; returns the first."""
    row = raw.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    first = int(row[0]) + 1 if row else 1
    raw.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, str(first + count - 1)),
    )
    return first


def new_item_ids(raw: sqlite3.Connection, count: int) -> list[str]:
    first = take_counter(raw, "fee_item_serial", count)
    return [f"FI{n:010d}" for n in range(first, first + count)]


def new_collection_serial(raw: sqlite3.Connection, day: date) -> str:
    """征集通知流水号: the day of the 核定 and a 10-digit serial (18 digits)."""
    return f"{day:%Y%m%d}{take_counter(raw, 'fee_collection_serial', 1):010d}"


def new_voucher_number(raw: sqlite3.Connection, region: str) -> str:
    """应征凭证序号: 1001, the region code and a 10-digit serial (20 digits)."""
    return f"1001{region}{take_counter(raw, 'fee_voucher_serial', 1):010d}"


def month_end(month: int) -> str:
    """The last day of a month index (year * 12 + month - 1) as YYYY-MM-DD."""
    year, index = divmod(month, 12)
    return f"{month_text(month)}-{calendar.monthrange(year, index + 1)[1]:02d}"


def default_valid_until(now: datetime) -> str:
    """征集有效日期 of 征集信息 made now: the end of the following month."""
    return month_end(now.year * 12 + now.month)


# -- storing -----------------------------------------------------------------------------
def item_row(
    unit_id: str, item_id: str, head: ItemHead, lines: Sequence[Line], created_at: str
) -> tuple[Any, ...]:
    """The fee_items row of an item whose totals are the sums of `lines`."""
    persons = {line[2] for line in lines}
    rates = {(line[10], line[11]) for line in lines}
    unit_rate, personal_rate = next(iter(rates)) if len(rates) == 1 else (None, None)
    unit_amount = sum(line[12] for line in lines)
    personal_amount = sum(line[13] for line in lines)
    return (
        unit_id, item_id, head.category, head.data_source, head.unit_number, head.agency,
        head.tax_authority, head.project_number, head.collection_serial, head.valid_until,
        head.period_start, head.period_end, head.levy_item, head.levy_category,
        head.special_type, len(persons), sum(line[8] for line in lines),
        sum(line[9] for line in lines), unit_rate, personal_rate, unit_amount, personal_amount,
        unit_amount + personal_amount, INITIAL, None, None, None, created_at,
    )  # fmt: skip


def insert_items(
    raw: sqlite3.Connection, rows: Iterable[tuple[Any, ...]], lines: Iterable[Line]
) -> None:
    raw.executemany(_ITEM_INSERT, rows)
    batch: list[Line] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= _BATCH:
            raw.executemany(_LINE_INSERT, batch)
            batch.clear()
    raw.executemany(_LINE_INSERT, batch)


def delete_items(raw: sqlite3.Connection, unit_id: str, item_ids: Sequence[str]) -> None:
    raw.executemany(
        "DELETE FROM fee_items WHERE unit_id = ? AND item_id = ?", [(unit_id, i) for i in item_ids]
    )
    raw.executemany("DELETE FROM fee_item_lines WHERE item_id = ?", [(i,) for i in item_ids])


def copy_items(
    raw: sqlite3.Connection, unit_id: str, item_ids: Sequence[str], now: datetime
) -> list[str]:
    """Fresh 初始 copies (new ids, same lines) of items, e.g. after their declaration was voided."""
    fresh = new_item_ids(raw, len(item_ids))
    kept = ", ".join(c for c in ITEM_COLUMNS[2:23])
    lines = ", ".join(LINE_COLUMNS[1:])
    for old, new in zip(item_ids, fresh, strict=True):
        raw.execute(
            f"INSERT INTO fee_items (unit_id, item_id, {kept}, state, created_at)"
            f" SELECT unit_id, ?, {kept}, ?, ? FROM fee_items WHERE unit_id = ? AND item_id = ?",
            (new, INITIAL, format_datetime(now), unit_id, old),
        )
        raw.execute(
            f"INSERT INTO fee_item_lines (item_id, {lines})"
            f" SELECT ?, {lines} FROM fee_item_lines WHERE item_id = ?",
            (new, old),
        )
    return fresh


def mark_generated(
    raw: sqlite3.Connection, unit_id: str, source: str, periods: Iterable[str], now: datetime
) -> None:
    raw.executemany(
        "INSERT OR IGNORE INTO fee_generations (unit_id, source, period, created_at)"
        " VALUES (?, ?, ?, ?)",
        [(unit_id, source, period, format_datetime(now)) for period in periods],
    )


def mark_stale(
    raw: sqlite3.Connection, unit_id: str, boxes: Iterable[tuple[str, str, str]]
) -> None:
    """01 boxes (单位编号, 征收项目, month) to make again at the next read of the unit's items."""
    raw.executemany(
        "INSERT OR IGNORE INTO fee_stale_boxes (unit_id, unit_number, levy_item, period)"
        " VALUES (?, ?, ?, ?)",
        [(unit_id, *box) for box in boxes],
    )
