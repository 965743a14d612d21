"""缴费授权 of a 代收单位 (manual §3.18, §3.19): 居民银行账户 (查询, 新增, 查看), 居民两两协议
(查询, 新增, 查看, 撤销) and the 短信验证码 a 他人账户's holder receives.

`admin_router` (only with --admin) reads the last 短信验证码 sent to a phone, as a tester
reads the phone."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query

from mock_backend import authorisation_accounts as accounts
from mock_backend import authorisation_agreements as agreements
from mock_backend.authorisation_agreements_sms import RESEND_SECONDS, issue_code, latest_code
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.routes._common import COLLECTOR, COLLECTOR_KEYED, RAW_BODY, UnitCall, errors

router = APIRouter(
    prefix="/api/v1/mgmt/units/{unit_id}/authorisation",
    tags=["管理子系统: 居民银行账户和两两协议"],
)


# -- 居民银行账户 (§3.18) -------------------------------------------------------------------------
@router.get("/accounts", responses=errors(409))
def account_list(
    name: str | None = Query(None, description="姓名 (part of it)"),
    id_number: str | None = Query(None, description="证件号码"),
    bank_code: str | None = Query(None, description="银行行别"),
    account_number: str | None = Query(None, description="银行账号 (part of it)"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """查询: the unit's residents' bank accounts, newest first."""
    found = call.read(accounts.list_accounts, name, id_number, bank_code, account_number)
    return {"accounts": found}


@router.post("/accounts", status_code=201, responses=errors(400, 404, 409, 422))
def create_account(call: UnitCall = COLLECTOR_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """新增: the resident by the three facts, then the account (保存到征收子系统)."""
    data = accounts.parse_body(body, "居民银行账户")
    with call.writing() as raw:
        form = accounts.check_account(raw, call.unit_id, call.session.region, data)
        made = accounts.insert_account(raw, call.unit_id, form, call.ctx.clock.now())
        return accounts.account_json(raw, call.unit_id, made)


@router.get("/accounts/{account_id}", responses=errors(404, 409))
def account_detail(account_id: str, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """查看: one account."""
    return call.read(accounts.account_json, account_id)


# -- 短信验证码 ---------------------------------------------------------------------------------
@router.post("/sms-codes", status_code=201, responses=errors(400, 409, 422, 429))
def send_sms_code(call: UnitCall = COLLECTOR_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """获取验证码: a six-digit code to the phone, valid five minutes (the code is not
    answered: the holder reads it on the phone)."""
    data = accounts.parse_body(body, "获取验证码")
    with call.writing() as raw:
        sent = issue_code(raw, call.unit_id, data.get("phone"), call.ctx.clock.timestamp())
    shown = sent.to_json()
    return {
        "phone": sent.phone,
        "issued_at": shown["issued_at"],
        "expires_at": shown["expires_at"],
        "resend_after": RESEND_SECONDS,
    }


# -- 居民两两协议 (§3.19) ------------------------------------------------------------------------
@router.get("/agreements", responses=errors(409))
def agreement_list(
    name: str | None = Query(None, description="姓名 (part of it)"),
    id_number: str | None = Query(None, description="证件号码"),
    state: str | None = Query(None, description="协议状态: 有效 | 已撤销"),
    call: UnitCall = COLLECTOR,
) -> dict[str, Any]:
    """查询: the unit's residents' 两两协议, newest first."""
    return {"agreements": call.read(agreements.list_agreements, name, id_number, state)}


@router.post("/agreements", status_code=201, responses=errors(400, 404, 409, 422))
def sign_agreement(call: UnitCall = COLLECTOR_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """新增: checked, verified by the bank at once; 有效 (协议保存成功) or 422 SIGN_FAILED."""
    data = accounts.parse_body(body, "居民两两协议")
    unit_id, region, clock = call.unit_id, call.session.region, call.ctx.clock
    with call.writing() as raw:
        form = agreements.check_agreement(raw, unit_id, region, data, clock.timestamp())
        made = agreements.sign(raw, unit_id, region, form, clock.now())
        return agreements.agreement_json(raw, unit_id, made)


@router.get("/agreements/{agreement_id}", responses=errors(404, 409))
def agreement_detail(agreement_id: str, call: UnitCall = COLLECTOR) -> dict[str, Any]:
    """查看: one agreement."""
    return call.read(agreements.agreement_json, agreement_id)


@router.post("/agreements/{agreement_id}/revoke", responses=errors(400, 404, 409))
def revoke_agreement(agreement_id: str, call: UnitCall = COLLECTOR_KEYED) -> dict[str, Any]:
    """撤销: 已撤销 (it no longer takes part in 社保费批扣)."""
    with call.writing() as raw:
        agreements.revoke(raw, call.unit_id, agreement_id, call.ctx.clock.now())
        return agreements.agreement_json(raw, call.unit_id, agreement_id)


admin_router = APIRouter(prefix="/api/v1/admin/sms-codes", tags=["admin"])


@admin_router.get("/latest")
def latest_sms_code(
    phone: str = Query(..., description="手机号码"), ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The last code sent to the phone: phone, code, issued_at, expires_at, used."""
    with ctx.db.read() as conn:
        return latest_code(driver(conn), phone)


def install(app: FastAPI, *, admin: bool) -> None:
    """Register the routes (the admin one only with --admin)."""
    app.include_router(router)
    if admin:
        app.include_router(admin_router)
