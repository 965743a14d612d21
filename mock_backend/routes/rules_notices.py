"""Rule files (规则文件) and notices (通知公告) of the logged-in unit's region."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query

from mock_backend.context import BackendContext, Session, current_session, get_ctx
from mock_backend.db import driver, sequence_value
from mock_backend.errors import ApiError
from mock_backend.schemas import ErrorEnvelope, NoticePage, RuleFile, RuleIndex

router = APIRouter(prefix="/api/v1/mgmt", tags=["管理子系统: 规则文件与通知公告"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorEnvelope},
    404: {"model": ErrorEnvelope},
}


@router.get("/rules", response_model=RuleIndex, responses=_ERRORS)
def rule_index(
    session: Session = Depends(current_session), ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    with ctx.db.read() as conn:
        rows = (
            driver(conn)
            .execute(
                "SELECT code, name, version FROM rule_files WHERE region = ? ORDER BY position",
                (session.region,),
            )
            .fetchall()
        )
    return {"files": [{"code": c, "name": n, "version": v} for c, n, v in rows]}


@router.get("/rules/{code}", response_model=RuleFile, responses=_ERRORS)
def rule_file(
    code: str, session: Session = Depends(current_session), ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    with ctx.db.read() as conn:
        row = (
            driver(conn)
            .execute(
                "SELECT code, name, version, content FROM rule_files WHERE region = ? AND code = ?",
                (session.region, code),
            )
            .fetchone()
        )
    if row is None:
        raise ApiError(404, "RULE_NOT_FOUND", f"没有名为“{code}”的规则文件，请更新客户端后重试。")
    return {"code": row[0], "name": row[1], "version": row[2], "content": orjson.loads(row[3])}


@router.get("/notices", response_model=NoticePage, responses=_ERRORS)
def notices(
    after_seq: int = Query(0, ge=0),
    session: Session = Depends(current_session),
    ctx: BackendContext = Depends(get_ctx),
) -> dict[str, Any]:
    with ctx.db.read() as conn:
        rows = (
            driver(conn)
            .execute(
                "SELECT id, seq, title, body, published_at, withdrawn FROM notices"
                " WHERE region = ? AND seq > ? ORDER BY seq",
                (session.region, after_seq),
            )
            .fetchall()
        )
        cursor = sequence_value(conn)
    keys = ("id", "seq", "title", "body", "published_at", "withdrawn")
    return {
        "cursor": cursor,
        "notices": [{**dict(zip(keys, r, strict=True)), "withdrawn": bool(r[5])} for r in rows],
    }
