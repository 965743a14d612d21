"""城乡居民申报缴费状态 (manual §3.5): every resident of a 代收单位 × 征收品目 they are insured
for in a year, with the declaration that covers them and whether it is paid.

Paged by resident id like the feed snapshot (feed residents first, then the 正常参保
external ones, whose registry ids are higher); a page holds at most `limit` residents with
all their rows. Who is declared comes from `resident_declared` (kept by processing and
作废), read by its primary key for the page's id range, so a page of 5,000 residents costs
the same at the end of 100,000 as at the start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from mock_backend.fee_money import text_of
from mock_backend.resident_directory import ITEM_IN_FORCE, year_bounds

FIELDS = [
    "resident_id", "name", "id_type", "id_number", "township", "village", "levy_item",
    "levy_category", "declare_status", "pay_status", "grade", "amount", "declaration_id",
    "declared_at", "paid_at",
]  # fmt: skip
MAX_LIMIT = 20_000
DEFAULT_LIMIT = 5_000
NOT_DECLARED, DECLARED = "未申报", "已申报"
UNPAID, PAID = "未缴费", "已缴费"

_FEED_PAGE = (
    "SELECT r.id, r.name, r.id_type, r.id_number, r.township, r.village, i.levy_item,"
    " i.levy_category FROM residents r JOIN resident_items i ON i.resident_id = r.id"
    " WHERE r.id IN (SELECT p.id FROM residents p WHERE p.unit_id = ? AND p.deleted = 0"
    f" AND p.id > ? AND EXISTS (SELECT 1 FROM resident_items i WHERE i.resident_id = p.id"
    f" AND {ITEM_IN_FORCE}) ORDER BY p.id LIMIT ?) AND {ITEM_IN_FORCE}"
    " ORDER BY r.id, i.levy_category, i.position"
)
_FEED_COUNT = (
    "SELECT COUNT(*) FROM (SELECT DISTINCT r.id, i.levy_category FROM residents r"
    " JOIN resident_items i ON i.resident_id = r.id"
    f" WHERE r.unit_id = ? AND r.deleted = 0 AND {ITEM_IN_FORCE})"
)
# The unit's 正常参保 external residents that are not in its feed, with their items in force.
_EXTERNAL_ROWS = (
    "SELECT g.id, g.name, g.id_type, g.id_number, g.township, g.village, i.levy_item,"
    " i.levy_category FROM unit_external_residents u JOIN external_registry g"
    " ON g.region = ? AND g.id_type = u.id_type AND g.id_number = u.id_number AND g.name = u.name"
    f" JOIN external_registry_items i ON i.person_id = g.id WHERE u.unit_id = ? AND {ITEM_IN_FORCE}"
    " AND NOT EXISTS (SELECT 1 FROM residents r WHERE r.unit_id = u.unit_id"
    " AND r.id_number = u.id_number AND r.id_type = u.id_type AND r.deleted = 0)"
    " ORDER BY g.id, i.levy_category, i.position"
)
_DECLARED = (
    "SELECT r.person_id, r.levy_category, r.grade, r.amount, r.declaration_id, r.declared_at,"
    " r.item_id, d.pay_status FROM resident_declared r JOIN fee_declarations d"
    " ON d.declaration_id = r.declaration_id AND d.status = '申报成功'"
    " WHERE r.unit_id = ? AND r.year = ? AND r.person_id BETWEEN ? AND ?"
    " ORDER BY r.declared_at, r.declaration_id"
)


def _distinct_rows(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One row per resident × 征收品目 (a person with two items of one 品目 counts once)."""
    seen: set[tuple[int, str]] = set()
    out = []
    for row in rows:
        key = (row[0], row[7])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def _external_rows(
    raw: sqlite3.Connection, unit_id: str, region: str, year: int
) -> list[tuple[Any, ...]]:
    last, first = year_bounds(year)
    return _distinct_rows(raw.execute(_EXTERNAL_ROWS, (region, unit_id, last, first)))


def _paid(raw: sqlite3.Connection, item_ids: set[str]) -> dict[str, tuple[bool, str | None]]:
    """Per item: (every arrears line paid, the last payment time), for items with lines."""
    found: dict[str, tuple[bool, str | None]] = {}
    for item_id in item_ids:
        row = raw.execute(
            "SELECT COUNT(*), SUM(state = '已缴费'), MAX(paid_at) FROM collect_lines"
            " WHERE item_id = ?",
            (item_id,),
        ).fetchone()
        if row[0]:
            found[item_id] = (row[0] == row[1], row[2])
    return found


