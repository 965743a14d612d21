"""征收子系统 证明打印: 税收完税证明（非印刷） 开具 and 补开 of the unit's tickets, 个人税收完税证明
（非印刷） 开具 and 补开 of a 代收单位's residents, and 查验 of any ticket (unit or personal). Every
per-unit call first brings the unit's payments and tickets up to date."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from mock_backend import certificate_actions as actions
from mock_backend import personal_certificates as personal
from mock_backend.certificate_schemas import (
    PersonalTicket,
    PersonalTicketList,
    Ticket,
    TicketList,
    VerifyIn,
    VerifyOut,
)
from mock_backend.certificates import (
    ISSUED,
    NOT_ISSUED,
    PERSONAL_TABLES,
    UNIT_TABLES,
    VOIDED,
    TicketTables,
    list_tickets,
)
from mock_backend.collect_due import bring_up_to_date
from mock_backend.context import BackendContext, Session, current_session, get_ctx
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.routes._common import JSON_BODY, UNIT, UNIT_KEYED, UnitCall, errors
from mock_backend.routes.collect import MONTH
from mock_backend.wage_schemas import request_body_doc

router = APIRouter(prefix="/api/v1/collect", tags=["征收子系统: 证明打印"])
MODES = {"issue": (NOT_ISSUED,), "reissue": (ISSUED, VOIDED)}
TicketQuery = tuple[tuple[str, ...], str, str]  # statuses, 费款所属期起, 费款所属期止


def period_pair(period_from: str | None, period_to: str | None) -> tuple[str, str]:
    """费款所属期起止, both required and YYYY-MM, 起 not after 止 (422 VALIDATION_ERROR)."""
    first, last = (period_from or "").strip(), (period_to or "").strip()
    if not first or not last:
        field = "period_from" if not first else "period_to"
        raise ApiError(422, "VALIDATION_ERROR", "请输入费款所属期起止。", {"field": field})
    for value, field, name in ((first, "period_from", "费款所属期起"),
                               (last, "period_to", "费款所属期止")):  # fmt: skip
        if not MONTH.fullmatch(value):
            raise ApiError(
                422,
                "VALIDATION_ERROR",
                f"{name}“{value}”格式不正确，应为YYYY-MM。",
                {"field": field},
            )
    if first > last:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "费款所属期起不能晚于费款所属期止，请重新选择。",
            {"field": "period_from"},
        )
    return first, last


def ticket_query(
    mode: str | None = Query(
        None, description="issue (开具: 未开具) | reissue (补开: 已开具, 已作废)"
    ),
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
) -> TicketQuery:
    """The statuses of the 查询方式 and the 费款所属期起止 of a ticket list (422 VALIDATION_ERROR)."""
    if mode not in MODES:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "查询方式应为开具（issue）或补开（reissue），请更新客户端后重试。",
            {"field": "mode"},
        )
    first, last = period_pair(period_from, period_to)
    return MODES[mode], first, last


QUERY = Depends(ticket_query)


@router.get("/units/{unit_id}/tax-certificates", response_model=TicketList, responses=errors(422))
def tickets(call: UnitCall = UNIT, query: TicketQuery = QUERY) -> dict[str, Any]:
    """税收完税证明（非印刷） tickets to 开具 or 补开 whose 费款所属期 overlaps the range, ordered
    by 入库日期 and 电子税票号码."""
    call.refresh(actions.refresh)
    return {"tickets": [actions.public(ticket) for ticket in call.read(list_tickets, *query)]}


def _print(call: UnitCall, ticket_id: str, mode: str, tables: TicketTables) -> dict[str, Any]:
    """开具 (mode issue) or 补开 (reissue) of a unit's ticket or (PERSONAL_TABLES) of a
    代收单位's resident's, the unit's tickets and payments brought up to date first."""
    personal_ticket = tables is PERSONAL_TABLES
    call.refresh(bring_up_to_date if personal_ticket else actions.refresh)
    with call.writing() as raw:
        if personal_ticket:
            personal.collector_region(raw, call.unit_id)
        if mode == "issue":
            ticket = actions.issue(raw, call.unit_id, ticket_id, call.ctx.clock.today(), tables)
        else:
            ticket = actions.reissue(raw, call.unit_id, ticket_id, tables)
        return actions.public(ticket)


