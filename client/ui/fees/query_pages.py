"""查询统计 of 社保费申报: 社保费应缴信息查询 (§2.21), 社保费申报明细查询 (§2.20, §3.15) and the
申报日志 (the local journal of every 提交申报 and 作废)."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtWidgets import QDialog, QVBoxLayout

from client.fees.declare import SyncResult
from client.fees.journal import ACCEPTED, OUTCOME, REFUSED, SUBMIT, UNKNOWN, VOID, FeeJournal
from client.fees.rules import (
    CATEGORY_TITLES,
    DAILY,
    DECLARATION_STATES,
    ITEM_STATES,
    SELF,
    SOURCE_TITLES,
)
from client.jobs import Job
from client.ui.fees.common import FeeScope, category_title, source_title, with_rate
from client.ui.fees.dialogs import dialog_buttons, lines_columns
from client.ui.fees.records_page import DeclarationsSyncPage
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPage,
    ListPageSpec,
    MonthRangeCondition,
    TextCondition,
    export_action,
)
from client.ui.page_helpers import EXPORT_ALL, KeyedListPage
from client.ui.pages import PageContext
from client.ui.widgets.common import label


class FeeDuesPage(KeyedListPage):
    """社保费应缴信息查询: fetched from 管理子系统 on opening, with each item's 申报处理状态."""

    KEY: ClassVar[str] = "fee_dues"
    TITLE: ClassVar[str] = "社保费应缴信息查询"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = FeeScope(ctx, self)
        self.show_list(
            with_rate(self.scope.items.dues_source()), self.scope.services, auto_query=False
        )
        self.fetch()

    def _spec(self) -> ListPageSpec:
        names = self.scope.names
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=[
                Column("created_at", "申报生成日期", 150, kind="datetime"),
                Column("state", "申报处理状态", 110, align="center"),
                Column("data_source", "数据来源", 130, formatter=source_title),
                Column("category", "申报类型", 100, formatter=category_title),
                Column("headcount", "申报人数", 80, kind="number"),
                Column("wage_total", "申报工资合计（元）", 130, kind="amount"),
                Column("base_total", "缴费基数合计（元）", 130, kind="amount"),
                Column("rate", "费率", 90, align="right", sortable=False),
                Column("amount", "应缴金额（元）", 120, kind="amount"),
                Column("period_start", "应缴所属期起", 95, kind="month"),
                Column("period_end", "应缴所属期止", 95, kind="month"),
                # not in the figure of §2.21.1: after its columns, so its order is kept
                Column("unit_number", "单位编号", 100),
                Column("levy_item", "征收项目", 160, formatter=names.levy_item),
                Column("levy_category", "征收品目", 200, formatter=names.levy_category),
            ],
            conditions=[
                ComboCondition("state", "申报处理状态", list(ITEM_STATES)),
                ComboCondition(
                    "data_source", "数据来源", [(t, c) for c, t in SOURCE_TITLES.items()]
                ),
                ComboCondition(
                    "category",
                    "申报类型",
                    [(CATEGORY_TITLES[c], c) for c in self.scope.categories],
                ),
                ComboCondition("levy_item", "征收项目", names.levy_item_options),
                MonthRangeCondition("period", "应缴所属期"),
                DateRangeCondition("created", "申报生成日期"),
            ],
            actions=[Action("refresh", "刷新", lambda _p: self.fetch()), EXPORT_ALL],
            checkable=False,
            empty_text="暂无社保费应缴信息。管理子系统生成预处理信息或收到征集信息后，这里会显示。",
            export_name="社保费应缴信息",
        )

    def fetch(self) -> JobHandle[int]:
        """页面初始化: query the unit's 应缴信息 from 管理子系统."""
        items = self.scope.items
        categories = self.scope.categories
        self.handle = self.runner.run(
            Job("查询社保费应缴信息", lambda _ctx: items.refresh(categories)),
            lambda _n: self.list.query(),
            self.failure(self.TITLE, quiet_cancel=False),  # the list fetched before stays
        )
        return self.handle


