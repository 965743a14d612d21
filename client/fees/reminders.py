"""首页 待办事项 and 异常提醒 of 社保费申报 (manual §2.1.3), from the local mirror of the unit's
items and declarations (refreshed at login and whenever a fee page is opened)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from client.fees.rules import (
    DAILY,
    INITIAL,
    PENDING,
    PROJECT,
    SELF,
    SPECIAL,
    SUCCEEDED,
    TAX_BUREAU,
    UNPAID,
    VOIDING,
    declaration_page,
)
from client.modules import Reminder

if TYPE_CHECKING:
    from client.app_context import UnitSession


def _count(session: UnitSession, sql: str, args: tuple[object, ...]) -> int:
    with session.db.engine.connect() as conn:
        return int(conn.exec_driver_sql(sql, args).scalar() or 0)


def _declarable(session: UnitSession, page_key: str, what: str = "COUNT(*)") -> int:
    """`what` (a count) over the items the page `page_key` lists that wait to be declared."""
    page = declaration_page(page_key, session.region.collection_mode)
    categories = ", ".join("?" * len(page.categories))
    sources = ", ".join("?" * len(page.sources))
    return _count(
        session,
        f"SELECT {what} FROM fee_items WHERE state = ? AND category IN ({categories})"
        f" AND data_source IN ({sources})",
        (INITIAL, *page.categories, *page.sources),
    )


def _daily_noun(session: UnitSession) -> str:
    page = declaration_page("daily", session.region.collection_mode)
    return "预处理信息" if page.sources == (TAX_BUREAU,) else "征集信息"


def fee_todos(session: UnitSession) -> list[Reminder]:
    """Items waiting to be declared, declarations waiting for feedback or unpaid."""
    out = []
    if session.kind != "employer":  # §3.7: 核定信息 and 特殊缴费 on 社保费代收代报（核定）
        verified = _declarable(session, "verified")
        if verified:
            out.append(Reminder(f"有{verified}条城乡居民社保费核定信息待申报。", "fee_verified"))
    else:
        daily = _declarable(session, "daily")
        if daily:
            out.append(Reminder(f"有{daily}条社保费{_daily_noun(session)}待申报。", "fee_daily"))
        special = _declarable(session, "special")
        if special:
            out.append(Reminder(f"有{special}条特殊缴费信息待申报。", "fee_special"))
    if session.kind == "employer":
        projects = _declarable(session, "project")
        if projects:
            out.append(Reminder(f"有{projects}条工程项目工伤保险费信息待申报。", "project_fee"))
    waiting = _count(
        session, "SELECT COUNT(*) FROM fee_declarations WHERE status IN (?, ?)", (PENDING, VOIDING)
    )
    if waiting:
        out.append(Reminder(f"有{waiting}笔社保费申报待获取反馈。", "fee_records"))
    unpaid = _count(
        session,
        "SELECT COUNT(*) FROM fee_declarations WHERE status = ? AND pay_status = ?"
        " AND category IN (?, ?, ?)",
        (SUCCEEDED, UNPAID, DAILY, SPECIAL, SELF),
    )
    if unpaid:
        out.append(Reminder(f"有{unpaid}笔社保费申报尚未缴费。", "fee_records"))
    if session.kind == "employer":
        unpaid_projects = _count(
            session,
            "SELECT COUNT(*) FROM fee_declarations WHERE status = ? AND pay_status = ?"
            " AND category = ?",
            (SUCCEEDED, UNPAID, PROJECT),
        )
        if unpaid_projects:
            out.append(
                Reminder(
                    f"有{unpaid_projects}笔工程项目社保费申报尚未缴费。", "project_fee_records"
                )
            )
    return out


def fee_alerts(session: UnitSession) -> list[Reminder]:
    """存在多个属期的预处理信息未申报，可能会超出申报期限 (manual §2.1.3 二(二)): 日常申报 items
    of more than one 费款所属期 wait to be declared."""
    periods = _declarable(session, "daily", "COUNT(DISTINCT period_start || '/' || period_end)")
    if periods < 2:
        return []
    return [
        Reminder(
            f"存在{periods}个属期的社保费{_daily_noun(session)}未申报，可能会超出申报期限，"
            "请尽快申报。",
            "fee_daily",
        )
    ]
