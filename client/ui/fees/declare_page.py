"""社保费申报 pages (manual §2.8 日常申报, §2.9 特殊缴费申报, §2.27 社保费申报（核定）, §2.23
工程项目社保费申报): one page shape, the module's descriptor picks which.

Opening the page fetches the latest items (刷新 fetches again); items that must be declared
together share one tick box; 缴费人数 downloads an item's 预处理明细 once and shows it;
提交申报 → 核对提示 → 确定 → 提交申报确认页面 → 立即提交 → the 20-second countdown (or
立即获取) → 申报记录.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from client.errors import user_message
from client.fees.declare import SubmissionPlan, SubmitResult
from client.fees.rules import PROJECT, SPECIAL, SPECIAL_TYPES, declaration_page
from client.jobs import Job, JobContext
from client.ui.dialogs.countdown import CountdownDialog
from client.ui.fees.common import FeeScope, item_columns, with_rate
from client.ui.fees.dialogs import LinesDialog, SubmitConfirmDialog, open_submitted
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    ComboCondition,
    ListPage,
    ListPageSpec,
    MonthRangeCondition,
    TextCondition,
    export_action,
)
from client.ui.pages import BasePage, PageContext

# the server refused because the list shown was out of date (declared elsewhere, a box
# changed meanwhile): the page fetches the items again after saying so
STALE_LIST_CODES = frozenset({"ALREADY_DECLARED", "MERGE_SPLIT", "ITEM_NOT_FOUND"})
SUBMITTED = "已提交{count}笔申报，应缴费额合计{amount}元。反馈结果将在倒计时结束后自动获取。"
# §2.8.2 三(二): "点击提示信息弹窗中的【确定】按钮" counts what is declared
CHECK_PROMPT = "请仔细核对勾选的社保费信息（费款所属期、征收项目、缴费人数和应缴金额），避免申报错误。确认无误后点击【确定】继续。"


class FeeDeclarePage(BasePage):
    """A 社保费申报 page; `PAGE` names which (daily, special, verified, project)."""

    PAGE: ClassVar[str]
    TITLE: ClassVar[str] = ""  # the page's own title, when not the manual's name of PAGE
    RECORDS: ClassVar[str] = "fee_records"  # where the countdown leads

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = FeeScope(ctx, self)
        self.page = declaration_page(self.PAGE, self.scope.collection_mode)
        if self.TITLE:  # the 代收单位 names the same items its own way
            self.page = replace(self.page, title=self.TITLE)
        self.setObjectName(f"page_fee_{self.PAGE}")
        self.handle: JobHandle[Any] | None = None
        self.plan: SubmissionPlan | None = None
        self.confirm_dialog: SubmitConfirmDialog | None = None
        self.countdown: CountdownDialog | None = None
        self.lines_dialog: LinesDialog | None = None
        self.last_result: SubmitResult | None = None
        self.list = ListPage(
            self._spec(),
            with_rate(self.scope.items.source(self.page)),
            self.scope.services,
            self,
            auto_query=False,
        )
        self.content.addWidget(self.list)
        self.refresh_items()

    def _spec(self) -> ListPageSpec:
        names = self.scope.names
        items = self.scope.items
        page = self.page

        def options(column: str) -> Any:
            return lambda: items.options(page, column)

        conditions: list[Any] = [
            ComboCondition("unit_number", "单位编号", options("unit_number")),
            ComboCondition(
                "levy_item",
                "征收项目",
                lambda: [(names.levy_item(c) or c, c) for c in items.options(page, "levy_item")],
            ),
            MonthRangeCondition("period", "费款所属期"),
        ]
        if PROJECT in page.categories:
            conditions.insert(1, ComboCondition("project_number", "工程项目编号",
                                                options("project_number")))  # fmt: skip
        if page.sources != ("01",):
            conditions.append(TextCondition("collection_serial", "征集通知流水号"))
        if SPECIAL in page.categories:
            conditions.append(ComboCondition("special_type", "特殊缴费类型", list(SPECIAL_TYPES)))
        return ListPageSpec(
            page_key=f"fee_{self.PAGE}",
            title=page.title,
            columns=item_columns(self.scope, page, lambda _p, row: self.show_lines(row)),
            conditions=conditions,
            actions=[
                Action("refresh", "刷新", lambda _p: self.refresh_items()),
                Action(
                    "submit",
                    "提交申报",
                    lambda _p: self.submit(),
                    needs_selection=True,
                    selection_message="请先勾选需要申报的数据。",
                ),  # fmt: skip
                export_action("选中数据", "全部数据"),
            ],
            tick_group="merge_key",
            tick_group_members=items.box_members,
            empty_text=page.empty_text,
            export_name=page.title,
        )

    # -- 刷新 ------------------------------------------------------------------------------
    def refresh_items(self) -> JobHandle[int]:
        """Fetch the latest items from 管理子系统 (and confirm any submission a broken
        connection left unknown), then list them."""
        declarations = self.scope.declarations
        categories = self.scope.categories

        def run(ctx: JobContext) -> int:
            ctx.progress(f"正在获取{self.page.title}信息", 0, None)
            declarations.resend_pending()
            return declarations.items.refresh(categories)

        def done(_count: int) -> None:
            self._requery()
            if self.PAGE == "special" and self.list.total == 0:
                self.prompts.info(self, self.page.empty_text, title="特殊缴费申报")  # §2.9.1

        def failed(error: BaseException) -> None:
            self._requery()  # what was fetched before is still shown
            self.prompts.error(self, user_message(error), title=f"获取{self.page.title}信息")

        self.handle = self.runner.run(Job(f"获取{self.page.title}信息", run), done, failed)
        return self.handle

    def _requery(self) -> None:
        for condition in self.list.spec.conditions:
            if isinstance(condition, ComboCondition) and callable(condition.options):
                self.list.reload_condition_options(condition.key)
        self.list.query()

    def refresh(self) -> None:
        self.list.refresh()

    # -- 缴费人数: 预处理明细 ----------------------------------------------------------------
    def show_lines(self, row: dict[str, Any]) -> JobHandle[int] | None:
        item_id = row["item_id"]
        items = self.scope.items

        def show(_written: int = 0) -> None:
            head = (
                f"单位编号：{row['unit_number']}　费款所属期：{row['period_start']}至"
                f"{row['period_end']}　{self.scope.names.levy_category(row['levy_category'])}　"
            )
            self.lines_dialog = LinesDialog(self.scope, [item_id], "预处理明细", head, self)
            self.lines_dialog.open()

        if not items.missing_lines([item_id]):
            show()
            return None
        if not self.prompts.confirm(
            self,
            f"该笔信息的{self.scope.person}社保费明细尚未下载（{int(row['headcount']):,}人），"
            "是否立即从管理子系统下载？",
            title="下载预处理明细",
        ):
            return None
        self.handle = self.runner.run(
            Job("下载预处理明细", lambda ctx: items.download_lines([item_id], ctx)), show
        )
        return self.handle

    # -- 提交申报 ---------------------------------------------------------------------------
    def submit(self) -> JobHandle[SubmissionPlan] | None:
        """核对提示, then count (and compare with the last declared period) as a job."""
        ticked = [str(k) for k in self.list.checked_keys()]
        if not self.prompts.confirm(self, CHECK_PROMPT, title="提交申报", yes="确定", no="取消"):
            return None
        declarations = self.scope.declarations

        def run(ctx: JobContext) -> SubmissionPlan:
            return declarations.plan(self.page, ticked, ctx)

        def failed(error: BaseException) -> None:
            self.prompts.error(self, user_message(error), title="提交申报")
            self.list.refresh()

        self.handle = self.runner.run(Job("统计申报数据", run), self._confirm, failed)
        return self.handle

    def _confirm(self, plan: SubmissionPlan) -> None:
        self.plan = plan
        self.confirm_dialog = SubmitConfirmDialog(plan, self.scope, self)
        self.confirm_dialog.accepted.connect(self.submit_now)
        self.confirm_dialog.open()

    def submit_now(self) -> JobHandle[SubmitResult] | None:
        """立即提交."""
        plan = self.plan
        if plan is None:
            return None
        declarations = self.scope.declarations

        def run(_ctx: JobContext) -> SubmitResult:
            return declarations.submit(plan)

        def failed(error: BaseException) -> None:
            self.prompts.error(self, user_message(error), title="提交申报")
            if getattr(error, "code", "") in STALE_LIST_CODES:
                self.refresh_items()  # the list was out of date: show what is left to declare
            else:
                self.list.query()

        self.handle = self.runner.run(Job("提交申报", run), self._submitted, failed,
                                      cancellable=False)  # fmt: skip
        return self.handle

    def _submitted(self, result: SubmitResult) -> None:
        self.last_result = result
        self.list.query()
        self.countdown = open_submitted(self, result, SUBMITTED, self.RECORDS)


class DailyFeePage(FeeDeclarePage):
    """日常申报: 预处理信息 (税务自主) or 征集信息 (税务代征)."""

    PAGE = "daily"


class SpecialFeePage(FeeDeclarePage):
    """特殊缴费申报: 补缴, 退休补收, 政策性补缴 from 社保部门."""

    PAGE = "special"


class VerifiedFeePage(FeeDeclarePage):
    """社保费申报（核定）: 征集信息 and 特殊缴费 together."""

    PAGE = "verified"


class ProjectFeePage(FeeDeclarePage):
    """工程项目社保费申报 (工伤保险)."""

    PAGE = "project"
    RECORDS = "project_fee_records"


class ResidentVerifiedFeePage(FeeDeclarePage):
    """社保费代收代报（核定） (§3.7): the 城乡居民 核定信息 the 社保部门 pushed (03, one item per
    征收品目 and year) with 刷新, 提交申报 and 导出 选中/全部."""

    PAGE = "verified"
    TITLE = "社保费代收代报（核定）"
