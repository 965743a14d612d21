"""What the 费款缴纳 pages of both modules share: the payment services of the logged-in unit
(on top of the fee services: names, 申报明细), the 安全认证 step, and the columns of arrears
and of any 应征凭证 line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from client.errors import user_message
from client.payments.pay import FeePayments
from client.payments.reasons import Explanation, explain, explain_error
from client.payments.rules import PaymentRuleError
from client.payments.wording import PaymentWording, wording_for
from client.sync.errors import ApiError
from client.ui.fees.common import FeeScope
from client.ui.listpage import Column
from client.ui.pages import PageContext
from client.unit_reference.service import LevyNames


class PaymentScope(FeeScope):
    def __init__(self, ctx: PageContext, page: QWidget) -> None:
        super().__init__(ctx, page)
        session = ctx.session
        self.kind = session.kind
        self.wording: PaymentWording = wording_for(session.kind)
        self.payments = FeePayments(
            session.api,
            session.db,
            session.unit.unit_id,
            ctx.ui.app.paths.documents_dir,
            journal=self.declarations.journal,
            wording=self.wording,
        )

    def has_page(self, key: str | None) -> bool:
        return bool(key) and self.ctx.module.entry(str(key)) is not None


def error_text(
    error: BaseException, wording: PaymentWording | None = None
) -> tuple[str, Explanation | None]:
    """The sentence for a refusal or failure, with its next step where we know one (pages
    named as `wording`'s module names them)."""
    text, found = _error_text(error)
    return (wording.say(text) if wording else text), found


def _error_text(error: BaseException) -> tuple[str, Explanation | None]:
    if isinstance(error, PaymentRuleError):
        found = explain(error.code)
        return f"{error.message}", found if found.page or found.next_step else None
    if isinstance(error, ApiError) and error.code:
        found = explain_error(error)
        return (f"{found.meaning}{found.next_step}" if found.next_step else found.meaning), found
    return user_message(error), None


def reason_text(reason: str | None) -> str:
    """A bank or tax-system reason with its meaning and next step."""
    if not reason:
        return ""
    e = explain(reason)
    return (
        f"{e.reason}：{e.meaning}{e.next_step}"
        if e.meaning != f"{e.reason}。"
        else (f"{e.meaning}{e.next_step}")
    )


def yes_no(value: Any) -> str:
    return "是" if value in (True, 1, "1") else "否"


def line_columns(names: LevyNames) -> list[Column]:
    """The columns naming one line of an 应征凭证 (欠费, 到账): the 凭证, the unit, 征收项目 and
    品目, 缴纳部分 and 费款所属期."""
    return [
        Column("voucher_number", "应征凭证序号", 175),
        Column("unit_number", "单位编号", 100),
        Column("levy_item", "征收项目", 160, formatter=names.levy_item),
        Column("levy_category", "征收品目", 200, formatter=names.levy_category),
        Column("part", "缴纳部分", 80, align="center"),
        Column("period_start", "费款所属期起", 95, kind="month"),
        Column("period_end", "费款所属期止", 95, kind="month"),
    ]


def arrears_columns(
    scope: PaymentScope, on_voucher: Callable[..., Any] | None = None
) -> list[Column]:
    return [
        *line_columns(scope.names),  # ends with 费款所属期止
        Column("pay_deadline", "缴费期限", 95, kind="date"),
        Column("pay_type", "缴费类型", 80, align="center"),
        Column("sequential", "是否顺序缴费", 90, align="center", formatter=yes_no),
        Column("deferrable", "操作类型", 80, align="center",
               formatter=lambda v: "可缓缴" if v in (True, 1) else ""),
        Column("amount", "应缴金额（元）", 120, kind="amount"),
        Column("state", "状态", 80, align="center"),
        Column("reason", "失败原因", 260, sortable=False, formatter=reason_text),
        Column("bank_voucher_id", "已开具凭证", 90, align="center",
               formatter=lambda v: "已开具" if v else ""),
        Column("declared_at", "申报日期", 150, kind="datetime"),
    ]  # fmt: skip
