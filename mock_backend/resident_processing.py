"""Processing of 代收代报（自主） declarations row by row, and the record of who is declared.

`settle` runs when a `self` declaration is processed, before the checks every declaration
gets: each person line must be a resident of the unit (`不在本代收单位管辖范围内`), insured
for the 征收品目 that year (`未参保该险种`) and not declared for it already (`该年度已申报`).
Failed lines leave the item, whose totals and the declaration's shrink to the lines kept.

`record_declared` / `forget_declared` keep `resident_declared` (one row per person line of a
collector's 申报成功 城乡居民 declaration, 核定 or 自主) in step with processing and 作废.
"""

from __future__ import annotations

import sqlite3

import orjson

from mock_backend.fee_items import LINE_COLUMNS
from mock_backend.resident_directory import UnitResidents, declared_persons
from mock_backend.resident_grades import load_grades

ALL_FAILED = "全部人员校验未通过"
NOT_RESIDENT = "不在本代收单位管辖范围内"
NOT_INSURED = "未参保该险种"
ALREADY_DECLARED = "该年度已申报"

_LINE_INSERT = (
    f"INSERT INTO fee_item_lines ({', '.join(LINE_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(LINE_COLUMNS))})"
)


def settle(raw: sqlite3.Connection, unit_id: str, region: str, declaration_id: str) -> int | None:
    """Check the person lines of a `self` declaration; the amount of the lines kept, or None
    when none passed (the declaration then fails as a whole)."""
    year, category = raw.execute(
        "SELECT year, levy_category FROM self_declarations WHERE declaration_id = ?",
        (declaration_id,),
    ).fetchone()
    (item_id,) = raw.execute(
        "SELECT item_id FROM fee_declaration_items WHERE declaration_id = ?", (declaration_id,)
    ).fetchone()
    lines = raw.execute(
        f"SELECT {', '.join('l.' + c for c in LINE_COLUMNS)}, s.row_index, s.grade"
        " FROM fee_item_lines l JOIN self_declaration_lines s ON s.item_id = l.item_id"
        " AND s.position = l.position WHERE l.item_id = ? ORDER BY l.position",
        (item_id,),
    ).fetchall()
    residents = UnitResidents.load(raw, unit_id, region, year)
    declared = declared_persons(raw, unit_id, year, category)
    kept: list[tuple[object, ...]] = []
    grades: list[tuple[str, int, int, str]] = []
    failed = []
    for line in lines:
        name, id_type, id_number, row_index, grade = line[4], line[5], line[6], line[14], line[15]
        person_id = residents.resident((id_type, id_number), name)
        reason = None
        if person_id is None:
            reason = NOT_RESIDENT
        elif (person_id, category) not in residents.insured:
            reason = NOT_INSURED
        elif person_id in declared:
            reason = ALREADY_DECLARED
        if reason is not None:
            failed.append({"index": row_index, "id_number": id_number, "reason": reason})
            continue
        position = len(kept) + 1
        number = residents.insured[(person_id, category)]
        kept.append((item_id, position, person_id, number, *line[4:14]))
        grades.append((item_id, position, row_index, grade))
    if failed:
        raw.execute("DELETE FROM fee_item_lines WHERE item_id = ?", (item_id,))
        raw.execute("DELETE FROM self_declaration_lines WHERE item_id = ?", (item_id,))
        raw.executemany(_LINE_INSERT, kept)
        raw.executemany(
            "INSERT INTO self_declaration_lines (item_id, position, row_index, grade)"
            " VALUES (?, ?, ?, ?)",
            grades,
        )
    else:  # every person found: their person ids and numbers replace the submission's guess
        raw.executemany(
            "UPDATE fee_item_lines SET person_id = ?, person_number = ? WHERE item_id = ?"
            " AND position = ?",
            [(line[2], line[3], item_id, line[1]) for line in kept],
        )
    total = sum(int(line[13]) for line in kept)  # type: ignore[call-overload]
    raw.execute(
        "UPDATE fee_items SET headcount = ?, wage_total = ?, base_total = ?, personal_amount = ?,"
        " amount = ? WHERE item_id = ? AND unit_id = ?",
        (len(kept), total, total, total, total, item_id, unit_id),
    )
    raw.execute(
        "UPDATE fee_declarations SET amount = ?, headcount = ? WHERE declaration_id = ?",
        (total, len(kept), declaration_id),
    )
    raw.execute(
        "UPDATE self_declarations SET failed_rows = ? WHERE declaration_id = ?",
        (orjson.dumps(failed).decode(), declaration_id),
    )
    return total if kept else None


def record_declared(
    raw: sqlite3.Connection, unit_id: str, region: str, declaration_id: str
) -> None:
    """The persons of a collector's 申报成功 城乡居民 declaration are declared for their year
    (a 核定 line's 档次 is the one of its amount)."""
    rows = raw.execute(
        "SELECT i.item_id, i.levy_category, l.person_id, l.period,"
        " l.unit_amount + l.personal_amount, s.grade, d.submitted_at"
        " FROM fee_declarations d JOIN fee_declaration_items di"
        " ON di.declaration_id = d.declaration_id"
        " JOIN fee_items i ON i.unit_id = d.unit_id AND i.item_id = di.item_id"
        " JOIN fee_item_lines l ON l.item_id = i.item_id"
        " LEFT JOIN self_declaration_lines s ON s.item_id = l.item_id AND s.position = l.position"
        " WHERE d.declaration_id = ? AND i.category IN ('daily', 'self')"
        " AND i.levy_item IN ('10210', '10211')",
        (declaration_id,),
    ).fetchall()
    if not rows:
        return
    table = load_grades(raw, region)
    raw.executemany(
        "INSERT OR REPLACE INTO resident_declared (unit_id, year, person_id, levy_category,"
        " declaration_id, item_id, grade, amount, declared_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (unit_id, int(period[:4]), person_id, category, declaration_id, item_id,
             grade or table.code_of_amount(int(period[:4]), category, amount), amount,
             submitted_at)
            for item_id, category, person_id, period, amount, grade, submitted_at in rows
        ],
    )  # fmt: skip


def forget_declared(raw: sqlite3.Connection, declaration_id: str) -> None:
    """A voided declaration declares nobody any more."""
    raw.execute("DELETE FROM resident_declared WHERE declaration_id = ?", (declaration_id,))
