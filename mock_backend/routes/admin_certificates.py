"""Admin API of 证明打印 (only with --admin): the tax office voids a ticket.

Included before routes.admin, whose /units/{unit_id}/{feed} routes would otherwise match.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_backend import certificate_actions as actions
from mock_backend.certificate_schemas import PersonalTicket, Ticket, VoidTicketIn
from mock_backend.certificates import PERSONAL_TABLES
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.routes.admin_collect import _known_unit

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.post("/units/{unit_id}/tax-certificates/{ticket_id}/void", response_model=Ticket)
def void_ticket(
    unit_id: str, ticket_id: str, body: VoidTicketIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """作废 a ticket (已作废, voided today); its lines get a new 未开具 ticket at the next read."""
    _known_unit(ctx, unit_id)
    actions.refresh(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        ticket = actions.void(
            driver(conn), unit_id, ticket_id, body.voided_by, body.reason, ctx.clock.today()
        )
    return actions.public(ticket)


@router.post(
    "/units/{unit_id}/personal-tax-certificates/{ticket_id}/void", response_model=PersonalTicket
)
def void_personal_ticket(
    unit_id: str, ticket_id: str, body: VoidTicketIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """作废 a resident's ticket; their parts get a new 未开具 ticket at the next query."""
    _known_unit(ctx, unit_id)
    with ctx.db.write() as conn:
        ticket = actions.void(
            driver(conn), unit_id, ticket_id, body.voided_by, body.reason, ctx.clock.today(),
            PERSONAL_TABLES,
        )  # fmt: skip
    return actions.public(ticket)
