"""Public endpoints: health, server time, regions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from mock_backend import __version__
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.schemas import Health, RegionList, ServerTime

router = APIRouter(prefix="/api/v1", tags=["public"])


@router.get("/health", response_model=Health)
async def health() -> dict[str, Any]:
    return {"status": "ok", "version": __version__}


@router.get("/time", response_model=ServerTime)
async def server_time(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    now = ctx.clock.now()
    return {"now": now.strftime("%Y-%m-%d %H:%M:%S"), "today": now.date().isoformat()}


@router.get("/regions", response_model=RegionList)
def regions(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.read() as conn:
        rows = (
            driver(conn)
            .execute(
                "SELECT code, name, employer_online, collector_online, collection_mode"
                " FROM regions ORDER BY position"
            )
            .fetchall()
        )
    return {
        "regions": [
            {
                "code": code,
                "name": name,
                "employer_online": bool(employer),
                "collector_online": bool(collector),
                "collection_mode": mode,
            }
            for code, name, employer, collector, mode in rows
        ]
    }
