"""社保费批扣费额设置 (manual §3.17): the unit's 批扣费额 as the 管理子系统 keeps them.
查询 by 姓名, 证件号码, 险种, 生效年度 and 有效标志; 新增 in two steps (AddAmountDialog);
作废 an 有效 setting after the manual's confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from client.authorisation.amounts import INSURANCES, STATES, VALID, VOID_QUESTION, AmountSettings
from client.errors import user_message
from client.ui.authorisation.amounts_dialog import AddAmountDialog
from client.ui.authorisation.page_base import DeductionPage
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    ListPageSpec,
    RowAction,
    TextCondition,
)
from client.ui.pages import PageContext

TITLE = "社保费批扣费额设置"
VOIDED = "已作废：{name}{year}年度{insurance}的批扣费额不再参与社保费批扣。"


class AmountSettingsPage(DeductionPage):
    TITLE = TITLE
    ID_TYPES: dict[str, str] = {}  # the services' own defaults when the code table is missing
    VOID_QUESTION = VOID_QUESTION
    VOID_JOB = "正在作废批扣费额"
    VOIDED = VOIDED

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, "page_auth_amounts")
        self.service = AmountSettings(ctx.session.api, self.unit_id, self.id_types)
        this_year = ctx.ui.app.local_today().year
        self.years = list(range(this_year, this_year - 5, -1))
        self.dialog: AddAmountDialog | None = None
        self._add_list(self._spec(), self.service.source())

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key="auth_amounts",
            title=TITLE,
            columns=[
                Column("name", "姓名", 90),
                Column("id_type", "证件类型", 100, formatter=self._id_type),
                Column("id_number", "证件号码", 170),
                Column("insurance_name", "险种", 170),
                Column("levy_category", "征收品目", 200, formatter=self.names.levy_category),
                Column("agency", "社保经办机构", 200),
                Column("year", "生效年度", 80, align="center"),
                Column("amount", "缴费金额(元)", 110, kind="amount"),
                Column("state", "有效标志", 80, align="center"),
                Column("created_at", "设置时间", 150, kind="datetime"),
            ],
            conditions=[
                TextCondition("name", "姓名"),
                TextCondition("id_number", "证件号码"),
                ComboCondition("insurance", "险种", [(n, c) for c, n in INSURANCES.items()]),
                ComboCondition("year", "生效年度", [(str(y), y) for y in self.years]),
                ComboCondition("state", "有效标志", list(STATES)),
            ],
            actions=[Action("add_amount", "新增", lambda _p: self.add())],
            row_actions=[RowAction("void", "作废", lambda _p, row: self.void(row),
                                   visible=lambda row: row.get("state") == VALID)],
            checkable=False,
            async_queries=True,
            empty_text="暂无批扣费额设置，点击【新增】设置城乡居民社保费批扣缴费金额。",
            condition_columns=3,
        )  # fmt: skip

    def add(self) -> AddAmountDialog:
        """新增: the two-step dialog; saved settings show in the list at once."""
        self.dialog = AddAmountDialog(self)
        self.dialog.open()
        return self.dialog

    def saved(self, _row: dict[str, Any]) -> None:
        self.list.refresh()

    def _void(self, row: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        service, setting_id = self.service, int(row["setting_id"])
        return lambda: service.void(setting_id)

    def _failed(self, error: BaseException) -> None:
        self.list.refresh()
        self.prompts.error(self, user_message(error), title=TITLE)

    def refresh(self) -> None:
        self.list.refresh()
