"""社保费批扣清册查询 (manual §3.20): an empty list on open; 姓名, 证件类型, 证件号码 and
费款所属期起止, then 查询 reads the 清册 from the 管理子系统 page by page (a unit's whole 清册
when the resident is left blank). 查看 one row; 作废 where the table of §3.20.2 allows it
(not 扣款成功, not already 已作废); 导出 the ticked or all matching rows to Excel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from client.authorisation.rolls import STATES, VOID_QUESTION, DeductionRolls, can_void
from client.errors import user_message
from client.jobs import Job, JobContext
from client.ui.authorisation.page_base import DeductionPage
from client.ui.dialogs.detail import DetailDialog, DetailSection
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Column,
    ComboCondition,
    ListPageSpec,
    MonthRangeCondition,
    RowAction,
    export_action,
    format_amount,
)
from client.ui.page_helpers import person_conditions
from client.ui.pages import PageContext

TITLE = "社保费批扣清册查询"
EMPTY = "请输入城乡居民姓名、证件类型、证件号码以及费款所属期起止，点击【查询】查询社保费批扣清册。"
VOIDED = "作废成功：{name}{year}年度{insurance}的批扣清册已作废，可选择其他缴费方式缴费。"


def roll_columns(id_type: Callable[[Any], str]) -> list[Column]:
    """The list's (and 导出's) columns; `id_type` shows a 证件类型 code by name."""
    return [
        Column("roll_number", "清册编号", 170),
        Column("name", "姓名", 90),
        Column("id_type", "证件类型", 100, formatter=id_type, sortable=False),
        Column("id_number", "证件号码", 170, sortable=False),
        Column("insurance_name", "险种", 170, sortable=False),
        Column("year", "所属年度", 80, align="center"),
        Column("period", "费款所属期", 150, align="center", sortable=False),
        Column("amount", "扣款金额(元)", 110, kind="amount"),
        Column("deduct_date", "扣款日期", 100, kind="date"),
        Column("state", "批扣状态", 100, align="center"),
        Column("voided", "作废状态", 80, align="center", sortable=False),
        Column("failure_reason", "失败原因", 180, sortable=False),
    ]


class DeductionRollsPage(DeductionPage):
    TITLE = TITLE
    VOID_QUESTION = VOID_QUESTION
    VOID_JOB = "正在作废批扣清册"
    VOIDED = VOIDED

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, "page_auth_rolls")
        self.service = DeductionRolls(ctx.session.api, self.unit_id)
        self.dialog: DetailDialog | None = None
        self._add_list(self._spec(), self.service.source(), auto_query=False)

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key="auth_rolls",
            title=TITLE,
            columns=roll_columns(self._id_type),
            conditions=[
                *person_conditions(self.id_types),
                MonthRangeCondition("period", "费款所属期"),
                ComboCondition("state", "批扣状态", list(STATES)),
            ],
            actions=[export_action("选中清册", "所有清册")],
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row)),
                RowAction("void", "作废", lambda _p, row: self.void(row), visible=can_void),
            ],
            async_queries=True,
            empty_text=EMPTY,
            export_name=TITLE,
            condition_columns=3,
            row_actions_width=110,
        )  # fmt: skip

    # -- 查看 -------------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> JobHandle[Any]:
        """查看: the row as the 管理子系统 has it now."""
        service, row_id = self.service, int(row["row_id"])

        def run(_ctx: JobContext) -> dict[str, Any]:
            return service.detail(row_id)

        self.handle = self.runner.run(Job("正在查询批扣清册", run), self._show, self._failed)
        return self.handle

    def _show(self, row: dict[str, Any]) -> None:
        sections = [
            DetailSection("居民信息", fields=[
                ("姓名", row["name"]), ("证件类型", self._id_type(row["id_type"])),
                ("证件号码", row["id_number"]),
            ]),
            DetailSection("批扣信息", fields=[
                ("清册编号", row["roll_number"]), ("险种", row["insurance_name"]),
                ("征收品目", self.names.levy_category(row["levy_category"])
                 or row["levy_category"]),
                ("所属年度", row["year"]), ("费款所属期", row["period"]),
                ("扣款金额(元)", format_amount(row["amount"])),
                ("扣款日期", row["deduct_date"] or ""), ("批扣状态", row["state"]),
                ("作废状态", row["voided"]), ("失败原因", row["failure_reason"] or ""),
                ("生成时间", row["created_at"]), ("作废时间", row["voided_at"] or ""),
            ]),
        ]  # fmt: skip
        self.dialog = self._open_detail("查看社保费批扣清册", sections, "dialog_roll_detail")

    # -- 作废 -------------------------------------------------------------------------------
    def _void(self, row: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        service, chosen = self.service, dict(row)
        return lambda: service.void(chosen)

    def _failed(self, error: BaseException) -> None:
        self.prompts.error(self, user_message(error), title=TITLE)
        if self.list.total:
            self.list.refresh()