class FeeLinesQueryPage(DeclarationsSyncPage):
    """社保费申报明细查询: the person lines of successful 日常申报 (注意事项: only those),
    local; opening it offers to download the lines not downloaded yet; 同步 first brings
    the declarations of a chosen date range."""

    KEY: ClassVar[str] = "fee_lines_query"
    TITLE: ClassVar[str] = "社保费申报明细查询"
    CATEGORIES: ClassVar[tuple[str, ...]] = (DAILY,)
    SYNC_JOB: ClassVar[str] = "同步申报明细"
    PLACES: ClassVar[bool] = False  # 代收单位: 乡镇街道/社区村组 of each resident (§3.15)

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.download_dialog: MissingLinesDialog | None = None
        self.show_list(
            self.service.records.declared_lines_source(self.CATEGORIES, self.PLACES),
            self.scope.services,
        )
        self.offer_download()

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=self._columns(),
            conditions=self._conditions(),
            actions=[
                Action("sync", "同步", lambda _p: self.sync()),
                Action("download", "下载申报明细", lambda _p: self.offer_download(True)),
                export_action(f"选中{self.scope.person}", "全部数据"),
            ],
            empty_text="本地还没有社保费申报明细，可点击【同步】从管理子系统获取。",
            export_name="社保费申报明细",
            async_queries=True,
        )

    def _columns(self) -> list[Column]:
        columns = [
            Column("submitted_at", "申报日期", 150, kind="datetime"),
            *lines_columns(self.scope),
            Column("declaration_id", "申报编号", 150),
        ]
        if self.PLACES:
            columns[3:3] = [Column("township", "乡镇街道", 120), Column("village", "社区村组", 120)]
        return columns

    def _conditions(self) -> list[Any]:
        records = self.service.records
        if self.PLACES:  # §3.15: 申报时间段, 缴费年度, 乡镇街道, 社区村组
            return [
                DateRangeCondition("submitted", "申报时间段"),
                ComboCondition("year", "缴费年度", lambda: records.line_years(self.CATEGORIES)),
                ComboCondition("township", "乡镇街道", records.resident_townships),
                TextCondition("village", "社区村组"),
                TextCondition("name", "姓名"),
                TextCondition("id_number", "证件号码"),
            ]
        return [
            TextCondition("name", "姓名"),
            TextCondition("id_number", "证件号码"),
            ComboCondition("unit_number", "单位编号", records.line_unit_numbers),
            ComboCondition("levy_item", "征收项目", self.scope.names.levy_item_options),
            MonthRangeCondition("period", "费款所属期"),
            DateRangeCondition("submitted", "申报日期"),
        ]

    def offer_download(self, explicit: bool = False) -> MissingLinesDialog | None:
        """进入本页面时检测是否存在未下载的申报明细: list them with tick boxes, 下载."""
        missing = self.service.records.declarations_missing_lines(self.CATEGORIES)
        if not missing:
            if explicit:
                self.prompts.info(self, "所有申报成功的申报记录的明细都已下载。", "下载申报明细")
            return None
        self.download_dialog = MissingLinesDialog(self, missing)
        self.download_dialog.accepted.connect(
            lambda: self.download(self.download_dialog.chosen())  # type: ignore[union-attr]
        )
        self.download_dialog.open()
        return self.download_dialog

    def download(self, declaration_ids: list[str]) -> JobHandle[int] | None:
        if not declaration_ids:
            self.prompts.warning(self, "请先勾选需要下载明细的申报记录。")
            return None
        service = self.service
        item_ids = [i for d in declaration_ids for i in service.records.item_ids(d)]

        def done(written: int) -> None:
            self.list.query()
            self.prompts.info(self, f"下载完成，共下载{written:,}条申报明细。", "下载申报明细")

        self.handle = self.runner.run(
            Job("下载申报明细", lambda ctx: service.items.download_lines(item_ids, ctx)), done
        )
        return self.handle

    def _synced(self, result: SyncResult) -> None:
        self.list.query()
        if self.offer_download() is None:
            self.prompts.info(self, f"同步完成，共同步{result.declarations}条申报记录。", "同步")


