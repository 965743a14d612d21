"""首页 待办事项 and 异常提醒 of the 代收单位 module (manual §3.1: 未申报的数据、未缴款的数据、异常),
from local data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from client.fees.rules import FAILED, SELF, SUCCEEDED
from client.modules import Reminder

if TYPE_CHECKING:
    from client.app_context import UnitSession


def _scalar(session: UnitSession, sql: str, params: tuple = ()) -> int:
    with session.db.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql, params).scalar() or 0)


def resident_todos(session: UnitSession) -> list[Reminder]:
    """Rows of 社保费代收代报（自主） not yet submitted."""
    drafts = _scalar(session, "SELECT COUNT(*) FROM resident_drafts")
    if not drafts:
        return []
    return [Reminder(f"社保费代收代报（自主）列表中有{drafts}条数据尚未提交申报。", "self_declare")]


def resident_alerts(session: UnitSession) -> list[Reminder]:
    """异常: 自主申报 that failed or left persons out, and 外部参保城乡居民 still 未参保."""
    out = []
    failed = _scalar(
        session,
        "SELECT COUNT(*) FROM fee_declarations WHERE category = ? AND (status = ?"
        " OR (status = ? AND reason IS NOT NULL AND reason != ''))",
        (SELF, FAILED, SUCCEEDED),
    )
    if failed:
        out.append(Reminder(
            f"有{failed}笔自主申报存在未通过校验的人员，请在社保费申报记录中查看失败原因后重新申报。",
            "fee_records",
        ))  # fmt: skip
    unregistered = _scalar(
        session, "SELECT COUNT(*) FROM external_residents WHERE status = '未参保'"
    )
    if unregistered:
        out.append(Reminder(
            f"有{unregistered}名外部参保城乡居民尚未参保登记，请稍后点击【更新参保状态】。",
            "external_residents",
        ))  # fmt: skip
    return out
