"""Unit reference data in the database: reads for 管理子系统 and the admin API's changes."""

from __future__ import annotations

import sqlite3
from typing import Any

from mock_backend.errors import ApiError
from mock_backend.reference_spec import (
    INFO_FIELDS,
    INFO_NULLABLE,
    INSURANCE_FIELDS,
    PROJECT_FIELDS,
    PROJECT_LEVY_ITEM,
    agency_type_of,
)
from mock_backend.seed.geography import REGION_BY_CODE, district_agency
from mock_backend.seed.insurance import default_rates
from mock_backend.seed.reference import INSURANCE_INSERT, PROJECT_INSERT

_INFO_SELECT = (
    "SELECT COALESCE(i.taxpayer_id, u.taxpayer_id), COALESCE(i.unit_name, u.taxpayer_name),"
    " COALESCE(i.tax_authority, u.tax_authority), i.finance_officer, i.legal_representative,"
    " i.industry, i.enterprise_type, i.address, i.postal_code, i.phone, i.email,"
    " COALESCE(i.listed, 0)"
    " FROM units u LEFT JOIN unit_info i ON i.unit_id = u.unit_id WHERE u.unit_id = ?"
)


def _unit_row(raw: sqlite3.Connection, unit_id: str) -> tuple[Any, ...]:
    row = raw.execute(
        "SELECT region, district, tax_authority FROM units WHERE unit_id = ?", (unit_id,)
    ).fetchone()
    if row is None:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。", {"unit_id": unit_id})
    return tuple(row)


# -- reads -------------------------------------------------------------------------------
def read_info(raw: sqlite3.Connection, unit_id: str) -> dict[str, Any]:
    row = raw.execute(_INFO_SELECT, (unit_id,)).fetchone()
    if row is None:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。", {"unit_id": unit_id})
    info = dict(zip(INFO_FIELDS, row, strict=True))
    info["listed"] = bool(info["listed"])
    return info


def read_insurance(raw: sqlite3.Connection, unit_id: str) -> dict[str, Any]:
    rows = raw.execute(
        f"SELECT {', '.join(INSURANCE_FIELDS)} FROM unit_insurance WHERE unit_id = ?"
        " ORDER BY position",
        (unit_id,),
    ).fetchall()
    return {"fields": list(INSURANCE_FIELDS), "records": [list(r) for r in rows]}


def read_projects(raw: sqlite3.Connection, unit_id: str) -> dict[str, Any]:
    rows = raw.execute(
        f"SELECT {', '.join(PROJECT_FIELDS)} FROM projects WHERE unit_id = ?"
        " ORDER BY project_number",
        (unit_id,),
    ).fetchall()
    return {"fields": list(PROJECT_FIELDS), "records": [list(r) for r in rows]}


