"""管理子系统 缴费工资申报: submit, list (获取反馈) and detail, for employers of 税务自主 regions."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import Response

from mock_backend.clock import CST
from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.region_rules import require_self_collected
from mock_backend.schemas import ErrorEnvelope
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


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorEnvelope} for code in (401, 403, 409, *codes)}


async def _raw_body(request: Request) -> bytes:
    return await request.body()


def _self_collected(session: Session, ctx: BackendContext) -> None:
    with ctx.db.read() as conn:
        require_self_collected(driver(conn), session.region, session.kind)


@router.post(
    "",
    status_code=202,
    response_model=WageSubmitted,
    responses=_errors(400, 422),
    openapi_extra=request_body_doc(WageDeclarationIn),
)
def submit_declaration(
    unit_id: str,
    body: bytes = Depends(_raw_body),
    idempotency_key: str | None = Header(None, description="client-generated UUID"),
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """提交申报: stored as 待反馈 and processed once the processing delay has passed."""
    _self_collected(session, ctx)
    if not idempotency_key:
        raise ApiError(
            400,
            "IDEMPOTENCY_KEY_REQUIRED",
            "提交申报的请求缺少Idempotency-Key请求头，请更新客户端后重试。",
        )
    declaration = parse_declaration(body)
    delay = ctx.processing_delay
    submitted = ctx.clock.timestamp()
    now = datetime.fromtimestamp(submitted, CST).replace(microsecond=0)
    with ctx.db.write() as conn:
        return submit(conn, unit_id, session.region, declaration, now, submitted + delay, delay)


@router.get("", response_model=WageDeclarationList, responses=_errors(422))
def declarations(
    unit_id: str,
    since: str | None = Query(None, description="YYYY-MM-DD: submitted on or after this day"),
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """缴费工资申报记录, newest first; processes every declaration whose delay has passed."""
    if since is not None:
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
                raise ValueError(since)
            date.fromisoformat(since)
        except ValueError:
            raise ApiError(
                422, "VALIDATION_ERROR", f"查询日期“{since}”格式不正确，应为YYYY-MM-DD。"
            ) from None
    _self_collected(session, ctx)
    process_due(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        return list_declarations(conn, unit_id, since)


@router.get(
    "/{declaration_id}",
    response_class=Response,
    responses={200: {"model": WageDeclarationDetail}, **_errors(404)},
)
def declaration(
    unit_id: str,
    declaration_id: str,
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> Response:
    """申报明细 of one declaration (processed first if its delay has passed)."""
    _self_collected(session, ctx)
    with ctx.db.read() as conn:
        declaration_summary(conn, unit_id, declaration_id)  # 404 for another unit's
    process_due(ctx.db, ctx.clock, unit_id, declaration_id)
    with ctx.db.read() as conn:
        body = declaration_detail(conn, unit_id, declaration_id)
    return Response(content=body, media_type="application/json")
