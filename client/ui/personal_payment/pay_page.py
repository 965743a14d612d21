"""社保费缴纳（自主） and 社保费缴纳（核定） (manual §3.21, §3.22): nothing on open; 姓名, 证件类型,
证件号码 (参保险种, 缴费年度 to narrow) and 查询 lists the resident's 待缴费信息; the rows of one
征集通知流水号 are one tick box; 立即缴费 → 缴费确认 (支付方式) → the order's QR code, followed
until it settles, then the list is asked again."""

from __future__ import annotations

from typing import Any

from client.collector.page_parts import PersonQueryPage
from client.jobs import Job, JobContext
from client.personal_payment import rules
from client.personal_payment.service import PendingQuery, PersonalPayments
from client.ui.jobs import JobHandle
from client.ui.listpage import Action, Column, ComboCondition, ListPageSpec
from client.ui.page_helpers import person_conditions
from client.ui.pages import PageContext
from client.ui.personal_payment.dialogs import MethodDialog, PaymentDialog

EMPTY = "请输入姓名、证件类型和证件号码，点击【查询】查询该居民的待缴费信息。"
NONE_PENDING = "该居民没有待缴费信息。"


class PersonalPayPage(PersonQueryPage):
    MODE = rules.SELF_MODE
    TITLE = "社保费缴纳（自主）"
    KEY = "personal_pay_self"
    EMPTY = EMPTY
    SORT = "seq"  # a 征集通知流水号's rows side by side
    found: PendingQuery | None

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        session = ctx.session
        self.service = PersonalPayments(
            session.api, session.db, session.unit.unit_id, self.id_types
        )
        today = ctx.ui.app.local_today()
        self.years = [today.year - n for n in range(5)]
        self.method_dialog: MethodDialog | None = None
        self.payment_dialog: PaymentDialog | None = None
        self.show_rows()

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=[
                Column("agency", "社保经办机构", 160),
                Column("person_number", "人员编号", 110),
                Column("levy_item", "征收项目", 160, formatter=self.names.levy_item),
                Column("levy_category", "征收品目", 180, formatter=self.names.levy_category),
                Column("levy_subcategory", "征收子目", 90, formatter=self.names.levy_subcategory),
                Column("pay_type", "缴费类型", 70, align="center"),
                Column("amount", "缴费金额", 100, kind="amount"),
                Column("year", "缴费年度", 70, align="center"),  # after the manual's columns
                Column("collection_serial", "征集通知流水号", 160),
            ],
            conditions=[
                *person_conditions(self.id_types, "* "),
                ComboCondition(
                    "levy_item",
                    "参保险种",
                    [(self.names.levy_item(c), c) for c in rules.LEVY_ITEMS],
                ),
                ComboCondition("year", "缴费年度", [(f"{y}", y) for y in self.years]),
            ],
            actions=[
                Action(
                    "pay",
                    "立即缴费",
                    lambda _page: self.pay(),
                    needs_selection=True,
                    object_name="btn_pay_now",
                    selection_message=rules.NOTHING_TICKED,
                )
            ],
            tick_group="tick_group",
            tick_group_members=self._members,
            summary=self._summary,
            empty_text=EMPTY,
            on_query=lambda _page: self.fetch(),
            condition_columns=3,
        )

    def _members(self, group: Any) -> list[Any]:
        rows = self.found.rows if self.found else []
        return [r["row_key"] for r in rows if r["tick_group"] == group]

    def _summary(self, _filters: Any) -> list[tuple[str, str]]:
        if self.found is None:
            return []
        return [
            ("姓名", self.found.person["name"]),
            ("待缴费笔数", f"{len(self.found.rows)}"),
            ("待缴费金额合计", f"{rules.money(self.found.total):,.2f}"),
        ]

    # -- 查询 --------------------------------------------------------------------------------
    def fetch(self) -> JobHandle[PendingQuery]:
        values = self.person_values()
        levy_item = self.list.condition_value("levy_item")
        year = self.list.condition_value("year")

        def run(_ctx: JobContext) -> PendingQuery:
            return self.service.pending(self.MODE, **values, levy_item=levy_item, year=year)

        handle = self.runner.run(Job("正在查询待缴费信息", run), self._show, self._failed)
        self.handle = handle
        return handle

    def _show(self, found: PendingQuery) -> None:
        order = {g: n for n, g in enumerate(dict.fromkeys(r["tick_group"] for r in found.rows))}
        for n, row in enumerate(found.rows):  # a group's rows side by side: one tick box
            row["seq"] = order[row["tick_group"]] * 10_000 + n
        self.list.model.clear_checks()
        self.show_found(found, found.rows, NONE_PENDING)

    # -- 立即缴费 ----------------------------------------------------------------------------
    def pay(self) -> None:
        if self.found is None:
            self.prompts.warning(self, rules.NOTHING_TICKED, title=self.TITLE)
            return
        found = self.found
        chosen = self.list.checked_rows()
        try:
            rows = rules.check_selection(found.rows, chosen)
        except rules.PaymentRuleError as exc:
            self.prompts.warning(self, exc.message, title=self.TITLE)
            return
        dialog = MethodDialog(f"{rules.total(rows)}", rules.years_text(rows), self)
        self.method_dialog = dialog
        dialog.accepted.connect(lambda: self._order(found, rows, dialog.method))
        dialog.open()

    def _order(self, found: PendingQuery, rows: list[Any], method: str | None) -> None:
        def run(_ctx: JobContext) -> dict[str, Any]:
            return self.service.create_order(found, rows, method)

        self.handle = self.runner.run(
            Job("正在生成支付订单", run), self._show_payment, cancellable=False
        )

    def _show_payment(self, order: dict[str, Any]) -> None:
        dialog = PaymentDialog(order, self.service.order, self, on_settled=self._settled)
        self.payment_dialog = dialog
        dialog.open()

    def _settled(self, order: dict[str, Any]) -> None:
        if order["state"] == rules.PAID:
            self.fetch()  # paid rows are no longer pending


class VerifiedPayPage(PersonalPayPage):
    MODE = rules.VERIFIED_MODE
    TITLE = "社保费缴纳（核定）"
    KEY = "personal_pay_verified"
