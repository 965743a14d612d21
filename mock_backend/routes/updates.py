"""The update channel over HTTP (manual §1.3): latest signed release, package download with
Range (resume), and with --admin the endpoints that publish releases for tests and QA."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from mock_backend.errors import ApiError
from mock_backend.updates import TAMPER_MODES, UpdateChannel, parse_range, read_chunks

router = APIRouter(prefix="/api/v1/updates", tags=["升级"])
admin_router = APIRouter(prefix="/api/v1/admin/updates", tags=["admin"])


def get_channel(request: Request) -> UpdateChannel:
    channel: UpdateChannel = request.app.state.update_channel
    return channel


@router.get("/latest")
def latest(
    channel: str = Query("stable", description="升级渠道"),
    current: str | None = Query(None, description="客户端当前版本（仅记录）"),
    updates: UpdateChannel = Depends(get_channel),
) -> dict[str, Any]:
    """The newest release of the channel, signed; 404 NO_UPDATE when nothing is published."""
    del current
    release = updates.latest(channel)
    if release is None:
        raise ApiError(404, "NO_UPDATE", "当前没有可用的新版本。", {"channel": channel})
    return release.metadata()


@router.get("/packages/{file_name}")
def package(
    file_name: str,
    range_header: str | None = Header(None, alias="Range"),
    updates: UpdateChannel = Depends(get_channel),
) -> StreamingResponse:
    """The package bytes; `Range: bytes=N-` answers 206 with the rest (a resumed download)."""
    path = updates.package_path(file_name)
    if path is None:
        raise ApiError(404, "PACKAGE_NOT_FOUND", "升级包不存在，请稍后重新检查更新。")
    size = path.stat().st_size
    try:
        wanted = parse_range(range_header, size)
    except ValueError:
        raise ApiError(
            416, "RANGE_NOT_SATISFIABLE", "请求的下载位置超出了升级包大小。", {"size": size}
        ) from None
    headers = {"Accept-Ranges": "bytes"}
    if wanted is None:
        start, end, status = 0, size - 1, 200
    else:
        start, end = wanted
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        read_chunks(path, start, end),
        status_code=status,
        media_type="application/zip",
        headers=headers,
    )


class PublishRequest(BaseModel):
    version: str = Field(..., description="版本号，如 1.1.0")
    notes: str = Field("", description="更新说明")
    channel: str = "stable"
    forced: bool = False
    path: str | None = Field(None, description="服务器上升级包（payload zip）的路径")
    content_base64: str | None = Field(None, description="或者：升级包内容（base64）")
    tamper: str = Field("none", description="测试用：none | package | signature")


class ForcedRequest(BaseModel):
    version: str
    forced: bool
    channel: str = "stable"


@admin_router.post("")
def publish(body: PublishRequest, updates: UpdateChannel = Depends(get_channel)) -> dict[str, Any]:
    """Publish a release (it becomes the channel's latest, even when older)."""
    if body.tamper not in TAMPER_MODES:
        raise ApiError(422, "VALIDATION_ERROR", f"tamper 应为 {'/'.join(TAMPER_MODES)} 之一。")
    if (body.path is None) == (body.content_base64 is None):
        raise ApiError(422, "VALIDATION_ERROR", "请给出 path 或 content_base64 其中之一。")
    if body.path is not None:
        source = Path(body.path)
        if not source.is_file():
            raise ApiError(404, "NOT_FOUND", f"升级包文件不存在：{body.path}")
        content = source.read_bytes()
    else:
        try:
            content = base64.b64decode(body.content_base64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "VALIDATION_ERROR", "content_base64 不是有效的 base64。") from None
    try:
        release = updates.publish(
            body.version,
            content,
            channel=body.channel,
            notes=body.notes,
            forced=body.forced,
            tamper=body.tamper,
        )
    except ValueError as exc:
        raise ApiError(422, "VALIDATION_ERROR", str(exc)) from None
    return {"channel": release.channel, "tamper": release.tamper, **release.metadata()}


@admin_router.post("/forced")
def set_forced(
    body: ForcedRequest, updates: UpdateChannel = Depends(get_channel)
) -> dict[str, Any]:
    release = updates.set_forced(body.channel, body.version, body.forced)
    if release is None:
        raise ApiError(404, "NOT_FOUND", f"渠道{body.channel}没有版本{body.version}。")
    return release.metadata()


@admin_router.get("")
def list_releases(updates: UpdateChannel = Depends(get_channel)) -> dict[str, Any]:
    return {"releases": updates.list()}


@admin_router.delete("")
def clear_releases(updates: UpdateChannel = Depends(get_channel)) -> dict[str, Any]:
    return {"cleared": updates.clear()}


def install(app: FastAPI, *, data_dir: Path, admin: bool) -> None:
    """Register the update channel (its packages under `data_dir/updates`); the publishing
    endpoints only with --admin."""
    app.state.update_channel = UpdateChannel(data_dir / "updates")
    app.include_router(router)
    if admin:
        app.include_router(admin_router)
