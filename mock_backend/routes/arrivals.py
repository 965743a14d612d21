"""管理子系统 社保费到账信息查询 (manual §2.22): the unit's 入库 lines and whether they 到账."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from mock_backend.arrivals import ARRIVAL_FIELDS, list_arrivals
from mock_backend.collect_schemas import ArrivalList
from mock_backend.routes._common import UNIT, UnitCall, errors
from mock_backend.routes.collect import MONTHS, Months

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 社保费到账"])


@router.get("/arrivals", response_model=ArrivalList, responses=errors(422))
def arrivals(call: UnitCall = UNIT, months: Months = MONTHS) -> dict[str, Any]:
    """社保费到账信息: paid lines once 入库, 已到账 after the department received them."""
    call.refresh()
    records = call.read(list_arrivals, *months, call.ctx.clock.timestamp())
    return {"fields": ARRIVAL_FIELDS, "records": records}
