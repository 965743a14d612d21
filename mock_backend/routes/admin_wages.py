"""Admin API for 缴费工资申报 (only with --admin): process a declaration now, read 预处理信息."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from mock_backend.context import BackendContext, get_ctx
from mock_backend.wage_processing import process
from mock_backend.wage_schemas import WageDeclarationSummary
from mock_backend.wage_store import declaration_summary, read_preprocessing

router = APIRouter(prefix="/api/v1/admin/units/{unit_id}", tags=["admin"])


@router.post("/wage-declarations/{declaration_id}/process", response_model=WageDeclarationSummary)
def process_now(
    unit_id: str, declaration_id: str, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """Process the declaration regardless of the delay (a processed one is left as it is)."""
    with ctx.db.write() as conn:
        declaration_summary(conn, unit_id, declaration_id)  # 404 DECLARATION_NOT_FOUND
        process(conn, declaration_id, ctx.clock.now())
        return declaration_summary(conn, unit_id, declaration_id)


@router.get("/fee-preprocessing")
def fee_preprocessing(
    unit_id: str,
    declaration_id: str | None = Query(None),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """社保费预处理信息 of the unit (optionally of one declaration), for tests."""
    with ctx.db.read() as conn:
        return read_preprocessing(conn, unit_id, declaration_id)
