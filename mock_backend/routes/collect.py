"""征收子系统 费款缴纳: arrears, 安全认证, 三方协议缴费 with its deductions and 解锁, and
银行端查询缴税凭证. Every call first brings the unit up to date (collect_due)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Depends, Query

from mock_backend import agreements, bank_vouchers, deductions, payment_rules
from mock_backend.arrears import ARREARS_FIELDS, list_arrears
from mock_backend.bank import load_settings
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
from mock_backend.errors import ApiError
from mock_backend.payment_auth import authenticate
from mock_backend.payment_rules import Line
from mock_backend.routes._common import (
    JSON_BODY,
    UNIT,
    UNIT_KEYED,
    UNIT_PAYING,
    UnitCall,
    errors,
)
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(prefix="/api/v1/collect/units/{unit_id}", tags=["征收子系统: 费款缴纳"])
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def month_range(period_from: str | None, period_to: str | None) -> tuple[str | None, str | None]:
    """The 费款所属期 range of a query (422 VALIDATION_ERROR for a month not YYYY-MM)."""
    for value, name in ((period_from, "费款所属期起"), (period_to, "费款所属期止")):
        if value is not None and not MONTH.fullmatch(value):
            raise ApiError(422, "VALIDATION_ERROR", f"{name}“{value}”格式不正确，应为YYYY-MM。")
    return period_from, period_to


def month_query(
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
) -> tuple[str | None, str | None]:
    """month_range of the query's period_from and period_to."""
    return month_range(period_from, period_to)


Months = tuple[str | None, str | None]
MONTHS = Depends(month_query)


# -- arrears and 安全认证 -------------------------------------------------------------------
@router.get("/arrears", response_model=ArrearsList, responses=errors())
def arrears(call: UnitCall = UNIT) -> dict[str, Any]:
    """欠费: the unit's unpaid lines of 申报成功 declarations."""
    call.refresh()
    records = call.read(list_arrears)
    return {"fields": ARREARS_FIELDS, "records": records, "fetched_at": call.ctx.clock.now_text()}


@router.post(
    "/payment-auth",
    response_model=PaymentTicket,
    responses=errors(423),
    openapi_extra=request_body_doc(PaymentAuthIn),
)
def payment_auth(call: UnitCall = UNIT, data: dict[str, Any] = JSON_BODY) -> dict[str, Any]:
    """安全认证: the 申报密码 buys a payment ticket (3 wrong in a row lock payment 3 minutes)."""
    password = data.get("password")
    if not isinstance(password, str):
        raise ApiError(422, "VALIDATION_ERROR", "请输入申报密码。", {"field": "password"})
    ctx = call.ctx
    return authenticate(ctx.db, ctx.clock, ctx.auth, call.unit_id, password)


@contextmanager
def _chosen(call: UnitCall, line_ids: list[str]) -> Iterator[tuple[sqlite3.Connection, list[Line]]]:
    """A write transaction and the 应征凭证 lines to pay, in an order payment allows."""
    with call.writing() as raw:
        chosen = payment_rules.select_lines(raw, call.unit_id, line_ids)
        payment_rules.check_order(raw, call.unit_id, call.session.region, chosen)
        yield raw, chosen


# -- 三方协议缴费 -----------------------------------------------------------------------------
@router.post(
    "/payments",
    status_code=202,
    response_model=PaymentAccepted,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(PaymentIn),
)
def pay(call: UnitCall = UNIT_PAYING, data: dict[str, Any] = JSON_BODY) -> dict[str, Any]:
    """三方协议缴费: one deduction per 应征凭证序号, answered by the bank after its delay."""
    agreement_id = data.get("agreement_id")
    if not isinstance(agreement_id, str) or not agreement_id:
        raise ApiError(
            422, "VALIDATION_ERROR", "请选择用于缴费的三方协议。", {"field": "agreement_id"}
        )
    line_ids = payment_rules.parse_line_ids(data)
    call.refresh()
    with _chosen(call, line_ids) as (raw, chosen):
        payment_rules.check_not_special(chosen)
        agreement = agreements.find(raw, call.unit_id, agreement_id)
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
        now = call.ctx.clock.now()
        return deductions.pay_by_agreement(raw, call.unit_id, chosen, agreement, now, delay)


@router.get("/deductions", response_model=DeductionList, responses=errors(422))
def deduction_list(call: UnitCall = UNIT, months: Months = MONTHS) -> dict[str, Any]:
    """缴费记录 of every channel, newest first."""
    call.refresh()
    return {"deductions": call.read(deductions.list_deductions, *months)}


@router.get("/deductions/{deduction_id}", response_model=Deduction, responses=errors(404))
def deduction(deduction_id: str, call: UnitCall = UNIT) -> dict[str, Any]:
    call.refresh()
    return call.read(deductions.one_deduction, deduction_id)


@router.post(
    "/deductions/{deduction_id}/unlock", response_model=Deduction, responses=errors(400, 404, 409)
)
def unlock(deduction_id: str, call: UnitCall = UNIT_PAYING) -> dict[str, Any]:
    """解锁 a 锁定 deduction: 缴费成功 if the bank had deducted, else 缴费失败."""
    call.refresh()
    with call.writing() as raw:
        return deductions.unlock(raw, call.unit_id, deduction_id, call.ctx.clock.now())


# -- 银行端查询缴税凭证 -----------------------------------------------------------------------
@router.post(
    "/bank-vouchers",
    status_code=201,
    response_model=Voucher,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(VoucherIn),
)
def issue_voucher(call: UnitCall = UNIT_PAYING, data: dict[str, Any] = JSON_BODY) -> dict[str, Any]:
    """银行端凭证缴费: a voucher for the bank counter (earlier ones of its lines are voided)."""
    line_ids = payment_rules.parse_line_ids(data)
    payer = bank_vouchers.parse_payer(data.get("payer"))
    call.refresh()
    now = call.ctx.clock.now()
    with _chosen(call, line_ids) as (raw, chosen):
        payment_rules.check_summary(raw, call.unit_id, chosen)
        voucher_id = bank_vouchers.issue(raw, call.unit_id, chosen, payer, now)
        return bank_vouchers.one_voucher(raw, call.unit_id, voucher_id, now.date())


@router.get("/bank-vouchers", response_model=VoucherList, responses=errors(422))
def voucher_list(call: UnitCall = UNIT, months: Months = MONTHS) -> dict[str, Any]:
    """缴费凭证打印记录 of every channel, newest first."""
    call.refresh()
    with call.reading() as raw:
        today = call.ctx.clock.today()
        return {"vouchers": bank_vouchers.list_vouchers(raw, call.unit_id, *months, today)}


@router.get("/bank-vouchers/{voucher_id}", response_model=Voucher, responses=errors(404))
def voucher(voucher_id: str, call: UnitCall = UNIT) -> dict[str, Any]:
    call.refresh()
    with call.reading() as raw:
        return bank_vouchers.one_voucher(raw, call.unit_id, voucher_id, call.ctx.clock.today())


@router.post(
    "/bank-vouchers/{voucher_id}/void", response_model=Voucher, responses=errors(400, 404, 409)
)
def void_voucher(voucher_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """作废 an unpaid voucher (缴费人作废)."""
    call.refresh()
    with call.writing() as raw:
        return bank_vouchers.void(raw, call.unit_id, voucher_id, call.ctx.clock.today())
