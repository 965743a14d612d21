"""管理子系统, 缴费授权 of a 代收单位 (manual §3.17, §3.20): the three-facts resident lookup
shared with 居民银行账户/两两协议, 社保费批扣费额设置 and 社保费批扣清册.

`admin_router` (only with --admin) makes 批扣清册 the bank would make, and sets row states."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query
from pydantic import BaseModel, Field

from mock_backend import authorisation_amounts as amounts
from mock_backend import authorisation_rolls as rolls
from mock_backend.authorisation_people import find_area_resident
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.routes._common import COLLECTOR, UnitCall

router = APIRouter(
    prefix="/api/v1/mgmt/units/{unit_id}/authorisation", tags=["管理子系统: 缴费授权"]
)


class ThreeFacts(BaseModel):
    name: str | None = Field(None, description="姓名")
    id_type: str | None = Field(None, description="证件类型 code (01 居民身份证)")
    id_number: str | None = Field(None, description="证件号码")


@router.post("/residents/find")
def find_resident(body: ThreeFacts, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """The resident of this agent's area named by the three facts; 404 RESIDENT_NOT_FOUND
    (or 422 for an invalid 居民身份证 number) with one sentence otherwise."""
    facts = (body.name or "", body.id_type or "", body.id_number or "")
    return call.read(find_area_resident, *facts)


class CandidateIn(ThreeFacts):
    insurance: str | None = Field(None, description="参保险种: 10210 养老 | 10211 医疗")


class SettingIn(CandidateIn):
    year: int | str | None = Field(None, description="生效年度, YYYY")
    amount: str | None = Field(None, description="缴费金额, e.g. 400.00")


# -- 社保费批扣费额设置 (§3.17) --------------------------------------------------------------
@router.post("/amount-settings/candidate")
def amount_candidate(body: CandidateIn, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """新增 第一步: the resident (three facts) insured in the 险种, the 缴费档次 of each year
    and the resident's 有效 settings of the 险种; 404 NOT_INSURED 未查询到城乡居民参保信息."""
    return call.read(amounts.candidate, body.model_dump(), body.insurance)


@router.get("/amount-settings")
def amount_settings(
    name: str | None = Query(None, description="姓名 (contains)"),
    id_number: str | None = Query(None, description="证件号码"),
    insurance: str | None = Query(None, description="10210 | 10211"),
    year: int | None = Query(None, description="生效年度"),
    state: str | None = Query(None, description="有效 | 已作废"),
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=amounts.MAX_LIMIT),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """查询: {total, fields, records} newest first."""
    filters = {"name": name, "id_number": id_number, "insurance": insurance, "year": year,
               "state": state}  # fmt: skip
    return call.read(amounts.list_settings, filters, offset, limit)


@router.post("/amount-settings", status_code=201)
def create_amount_setting(body: SettingIn, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """保存: 422 for an amount not among the year's 档次, 409 AMOUNT_EXISTS for a second 有效
    setting of the resident, 险种 and year."""
    with call.writing() as raw:
        return amounts.create_setting(
            raw, call.unit_id, body.model_dump(), call.ctx.clock.now_text()
        )


@router.post("/amount-settings/{setting_id}/void")
def void_amount_setting(setting_id: int, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """作废 an 有效 setting; 409 AMOUNT_ALREADY_VOID otherwise."""
    with call.writing() as raw:
        return amounts.void_setting(raw, call.unit_id, setting_id, call.ctx.clock.now_text())


# -- 社保费批扣清册 (§3.20) -----------------------------------------------------------------
@router.get("/deduction-rolls")
def deduction_rolls(
    name: str | None = Query(None, description="姓名"),
    id_type: str | None = Query(None, description="证件类型"),
    id_number: str | None = Query(None, description="证件号码"),
    period_from: str | None = Query(None, description="费款所属期起, YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止, YYYY-MM"),
    state: str | None = Query(None, description="批扣状态"),
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=rolls.MAX_LIMIT),
    sort: str = Query("row_id", description="row_id | name | year | amount | deduct_date | state"),
    ascending: bool = Query(True),
    total: bool = Query(True, description="count every matching row"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """查询: {total, fields, records}, one page of the unit's 清册 rows."""
    filters = {"name": name, "id_type": id_type, "id_number": id_number,
               "period_from": period_from, "period_to": period_to, "state": state}  # fmt: skip
    return call.read(rolls.query_rows, filters, offset, limit, sort, ascending, total)


@router.get("/deduction-rolls/{row_id}")
def deduction_roll_row(row_id: int, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """查看 one row."""
    return call.read(rolls.get_row, row_id)


@router.post("/deduction-rolls/{row_id}/void")
def void_deduction_roll_row(row_id: int, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """作废 per §3.20.2: 409 ROLL_DEDUCTED (扣款成功) or ROLL_ALREADY_VOID (已作废)."""
    with call.writing() as raw:
        return rolls.void_row(raw, call.unit_id, row_id, call.ctx.clock.now_text())


admin_router = APIRouter(prefix="/api/v1/admin/units/{unit_id}/authorisation", tags=["admin"])


class RunIn(BaseModel):
    year: int | None = Field(None, description="only settings of this 生效年度")


class StateIn(BaseModel):
    state: str
    deduct_date: str | None = None
    failure_reason: str | None = None
    voided: str | None = None


class BenchIn(BaseModel):
    count: int = Field(100_000, ge=1, le=1_000_000)


@admin_router.post("/deduction-rolls/run")
def run_deduction_roll(
    unit_id: str, body: RunIn | None = None, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The bank makes a 待批扣清册 from the unit's 有效 settings (see authorisation_rolls)."""
    year = body.year if body else None
    with ctx.db.write() as conn:
        return rolls.run_roll(driver(conn), unit_id, year, ctx.clock.now_text())


@admin_router.post("/deduction-rolls/bench-seed")
def bench_seed_rolls(
    unit_id: str, body: BenchIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """`count` made-up 清册 rows for the unit (benchmarks)."""
    with ctx.db.write() as conn:
        return {"count": rolls.bench_seed(driver(conn), unit_id, body.count, ctx.clock.now_text())}


@admin_router.post("/deduction-rolls/{row_id}/state")
def set_deduction_roll_state(
    unit_id: str, row_id: int, body: StateIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The bank's answer for one row (批扣状态, 扣款日期, 失败原因; 作废状态 for tests)."""
    with ctx.db.write() as conn:
        return rolls.set_state(driver(conn), unit_id, row_id, body.model_dump(), ctx.clock.today())


def install(app: FastAPI, *, admin: bool) -> None:
    """Register the 缴费授权 routes (the admin ones only with --admin)."""
    app.include_router(router)
    if admin:
        app.include_router(admin_router)
