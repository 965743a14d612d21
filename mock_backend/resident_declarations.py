"""社保费代收代报（自主） (manual §3.6): a 代收单位 declares chosen residents at chosen 缴费档次.

The request is checked as a whole (a malformed or repeated row refuses it, creating
nothing); then one `self` declaration per 征收品目 × 年度 is made, each with one 自主申报 (04)
fee item whose person lines are the rows. Whether each person may be declared is decided
when the declaration is processed (`resident_processing`). 100,000 rows are checked in one
pass over plain values and stored with `executemany`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_declare import CLIENT, next_declaration_ids
from mock_backend.fee_items import (
    DECLARING,
    ITEM_COLUMNS,
    SELF,
    SELF_DECLARED,
    ItemHead,
    UnitFacts,
    insert_items,
    item_row,
    new_item_ids,
)
from mock_backend.fee_money import ZERO_RATE, text_of
from mock_backend.fee_rules import RESIDENT_RATE
from mock_backend.ids import is_valid_id_number
from mock_backend.reference_spec import agency_type_of
from mock_backend.resident_directory import UnitResidents
from mock_backend.resident_grades import Grade, GradeTable
from mock_backend.seed.rules import ID_TYPES

MAX_ROWS = 100_000
ID_TYPE_CODES = frozenset(code for code, _ in ID_TYPES)
_HEADCOUNT = ITEM_COLUMNS.index("headcount")
_STATE = ITEM_COLUMNS.index("state")


@dataclass(frozen=True, slots=True)
class Row:
    index: int  # 0-based in the request
    name: str
    id_type: str
    id_number: str  # upper case, trimmed
    levy_item: str
    levy_category: str
    year: int
    grade: Grade


def parse_rows(body: bytes) -> list[Any]:
    """The `rows` of a request body (422 when it is not a list, empty or too long)."""
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "申报请求的格式不正确，rows应为申报人员的列表，请更新客户端后重试。",
        )
    if not rows:
        raise ApiError(422, "NOTHING_SELECTED", "请先勾选需要申报的数据。")
    if len(rows) > MAX_ROWS:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"一次最多申报{MAX_ROWS}行，本次提交了{len(rows)}行，请分批提交。",
            {"max_rows": MAX_ROWS},
        )
    return rows


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _bad_row(index: int, field: str | None, message: str) -> ApiError:
    return ApiError(422, "BAD_ROW", f"第{index + 1}行：{message}", {"index": index, "field": field})


def _checked(index: int, raw_row: Any, table: GradeTable) -> Row:
    """One row, or BAD_ROW naming its first wrong field."""
    if not isinstance(raw_row, dict):
        raise _bad_row(
            index,
            None,
            "格式不正确，应包含姓名、证件类型、证件号码、征收项目、征收品目、缴费年度和缴费档次。",
        )
    name = raw_row.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _bad_row(index, "name", "姓名不能为空。")
    id_type = raw_row.get("id_type")
    if id_type not in ID_TYPE_CODES:
        raise _bad_row(
            index, "id_type", f"证件类型“{_shown(id_type)}”不存在，请按证件类型代码表填写。"
        )
    id_number = raw_row.get("id_number")
    number = id_number.strip().upper() if isinstance(id_number, str) else ""
    if not number:
        raise _bad_row(index, "id_number", "证件号码不能为空。")
    if id_type == "01" and not is_valid_id_number(number):
        raise _bad_row(
            index, "id_number", f"证件号码“{id_number}”不是有效的居民身份证号码，请核对后重新填写。"
        )
    levy_item = raw_row.get("levy_item")
    if levy_item not in table.levy_item_names:
        raise _bad_row(
            index, "levy_item",
            f"征收项目“{_shown(levy_item)}”不是城乡居民的征收项目，应为"
            f"{'或'.join(table.levy_item_names.values())}。",
        )  # fmt: skip
    category = raw_row.get("levy_category")
    if not isinstance(category, str) or table.levy_items.get(category) != levy_item:
        raise _bad_row(
            index, "levy_category",
            f"征收品目“{_shown(category)}”不属于{table.levy_item_names[levy_item]}。",
        )  # fmt: skip
    year = raw_row.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise _bad_row(index, "year", f"缴费年度“{_shown(year)}”格式不正确，应为四位数字的年份。")
    if year not in table.years:
        raise _bad_row(
            index,
            "year",
            f"缴费年度“{year}”不能申报，可申报的缴费年度为{table.years_text()}年。",
        )
    code = raw_row.get("grade")
    grade = table.find(year, category, code) if isinstance(code, str) else None
    if grade is None:
        raise _bad_row(
            index, "grade",
            f"缴费档次“{_shown(code)}”不存在于{year}年{table.category_name(category)}的档次中。",
        )  # fmt: skip
    return Row(index, name.strip(), id_type, number, levy_item, category, year, grade)


def check_rows(raw_rows: list[Any], table: GradeTable) -> list[Row]:
    """Every row checked (BAD_ROW for the first malformed one), then repeats (DUPLICATE_ROW:
    the same person, 征收品目 and year twice)."""
    rows = [_checked(index, raw_row, table) for index, raw_row in enumerate(raw_rows)]
    first_of: dict[tuple[str, str, str, int], int] = {}
    for row in rows:
        key = (row.id_type, row.id_number, row.levy_category, row.year)
        first = first_of.setdefault(key, row.index)
        if first != row.index:
            raise ApiError(
                422,
                "DUPLICATE_ROW",
                f"第{row.index + 1}行与第{first + 1}行是同一人员{row.year}年的"
                f"{table.category_name(row.levy_category)}，请删除重复的行后再提交。",
                {"index": row.index, "first_index": first},
            )
    return rows


def create_declarations(
    raw: sqlite3.Connection,
    unit: UnitFacts,
    rows: list[Row],
    now: datetime,
    due_at: float,
    channel: str = CLIENT,
) -> list[dict[str, Any]]:
    """One 申报中 `self` declaration per 征收品目 × 年度 (in the order they first appear), each
    with one fee item whose lines are the rows; returns their summaries."""
    groups: dict[tuple[str, int], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.levy_category, row.year), []).append(row)
    residents = {
        year: UnitResidents.load(raw, unit.unit_id, unit.region, year)
        for year in {year for _, year in groups}
    }
    submitted_at = format_datetime(now)
    ids = next_declaration_ids(raw, now, len(groups))
    item_ids = new_item_ids(raw, len(groups))
    answers = []
    for declaration_id, item_id, ((category, year), members) in zip(
        ids, item_ids, groups.items(), strict=True
    ):
        known = residents[year]
        period = f"{year:04d}-01"
        lines = []
        for position, row in enumerate(members, 1):
            person_id = known.resident((row.id_type, row.id_number), row.name) or 0
            number = known.insured.get((person_id, category), "")
            amount = row.grade.amount
            lines.append(
                (item_id, position, person_id, number, row.name, row.id_type, row.id_number,
                 period, amount, amount, ZERO_RATE.text, RESIDENT_RATE.text, 0, amount)
            )  # fmt: skip
        levy_item = members[0].levy_item
        number = unit.number_of(agency_type_of(levy_item))
        head = ItemHead(
            SELF, SELF_DECLARED, number, unit.agency(number, agency_type_of(levy_item)),
            unit.tax_authority_of(number), period, f"{year:04d}-12", levy_item, category,
        )  # fmt: skip
        item = list(item_row(unit.unit_id, item_id, head, lines, submitted_at))
        item[_HEADCOUNT] = len(lines)  # persons not found yet all have person_id 0
        item[_STATE], item[_STATE + 1] = DECLARING, declaration_id
        insert_items(raw, [tuple(item)], lines)
        raw.executemany(
            "INSERT INTO self_declaration_lines (item_id, position, row_index, grade)"
            " VALUES (?, ?, ?, ?)",
            [(item_id, position, row.index, row.grade.code)
             for position, row in enumerate(members, 1)],
        )  # fmt: skip
        total = sum(line[13] for line in lines)
        raw.execute(
            "INSERT INTO fee_declarations (declaration_id, unit_id, category, data_source,"
            " channel, submitted_at, due_at, status, amount, headcount, tax_authority,"
            " unit_number, period_start, period_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (declaration_id, unit.unit_id, SELF, SELF_DECLARED, channel, submitted_at, due_at,
             DECLARING, total, len(lines), head.tax_authority, number, period,
             f"{year:04d}-12"),
        )  # fmt: skip
        raw.execute(
            "INSERT INTO fee_declaration_items (declaration_id, position, item_id) VALUES (?, 0, ?)",
            (declaration_id, item_id),
        )
        raw.execute(
            "INSERT INTO self_declarations (declaration_id, year, levy_category) VALUES (?, ?, ?)",
            (declaration_id, year, category),
        )
        answers.append(
            {
                "declaration_id": declaration_id,
                "item_ids": [item_id],
                "headcount": len(lines),
                "amount": text_of(total),
                "status": DECLARING,
            }
        )
    return answers
