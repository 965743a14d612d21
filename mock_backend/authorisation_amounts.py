"""社保费批扣费额设置 (manual §3.17): the 缴费金额 a bank deducts for one resident, 险种 and
生效年度. The amount must be one of the year's 缴费档次 of the resident's 征收品目 (the
region's `resident_grades` rule file); a resident has at most one 有效 setting per 险种 and
year, and only an 有效 one can be 作废."""

from __future__ import annotations

import sqlite3
from decimal import Decimal, InvalidOperation
from typing import Any

from mock_backend.authorisation_people import find_area_person, resident_dict, unit_region
from mock_backend.errors import ApiError
from mock_backend.fee_money import text_of
from mock_backend.resident_directory import Person, items_in_force, person_items
from mock_backend.resident_grades import GradeTable, load_grades

INSURANCES = {"10210": "城乡居民基本养老保险", "10211": "城乡居民基本医疗保险"}
AGENCY_TYPES = {"10210": "社保", "10211": "医保"}
VALID, VOIDED = "有效", "已作废"
NOT_INSURED = "未查询到城乡居民参保信息，请确认该居民已参加{insurance}。"
EXISTS = "该居民{year}年度{insurance}已有有效的批扣费额，请先作废原设置后再新增。"
ALREADY_VOID = "该批扣费额已作废，不能重复作废。"
NOT_FOUND = "未找到该批扣费额设置，请刷新后重试。"

FIELDS = [
    "setting_id", "name", "id_type", "id_number", "insurance", "levy_category",
    "levy_subcategory", "agency", "year", "amount", "state", "created_at", "voided_at",
]  # fmt: skip
_COLUMNS = (
    "setting_id, name, id_type, id_number, insurance, levy_category, levy_subcategory, agency,"
    " year, amount_cents, state, created_at, voided_at"
)
MAX_LIMIT = 5000


def _invalid(field: str, message: str, **details: Any) -> ApiError:
    return ApiError(422, "VALIDATION_ERROR", message, {"field": field, **details})


def check_insurance(value: str | None) -> str:
    code = (value or "").strip()
    if code not in INSURANCES:
        raise _invalid(
            "insurance", "请选择参保险种（城乡居民基本养老保险或城乡居民基本医疗保险）。"
        )
    return code


def check_amount(value: Any) -> int:
    """The 缴费金额 in 分: a positive amount with at most two decimals."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        raise _invalid("amount", "请填写缴费金额。")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _invalid("amount", f"缴费金额“{text}”不是有效的金额，请填写数字。") from None
    if not amount.is_finite() or amount <= 0:
        raise _invalid("amount", "缴费金额必须大于0。")
    if amount != amount.quantize(Decimal("0.01")):
        raise _invalid("amount", "缴费金额最多保留两位小数。")
    return int(amount * 100)


def _agency(raw: sqlite3.Connection, unit_id: str, insurance: str) -> str:
    rows = raw.execute(
        "SELECT agency, agency_type FROM registrations WHERE unit_id = ? ORDER BY position",
        (unit_id,),
    ).fetchall()
    typed = [agency for agency, kind in rows if kind == AGENCY_TYPES[insurance]]
    return (typed or [agency for agency, _ in rows] or [""])[0]


def insured_item(
    raw: sqlite3.Connection, person: Person, insurance: str, year: int | None = None
) -> tuple[Any, ...] | None:
    """The person's item of the 险种 (in force in `year` when given; else the latest)."""
    items = [i for i in person_items(raw, person) if i[1] == insurance]
    if year is not None:
        items = items_in_force(items, year)
    return max(items, key=lambda i: i[4]) if items else None


def _grade_options(table: GradeTable, levy_category: str) -> list[dict[str, Any]]:
    return [
        {"year": year,
         "grades": [{"code": g.code, "name": g.name, "amount": text_of(g.amount)}
                    for g in table.of(year, levy_category)]}
        for year in sorted(table.years, reverse=True)
        if table.of(year, levy_category)
    ]  # fmt: skip


def candidate(
    raw: sqlite3.Connection, unit_id: str, facts: dict[str, Any], insurance: str | None
) -> dict[str, Any]:
    """新增 第一步: the resident of the area insured in the 险种, with the 档次 per year."""
    code = check_insurance(insurance)
    person = find_area_person(
        raw, unit_id, facts.get("name") or "", facts.get("id_type") or "",
        facts.get("id_number") or "",
    )  # fmt: skip
    item = insured_item(raw, person, code)
    if item is None:
        raise ApiError(404, "NOT_INSURED", NOT_INSURED.format(insurance=INSURANCES[code]))
    table = load_grades(raw, unit_region(raw, unit_id))
    valid = [
        _record(row)
        for row in raw.execute(
            f"SELECT {_COLUMNS} FROM authorisation_amounts WHERE unit_id = ? AND resident_id = ?"
            " AND insurance = ? AND state = ? ORDER BY year DESC",
            (unit_id, person.person_id, code, VALID),
        )
    ]
    return {
        "resident": resident_dict(person),
        "insurance": code,
        "insurance_name": INSURANCES[code],
        "levy_item": code,
        "levy_category": item[2],
        "levy_subcategory": item[3],
        "person_number": item[0],
        "agency": _agency(raw, unit_id, code),
        "years": _grade_options(table, item[2]),
        "valid": valid,
    }


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    record = dict(zip(FIELDS, row, strict=True))
    record["amount"] = text_of(int(record["amount"]))
    return record


