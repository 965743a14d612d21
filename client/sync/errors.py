"""Typed errors of the HTTP client and the sync engine.

Every error carries `message`: one Chinese sentence for the clerk that says what happened
and what to do. The UI shows it as is; the log gets the technical detail.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    default_message = "与税务系统通信时出错，请稍后重试。"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str = "",
        status: int | None = None,
        details: dict[str, Any] | None = None,
        technical: str = "",
    ) -> None:
        self.message = message or self.default_message
        self.code = code
        self.status = status
        self.details = details or {}
        self.technical = technical
        super().__init__(self.message)


class NetworkError(ApiError):
    default_message = "无法连接到税务系统，请检查网络连接或网络设置中的代理后重试。"


class ProxyError(NetworkError):
    default_message = "无法通过代理服务器连接，请检查网络设置中的代理地址、端口、用户名和密码。"


class ApiTimeoutError(NetworkError):
    default_message = "税务系统响应超时，请稍后重试。"


class ConnectionDroppedError(NetworkError):
    default_message = "与税务系统的连接中断，数据未完整接收，请重试（已接收的数据不会丢失）。"


class ServerError(ApiError):
    default_message = "税务系统暂时无法处理请求，请稍后重试。"


class MalformedResponseError(ApiError):
    default_message = "税务系统返回的数据格式不正确，本次未做任何修改，请稍后重试。"


class ClientRequestError(ApiError):
    """400/422: the request was refused as invalid; the server's sentence says why."""

    default_message = "提交的信息不正确，请检查后重试。"


class NotFoundError(ApiError):
    default_message = "没有查询到相关信息。"


class NoRegistrationError(NotFoundError):
    default_message = "没有查询到参保登记信息"


class AuthError(ApiError):
    default_message = "身份验证失败，请重新登录。"


class TokenInvalidError(AuthError):
    default_message = "登录已失效，请重新登录。"


class WrongPasswordError(AuthError):
    default_message = "申报密码错误，请重新输入。"

    @property
    def remaining_attempts(self) -> int | None:
        value = self.details.get("remaining_attempts")
        return int(value) if value is not None else None


class UnitLockedError(AuthError):
    default_message = "申报密码连续输错次数过多，该单位已被锁定，请次日再试。"

    @property
    def locked_until(self) -> str | None:
        return self.details.get("locked_until")


class WeakPasswordError(ClientRequestError):
    default_message = "新申报密码不符合规则，请重新设置。"


class CursorExpiredError(ApiError):
    """410: the local cursor is older than the server's history; a full sync is needed."""

    default_message = "本地数据太旧，需要全量更新。"


class SyncIntegrityError(ApiError):
    default_message = "更新后的数据条数与税务系统不一致，请点击全量更新重新下载。"


BY_CODE: dict[str, type[ApiError]] = {
    "NO_REGISTRATION": NoRegistrationError,
    "WRONG_PASSWORD": WrongPasswordError,
    "UNIT_LOCKED": UnitLockedError,
    "TOKEN_INVALID": TokenInvalidError,
    "WEAK_PASSWORD": WeakPasswordError,
    "CURSOR_EXPIRED": CursorExpiredError,
}

BY_STATUS: dict[int, type[ApiError]] = {
    400: ClientRequestError,
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ClientRequestError,
    410: CursorExpiredError,
    422: ClientRequestError,
    423: UnitLockedError,
}


def error_for_status(status: int, code: str) -> type[ApiError]:
    if code in BY_CODE:
        return BY_CODE[code]
    if status in BY_STATUS:
        return BY_STATUS[status]
    return ServerError if status >= 500 else ApiError
