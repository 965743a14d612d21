"""征收子系统 单位三方协议管理 (manual §2.18): list, 新增, 修改, 验证, 作废, 撤销."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_backend import agreements
from mock_backend.agreement_input import check_agreement, parse_agreement
from mock_backend.bank import load_settings
from mock_backend.collect_due import bring_up_to_date
from mock_backend.collect_schemas import Agreement, AgreementIn, AgreementList
from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.db import driver
from mock_backend.routes.collect import KEY_HEADER, errors, raw_body, require_key
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(
    prefix="/api/v1/collect/units/{unit_id}/agreements", tags=["征收子系统: 单位三方协议管理"]
)


@router.get("", response_model=AgreementList, responses=errors())
def agreement_list(
    unit_id: str, _s: Session = Depends(unit_session), ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The unit's agreements, newest first (pending verifications answered first)."""
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        return {"agreements": agreements.list_agreements(driver(conn), unit_id)}


@router.post(
    "",
    status_code=201,
    response_model=Agreement,
    responses=errors(400, 409, 422),
    openapi_extra=request_body_doc(AgreementIn),
)
def create(
    unit_id: str,
    body: bytes = Depends(raw_body),
    idempotency_key: str | None = KEY_HEADER,
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """新增: a 未验证 agreement."""
    require_key(idempotency_key)
    form = parse_agreement(body)
    with ctx.db.write() as conn:
        raw = driver(conn)
        checked = check_agreement(raw, unit_id, session.region, form)
        made = agreements.insert(raw, unit_id, session.region, checked, ctx.clock.now())
        return agreements.agreement_json(raw, unit_id, made)


@router.put(
    "/{agreement_id}",
    response_model=Agreement,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(AgreementIn),
)
def modify(
    unit_id: str,
    agreement_id: str,
    body: bytes = Depends(raw_body),
    idempotency_key: str | None = KEY_HEADER,
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """修改: the new content, 未验证 again."""
    require_key(idempotency_key)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        raw = driver(conn)
        agreements.check_modifiable(raw, unit_id, agreement_id)
        form = parse_agreement(body)
        checked = check_agreement(raw, unit_id, session.region, form, agreement_id)
        agreements.modify(raw, unit_id, agreement_id, checked)
        return agreements.agreement_json(raw, unit_id, agreement_id)


@router.post(
    "/{agreement_id}/verify",
    status_code=202,
    response_model=Agreement,
    responses=errors(400, 404, 409),
)
def verify(
    unit_id: str,
    agreement_id: str,
    idempotency_key: str | None = KEY_HEADER,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """验证: 验证中 until the bank answers after its delay."""
    require_key(idempotency_key)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        raw = driver(conn)
        due_at = ctx.clock.timestamp() + load_settings(raw).verify_delay_seconds
        agreements.request_verify(raw, unit_id, agreement_id, due_at)
        return agreements.agreement_json(raw, unit_id, agreement_id)


def _end(ctx: BackendContext, unit_id: str, agreement_id: str, revoke: bool) -> dict[str, Any]:
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        raw = driver(conn)
        agreements.end(raw, unit_id, agreement_id, revoke, ctx.clock.now())
        return agreements.agreement_json(raw, unit_id, agreement_id)


@router.post("/{agreement_id}/void", response_model=Agreement, responses=errors(400, 404, 409))
def void(
    unit_id: str,
    agreement_id: str,
    idempotency_key: str | None = KEY_HEADER,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """作废 an unverified agreement: 协议终止."""
    require_key(idempotency_key)
    return _end(ctx, unit_id, agreement_id, revoke=False)


@router.post("/{agreement_id}/revoke", response_model=Agreement, responses=errors(400, 404, 409))
def revoke(
    unit_id: str,
    agreement_id: str,
    idempotency_key: str | None = KEY_HEADER,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """撤销 a verified agreement: 协议终止 (pending deductions on it then fail)."""
    require_key(idempotency_key)
    return _end(ctx, unit_id, agreement_id, revoke=True)
