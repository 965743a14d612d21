"""管理子系统 缴费工资申报: submit, list (获取反馈) and detail, for employers of 税务自主 regions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from mock_backend.clock import CST
from mock_backend.region_rules import require_self_collected
from mock_backend.routes._common import KEY_HEADER, RAW_BODY, UNIT, UnitCall, errors, require_key
from mock_backend.routes.fees import iso_day
from mock_backend.wage_input import parse_declaration
from mock_backend.wage_processing import process_due
from mock_backend.wage_schemas import (
    WageDeclarationDetail,
    WageDeclarationIn,
    WageDeclarationList,
    WageSubmitted,
    request_body_doc,
)
from mock_backend.wage_store import (
    declaration_detail,
    declaration_summary,
    list_declarations,
    submit,
)

router = APIRouter(
    prefix="/api/v1/mgmt/units/{unit_id}/wage-declarations", tags=["管理子系统: 缴费工资申报"]
)


def _self_collected(call: UnitCall) -> None:
    """409 unless the unit is an employer of a 税务自主 region."""
    with call.reading() as raw:
        require_self_collected(raw, call.session.region, call.session.kind)


@router.post(
    "",
    status_code=202,
    response_model=WageSubmitted,
    responses=errors(400, 409, 422),
    openapi_extra=request_body_doc(WageDeclarationIn),
)
def submit_declaration(
    call: UnitCall = UNIT, body: bytes = RAW_BODY, idempotency_key: str | None = KEY_HEADER
) -> dict[str, Any]:
    """提交申报: stored as 待反馈 and processed once the processing delay has passed."""
    _self_collected(call)
    require_key(idempotency_key, "提交申报的请求")
    declaration = parse_declaration(body)
    ctx = call.ctx
    delay = ctx.processing_delay
    submitted = ctx.clock.timestamp()
    now = datetime.fromtimestamp(submitted, CST).replace(microsecond=0)
    with ctx.db.write() as conn:
        region = call.session.region
        return submit(conn, call.unit_id, region, declaration, now, submitted + delay, delay)


@router.get("", response_model=WageDeclarationList, responses=errors(409, 422))
def declarations(
    since: str | None = Query(None, description="YYYY-MM-DD: submitted on or after this day"),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """缴费工资申报记录, newest first; processes every declaration whose delay has passed."""
    iso_day(since, "查询日期")
    _self_collected(call)
    call.refresh(process_due)
    with call.ctx.db.read() as conn:
        return list_declarations(conn, call.unit_id, since)


@router.get(
    "/{declaration_id}",
    response_class=Response,
    responses={200: {"model": WageDeclarationDetail}, **errors(404, 409)},
)
def declaration(declaration_id: str, call: UnitCall = UNIT) -> Response:
    """申报明细 of one declaration (processed first if its delay has passed)."""
    _self_collected(call)
    with call.ctx.db.read() as conn:
        declaration_summary(conn, call.unit_id, declaration_id)  # 404 for another unit's
    call.refresh(process_due, declaration_id)
    with call.ctx.db.read() as conn:
        body = declaration_detail(conn, call.unit_id, declaration_id)
    return Response(content=body, media_type="application/json")