@router.post(
    "/units/{unit_id}/tax-certificates/{ticket_id}/issue",
    response_model=Ticket,
    responses=errors(400, 404, 409),
)
def issue(ticket_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """开具: the first print of a 未开具 ticket (print_count 1)."""
    return _print(call, ticket_id, "issue", UNIT_TABLES)


@router.post(
    "/units/{unit_id}/tax-certificates/{ticket_id}/reissue",
    response_model=Ticket,
    responses=errors(400, 404, 409),
)
def reissue(ticket_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """补开: another print of an 已开具 ticket (print_count + 1)."""
    return _print(call, ticket_id, "reissue", UNIT_TABLES)


@router.post(
    "/tax-certificates/verify",
    response_model=None,
    responses={200: {"model": VerifyOut}, **errors(422)},
    openapi_extra=request_body_doc(VerifyIn),
)
def verify(
    _s: Session = Depends(current_session),
    ctx: BackendContext = Depends(get_ctx),
    data: dict[str, Any] = JSON_BODY,
) -> dict[str, Any]:
    """查验: whether a ticket of any unit has every given field of the form."""
    form = actions.parse_verify(data)
    with ctx.db.read() as conn:
        return actions.verify(driver(conn), form)


# -- 个人税收完税证明（非印刷） (代收单位 §3.25, §3.26) ------------------------------------------
def _residents(
    call: UnitCall, name: str | None, id_type: str | None, id_number: str | None
) -> list[personal.Resident]:
    """The named residents of the agent, their 费款缴纳 and tickets brought up to date."""
    clean = [(value or "").strip() or None for value in (name, id_type, id_number)]
    unit_id, ctx = call.unit_id, call.ctx
    with call.reading() as raw:
        region, _district, _name = personal.collector_region(raw, unit_id)
        persons = personal.find_residents(raw, unit_id, region, *clean)
    if not persons:
        raise ApiError(404, "RESIDENT_NOT_FOUND", personal.NOT_RESIDENT, {})
    call.refresh()
    now = ctx.clock.timestamp()
    if call.read(personal.missing, persons, now):
        with call.writing() as raw:
            for person in persons:
                personal.ensure_personal_tickets(raw, unit_id, person, now)
    return persons


@router.get(
    "/units/{unit_id}/personal-tax-certificates",
    response_model=PersonalTicketList,
    responses=errors(404, 409, 422),
)
def personal_tickets(
    name: str | None = Query(None, description="姓名 (姓名 or 证件号码 required)"),
    id_type: str | None = Query(None, description="证件类型 code"),
    id_number: str | None = Query(None, description="证件号码"),
    call: UnitCall = UNIT,
    query: TicketQuery = QUERY,
) -> dict[str, Any]:
    """个人税收完税证明（非印刷） of the agent's residents with that 姓名/证件类型/证件号码 to 开具 or
    补开, person by person, by 入库日期 and 电子税票号码; 404 RESIDENT_NOT_FOUND when the agent
    has no such resident, 409 NOT_COLLECTOR for an employer."""
    persons = _residents(call, name, id_type, id_number)
    found = call.read(personal.person_tickets, persons, *query)
    return {"tickets": [actions.public(ticket) for ticket in found]}


@router.post(
    "/units/{unit_id}/personal-tax-certificates/{ticket_id}/issue",
    response_model=PersonalTicket,
    responses=errors(400, 404, 409),
)
def personal_issue(ticket_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """开具: the first print of a resident's 未开具 ticket (print_count 1)."""
    return _print(call, ticket_id, "issue", PERSONAL_TABLES)


@router.post(
    "/units/{unit_id}/personal-tax-certificates/{ticket_id}/reissue",
    response_model=PersonalTicket,
    responses=errors(400, 404, 409),
)
def personal_reissue(ticket_id: str, call: UnitCall = UNIT_KEYED) -> dict[str, Any]:
    """补开: another print of a resident's 已开具 ticket (print_count + 1)."""
    return _print(call, ticket_id, "reissue", PERSONAL_TABLES)
