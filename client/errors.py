"""One place that turns any exception into the sentence a clerk sees."""

from __future__ import annotations

import logging

from client.jobs import JobCancelled

log = logging.getLogger(__name__)

GENERIC = "操作没有完成，发生了意外错误。请重试；如果仍然失败，请联系技术支持并提供日志文件。"


def user_message(exc: BaseException) -> str:
    """The Chinese message for an error; unexpected errors are logged with their traceback."""
    message = getattr(exc, "message", None)
    if isinstance(exc, JobCancelled):
        return JobCancelled.message
    if isinstance(message, str) and message:
        return message
    if isinstance(exc, PermissionError):
        return "没有权限读写该文件或文件夹，请换一个位置，或关闭正在使用该文件的程序后重试。"
    if isinstance(exc, FileNotFoundError):
        return "找不到指定的文件，请确认文件仍在原来的位置。"
    if isinstance(exc, OSError) and getattr(exc, "errno", None) == 28:
        return "磁盘空间不足，请清理磁盘后重试。"
    log.error("unexpected error", exc_info=exc)
    return GENERIC
