"""征收子系统 单位三方协议管理 (manual §2.18): list, 新增, 修改, 验证, 作废, 撤销."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mock_backend import agreements
from mock_backend.agreement_input import check_agreement, parse_agreement
from mock_backend.bank import load_settings
from mock_backend.collect_schemas import Agreement, AgreementIn, AgreementList
from mock_backend.routes._common import RAW_BODY, UNIT, UNIT_KEYED, UnitCall, errors
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(
    prefix="/api/v1/collect/units/{unit_id}/agreements", tags=["征收子系统: 单位三方协议管理"]
)


@router.get("", response_model=AgreementList, responses=errors())
def agreement_list(call: UnitCall = UNIT) -> dict[str, Any]:
    """The unit's agreements, newest first (pending verifications answered first)."""
    call.refresh()
    return {"agreements": call.read(agreements.list_agreements)}


@router.post(
    "",
    status_code=201,
    response_model=Agreement,
    responses=errors(400, 409, 422),
    openapi_extra=request_body_doc(AgreementIn),
)
def create(call: UnitCall = UNIT_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """新增: a 未验证 agreement."""
    form = parse_agreement(body)
    unit_id, region = call.unit_id, call.session.region
    with call.writing() as raw:
        checked = check_agreement(raw, unit_id, region, form)
        made = agreements.insert(raw, unit_id, region, checked, call.ctx.clock.now())
        return agreements.agreement_json(raw, unit_id, made)


@router.put(
    "/{agreement_id}",
    response_model=Agreement,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(AgreementIn),
)
def modify(
    agreement_id: str, call: UnitCall = UNIT_KEYED, body: bytes = RAW_BODY
) -> dict[str, Any]:
    """修改: the new content, 未验证 again."""
    call.refresh()
    with call.writing() as raw:
        agreements.check_modifiable(raw, call.unit_id, agreement_id)
        form = parse_agreement(body)
        checked = check_agreement(raw, call.unit_id, call.session.region, form, agreement_id)
        agreements.modify(raw, call.unit_id, agreement_id, checked)
        return agreements.agreement_json(raw, call.unit_id, agreement_id)


@router.post(
    "/{agreement_id}/verify",
    status_code=202,
    response_model=Agreement,
    responses=errors(400, 404, 409),
)
def verify(agreement_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """验证: 验证中 until the bank answers after its delay."""
    call.refresh()
    with call.writing() as raw:
        due_at = call.ctx.clock.timestamp() + load_settings(raw).verify_delay_seconds
        agreements.request_verify(raw, call.unit_id, agreement_id, due_at)
        return agreements.agreement_json(raw, call.unit_id, agreement_id)


def _end(call: UnitCall, agreement_id: str, revoke: bool) -> dict[str, Any]:
    call.refresh()
    with call.writing() as raw:
        agreements.end(raw, call.unit_id, agreement_id, revoke, call.ctx.clock.now())
        return agreements.agreement_json(raw, call.unit_id, agreement_id)


@router.post("/{agreement_id}/void", response_model=Agreement, responses=errors(400, 404, 409))
def void(agreement_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """作废 an unverified agreement: 协议终止."""
    return _end(call, agreement_id, revoke=False)


@router.post("/{agreement_id}/revoke", response_model=Agreement, responses=errors(400, 404, 409))
def revoke(agreement_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """撤销 a verified agreement: 协议终止 (pending deductions on it then fail)."""
    return _end(call, agreement_id, revoke=True)
