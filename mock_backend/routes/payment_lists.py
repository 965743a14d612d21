"""管理子系统 缴费清单 for 职工/城乡居民缴费证明 and 单位缴费证明: the unit's (or one person's)
入库 payments of a 费款所属期 range, or why there are none."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from mock_backend.certificate_schemas import PaymentList
from mock_backend.errors import ApiError
from mock_backend.payment_lists import person_list, unit_list
from mock_backend.routes._common import UNIT, UnitCall, errors
from mock_backend.routes.certificates import period_pair

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 缴费证明"])
# The person form in its order: (field, message when missing).
PERSON_FORM = (
    ("name", "请填写姓名。"),
    ("id_type", "请选择证件类型。"),
    ("id_number", "请填写证件号码。"),
)


@router.get("/payment-list/persons", response_model=PaymentList, responses=errors(422))
def persons(
    name: str | None = Query(None, description="姓名"),
    id_type: str | None = Query(None, description="证件类型 code (rule file id_types)"),
    id_number: str | None = Query(None, description="证件号码"),
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """职工/城乡居民缴费证明: one person's 入库 payments, person × month (城乡居民: × year)."""
    given = {"name": name, "id_type": id_type, "id_number": id_number}
    form: dict[str, str] = {}
    for field, message in PERSON_FORM:
        value = (given[field] or "").strip()
        if not value:
            raise ApiError(422, "VALIDATION_ERROR", message, {"field": field})
        form[field] = value
    form["period_from"], form["period_to"] = period_pair(period_from, period_to)
    call.refresh()
    return call.read(person_list, form, call.ctx.clock.timestamp())


@router.get("/payment-list/unit", response_model=PaymentList, responses=errors(422))
def unit(
    period_from: str | None = Query(None, description="费款所属期起 YYYY-MM"),
    period_to: str | None = Query(None, description="费款所属期止 YYYY-MM"),
    call: UnitCall = UNIT,
) -> dict[str, Any]:
    """单位缴费证明: the unit's 入库 lines of the range, in arrears order."""
    first, last = period_pair(period_from, period_to)
    call.refresh()
    return call.read(unit_list, call.session.region, first, last, call.ctx.clock.timestamp())
