"""Admin API for 外部参保城乡居民 (only with --admin): the region's registry of insured
城乡居民 who are in no agent's feed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver
from mock_backend.external_registry import NewPerson, add_persons, list_registry
from mock_backend.resident_schemas import RegistryAdded, RegistryIn

router = APIRouter(prefix="/api/v1/admin/external-registry", tags=["admin"])


@router.post("", response_model=RegistryAdded)
def add_to_registry(body: RegistryIn, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    """Register persons with the region's 管理子系统 (ids from 900000001 up); a person already
    registered in the region → 409 PERSON_EXISTS, nothing added."""
    persons = [
        NewPerson(**{**p.model_dump(), "levy_categories": tuple(p.levy_categories)})
        for p in body.persons
    ]
    with ctx.db.write() as conn:
        ids = add_persons(driver(conn), body.region, persons)
    return {"count": len(ids), "ids": ids}


@router.get("")
def registry(
    region: str = Query(..., description="地区代码"),
    after_id: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=5000),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    """Registered persons of a region in id order, with their items."""
    with ctx.db.read() as conn:
        return {"persons": list_registry(driver(conn), region, after_id, limit)}