def create_setting(
    raw: sqlite3.Connection, unit_id: str, body: dict[str, Any], now: str
) -> dict[str, Any]:
    """保存: one setting; refused (one sentence) for an amount not among the year's 档次 or
    when the resident already has an 有效 setting of the 险种 for that year."""
    code = check_insurance(body.get("insurance"))
    year_text = str(body.get("year") or "").strip()
    if not (year_text.isdigit() and len(year_text) == 4):
        raise _invalid("year", "请选择生效年度。")
    year = int(year_text)
    cents = check_amount(body.get("amount"))
    person = find_area_person(
        raw, unit_id, body.get("name") or "", body.get("id_type") or "",
        body.get("id_number") or "",
    )  # fmt: skip
    name = INSURANCES[code]
    if insured_item(raw, person, code) is None:
        raise ApiError(404, "NOT_INSURED", NOT_INSURED.format(insurance=name))
    item = insured_item(raw, person, code, year)
    if item is None:
        raise _invalid("year", f"该居民{year}年度未参加{name}，不能设置该年度的批扣费额。")
    table = load_grades(raw, unit_region(raw, unit_id))
    grades = table.of(year, item[2])
    if not grades:
        raise _invalid(
            "year", f"{year}年度没有{name}的缴费档次，可选择的生效年度为{table.years_text()}年。"
        )
    if cents not in {g.amount for g in grades}:
        allowed = "、".join(text_of(g.amount) for g in grades)
        raise _invalid(
            "amount",
            f"缴费金额{text_of(cents)}元不是{year}年度{name}的缴费档次，可选金额为{allowed}元。",
            allowed=[text_of(g.amount) for g in grades],
        )
    exists = raw.execute(
        "SELECT 1 FROM authorisation_amounts WHERE unit_id = ? AND resident_id = ?"
        " AND insurance = ? AND year = ? AND state = ?",
        (unit_id, person.person_id, code, year, VALID),
    ).fetchone()
    if exists:
        raise ApiError(409, "AMOUNT_EXISTS", EXISTS.format(year=year, insurance=name))
    cursor = raw.execute(
        "INSERT INTO authorisation_amounts (unit_id, resident_id, name, id_type, id_number,"
        " insurance, levy_category, levy_subcategory, agency, year, amount_cents, state,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (unit_id, person.person_id, person.name, person.id_type, person.id_number, code,
         item[2], item[3], _agency(raw, unit_id, code), year, cents, VALID, now),
    )  # fmt: skip
    return get_setting(raw, unit_id, int(cursor.lastrowid or 0))


def get_setting(raw: sqlite3.Connection, unit_id: str, setting_id: int) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT {_COLUMNS} FROM authorisation_amounts WHERE unit_id = ? AND setting_id = ?",
        (unit_id, setting_id),
    ).fetchone()
    if row is None:
        raise ApiError(404, "AMOUNT_NOT_FOUND", NOT_FOUND)
    return _record(row)


def void_setting(
    raw: sqlite3.Connection, unit_id: str, setting_id: int, now: str
) -> dict[str, Any]:
    """作废 an 有效 setting (the 险种 no longer takes part in 批扣)."""
    setting = get_setting(raw, unit_id, setting_id)
    if setting["state"] != VALID:
        raise ApiError(409, "AMOUNT_ALREADY_VOID", ALREADY_VOID)
    raw.execute(
        "UPDATE authorisation_amounts SET state = ?, voided_at = ? WHERE setting_id = ?",
        (VOIDED, now, setting_id),
    )
    return get_setting(raw, unit_id, setting_id)


def list_settings(
    raw: sqlite3.Connection, unit_id: str, filters: dict[str, Any], offset: int, limit: int
) -> dict[str, Any]:
    """查询: settings by 姓名 (contains), 证件号码, 险种, 生效年度, 有效标志; newest first."""
    where, args = ["unit_id = ?"], [unit_id]
    if filters.get("name"):
        where.append("name LIKE ?")
        args.append(f"%{filters['name'].strip()}%")
    if filters.get("id_number"):
        where.append("id_number = ?")
        args.append(filters["id_number"].strip().upper())
    for key in ("insurance", "year", "state"):
        if filters.get(key) not in (None, ""):
            where.append(f"{key} = ?")
            args.append(filters[key])
    clause = " AND ".join(where)
    total = raw.execute(
        f"SELECT COUNT(*) FROM authorisation_amounts WHERE {clause}", args
    ).fetchone()[0]
    rows = raw.execute(
        f"SELECT {_COLUMNS} FROM authorisation_amounts WHERE {clause}"
        " ORDER BY setting_id DESC LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return {"total": total, "fields": FIELDS, "records": [list(_record(r).values()) for r in rows]}


def valid_settings(raw: sqlite3.Connection, unit_id: str, year: int | None) -> list[dict[str, Any]]:
    """Every 有效 setting of the unit (of one 生效年度 when given), for 批扣清册."""
    sql = (
        "SELECT setting_id, resident_id, name, id_type, id_number, insurance, levy_category,"
        " year, amount_cents FROM authorisation_amounts WHERE unit_id = ? AND state = ?"
    )
    args: list[Any] = [unit_id, VALID]
    if year is not None:
        sql += " AND year = ?"
        args.append(year)
    keys = ["setting_id", "resident_id", "name", "id_type", "id_number", "insurance",
            "levy_category", "year", "amount_cents"]  # fmt: skip
    return [
        dict(zip(keys, r, strict=True)) for r in raw.execute(sql + " ORDER BY setting_id", args)
    ]
