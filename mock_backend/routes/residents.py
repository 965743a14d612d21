"""管理子系统, a 代收单位's own side (manual §3.3–§3.6): 缴费档次, 申报缴费状态, 外部参保城乡居民
and 代收代报（自主） declarations. Every endpoint is for collector units only."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query

from mock_backend.clock import CST, format_datetime
from mock_backend.errors import ApiError
from mock_backend.external_residents import (
    ID_TYPE_CODES,
    MAX_LIST,
    MAX_LOOKUP,
    lookup,
    parse_persons,
    replace_list,
)
from mock_backend.fee_items import unit_facts
from mock_backend.fee_processing import process_due
from mock_backend.fee_schemas import FeeSubmitted
from mock_backend.ids import is_valid_id_number
from mock_backend.resident_declarations import check_rows, create_declarations, parse_rows
from mock_backend.resident_directory import find_resident, identity
from mock_backend.resident_grades import load_grades, person_grades
from mock_backend.resident_schemas import (
    ExternalCount,
    GradeAnswer,
    LookupResults,
    PersonsIn,
    ResidentDeclarationIn,
    StatusPage,
)
from mock_backend.resident_statuses import DEFAULT_LIMIT, MAX_LIMIT, status_page
from mock_backend.routes._common import COLLECTOR, COLLECTOR_KEYED, RAW_BODY, UnitCall, errors
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 代收单位城乡居民"])

PERSON_NOT_FOUND = (
    "未在本代收单位查询到该人员，请核对姓名、证件类型和证件号码，"
    "或先通过“外部参保城乡居民导入”添加。"
)


def _required(value: str | None, field: str, label: str) -> str:
    if value is None or not value.strip():
        raise ApiError(422, "VALIDATION_ERROR", f"请填写{label}。", {"field": field})
    return value.strip()


def _year(value: str | None) -> int:
    text = _required(value, "year", "缴费年度")
    if not re.fullmatch(r"\d{4}", text):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"缴费年度“{text}”格式不正确，应为四位年份。",
            {"field": "year"},
        )
    return int(text)


@router.get("/resident-grades", response_model=GradeAnswer, responses=errors(404, 409, 422))
def resident_grades(
    name: str | None = Query(None, description="姓名"),
    id_type: str | None = Query(None, description="证件类型 code"),
    id_number: str | None = Query(None, description="证件号码"),
    year: str | None = Query(None, description="缴费年度, YYYY"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """城乡居民缴费档次查询: the 档次 open to one resident in a year, `current` the declared one."""
    who_name = _required(name, "name", "姓名")
    who_type = _required(id_type, "id_type", "证件类型")
    who_number = _required(id_number, "id_number", "证件号码").upper()
    year_value = _year(year)
    if who_type not in ID_TYPE_CODES:
        raise ApiError(
            422, "VALIDATION_ERROR", f"证件类型“{who_type}”不存在，请按证件类型代码表填写。",
            {"field": "id_type"},
        )  # fmt: skip
    if who_type == "01" and not is_valid_id_number(who_number):
        raise ApiError(
            422, "VALIDATION_ERROR",
            f"证件号码“{id_number}”不是有效的居民身份证号码，请核对后重新填写。",
            {"field": "id_number"},
        )  # fmt: skip
    call.refresh(process_due)
    unit_id, region = call.unit_id, call.session.region
    with call.reading() as raw:
        table = load_grades(raw, region)
        if year_value not in table.years:
            raise ApiError(
                422, "VALIDATION_ERROR",
                f"缴费年度{year_value}没有缴费档次，可查询的缴费年度为{table.years_text()}年。",
                {"field": "year", "years": list(table.years)},
            )  # fmt: skip
        person = find_resident(raw, unit_id, region, identity(who_type, who_number), who_name)
        if person is None:
            raise ApiError(404, "PERSON_NOT_FOUND", PERSON_NOT_FOUND)
        return person_grades(raw, unit_id, region, person, year_value)


@router.get("/resident-statuses", response_model=StatusPage, responses=errors(409, 422))
def resident_statuses(
    year: str | None = Query(None, description="缴费年度, YYYY (required)"),
    after_id: int = Query(0, ge=0, description="the last resident id already read"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="residents per page"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """城乡居民申报缴费状态: a snapshot of every resident × 征收品目 insured that year, by id."""
    year_value = _year(year)
    if after_id == 0:  # a new snapshot: declarations and payments due are brought in first
        call.refresh()
    return call.read(status_page, call.session.region, year_value, after_id, limit)


@router.post(
    "/external-residents/lookup",
    response_model=LookupResults,
    responses=errors(409, 422),
    openapi_extra=request_body_doc(PersonsIn),
)
def external_lookup(call: UnitCall = COLLECTOR, body: bytes = RAW_BODY) -> dict[str, Any]:
    """外部参保城乡居民: each person's 参保登记信息 (正常参保 or 未参保); changes nothing."""
    persons = parse_persons(body, MAX_LOOKUP)
    return {"results": call.read(lookup, call.session.region, persons)}


@router.put(
    "/external-residents",
    response_model=ExternalCount,
    responses=errors(400, 409, 422),
    openapi_extra=request_body_doc(PersonsIn),
)
def external_list(call: UnitCall = COLLECTOR_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """The unit's complete list of 外部参保城乡居民 (正常参保 ones count as its residents)."""
    persons = parse_persons(body, MAX_LIST, least=0)  # an empty list removes them all
    with call.writing() as raw:
        return replace_list(raw, call.unit_id, call.session.region, persons)


@router.post(
    "/resident-declarations",
    status_code=202,
    response_model=FeeSubmitted,
    responses=errors(400, 409, 422),
    openapi_extra=request_body_doc(ResidentDeclarationIn),
)
def resident_declarations(
    call: UnitCall = COLLECTOR_KEYED, body: bytes = RAW_BODY
) -> dict[str, Any]:
    """社保费代收代报（自主）: one `self` declaration per 征收品目 × 年度, 申报中 until processed."""
    raw_rows = parse_rows(body)
    with call.reading() as raw:
        rows = check_rows(raw_rows, load_grades(raw, call.session.region))
    call.refresh(process_due)  # an earlier request's persons count as declared
    stamp = call.ctx.clock.timestamp()
    now = datetime.fromtimestamp(stamp, CST).replace(microsecond=0)
    delay = call.ctx.processing_delay
    with call.writing() as raw:
        unit = unit_facts(raw, call.unit_id)
        assert unit is not None
        declarations = create_declarations(raw, unit, rows, now, stamp + delay)
    return {
        "submitted_at": format_datetime(now),
        "processing_delay_seconds": math.ceil(delay),
        "declarations": declarations,
    }
