"""首页 待办事项 and 异常提醒 of the 用人单位 module (manual §2.1.3), from local data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from client.modules import Reminder

if TYPE_CHECKING:
    from client.app_context import UnitSession


def _scalar(session: UnitSession, sql: str) -> int:
    with session.db.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql).scalar() or 0)


def wage_todos(session: UnitSession) -> list[Reminder]:
    """Declarations waiting for feedback, and working lists not yet submitted."""
    out = []
    waiting = _scalar(session, "SELECT COUNT(*) FROM wage_declarations WHERE status = '待反馈'")
    if waiting:
        out.append(Reminder(f"有{waiting}笔缴费工资申报待反馈，请获取反馈结果。", "wage_records"))
    for kind, key, title in (("daily", "wages_daily", "日常"), ("annual", "wages_annual", "年度")):
        count = _scalar(
            session,
            "SELECT COUNT(*) FROM wage_drafts WHERE state IN ('未申报', '申报失败')"
            f" AND declaration_type = '{kind}'",
        )
        if count:
            out.append(Reminder(f"{title}缴费工资申报列表中有{count}条数据尚未申报。", key))
    return out


def empty_wage_alerts(session: UnitSession) -> list[Reminder]:
    """存在缴费工资为空的职工，需要给该职工申报缴费工资 (manual §2.1.3 二(一))."""
    count = _scalar(
        session,
        "SELECT COUNT(DISTINCT employee_id) FROM employee_items"
        " WHERE base IS NULL OR base = '' OR CAST(base AS REAL) <= 0",
    )
    if not count:
        return []
    return [
        Reminder(f"存在{count}名缴费工资为空的职工，需要为这些职工申报缴费工资。", "wages_daily")
    ]
