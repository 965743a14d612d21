"""Change feeds: changes since a cursor and the snapshot (hot paths: orjson from row tuples)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from mock_backend.context import BackendContext, Session, get_ctx, unit_session
from mock_backend.feeds import DEFAULT_LIMIT, MAX_LIMIT, changes_page, feed_for_unit, snapshot_page
from mock_backend.schemas import ChangesPage, ErrorEnvelope, SnapshotPage

router = APIRouter(prefix="/api/v1/mgmt/units/{unit_id}", tags=["管理子系统: 人员数据"])


def _responses(model: type) -> dict[int | str, dict[str, Any]]:
    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorEnvelope} for code in (401, 403, 404, 410)
    }
    return {200: {"model": model}, **errors}


@router.get("/{feed}/changes", response_class=Response, responses=_responses(ChangesPage))
def changes(
    unit_id: str,
    feed: str,
    cursor: int = Query(..., ge=0),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    _session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> Response:
    with ctx.db.read() as conn:
        spec = feed_for_unit(conn, unit_id, feed)
        body = changes_page(conn, spec, unit_id, cursor, limit)
    return Response(content=body, media_type="application/json")


@router.get("/{feed}/snapshot", response_class=Response, responses=_responses(SnapshotPage))
def snapshot(
    unit_id: str,
    feed: str,
    after_id: int = Query(0, ge=0),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    _session: Session = Depends(unit_session),
    ctx: BackendContext = Depends(get_ctx),
) -> Response:
    with ctx.db.read() as conn:
        spec = feed_for_unit(conn, unit_id, feed)
        body = snapshot_page(conn, spec, unit_id, after_id, limit)
    return Response(content=body, media_type="application/json")