def _paid_personally(raw: sqlite3.Connection, item_ids: set[str]) -> set[tuple[str, str, str]]:
    """(item, 证件类型, 证件号码) of persons who paid their own line by 城乡居民个人缴费 (§3.21):
    paid, although the rest of the item's line may still be open."""
    found: set[tuple[str, str, str]] = set()
    for item_id in item_ids:
        try:
            rows = raw.execute(
                "SELECT l.id_type, l.id_number, MAX(p.order_id) FROM personal_paid_lines p"
                " JOIN fee_item_lines l ON l.item_id = p.item_id AND l.position = p.position"
                " WHERE p.item_id = ? GROUP BY l.id_type, l.id_number",
                (item_id,),
            ).fetchall()
        except sqlite3.OperationalError:  # no 个人缴费 tables in this database
            return found
        found.update((item_id, str(t), str(n).upper()) for t, n, _order in rows)
    return found


def _with_status(
    raw: sqlite3.Connection, unit_id: str, year: int, rows: list[tuple[Any, ...]]
) -> list[list[Any]]:
    if not rows:
        return []
    declared: dict[tuple[int, str], tuple[Any, ...]] = {}
    for hit in raw.execute(_DECLARED, (unit_id, year, rows[0][0], rows[-1][0])):
        declared[(hit[0], hit[1])] = hit  # the latest declaration wins
    paid = _paid(raw, {hit[6] for hit in declared.values()})
    personally = _paid_personally(raw, {hit[6] for hit in declared.values()})
    records = []
    for row in rows:
        hit = declared.get((row[0], row[7]))
        if hit is None:
            records.append([*row, NOT_DECLARED, None, None, None, None, None, None])
            continue
        _person, _category, grade, amount, declaration_id, declared_at, item_id, pay = hit
        lines_paid, paid_at = paid.get(item_id, (pay in ("缴费成功", "无需缴费"), None))
        if not lines_paid and (item_id, str(row[2]), str(row[3]).upper()) in personally:
            lines_paid = True
        records.append(
            [*row, DECLARED, PAID if lines_paid else UNPAID, grade, text_of(amount),
             declaration_id, declared_at, paid_at if lines_paid else None]
        )  # fmt: skip
    return records


# (database, unit, year) → (the feed's latest seq, rows): counting 100,000 residents' items
# for every page would cost more than the page itself; any change to the feed takes a new seq.
_totals: dict[tuple[str, str, int], tuple[int, int]] = {}


def _feed_total(raw: sqlite3.Connection, unit_id: str, year: int) -> int:
    database = raw.execute("PRAGMA database_list").fetchone()[2]
    version = raw.execute("SELECT MAX(seq) FROM residents WHERE unit_id = ?", (unit_id,)).fetchone()
    key = (database, unit_id, year)
    cached = _totals.get(key)
    if cached is not None and cached[0] == version[0]:
        return cached[1]
    last, first = year_bounds(year)
    total = int(raw.execute(_FEED_COUNT, (unit_id, last, first)).fetchone()[0])
    _totals[key] = (version[0], total)
    return total


def status_page(
    raw: sqlite3.Connection, unit_id: str, region: str, year: int, after_id: int, limit: int
) -> dict[str, Any]:
    """One page of the year's snapshot, in one read transaction."""
    last, first = year_bounds(year)
    rows = _distinct_rows(
        raw.execute(_FEED_PAGE, (unit_id, after_id, last, first, limit, last, first))
    )
    residents = len({row[0] for row in rows})
    externals = _external_rows(raw, unit_id, region, year)
    if residents < limit:
        wanted: set[int] = set()
        for row in externals:
            if row[0] > after_id and (row[0] in wanted or len(wanted) < limit - residents):
                wanted.add(row[0])
                rows.append(row)
        residents += len(wanted)
    total = _feed_total(raw, unit_id, year) + len(externals)
    more = False
    if rows:
        last_id = rows[-1][0]
        more = residents >= limit and (
            raw.execute(
                "SELECT 1 FROM residents p WHERE p.unit_id = ? AND p.deleted = 0 AND p.id > ?"
                f" AND EXISTS (SELECT 1 FROM resident_items i WHERE i.resident_id = p.id"
                f" AND {ITEM_IN_FORCE}) LIMIT 1",
                (unit_id, last_id, last, first),
            ).fetchone()
            is not None
            or any(row[0] > last_id for row in externals)
        )
    return {
        "year": year,
        "fields": FIELDS,
        "records": _with_status(raw, unit_id, year, rows),
        "total": total,
        "next_after_id": rows[-1][0] if more else None,
    }
