"""城乡居民申报缴费状态查询（自主） (manual §3.5): the 缴费年度's snapshot downloaded by 更新
(warned first: slow, not to be run often; progress and 取消; a cancelled or failed 更新 keeps
what was there), filtered by 缴费年度, 乡镇街道, 社区村组, 征收项目, 品目, 申报状态, 缴费状态 and
姓名/证件号码, and 导出 of what the conditions select, for 催收."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QComboBox

from client.collector.grades import grade_names, with_grade_name
from client.collector.statuses import (
    DECLARE_STATES,
    PAY_STATES,
    SLOW_WARNING,
    ResidentStatuses,
    StatusDownload,
)
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.storage.listing import MappedSource
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    TextCondition,
)
from client.ui.listpage.context import PageServices
from client.ui.pages import BasePage, PageContext
from client.unit_reference.service import LevyNames

TITLE = "城乡居民申报缴费状态查询（自主）"
YEARS_BACK = 4
NEVER = "尚未更新{year}年度的申报缴费状态，请点击【更新】从管理子系统获取。"
NO_MATCH = "没有符合条件的城乡居民，请修改查询条件后再查询。"
CANCELLED = "已取消更新，原有的申报缴费状态数据保持不变。"
FAILED = "{reason}原有的申报缴费状态数据保持不变。"


class ResidentStatusesPage(BasePage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_resident_statuses")
        app = ctx.ui.app
        session = ctx.session
        self.names = LevyNames(app.app_db)
        self.id_types = app.app_db.code_table("id_types")
        self.service = ResidentStatuses(session.api, session.db, session.unit.unit_id)
        self.today = app.local_today()
        self.handle: JobHandle[StatusDownload] | None = None
        self.last_download: StatusDownload | None = None
        services = PageServices(app.settings, ctx.ui.prompts, self.runner)
        grades = grade_names(app.app_db.rule_file("resident_grades"))
        source = MappedSource(self.service.source(), lambda row: with_grade_name(row, grades))
        self.list = ListPage(self._spec(), source, services, self, auto_query=False)
        self.content.addWidget(self.list)
        township = self.list.panel.editor("township")
        assert isinstance(township, QComboBox)
        township.currentIndexChanged.connect(
            lambda _i: self.list.reload_condition_options("village")
        )
        year = self.list.panel.editor("year")
        assert isinstance(year, QComboBox)
        year.currentIndexChanged.connect(lambda _i: self._year_changed())
        levy = self.list.panel.editor("levy_item")
        assert isinstance(levy, QComboBox)
        levy.currentIndexChanged.connect(
            lambda _i: self.list.reload_condition_options("levy_category")
        )
        self._year_changed()  # the choices of the chosen year, now that the panel exists
        self.query()

    # -- the page as the manual describes it -----------------------------------------------
    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key="resident_statuses",
            title=TITLE,
            columns=[
                Column("name", "姓名", 90),
                Column("id_type", "证件类型", 110, formatter=self._id_type),
                Column("id_number", "证件号码", 170),
                Column("township", "乡镇街道", 130),
                Column("village", "社区村组", 130),
                Column("levy_item", "征收项目", 180, formatter=self.names.levy_item),
                Column("levy_category", "征收品目", 220, formatter=self.names.levy_category),
                Column("declare_status", "申报状态", 80, align="center"),
                Column("pay_status", "缴费状态", 80, align="center"),
                Column("grade_name", "缴费档次", 90, align="center", sortable=False),
                Column("amount", "申报金额（元）", 110, kind="amount"),
                Column("declaration_id", "申报序号", 150),
                Column("declared_at", "申报时间", 150, kind="datetime"),
                Column("paid_at", "缴费时间", 150, kind="datetime"),
            ],
            conditions=[
                ComboCondition(
                    "year",
                    "缴费年度",
                    self._year_options,
                    default=self.today.year,
                    include_all=False,
                ),
                ComboCondition("township", "乡镇街道", self._townships),
                ComboCondition("village", "社区村组", self._villages),
                ComboCondition("levy_item", "征收项目", self._levy_items),
                ComboCondition("levy_category", "品目", self._levy_categories),
                ComboCondition("declare_status", "申报状态", list(DECLARE_STATES)),
                ComboCondition("pay_status", "缴费状态", list(PAY_STATES)),
                TextCondition("person", "姓名/证件号码", placeholder="支持模糊查询"),
            ],  # fmt: skip
            actions=[
                Action("update", "更新", lambda _p: self.update(), object_name="btn_update"),
                Action("export", "导出", lambda page: page.export_all(), object_name="btn_export"),
            ],  # fmt: skip
            checkable=False,
            summary=self._summary,
            default_sort=[("row_id", True)],
            export_name="城乡居民申报缴费状态",
            empty_text=NO_MATCH,
            async_queries=True,
            on_query=lambda _p: self.query(),
            condition_columns=4,
        )

    def _id_type(self, code: Any) -> str:
        return self.id_types.get(code, code or "") if code else ""

    def _year(self) -> int | None:
        value = self.list.condition_value("year") if hasattr(self, "list") else None
        return int(value) if value is not None else self.today.year

    def _year_options(self) -> list[tuple[str, int]]:
        years = {self.today.year - n for n in range(YEARS_BACK + 1)} | set(self.service.years())
        return [(f"{y}", y) for y in sorted(years, reverse=True)]

    def _townships(self) -> list[str]:
        return self.service.distinct("township", self._year()) if hasattr(self, "list") else []

    def _villages(self) -> list[str]:
        if not hasattr(self, "list"):
            return []
        township = self.list.condition_value("township")
        return self.service.distinct("village", self._year(), township=township)

    def _levy_items(self) -> list[tuple[str, str]]:
        if not hasattr(self, "list"):
            return []
        codes = self.service.distinct("levy_item", self._year())
        return [(self.names.levy_item(c) or c, c) for c in codes]

    def _levy_categories(self) -> list[tuple[str, str]]:
        if not hasattr(self, "list"):
            return []
        levy_item = self.list.condition_value("levy_item")
        codes = self.service.distinct("levy_category", self._year(), levy_item=levy_item)
        return [(self.names.levy_category(c) or c, c) for c in codes]

    def _summary(self, filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        year = filters.get("year")
        done = self.service.downloaded(int(year)) if year is not None else None
        if done is None:
            return [("数据更新时间", "尚未更新")]
        counts = self.service.counts(filters)
        return [
            ("人数", f"{counts.persons:,}人"),
            ("条数", f"{counts.rows:,}条"),
            ("已申报", f"{counts.declared:,}条"),
            ("已缴费", f"{counts.paid:,}条"),
            ("数据更新时间", done.fetched_at.strftime("%Y-%m-%d %H:%M:%S")),
        ]

    # -- 查询 ------------------------------------------------------------------------------------
    def _year_changed(self) -> None:
        for key in ("township", "village", "levy_item", "levy_category"):
            self.list.reload_condition_options(key)

    def query(self) -> None:
        year = self._year()
        never = year is not None and self.service.downloaded(year) is None
        self.list.set_empty_text(NEVER.format(year=year) if never else NO_MATCH)
        self.list.query()

    def refresh(self) -> None:
        self.list.refresh()

    # -- 更新 ------------------------------------------------------------------------------------
    def update(self) -> JobHandle[StatusDownload] | None:
        """更新 the chosen 缴费年度, after the warning that it is slow."""
        year = self._year()
        if year is None:
            return None
        if not self.prompts.confirm(self, SLOW_WARNING.format(year=year), title="更新申报状态"):
            return None

        def run(job_ctx: JobContext) -> StatusDownload:
            return self.service.download(year, job_ctx)

        self.handle = self.runner.run(
            Job(f"更新{year}年度申报缴费状态", run),
            self._updated,
            self._failed,
            label=lambda p: f"{p.phase}… {p.done:,}/{p.total:,}" if p.total else p.phase,
        )
        return self.handle

    def _updated(self, done: StatusDownload) -> None:
        self.last_download = done
        self._year_changed()
        self.query()
        self.prompts.info(
            self, f"更新完成，共获取{done.year}年度{done.count:,}条申报缴费状态。", title=TITLE
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, JobCancelled):
            self.prompts.info(self, CANCELLED, title=TITLE)
            return
        self.prompts.error(self, FAILED.format(reason=user_message(error)), title=TITLE)