# -- admin changes -----------------------------------------------------------------------
def patch_info(raw: sqlite3.Connection, unit_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Change some 单位信息 fields; unit_name, taxpayer_id and tax_authority only in the info."""
    _unit_row(raw, unit_id)
    for name, value in values.items():
        if value is None and name not in INFO_NULLABLE:
            raise ApiError(422, "VALIDATION_ERROR", f"字段{name}不能为空，请检查后重试。")
    raw.execute("INSERT OR IGNORE INTO unit_info (unit_id, listed) VALUES (?, 0)", (unit_id,))
    if values:
        assignments = ", ".join(f"{name} = ?" for name in values)
        raw.execute(
            f"UPDATE unit_info SET {assignments} WHERE unit_id = ?", (*values.values(), unit_id)
        )
    return read_info(raw, unit_id)


def _agency(raw: sqlite3.Connection, unit_id: str, unit_number: str, agency_type: str) -> str:
    """The agency a 单位编号 is registered with for 社保 or 医保 (else the district's)."""
    rows = raw.execute(
        "SELECT agency_type, agency FROM registrations WHERE unit_id = ? AND unit_number = ?"
        " ORDER BY position",
        (unit_id, unit_number),
    ).fetchall()
    for registered_type, agency in rows:
        if registered_type == agency_type:
            return str(agency)
    region_code, district_code, _ = _unit_row(raw, unit_id)
    region = REGION_BY_CODE[region_code]
    return district_agency(region, region.district(district_code), agency_type)


def put_insurance(
    raw: sqlite3.Connection, unit_id: str, values: dict[str, Any], given: set[str]
) -> int:
    """Insert a 单位参保信息 row or replace the one with its 单位编号 and 征收品目; the unit's row count.

    `given` names the fields the request set (the others get defaults).
    """
    region_code, _, tax_authority = _unit_row(raw, unit_id)
    row = dict(values)
    if "agency" not in given:
        row["agency"] = _agency(raw, unit_id, row["unit_number"], agency_type_of(row["levy_item"]))
    if row["agency"] is None:
        raise ApiError(422, "VALIDATION_ERROR", "字段agency不能为空，请检查后重试。")
    if "tax_authority" not in given:
        row["tax_authority"] = tax_authority
    unit_rate, personal_rate = default_rates(
        region_code, row["levy_category"], row["levy_subcategory"]
    )
    if "unit_rate" not in given:
        row["unit_rate"] = unit_rate
    if "personal_rate" not in given:
        row["personal_rate"] = personal_rate
    existing = raw.execute(
        "SELECT position FROM unit_insurance WHERE unit_id = ? AND unit_number = ?"
        " AND levy_category = ?",
        (unit_id, row["unit_number"], row["levy_category"]),
    ).fetchone()
    if existing is not None:
        raw.execute(
            "DELETE FROM unit_insurance WHERE unit_id = ? AND position = ?",
            (unit_id, existing[0]),
        )
        position = existing[0]
    else:
        top = raw.execute(
            "SELECT MAX(position) FROM unit_insurance WHERE unit_id = ?", (unit_id,)
        ).fetchone()[0]
        position = 0 if top is None else top + 1
    raw.execute(INSURANCE_INSERT, (unit_id, position, *(row[f] for f in INSURANCE_FIELDS)))
    count = raw.execute("SELECT COUNT(*) FROM unit_insurance WHERE unit_id = ?", (unit_id,))
    return int(count.fetchone()[0])


def clear_insurance(raw: sqlite3.Connection, unit_id: str) -> int:
    _unit_row(raw, unit_id)
    return raw.execute("DELETE FROM unit_insurance WHERE unit_id = ?", (unit_id,)).rowcount


def _new_project_number(raw: sqlite3.Connection, district_code: str, year: str) -> str:
    prefix = f"GC{district_code}{year}"
    top = raw.execute(
        "SELECT MAX(project_number) FROM projects WHERE project_number LIKE ? || '______'"
        " AND length(project_number) = ?",
        (prefix, len(prefix) + 6),
    ).fetchone()[0]
    serial = int(top[len(prefix) :]) + 1 if top and top[len(prefix) :].isdigit() else 1
    return f"{prefix}{serial:06d}"


def add_project(
    raw: sqlite3.Connection, unit_id: str, values: dict[str, Any], given: set[str], today: str
) -> str:
    """Insert a 工程项目 (defaults for the fields not `given`); returns its number."""
    _, district_code, _ = _unit_row(raw, unit_id)
    row = dict(values)
    if "registered_on" not in given:
        row["registered_on"] = today
    if "levy_item" not in given:
        row["levy_item"] = PROJECT_LEVY_ITEM
    if "unit_number" not in given:
        first = raw.execute(
            "SELECT unit_number FROM registrations WHERE unit_id = ?"
            " ORDER BY agency_type != '社保', position LIMIT 1",
            (unit_id,),
        ).fetchone()
        row["unit_number"] = first[0] if first else None
    if "agency" not in given and row["unit_number"] is not None:
        row["agency"] = _agency(raw, unit_id, row["unit_number"], "社保")
    if not row.get("project_number"):
        year = (row["registered_on"] or today)[:4]
        row["project_number"] = _new_project_number(raw, district_code, year)
    try:
        raw.execute(PROJECT_INSERT, (unit_id, *(row[f] for f in PROJECT_FIELDS)))
    except sqlite3.IntegrityError:
        raise ApiError(
            409,
            "PROJECT_EXISTS",
            f"工程项目编号{row['project_number']}已存在，请换一个编号后重试。",
            {"project_number": row["project_number"]},
        ) from None
    return str(row["project_number"])


def remove_project(raw: sqlite3.Connection, unit_id: str, project_number: str) -> None:
    _unit_row(raw, unit_id)
    removed = raw.execute(
        "DELETE FROM projects WHERE unit_id = ? AND project_number = ?", (unit_id, project_number)
    ).rowcount
    if not removed:
        raise ApiError(
            404,
            "PROJECT_NOT_FOUND",
            f"单位{unit_id}没有编号为{project_number}的工程项目。",
            {"unit_id": unit_id, "project_number": project_number},
        )
