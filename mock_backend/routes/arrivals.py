"""管理子系统 社保费到账信息查询 (manual §2.22): the unit's 入库 lines and whether they 到账."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from mock_backend.arrivals import ARRIVAL_FIELDS, list_arrivals
from mock_backend.collect_due import bring_up_to_date
from mock_backend.collect_schemas import ArrivalList
from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.db import driver
from mock_backend.routes.collect import errors, month_range

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 社保费到账"])


@router.get("/arrivals", response_model=ArrivalList, responses=errors(422))
def arrivals(
    unit_id: str,
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
    _s: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """社保费到账信息: paid lines once 入库, 已到账 after the department received them."""
    first, last = month_range(period_from, period_to)
    bring_up_to_date(ctx.db, ctx.clock, unit_id)
    with ctx.db.read() as conn:
        records = list_arrivals(driver(conn), unit_id, first, last, ctx.clock.timestamp())
    return {"fields": ARRIVAL_FIELDS, "records": records}
