"""征收子系统 单位退费申请管理 (manual §2.28): refundable ticket and person rows, applications.

Every call first brings the unit up to date: fee declarations, the bank's answers, tickets of
lines 入库 since, and the steps of applications whose delay has passed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mock_backend import refund_rows, refunds
from mock_backend.collect_due import bring_up_to_date
from mock_backend.context import BackendContext
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.routes._common import RAW_BODY, UNIT, UNIT_KEYED, UnitCall, errors, json_object
from mock_backend.routes.collect import month_range
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(prefix="/api/v1/collect/units/{unit_id}", tags=["征收子系统: 退费"])
RefundStatus = Literal["已受理", "审核中", "审核通过", "已退库", "不予退费"]


class RefundRowIn(BaseModel):
    row_id: str = Field(description="T-{line_id} (税票退费) or P-{line_id}-{position}")
    amount: str = Field(description="positive money string, at most 2 decimals")


class RefundAccountIn(BaseModel):
    account_name: str
    bank_code: str = Field(description="of the banks rule file")
    account_number: str = Field(description="8–32 digits")


class RefundIn(BaseModel):
    method: Literal["税票退费", "职工明细退费"]
    refund_kind: str | None = Field(description="职工明细退费: of the refund_kinds table")
    rows: list[RefundRowIn]
    account: RefundAccountIn
    reason_code: str = Field(description="of the refund_reasons table")
    statement: str = Field(description="1–200 characters")


class RefundRow(BaseModel):
    row_id: str
    e_ticket_number: str | None
    name: str | None
    id_number: str | None
    levy_item_name: str
    levy_category_name: str
    period_start: str
    period_end: str
    paid: str
    amount: str


class StatusChange(BaseModel):
    status: RefundStatus
    at: str


class Refund(BaseModel):
    refund_id: str
    application_number: str
    method: Literal["税票退费", "职工明细退费"]
    refund_kind: str | None
    submitted_at: str
    status: RefundStatus
    amount: str
    reason_code: str
    reason_name: str
    statement: str
    account_name: str
    bank_code: str
    bank_name: str
    account_masked: str
    decision_reason: str | None
    refunded_on: str | None
    history: list[StatusChange]
    rows: list[RefundRow]


class RefundList(BaseModel):
    refunds: list[Refund]


class RefundTickets(BaseModel):
    tickets: list[dict[str, Any]] = Field(
        description="tickets as in 税收完税证明, each row also with row_id, refundable,"
        " declared and check (一致 | 申报明细已变更)"
    )


class PersonRows(BaseModel):
    fields: list[str]
    records: list[list[Any]] = Field(
        description="[row_id, name, id_type, id_number, levy_item_name, levy_category_name,"
        " period, paid, refundable]"
    )


@contextmanager
def up_to_date(ctx: BackendContext, unit_id: str) -> Iterator[sqlite3.Connection]:
    """A write transaction on the unit brought up to date, applications included."""
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        raw = driver(conn)
        refunds.advance(raw, unit_id, ctx.clock.timestamp())
        yield raw


def period_pair(period_from: str | None, period_to: str | None) -> tuple[str, str]:
    first, last = month_range(period_from, period_to)
    if first is None or last is None:
        raise ApiError(422, "VALIDATION_ERROR", "请输入费款所属期起止。", {"field": "period"})
    return first, last


@router.get("/refunds/tickets", response_model=RefundTickets, responses=errors(422))
def refund_tickets(
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM (required)"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM (required)"),
    e_ticket_number: str | None = Query(None, description="电子税票号码"),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """税票退费: rows of tickets not 已作废, with what is still refundable."""
    first, last = period_pair(period_from, period_to)
    unit_id, clock = call.unit_id, call.ctx.clock
    with up_to_date(call.ctx, unit_id) as raw:
        now = clock.timestamp()
        number = e_ticket_number.strip() if e_ticket_number else None
        return {"tickets": refund_rows.refundable_tickets(raw, unit_id, first, last, number, now)}


@router.get("/refunds/person-rows", response_model=PersonRows, responses=errors(422))
def person_rows(
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM (required)"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM (required)"),
    refund_kind: str | None = Query(None, description="退费税金类型 (required)"),
    name: str | None = Query(None, description="part of the name"),
    id_type: str | None = Query(None, description="证件类型 code"),
    id_number: str | None = Query(None),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """职工明细退费: one row per person × month × 入库 part."""
    first, last = period_pair(period_from, period_to)
    with up_to_date(call.ctx, call.unit_id) as raw:
        if refunds.refund_kind_name(raw, call.session.region, refund_kind) is None:
            message = (
                "请选择退费税金类型。"
                if not refund_kind
                else f"退费税金类型“{refund_kind}”不在退费税金类型代码表中，请重新选择。"
            )
            raise ApiError(422, "VALIDATION_ERROR", message, {"field": "refund_kind"})
        wanted = refund_rows.PersonFilter(first, last, (name or "").strip(), id_type, id_number)
        records = refund_rows.person_rows(raw, call.unit_id, wanted, call.ctx.clock.timestamp())
    return {"fields": refund_rows.PERSON_FIELDS, "records": records}


@router.post(
    "/refunds",
    status_code=201,
    response_model=Refund,
    responses=errors(400, 404, 409, 422),
    openapi_extra=request_body_doc(RefundIn),
)
def submit(call: UnitCall = UNIT_KEYED, body: bytes = RAW_BODY) -> dict[str, Any]:
    """提交申请: a refund application, 已受理, after the checks in the contract's order."""
    data = json_object(body)
    with up_to_date(call.ctx, call.unit_id) as raw:
        return refunds.submit(raw, call.unit_id, data, call.ctx.clock.timestamp())


@router.get("/refunds", response_model=RefundList)
def refund_list(call: UnitCall = UNIT) -> dict[str, Any]:
    """退费申请记录, newest first."""
    with up_to_date(call.ctx, call.unit_id) as raw:
        return {"refunds": refunds.list_applications(raw, call.unit_id)}


@router.get("/refunds/{refund_id}", response_model=Refund, responses=errors(404))
def refund(refund_id: str, call: UnitCall = UNIT) -> dict[str, Any]:
    with up_to_date(call.ctx, call.unit_id) as raw:
        return refunds.one_application(raw, call.unit_id, refund_id)
