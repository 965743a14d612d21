"""Admin API for the security suite: make tokens expire now (the client must log in again)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from mock_backend.context import BackendContext, get_ctx

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


class ExpireSessionsIn(BaseModel):
    unit_id: str | None = None  # None: every unit's tokens


@router.post("/sessions/expire")
def expire_sessions(
    body: ExpireSessionsIn, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    """Every live token of the unit (or of all units) answers 401 TOKEN_INVALID from now on,
    as after the 24-hour lifetime."""
    return {"expired": ctx.auth.expire_sessions(body.unit_id)}
