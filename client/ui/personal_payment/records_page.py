"""缴费记录查询 (manual §3.23): nothing on open; 查询 asks the 征收子系统 for the orders made
(姓名, 证件类型, 证件号码, 费款所属期起止, 缴费状态); 查看 shows an order with its 缴费记录明细;
缴费 shows the QR code of a 待支付 order again, or says 订单状态已变更，不能继续支付。"""

from __future__ import annotations

from typing import Any

from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.personal_payment import rules
from client.personal_payment.service import OrderStateChanged, PersonalPayments
from client.storage.listing import RowsSource
from client.ui.dialogs.detail import DetailDialog, DetailSection, DetailTable
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    MonthRangeCondition,
    RowAction,
    TextCondition,
)
from client.ui.listpage.context import PageServices
from client.ui.pages import BasePage, PageContext
from client.ui.personal_payment.dialogs import PaymentDialog
from client.unit_reference.service import LevyNames

TITLE = "缴费记录查询"
EMPTY = "请输入查询条件，点击【查询】查询已生成支付订单的缴费记录。"
NONE_FOUND = "没有符合条件的缴费记录。"
NOTICE = "温馨提示"


class PersonalPaymentsPage(BasePage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_personal_payments")
        app = ctx.ui.app
        self.names = LevyNames(app.app_db)
        self.id_types = app.app_db.code_table("id_types")
        session = ctx.session
        self.service = PersonalPayments(
            session.api, session.db, session.unit.unit_id, self.id_types
        )
        self.handle: JobHandle[Any] | None = None
        self.detail_dialog: DetailDialog | None = None
        self.payment_dialog: PaymentDialog | None = None
        self.source = RowsSource("row_key")
        services = PageServices(app.settings, ctx.ui.prompts, self.runner)
        self.list = ListPage(self._spec(), self.source, services, self)
        self.content.addWidget(self.list)

    def _id_type(self, code: Any) -> str:
        return self.id_types.get(code, code or "")

    def _levies(self, codes: Any) -> str:
        return "、".join(self.names.levy_item(c) for c in codes or [])

    def _spec(self) -> ListPageSpec:
        id_types = list(self.id_types.items()) or [("01", "居民身份证")]
        return ListPageSpec(
            page_key="personal_payments",
            title=TITLE,
            columns=[
                # the manual's columns in its order (§3.23 figure), then 订单号 and 支付方式
                Column("created_at", "订单生成日期", 140, kind="datetime"),
                Column("name", "姓名", 70),
                Column("id_type", "证件类型", 80, formatter=self._id_type),
                Column("id_number", "证件号码", 160),
                Column("levy_items", "参保险种", 150, formatter=self._levies, sortable=False),
                Column("years_text", "缴费年度", 70, align="center"),
                Column("amount", "缴费金额(元)", 100, kind="amount"),
                Column("state", "缴费状态", 70, align="center"),
                Column("order_id", "订单号", 160),
                Column("method", "支付方式", 70, align="center"),
            ],
            conditions=[
                TextCondition("name", "姓名"),
                ComboCondition("id_type", "证件类型", [(name, code) for code, name in id_types]),
                TextCondition("id_number", "证件号码"),
                MonthRangeCondition("period", "费款所属期"),
                ComboCondition("state", "缴费状态", list(rules.STATES)),
            ],
            row_actions=[
                RowAction("view", "查看", lambda _page, row: self.view(row)),
                RowAction(
                    "pay",
                    "缴费",
                    lambda _page, row: self.continue_payment(row),
                    visible=lambda row: rules.may_continue(row["state"]),
                ),
            ],
            checkable=False,
            empty_text=EMPTY,
            on_query=lambda _page: self.fetch(),
        )

    # -- 查询 --------------------------------------------------------------------------------
    def fetch(self) -> JobHandle[list[dict[str, Any]]]:
        values = {k: self.list.condition_value(k) for k in ("name", "id_type", "id_number")}
        period_from, period_to = self.list.condition_value("period") or (None, None)
        state = self.list.condition_value("state")

        def run(_ctx: JobContext) -> list[dict[str, Any]]:
            return self.service.orders(
                **values, period_from=period_from, period_to=period_to, state=state
            )

        self.handle = self.runner.run(Job("正在查询缴费记录", run), self._show, self._failed)
        return self.handle

    def _show(self, found: list[dict[str, Any]]) -> None:
        self.source.set_rows(found)
        self.list.set_empty_text(NONE_FOUND)
        self.list.query()

    def _failed(self, error: BaseException) -> None:
        self.source.set_rows([])
        self.list.set_empty_text(EMPTY)
        self.list.query()
        if not isinstance(error, JobCancelled):
            self.prompts.error(self, user_message(error), title=TITLE)

    # -- 查看 --------------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]]:
        def run(_ctx: JobContext) -> dict[str, Any]:
            return self.service.order(row["order_id"])

        self.handle = self.runner.run(Job("正在查询订单详情", run), self._show_detail)
        return self.handle

    def _show_detail(self, order: dict[str, Any]) -> None:
        paid_on = (order.get("finished_at") or "")[:10] if order["state"] == rules.PAID else ""
        lines = [{**r, "paid_on": paid_on} for r in order.get("rows") or []]
        dialog = DetailDialog(
            "缴费订单详细信息",
            [
                DetailSection(
                    "订单信息",
                    [
                        ("订单号", order["order_id"]),
                        ("订单生成日期", order["created_at"]),
                        ("缴费状态", order["state"]),
                        ("姓名", order["name"]),
                        ("证件类型", self._id_type(order["id_type"])),
                        ("证件号码", order["id_number"]),
                        ("支付方式", order["method"]),
                        ("缴费金额(元)", f"{rules.money(order['amount']):,.2f}"),
                        ("完成时间", order.get("finished_at") or ""),
                        ("说明", order.get("reason") or ""),
                    ],
                ),
                DetailSection(
                    "缴费记录明细",
                    tables=[
                        DetailTable(
                            [
                                Column("tax_authority", "主管税务机关", 200),
                                Column("agency", "社保经办机构", 180),
                                Column("person_number", "人员编号", 120),
                                Column(
                                    "levy_item", "征收项目", 180, formatter=self.names.levy_item
                                ),  # fmt: skip
                                Column("amount", "征收金额", 100, kind="amount"),
                                Column("paid_on", "征收日期", 100, kind="date"),
                                Column("year", "缴费年度", 80),
                            ],
                            lines,
                        )
                    ],
                ),
            ],
            self,
            object_name="dialog_personal_order",
        )
        self.detail_dialog = dialog
        dialog.open()

    # -- 缴费 --------------------------------------------------------------------------------
    def continue_payment(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]]:
        def run(_ctx: JobContext) -> dict[str, Any]:
            return self.service.continue_payment(row["order_id"])

        self.handle = self.runner.run(
            Job("正在打开支付订单", run), self._show_payment, self._not_payable
        )
        return self.handle

    def _show_payment(self, order: dict[str, Any]) -> None:
        dialog = PaymentDialog(order, self.service.order, self, on_settled=lambda _o: self.fetch())
        self.payment_dialog = dialog
        dialog.open()

    def _not_payable(self, error: BaseException) -> None:
        if isinstance(error, JobCancelled):
            return
        if isinstance(error, OrderStateChanged):
            self.prompts.warning(self, error.message, title=NOTICE)
            self.fetch()  # the list shows the order's state now
            return
        self.prompts.error(self, user_message(error), title=TITLE)
