"""征收子系统 费款缴纳: arrears, 安全认证, 三方协议缴费 with its deductions and 解锁, and
银行端查询缴税凭证. Every call first brings the unit up to date (collect_due)."""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request

from mock_backend import agreements, bank_vouchers, deductions, payment_rules
from mock_backend.arrears import ARREARS_FIELDS, list_arrears
from mock_backend.bank import load_settings
from mock_backend.collect_due import bring_up_to_date
from mock_backend.collect_schemas import (
    ArrearsList,
    Deduction,
    DeductionList,
    PaymentAccepted,
    PaymentAuthIn,
    PaymentIn,
    PaymentTicket,
    Voucher,
    VoucherIn,
    VoucherList,
)
from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.payment_auth import authenticate, require_ticket
from mock_backend.schemas import ErrorEnvelope
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(prefix="/api/v1/collect/units/{unit_id}", tags=["征收子系统: 费款缴纳"])
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
TICKET_HEADER = Header(None, alias="X-Payment-Ticket", description="from payment-auth")
KEY_HEADER = Header(None, alias="Idempotency-Key", description="client-generated UUID")


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorEnvelope} for code in (401, 403, *codes)}


async def raw_body(request: Request) -> bytes:
    return await request.body()


def require_key(idempotency_key: str | None) -> None:
    if not idempotency_key:
        raise ApiError(
            400,
            "IDEMPOTENCY_KEY_REQUIRED",
            "提交的请求缺少Idempotency-Key请求头，请更新客户端后重试。",
        )


