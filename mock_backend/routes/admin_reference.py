"""Admin API for unit reference data: 单位信息 fields, 单位参保信息 rows, 工程项目 (only with --admin).

Included before routes.admin, whose POST /units/{unit_id}/{feed} would otherwise take
/units/{unit_id}/insurance and /units/{unit_id}/projects.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.reference import (
    add_project,
    clear_insurance,
    patch_info,
    put_insurance,
    remove_project,
)
from mock_backend.schemas import (
    InsuranceCount,
    InsuranceIn,
    ProjectCreated,
    ProjectIn,
    UnitInfo,
    UnitInfoPatch,
)

router = APIRouter(prefix="/api/v1/admin/units/{unit_id}", tags=["admin"])


@router.patch("/info", response_model=UnitInfo)
def patch_info_route(
    unit_id: str, body: UnitInfoPatch, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    values = {name: getattr(body, name) for name in body.model_fields_set}
    with ctx.db.write() as conn:
        return patch_info(driver(conn), unit_id, values)


@router.post("/insurance", response_model=InsuranceCount)
def add_insurance_route(
    unit_id: str, body: InsuranceIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        count = put_insurance(driver(conn), unit_id, body.model_dump(), body.model_fields_set)
    return {"count": count}


@router.delete("/insurance")
def clear_insurance_route(unit_id: str, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.write() as conn:
        removed = clear_insurance(driver(conn), unit_id)
    return {"count": 0, "removed": removed}


@router.post("/projects", response_model=ProjectCreated)
def add_project_route(
    unit_id: str, body: ProjectIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    today = ctx.clock.today().isoformat()
    with ctx.db.write() as conn:
        number = add_project(driver(conn), unit_id, body.model_dump(), body.model_fields_set, today)
    return {"project_number": number}


@router.delete("/projects/{project_number}")
def remove_project_route(
    unit_id: str, project_number: str, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    with ctx.db.write() as conn:
        remove_project(driver(conn), unit_id, project_number)
    return {"project_number": project_number, "removed": True}
