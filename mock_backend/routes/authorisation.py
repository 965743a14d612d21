"""管理子系统, 缴费授权 of a 代收单位 (manual §3.17, §3.20): the three-facts resident lookup
shared with 居民银行账户/两两协议, 社保费批扣费额设置 and 社保费批扣清册.

`admin_router` (only with --admin) makes 批扣清册 the bank would make, and sets row states."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel, Field

from mock_backend.authorisation_people import find_area_resident
from mock_backend.context import BackendContext, Session, get_ctx
from mock_backend.db import driver
from mock_backend.routes.residents import collector_session

router = APIRouter(
    prefix="/api/v1/mgmt/units/{unit_id}/authorisation", tags=["管理子系统: 缴费授权"]
)


class ThreeFacts(BaseModel):
    name: str | None = Field(None, description="姓名")
    id_type: str | None = Field(None, description="证件类型 code (01 居民身份证)")
    id_number: str | None = Field(None, description="证件号码")


@router.post("/residents/find")
def find_resident(
    unit_id: str,
    body: ThreeFacts,
    _session: Session = Depends(collector_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """The resident of this agent's area named by the three facts; 404 RESIDENT_NOT_FOUND
    (or 422 for an invalid 居民身份证 number) with one sentence otherwise."""
    with ctx.db.read() as conn:
        return find_area_resident(
            driver(conn), unit_id, body.name or "", body.id_type or "", body.id_number or ""
        )


admin_router = APIRouter(prefix="/api/v1/admin/units/{unit_id}/authorisation", tags=["admin"])


def install(app: FastAPI, *, admin: bool) -> None:
    """Register the 缴费授权 routes (the admin ones only with --admin)."""
    app.include_router(router)
    if admin:
        app.include_router(admin_router)
