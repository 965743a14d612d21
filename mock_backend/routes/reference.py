"""管理子系统 unit reference data: 单位信息, 单位参保信息, 工程项目参保信息 (read in full)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.db import driver
from mock_backend.reference import read_info, read_insurance, read_projects
from mock_backend.schemas import ErrorEnvelope, ReferenceTable, UnitInfo

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 单位信息"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorEnvelope} for code in (401, 403, 404)
}


@router.get("/info", response_model=UnitInfo, responses=_ERRORS)
def unit_info(
    unit_id: str,
    _session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """单位信息 (manual §4.4)."""
    with ctx.db.read() as conn:
        return read_info(driver(conn), unit_id)


@router.get("/insurance", response_model=ReferenceTable, responses=_ERRORS)
def unit_insurance(
    unit_id: str,
    _session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """单位参保信息 (manual §2.19): one row per 单位编号 × 征收品目."""
    with ctx.db.read() as conn:
        return read_insurance(driver(conn), unit_id)


@router.get("/projects", response_model=ReferenceTable, responses=_ERRORS)
def unit_projects(
    unit_id: str,
    _session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """工程项目参保信息 (manual §2.25)."""
    with ctx.db.read() as conn:
        return read_projects(driver(conn), unit_id)
