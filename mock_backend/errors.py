"""The error envelope: {"error": {"code", "message", "details"}} with a complete Chinese sentence."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = logging.getLogger(__name__)

_STATUS_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "请求格式不正确，请检查后重试。"),
    401: ("TOKEN_INVALID", "登录状态已失效，请重新登录后再试。"),
    403: ("FORBIDDEN", "无权访问该单位的数据，请使用该单位的账号登录。"),
    404: ("NOT_FOUND", "请求的服务地址不存在，请确认客户端版本是否为最新。"),
    405: ("METHOD_NOT_ALLOWED", "请求方式不被支持，请确认客户端版本是否为最新。"),
    409: ("CONFLICT", "数据已被修改，请刷新后重试。"),
    422: ("VALIDATION_ERROR", "请求内容不完整或格式不正确，请检查后重试。"),
    423: ("UNIT_LOCKED", "该单位已被锁定，请稍后再试。"),
    429: ("TOO_MANY_REQUESTS", "请求过于频繁，请稍后重试。"),
    500: ("INTERNAL_ERROR", "服务器内部错误，请稍后重试。"),
    502: ("BAD_GATEWAY", "服务器网关错误，请稍后重试。"),
    503: ("SERVICE_UNAVAILABLE", "服务器暂时无法处理请求，请稍后重试。"),
    504: ("GATEWAY_TIMEOUT", "服务器响应超时，请稍后重试。"),
}


class ApiError(Exception):
    """An error answered to the client with `status` and the error envelope."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def default_error(status: int) -> tuple[str, str]:
    """The (code, message) used for a bare status, e.g. an injected fault."""
    if status in _STATUS_DEFAULTS:
        return _STATUS_DEFAULTS[status]
    if status >= 500:
        return _STATUS_DEFAULTS[500]
    return ("ERROR", "请求未能完成，请稍后重试。")


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"error": {"code": code, "message": message, "details": details or {}}})


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    return Response(
        content=error_body(code, message, details),
        status_code=status,
        media_type="application/json",
    )


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc or '请求内容'}（{error.get('msg', '')}）")
    return "请求参数不正确：" + "；".join(parts) + "。请检查后重试。"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> Response:
        details = {"errors": orjson.loads(orjson.dumps(exc.errors(), default=str))}
        return error_response(422, "VALIDATION_ERROR", _describe_validation(exc), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code, message = default_error(exc.status_code)
        return error_response(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> Response:
        log.exception("unexpected error", exc_info=exc)
        code, message = default_error(500)
        return error_response(500, code, message)