def json_object(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(422, "VALIDATION_ERROR", "请求内容应为JSON对象，请更新客户端后重试。")
    return data


def month_range(period_from: str | None, period_to: str | None) -> tuple[str | None, str | None]:
    """The 费款所属期 range of a query (422 VALIDATION_ERROR for a month not YYYY-MM)."""
    for value, name in ((period_from, "费款所属期起"), (period_to, "费款所属期止")):
        if value is not None and not MONTH.fullmatch(value):
            raise ApiError(422, "VALIDATION_ERROR", f"{name}“{value}”格式不正确，应为YYYY-MM。")
    return period_from, period_to


# -- arrears and 安全认证 -------------------------------------------------------------------
@router.get("/arrears", response_model=ArrearsList, responses=errors())
def arrears(
    unit_id: str, _s: Session = Depends(unit_session), ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """欠费: the unit's unpaid lines of 申报成功 declarations."""
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        records = list_arrears(driver(conn), unit_id)
    return {"fields": ARREARS_FIELDS, "records": records, "fetched_at": ctx.clock.now_text()}


@router.post(
    "/payment-auth",
    response_model=PaymentTicket,
    responses=errors(423),
    openapi_extra=request_body_doc(PaymentAuthIn),
)
def payment_auth(
    unit_id: str,
    body: bytes = Depends(raw_body),
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """安全认证: the 申报密码 buys a payment ticket (3 wrong in a row lock payment 3 minutes)."""
    password = json_object(body).get("password")
    if not isinstance(password, str):
        raise ApiError(422, "VALIDATION_ERROR", "请输入申报密码。", {"field": "password"})
    return authenticate(ctx.db, ctx.clock, ctx.auth, unit_id, password)


# -- 三方协议缴费 -----------------------------------------------------------------------------
@router.post(
    "/payments",
    status_code=202,
    response_model=PaymentAccepted,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(PaymentIn),
)
def pay(
    unit_id: str,
    body: bytes = Depends(raw_body),
    idempotency_key: str | None = KEY_HEADER,
    ticket: str | None = TICKET_HEADER,
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """三方协议缴费: one deduction per 应征凭证序号, answered by the bank after its delay."""
    require_key(idempotency_key)
    require_ticket(ctx.db, ctx.clock, unit_id, ticket)
    data = json_object(body)
    agreement_id = data.get("agreement_id")
    if not isinstance(agreement_id, str) or not agreement_id:
        raise ApiError(
            422, "VALIDATION_ERROR", "请选择用于缴费的三方协议。", {"field": "agreement_id"}
        )
    line_ids = payment_rules.parse_line_ids(data)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        raw = driver(conn)
        chosen = payment_rules.select_lines(raw, unit_id, line_ids)
        payment_rules.check_order(raw, unit_id, session.region, chosen)
        payment_rules.check_not_special(chosen)
        agreement = agreements.find(raw, unit_id, agreement_id)
        if agreement is None:
            raise agreements.not_found(agreement_id)
        if agreement.status != agreements.VERIFIED:
            raise ApiError(
                409,
                "AGREEMENT_NOT_VERIFIED",
                "所选三方协议尚未验证通过，不能用于缴费。",
                {"agreement_id": agreement_id, "status": agreement.status},
            )
        delay = load_settings(raw).deduct_delay_seconds
        return deductions.pay_by_agreement(raw, unit_id, chosen, agreement, ctx.clock.now(), delay)


@router.get("/deductions", response_model=DeductionList, responses=errors(422))
def deduction_list(
    unit_id: str,
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """缴费记录 of every channel, newest first."""
    first, last = month_range(period_from, period_to)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        return {"deductions": deductions.list_deductions(driver(conn), unit_id, first, last)}


@router.get("/deductions/{deduction_id}", response_model=Deduction, responses=errors(404))
def deduction(
    unit_id: str,
    deduction_id: str,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        return deductions.one_deduction(driver(conn), unit_id, deduction_id)


@router.post(
    "/deductions/{deduction_id}/unlock", response_model=Deduction, responses=errors(400, 404, 409)
)
def unlock(
    unit_id: str,
    deduction_id: str,
    idempotency_key: str | None = KEY_HEADER,
    ticket: str | None = TICKET_HEADER,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """解锁 a 锁定 deduction: 缴费成功 if the bank had deducted, else 缴费失败."""
    require_key(idempotency_key)
    require_ticket(ctx.db, ctx.clock, unit_id, ticket)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        return deductions.unlock(driver(conn), unit_id, deduction_id, ctx.clock.now())


# -- 银行端查询缴税凭证 -----------------------------------------------------------------------
@router.post(
    "/bank-vouchers",
    status_code=201,
    response_model=Voucher,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(VoucherIn),
)
def issue_voucher(
    unit_id: str,
    body: bytes = Depends(raw_body),
    idempotency_key: str | None = KEY_HEADER,
    ticket: str | None = TICKET_HEADER,
    session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """银行端凭证缴费: a voucher for the bank counter (earlier ones of its lines are voided)."""
    require_key(idempotency_key)
    require_ticket(ctx.db, ctx.clock, unit_id, ticket)
    data = json_object(body)
    line_ids = payment_rules.parse_line_ids(data)
    payer = bank_vouchers.parse_payer(data.get("payer"))
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    now = ctx.clock.now()
    with ctx.db.write() as conn:
        raw = driver(conn)
        chosen = payment_rules.select_lines(raw, unit_id, line_ids)
        payment_rules.check_order(raw, unit_id, session.region, chosen)
        payment_rules.check_summary(raw, unit_id, chosen)
        voucher_id = bank_vouchers.issue(raw, unit_id, chosen, payer, now)
        return bank_vouchers.one_voucher(raw, unit_id, voucher_id, now.date())


@router.get("/bank-vouchers", response_model=VoucherList, responses=errors(422))
def voucher_list(
    unit_id: str,
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """缴费凭证打印记录 of every channel, newest first."""
    first, last = month_range(period_from, period_to)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        today = ctx.clock.today()
        return {"vouchers": bank_vouchers.list_vouchers(driver(conn), unit_id, first, last, today)}


@router.get("/bank-vouchers/{voucher_id}", response_model=Voucher, responses=errors(404))
def voucher(
    unit_id: str,
    voucher_id: str,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        return bank_vouchers.one_voucher(driver(conn), unit_id, voucher_id, ctx.clock.today())


@router.post(
    "/bank-vouchers/{voucher_id}/void", response_model=Voucher, responses=errors(400, 404, 409)
)
def void_voucher(
    unit_id: str,
    voucher_id: str,
    idempotency_key: str | None = KEY_HEADER,
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """作废 an unpaid voucher (缴费人作废)."""
    require_key(idempotency_key)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        return bank_vouchers.void(driver(conn), unit_id, voucher_id, ctx.clock.today())
