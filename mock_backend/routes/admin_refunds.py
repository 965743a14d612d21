"""Admin API of 退费 (only with --admin): the handling delay, the outcome of 审核, and every
pending step of a unit's applications now.

Included before routes.admin, whose /units/{unit_id}/{feed} routes would otherwise match.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from mock_backend import refunds
from mock_backend.collect_due import bring_up_to_date
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.errors import ApiError
from mock_backend.routes.refunds import Refund, up_to_date
from mock_backend.schemas import _In

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


class RefundSettingsIn(_In):
    refund_delay_seconds: float | None = Field(None, ge=0)


class RefundSettings(BaseModel):
    refund_delay_seconds: float


class DecideIn(_In):
    approve: bool = True
    reason: str | None = Field(None, description="不予退费: why (required with approve false)")


class RefundCount(BaseModel):
    count: int


def _known_unit(ctx: BackendContext, unit_id: str) -> None:
    with ctx.db.read() as conn:
        row = driver(conn).execute("SELECT 1 FROM units WHERE unit_id = ?", (unit_id,)).fetchone()
    if row is None:
        raise ApiError(404, "UNIT_NOT_FOUND", f"没有找到单位{unit_id}。", {"unit_id": unit_id})


@router.post("/refunds", response_model=RefundSettings)
def set_refunds(body: RefundSettingsIn, ctx: BackendContext = Depends(get_ctx)) -> dict[str, float]:
    """How long each step of an application takes (seconds, default 60)."""
    with ctx.db.write() as conn:
        return refunds.update_settings(driver(conn), body.refund_delay_seconds)


@router.get("/refunds", response_model=RefundSettings)
def get_refunds(ctx: BackendContext = Depends(get_ctx)) -> dict[str, float]:
    with ctx.db.read() as conn:
        return {"refund_delay_seconds": refunds.load_delay(driver(conn))}


@router.post("/units/{unit_id}/refunds/{refund_id}/decide", response_model=Refund)
def decide(
    unit_id: str, refund_id: str, body: DecideIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """The outcome of 审核, applied when 审核中 ends (不予退费 with its reason)."""
    _known_unit(ctx, unit_id)
    with up_to_date(ctx, unit_id) as raw:
        return refunds.decide(raw, unit_id, refund_id, body.approve, body.reason)


@router.post("/units/{unit_id}/refunds/process", response_model=RefundCount)
def process(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, int]:
    """Every pending step of the unit's applications happens now; how many applications moved."""
    _known_unit(ctx, unit_id)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.write() as conn:
        return {"count": refunds.advance(driver(conn), unit_id, ctx.clock.timestamp(), True)}
