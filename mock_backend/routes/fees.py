"""管理子系统 社保费申报: fee items (应缴信息) with their lines, declarations, 作废.

Both kinds of unit use these endpoints in every region. Reading first brings the unit up to
date: wage declarations and fee declarations whose delay has passed are processed, then
the items that are due are made.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from mock_backend import collect_due
from mock_backend.arrears import guard_void
from mock_backend.clock import CST, format_datetime
from mock_backend.context import BackendContext
from mock_backend.errors import ApiError
from mock_backend.fee_declare import boxes_of, create_declarations, parse_item_ids
from mock_backend.fee_items import CATEGORIES, DECLARATION_CATEGORIES, STATES
from mock_backend.fee_processing import VOIDING, process_due, request_void
from mock_backend.fee_rules import load_fee_rules
from mock_backend.fee_schedule import ensure_generated
from mock_backend.fee_schemas import (
    FeeDeclaration,
    FeeDeclarationIn,
    FeeDeclarationList,
    FeeItemDetails,
    FeeItemList,
    FeeSubmitted,
    FeeVoidAccepted,
)
from mock_backend.fee_store import (
    DEFAULT_LIMIT,
    ITEM_FIELDS,
    MAX_LIMIT,
    details_page,
    list_declarations,
    list_items,
    one_declaration,
)
from mock_backend.routes._common import RAW_BODY, UNIT, UNIT_KEYED, UnitCall, errors
from mock_backend.wage_processing import process_due as process_due_wages
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 社保费申报"])


def bring_up_to_date(ctx: BackendContext, unit_id: str, kind: str) -> None:
    """Process what is due (wage and fee declarations), then make the items that are due."""
    if kind == "employer":
        process_due_wages(ctx.db, ctx.clock, unit_id)
    process_due(ctx.db, ctx.clock, unit_id)
    ensure_generated(ctx.db, ctx.clock, unit_id)


def _one_of(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    for value in values:
        if value not in allowed:
            raise ApiError(
                422,
                "VALIDATION_ERROR",
                f"{what}“{value}”不正确，应为{'、'.join(allowed)}之一。",
                {"allowed": list(allowed)},
            )
    return values


def iso_day(value: str | None, name: str) -> str | None:
    """The day of a query, YYYY-MM-DD (422 VALIDATION_ERROR otherwise), or None."""
    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422, "VALIDATION_ERROR", f"{name}“{value}”格式不正确，应为YYYY-MM-DD。"
        ) from None
    return value


def _now(ctx: BackendContext) -> tuple[datetime, float]:
    stamp = ctx.clock.timestamp()
    return datetime.fromtimestamp(stamp, CST).replace(microsecond=0), stamp


@router.get("/fee-items", response_model=FeeItemList, responses=errors(422))
def fee_items(
    category: list[str] = Query([], description="daily, special, project (repeatable)"),
    state: list[str] = Query([], description="初始, 申报中, 申报成功, 销账, 已生成待批扣清册"),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """应缴信息 of the unit (the items due are made first: 管理子系统定期生成)."""
    _one_of(category, CATEGORIES, "类别")
    _one_of(state, STATES, "申报处理状态")
    bring_up_to_date(call.ctx, call.unit_id, call.session.kind)
    records = call.read(list_items, category, state)
    return {"fields": ITEM_FIELDS, "records": records, "generated_at": call.ctx.clock.now_text()}


@router.get(
    "/fee-items/{item_id}/details",
    response_class=Response,
    responses={200: {"model": FeeItemDetails}, **errors(404, 422)},
)
def fee_item_details(
    item_id: str,
    after: int = Query(0, ge=0, description="the last position already read"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    call: UnitCall = UNIT,
) -> Response:
    """预处理明细: the item's person lines, a page at a time."""
    body = call.read(details_page, item_id, after, limit)
    return Response(content=body, media_type="application/json")


@router.post(
    "/fee-declarations",
    status_code=202,
    response_model=FeeSubmitted,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(FeeDeclarationIn),
)
def submit_fee_declaration(call: UnitCall = UNIT_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """提交申报: one declaration per merged tick box, 申报中 until processed."""
    item_ids = parse_item_ids(body)
    call.refresh(process_due)
    now, stamp = _now(call.ctx)
    delay = call.ctx.processing_delay
    unit_id = call.unit_id
    with call.writing() as raw:
        boxes = boxes_of(raw, unit_id, item_ids, load_fee_rules(raw, call.session.region))
        declarations = create_declarations(raw, unit_id, boxes, now, stamp + delay)
    return {
        "submitted_at": format_datetime(now),
        "processing_delay_seconds": math.ceil(delay),
        "declarations": declarations,
    }


@router.get("/fee-declarations", response_model=FeeDeclarationList, responses=errors(422))
def fee_declarations(
    first_day: str | None = Query(None, alias="from", description="申报日期 from, YYYY-MM-DD"),
    last_day: str | None = Query(None, alias="to", description="申报日期 to, YYYY-MM-DD"),
    category: list[str] = Query([], description="daily, special, project, self (repeatable)"),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """社保费申报记录 from every channel, newest first (due ones are processed first)."""
    first = iso_day(first_day, "申报开始日期")
    last = iso_day(last_day, "申报结束日期")
    _one_of(category, DECLARATION_CATEGORIES, "类别")
    call.refresh(process_due)
    call.refresh(collect_due.answer_bank)  # pay_status follows the deductions
    return call.read(list_declarations, first, last, category)


@router.get(
    "/fee-declarations/{declaration_id}",
    response_model=FeeDeclaration,
    responses=errors(404),
)
def fee_declaration(declaration_id: str, call: UnitCall = UNIT) -> dict[str, Any]:
    """One 社保费申报记录 (processed first if due)."""
    call.refresh(process_due, declaration_id)
    call.refresh(collect_due.answer_bank)
    return call.read(one_declaration, declaration_id)


@router.post(
    "/fee-declarations/{declaration_id}/void",
    status_code=202,
    response_model=FeeVoidAccepted,
    responses=errors(400, 404, 409),
)
def void_fee_declaration(declaration_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """作废 a 申报成功 declaration that is not paid nor with the bank: 作废中 until processed
    (its unpaid bank-counter vouchers are voided at once)."""
    call.refresh()  # collect_due: arrears and deductions too
    delay, clock = call.ctx.processing_delay, call.ctx.clock
    with call.writing() as raw:
        request_void(raw, call.unit_id, declaration_id, clock.timestamp() + delay)
        guard_void(raw, call.unit_id, declaration_id)
    return {
        "declaration_id": declaration_id,
        "status": VOIDING,
        "processing_delay_seconds": math.ceil(delay),
    }
