"""Admin API for 社保费申报 (only with --admin): make items, 特殊缴费, refusals, processing,
payment, declarations through other channels and bank batch deduction.

Included before routes.admin, whose POST /units/{unit_id}/{feed} would otherwise take
/units/{unit_id}/special-fees.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter, Depends

from mock_backend.clock import parse_datetime
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.deductions import pay_by_batch
from mock_backend.errors import ApiError
from mock_backend.fee_declare import boxes_of, create_declarations
from mock_backend.fee_items import UnitFacts, unit_facts
from mock_backend.fee_processing import batch_deduction, process, refuse
from mock_backend.fee_rules import load_fee_rules
from mock_backend.fee_schedule import month_of, regenerate_period
from mock_backend.fee_schemas import (
    FeeCount,
    FeeDeclaration,
    FeeDeclarationIds,
    FeeGenerateRequest,
    FeeItemIds,
    FeeRefuseRequest,
    OtherChannelRequest,
    SpecialFeeRequest,
)
from mock_backend.fee_special import MONTH, add_special
from mock_backend.fee_store import item_not_found, one_declaration
from mock_backend.routes.fees import bring_up_to_date
from mock_backend.seed.people import parse_month

router = APIRouter(prefix="/api/v1/admin/units/{unit_id}", tags=["admin"])


def _unit(raw: sqlite3.Connection, unit_id: str) -> UnitFacts:
    unit = unit_facts(raw, unit_id)
    if unit is None:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。", {"unit_id": unit_id})
    return unit


def _kind(ctx: BackendContext, unit_id: str) -> str:
    with ctx.db.read() as conn:
        return _unit(driver(conn), unit_id).kind


@router.post("/fee-items/generate", response_model=FeeItemIds)
def generate(
    unit_id: str, body: FeeGenerateRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """Make a period's 01, 03 and project items again, replacing 初始 ones of the same boxes."""
    bring_up_to_date(ctx, unit_id, _kind(ctx, unit_id))
    now = ctx.clock.now()
    month = month_of(now)
    if body.period is not None:
        if not MONTH.fullmatch(body.period):
            raise ApiError(
                422, "VALIDATION_ERROR", f"所属期“{body.period}”格式不正确，应为YYYY-MM。"
            )
        month = parse_month(body.period)
    with ctx.db.write() as conn:
        raw = driver(conn)
        unit = _unit(raw, unit_id)
        made = regenerate_period(raw, unit, load_fee_rules(raw, unit.region), month, now)
    return {"item_ids": made}


@router.post("/special-fees", response_model=FeeItemIds)
def special_fees(
    unit_id: str, body: SpecialFeeRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """特殊缴费 from the 社保 department: one item per 征收品目, one 征集通知流水号."""
    with ctx.db.write() as conn:
        raw = driver(conn)
        unit = _unit(raw, unit_id)
        made = add_special(
            raw, unit, load_fee_rules(raw, unit.region), now=ctx.clock.now(), **body.model_dump()
        )
    return {"item_ids": made}


@router.post("/fee-items/{item_id}/refuse")
def refuse_item(
    unit_id: str, item_id: str, body: FeeRefuseRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The next processing of a declaration holding the item fails with this reason."""
    with ctx.db.write() as conn:
        raw = driver(conn)
        _unit(raw, unit_id)
        if not refuse(raw, unit_id, item_id, body.reason):
            raise item_not_found([item_id])
    return {"item_id": item_id, "reason": body.reason}


@router.post("/fee-declarations/other-channel", response_model=FeeDeclarationIds)
def other_channel(
    unit_id: str, body: OtherChannelRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """Declared through 电子税务局 or 办税服务厅 and processed at once (same checks)."""
    if not body.item_ids:
        raise ApiError(422, "NOTHING_SELECTED", "请先勾选需要申报的数据。")
    now = ctx.clock.now()
    if body.submitted_at is not None:
        try:
            now = parse_datetime(body.submitted_at)
        except ValueError:
            raise ApiError(
                422, "VALIDATION_ERROR", "申报时间格式应为YYYY-MM-DD HH:MM:SS，请检查后重试。"
            ) from None
    bring_up_to_date(ctx, unit_id, _kind(ctx, unit_id))
    with ctx.db.write() as conn:
        raw = driver(conn)
        unit = _unit(raw, unit_id)
        item_ids = list(dict.fromkeys(body.item_ids))
        boxes = boxes_of(raw, unit_id, item_ids, load_fee_rules(raw, unit.region))
        made = create_declarations(raw, unit_id, boxes, now, now.timestamp(), body.channel)
        for declaration in made:
            process(raw, declaration["declaration_id"], now)
    return {"declaration_ids": [d["declaration_id"] for d in made]}


@router.post("/fee-declarations/{declaration_id}/process", response_model=FeeDeclaration)
def process_now(
    unit_id: str, declaration_id: str, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """Process a submission or a void now, whatever the delay; answers the declaration."""
    with ctx.db.write() as conn:
        raw = driver(conn)
        one_declaration(raw, unit_id, declaration_id)  # 404 DECLARATION_NOT_FOUND
        process(raw, declaration_id, ctx.clock.now())
        return one_declaration(raw, unit_id, declaration_id)


@router.post("/fee-declarations/{declaration_id}/pay", response_model=FeeDeclaration)
def pay_now(
    unit_id: str, declaration_id: str, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """Pay every unpaid line of a 申报成功 declaration by a 批量扣款 deduction that succeeds at
    once (processed first if due)."""
    bring_up_to_date(ctx, unit_id, _kind(ctx, unit_id))
    with ctx.db.write() as conn:
        raw = driver(conn)
        pay_by_batch(raw, unit_id, declaration_id, ctx.clock.now())
        return one_declaration(raw, unit_id, declaration_id)


@router.post("/fee-items/batch-deduction", response_model=FeeCount)
def batch(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Every 申报成功 item of an unpaid declaration becomes 已生成待批扣清册."""
    bring_up_to_date(ctx, unit_id, _kind(ctx, unit_id))
    with ctx.db.write() as conn:
        raw = driver(conn)
        _unit(raw, unit_id)
        return {"count": batch_deduction(raw, unit_id)}
