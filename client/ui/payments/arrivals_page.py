"""查询统计-社保费到账信息查询 (manual §2.22): the paid lines once 入库, fetched from the 管理子系统
when the page opens; 费款所属期起止, 征收项目 and 到账状态 as conditions, 查询, 重置, 导出, and
the 缴费金额 合计 of what the conditions select. Only the 用人单位 menu has it (the manual's
chapter 3 has no 社保费到账信息查询)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from client.errors import user_message
from client.jobs import Job, JobCancelled
from client.payments.arrivals import STATES, Arrivals
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    MonthRangeCondition,
    PageServices,
    format_amount,
)
from client.ui.pages import BasePage, PageContext
from client.ui.payments.common import line_columns
from client.unit_reference.service import LevyNames


class ArrivalsPage(BasePage):
    KEY: ClassVar[str] = "fee_arrivals"
    TITLE: ClassVar[str] = "社保费到账信息查询"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName(f"page_{self.KEY}")
        session = ctx.session
        self.service = Arrivals(session.api, session.db, session.unit.unit_id)
        self.names = LevyNames(ctx.ui.app.app_db)
        self.handle: JobHandle[int] | None = None
        self.list = ListPage(
            self._spec(),
            self.service.source(),
            PageServices(ctx.ui.app.settings, ctx.ui.prompts, self.runner),
            self,
            auto_query=False,
        )
        self.content.addWidget(self.list)
        self.fetch()

    def _spec(self) -> ListPageSpec:
        names = self.names
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=self.TITLE,
            columns=[
                *line_columns(names),
                Column("amount", "缴费金额（元）", 120, kind="amount"),
                Column("channel", "缴费方式", 110, align="center"),
                Column("paid_at", "缴费时间", 150, kind="datetime"),
                Column("stored_on", "入库日期", 100, kind="date"),
                Column("arrived_on", "到账日期", 100, kind="date"),
                Column("state", "到账状态", 80, align="center"),
            ],
            conditions=[
                MonthRangeCondition("period", "费款所属期"),
                ComboCondition("levy_item", "征收项目", names.levy_item_options),
                ComboCondition("state", "到账状态", list(STATES)),
            ],
            actions=[Action("export", "导出", lambda p: p.export_all())],
            checkable=False,
            summary=self._summary,
            empty_text="暂无社保费到账信息。社保费缴费成功并入库后，这里会显示其到账情况。",
            export_name=self.TITLE,
        )

    def _summary(self, filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [("缴费金额合计", f"{format_amount(self.service.total(filters))}元")]

    def fetch(self) -> JobHandle[int]:
        """页面初始化: query the unit's 到账信息 from the 管理子系统."""

        def failed(error: BaseException) -> None:
            self.list.query()  # what was fetched before is still shown
            if not isinstance(error, JobCancelled):
                self.prompts.error(self, user_message(error), title=self.TITLE)

        self.handle = self.runner.run(
            Job("查询社保费到账信息", self.service.refresh), lambda _n: self.list.query(), failed
        )
        return self.handle

    def refresh(self) -> None:
        self.list.refresh()
