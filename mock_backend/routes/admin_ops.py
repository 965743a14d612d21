"""Admin API for the server itself: faults, processing delay, clock, notices, rule versions."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends
from pydantic import ValidationError

from mock_backend.clock import format_datetime, parse_datetime
from mock_backend.context import BackendContext, get_ctx
from mock_backend.db import driver, take_sequence
from mock_backend.errors import ApiError
from mock_backend.schemas import (
    ClockRequest,
    DelayRequest,
    FaultRequest,
    NoticeRequest,
    RuleBumpRequest,
)
from mock_backend.seed.rules import next_version

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.post("/faults")
async def add_fault(body: FaultRequest, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    options = body.model_dump(exclude={"kind"})
    fault = ctx.faults.add(body.kind, **options)
    return fault.to_json()


@router.get("/faults")
async def list_faults(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    return {"faults": ctx.faults.list()}


@router.delete("/faults")
async def clear_faults(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    return {"cleared": ctx.faults.clear()}


@router.post("/delay")
async def set_delay(body: DelayRequest, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    ctx.processing_delay = body.seconds
    return {"seconds": ctx.processing_delay}


@router.get("/delay")
async def get_delay(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    return {"seconds": ctx.processing_delay}


def _clock_json(ctx: BackendContext) -> dict[str, Any]:
    now = ctx.clock.now()
    return {"now": format_datetime(now), "offset_seconds": ctx.clock.offset_seconds}


@router.post("/clock")
async def set_clock(body: ClockRequest, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    if body.now is not None:
        try:
            ctx.clock.set_now(parse_datetime(body.now))
        except ValueError:
            raise ApiError(
                422, "VALIDATION_ERROR", "时间格式应为YYYY-MM-DD HH:MM:SS，请检查后重试。"
            ) from None
    elif body.offset_seconds is not None:
        ctx.clock.set_offset(body.offset_seconds)
    else:
        raise ApiError(422, "VALIDATION_ERROR", "请提供now或offset_seconds中的一项。")
    return _clock_json(ctx)


@router.get("/clock")
async def get_clock(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    return _clock_json(ctx)


@router.delete("/clock")
async def reset_clock(ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    ctx.clock.reset()
    return _clock_json(ctx)


def _known_region(raw: Any, region: str) -> None:
    if raw.execute("SELECT 1 FROM regions WHERE code = ?", (region,)).fetchone() is None:
        raise ApiError(
            422, "UNKNOWN_REGION", f"没有地区{region}，请使用/api/v1/regions中的地区代码。"
        )


@router.post("/notices")
def publish_notice(body: NoticeRequest, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    now = ctx.clock.now_text()
    with ctx.db.write() as conn:
        raw = driver(conn)
        _known_region(raw, body.region)
        seq = take_sequence(conn)
        notice_id = raw.execute(
            "INSERT INTO notices (region, seq, title, body, published_at, withdrawn)"
            " VALUES (?, ?, ?, ?, ?, 0) RETURNING id",
            (body.region, seq, body.title, body.body, now),
        ).fetchone()[0]
    return {"id": notice_id, "seq": seq, "published_at": now}


@router.post("/notices/{notice_id}/withdraw")
def withdraw_notice(notice_id: int, ctx: BackendContext = Depends(get_ctx)) -> dict[str, Any]:
    with ctx.db.write() as conn:
        seq = take_sequence(conn)
        changed = (
            driver(conn)
            .execute("UPDATE notices SET withdrawn = 1, seq = ? WHERE id = ?", (seq, notice_id))
            .rowcount
        )
        if not changed:
            raise ApiError(404, "NOTICE_NOT_FOUND", f"没有编号为{notice_id}的通知公告。")
    return {"id": notice_id, "seq": seq}


@router.post("/rules/{code}/bump")
def bump_rule(
    code: str, body: RuleBumpRequest, ctx: BackendContext = Depends(get_ctx)
) -> dict[str, Any]:
    today = ctx.clock.today().isoformat()
    with ctx.db.write() as conn:
        raw = driver(conn)
        row = raw.execute(
            "SELECT version FROM rule_files WHERE region = ? AND code = ?", (body.region, code)
        ).fetchone()
        if row is None:
            raise ApiError(404, "RULE_NOT_FOUND", f"地区{body.region}没有名为“{code}”的规则文件。")
        version = next_version(row[0], today)
        if body.content is not None:
            try:
                content = orjson.dumps(body.content).decode()
            except (TypeError, ValidationError):
                raise ApiError(
                    422, "VALIDATION_ERROR", "规则文件内容不是有效的JSON对象。"
                ) from None
            raw.execute(
                "UPDATE rule_files SET version = ?, content = ? WHERE region = ? AND code = ?",
                (version, content, body.region, code),
            )
        else:
            raw.execute(
                "UPDATE rule_files SET version = ? WHERE region = ? AND code = ?",
                (version, body.region, code),
            )
    return {"code": code, "region": body.region, "version": version}
