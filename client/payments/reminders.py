"""首页 待办事项 and 异常提醒 of 费款缴纳 (manual §2.1; seed 001 待办事项: 未缴纳的征集信息), from
the local copy of the arrears, deductions and vouchers (refreshed whenever a payment page
is opened)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from client.modules import Reminder
from client.payments.reasons import (
    PAYMENT_PAGE,
    VOUCHER_RECORDS_PAGE,
    explain,
)
from client.payments.rules import FAILED, LOCKED, UNPAID, VOUCHER_UNPAID, format_money, total
from client.payments.wording import wording_for

if TYPE_CHECKING:
    from client.app_context import UnitSession


def _rows(session: UnitSession, sql: str, args: tuple[object, ...] = ()) -> list[tuple]:
    with session.db.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, args)]


# Arrears still owed: not paid and not with the bank (未缴费 or 扣费失败).
_OWED, _OWED_STATES = "state IN (?, ?)", (UNPAID, FAILED)


def payment_todos(session: UnitSession) -> list[Reminder]:
    """Arrears waiting to be paid."""
    rows = _rows(session, f"SELECT amount FROM pay_arrears WHERE {_OWED}", _OWED_STATES)
    if not rows:
        return []
    amount = total(r[0] for r in rows)
    return [
        Reminder(f"有{len(rows)}条社保费欠费待缴纳，合计{format_money(amount)}元。", PAYMENT_PAGE)
    ]


def payment_alerts(session: UnitSession, today: date | None = None) -> list[Reminder]:
    """Failed deductions still owed, locked payments, arrears past their 缴费期限 (manual
    §2.1.3 二(三)), vouchers past their 税款缴款日期 (pages named and opened as the session's
    module has them)."""
    wording = wording_for(getattr(session, "kind", None))
    out = []
    failed = _rows(
        session, "SELECT reason FROM pay_arrears WHERE state = ? ORDER BY period_start", (FAILED,)
    )
    if failed:
        e = explain(failed[0][0])
        out.append(
            Reminder(
                wording.say(
                    f"有{len(failed)}条欠费扣费失败（{e.reason or '原因未说明'}）：{e.next_step}"
                ),
                wording.page(e.page),
            )
        )
    locked = _rows(session, "SELECT COUNT(*) FROM pay_deductions WHERE status = ?", (LOCKED,))
    if locked and locked[0][0]:
        out.append(
            Reminder(
                f"有{locked[0][0]}笔三方协议缴费处于锁定状态（银行扣款结果未知），"
                + (
                    "请在缴费页面勾选锁定的欠费后点击【解除锁定】。"
                    if wording.unlock_on_payment_page
                    else "请在缴费记录中解锁。"
                ),
                wording.unlock_page,
            )
        )
    day = (today or date.today()).isoformat()
    ((overdue, earliest),) = _rows(
        session,
        f"SELECT COUNT(*), MIN(pay_deadline) FROM pay_arrears WHERE {_OWED} AND pay_deadline < ?",
        (*_OWED_STATES, day),
    )
    if overdue:
        out.append(
            Reminder(
                wording.say(
                    f"存在{overdue}条已超出缴费期限的欠费信息（最早的缴费期限为{earliest}），"
                    "需要及时缴费。"
                ),
                wording.page(PAYMENT_PAGE),
            )
        )
    late = _rows(
        session,
        "SELECT COUNT(*) FROM pay_vouchers WHERE status = ? AND deadline < ?",
        (VOUCHER_UNPAID, day),
    )
    if late and late[0][0]:
        out.append(
            Reminder(
                f"有{late[0][0]}张银行端查询缴税凭证已过税款缴款日期仍未缴款，银行不再受理，"
                "请作废后重新打印。",
                VOUCHER_RECORDS_PAGE,
            )
        )
    return out