class MissingLinesDialog(QDialog):
    """下载申报明细: the successful declarations whose lines are not downloaded, ticked."""

    def __init__(self, page: FeeLinesQueryPage, declaration_ids: list[str]) -> None:
        super().__init__(page)
        self.setObjectName("dialog_fee_missing_lines")
        self.setWindowTitle("下载申报明细")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                f"有{len(declaration_ids)}笔申报成功的记录尚未下载{page.scope.person}申报明细，"
                "勾选后点击【下载】：",
                "label_missing_lines",
            )
        )
        self.list = ListPage(
            ListPageSpec(
                page_key="fee_missing_lines",
                title="下载申报明细",
                columns=[
                    Column("submitted_at", "申报日期", 150, kind="datetime"),
                    Column("unit_number", "单位编号", 100),
                    Column("period_start", "费款所属期起", 95, kind="month"),
                    Column("period_end", "费款所属期止", 95, kind="month"),
                    Column("headcount", "缴费人数", 80, kind="number"),
                    Column("amount", "应缴费额合计（元）", 130, kind="amount"),
                    Column("declaration_id", "申报编号", 160),
                ],
            ),
            page.service.records.declarations_source(declaration_ids),
            page.scope.services,
            self,
        )
        layout.addWidget(self.list, 1)
        self.list.query_finished.connect(lambda: self.list.set_page_checked(True))
        self.list.set_page_checked(True)  # all ticked by default (the first query is done)
        self.btn_download, cancel = dialog_buttons(
            layout, ("下载", "btn_download_lines"), ("取消", "btn_cancel")
        )
        self.btn_download.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)

    def chosen(self) -> list[str]:
        return [str(k) for k in self.list.checked_keys()]


class FeeJournalPage(KeyedListPage):
    """申报日志: every 提交申报 and 作废 made on this computer, and the results that came
    back; kept append-only, exportable."""

    KEY: ClassVar[str] = "fee_journal"
    TITLE: ClassVar[str] = "申报日志"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.show_list(FeeJournal(ctx.session.db).source(), FeeScope(ctx, self).services)

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=[
                Column("at", "时间", 150, kind="datetime"),
                Column("operator", "操作人", 90),
                Column("action", "操作", 80, align="center"),
                Column("page", "页面", 120),
                Column("declaration_ids", "申报编号", 220),
                Column("item_count", "信息条数", 70, kind="number"),
                Column("headcount", "缴费人数", 70, kind="number"),
                Column("amount", "应缴费额合计（元）", 130, kind="amount"),
                Column("result", "结果", 80, align="center"),
                Column("detail", "说明", 320, sortable=False),
            ],
            conditions=[
                ComboCondition("action", "操作", [SUBMIT, VOID, OUTCOME]),
                ComboCondition("result", "结果", [ACCEPTED, REFUSED, UNKNOWN, *DECLARATION_STATES]),
                TextCondition("declaration_id", "申报编号"),
                DateRangeCondition("at", "时间"),
            ],
            actions=[EXPORT_ALL],
            checkable=False,
            empty_text="还没有提交申报或作废的记录。",
            export_name="社保费申报日志",
        )


class ResidentLinesQueryPage(FeeLinesQueryPage):
    """代收单位 社保费申报明细查询 (§3.15): 核定申报 and 自主申报 persons with their 乡镇街道 and
    社区村组, by 申报时间段 and 缴费年度."""

    CATEGORIES: ClassVar[tuple[str, ...]] = (DAILY, SELF)
    PLACES: ClassVar[bool] = True
