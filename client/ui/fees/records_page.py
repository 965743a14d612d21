"""社保费申报记录 (manual §2.10) and 工程项目社保费申报记录 (§2.24): declarations of every
channel, 同步 by 申报日期 with progress (then "是否立即缴费" when some are unpaid), 获取反馈,
查看 (details downloaded if missing, 打印 社会保险费申报表, 导出) and 作废 with the countdown.
Voided records can only be viewed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout

from client.fees.declare import FeeFeedback, SyncResult
from client.fees.form import declaration_form
from client.fees.rules import (
    CATEGORY_TITLES,
    CHANNELS,
    DAILY,
    DECLARATION_STATES,
    PAID,
    PARTLY_PAID,
    PAY_STATES,
    PROJECT,
    RESIDENT_CATEGORY_TITLES,
    RESIDENT_RECORD_CATEGORIES,
    SPECIAL,
    SUCCEEDED,
    amount,
    format_amount,
)
from client.jobs import Job, JobContext
from client.ui.dialogs.countdown import CountdownDialog
from client.ui.fees.common import (
    PAYMENT_ENTRY,
    WHERE_TO_PAY,
    FeeScope,
    item_columns,
    source_title,
    with_rate,
)
from client.ui.fees.dialogs import DateRangeDialog, dialog_buttons, lines_columns
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPage,
    ListPageSpec,
    RowAction,
    TextCondition,
    export_action,
)
from client.ui.page_helpers import EXPORT_ALL, KeyedListPage, ask_range, open_preview
from client.ui.pages import BasePage, PageContext
from client.ui.print_preview import PrintPreviewDialog
from client.ui.widgets.common import label


def voidable(row: dict[str, Any]) -> bool:
    """作废 only for 申报成功 declarations that are not paid (§2.10 四)."""
    return row.get("status") == SUCCEEDED and row.get("pay_status") not in (PAID, PARTLY_PAID)


class DeclarationsSyncPage(KeyedListPage):
    """A page of the declarations of `CATEGORIES` (in `service`) that 同步 brings by 申报日期
    (`SYNC_JOB` with progress); `_synced` says what was brought."""

    CATEGORIES: ClassVar[tuple[str, ...]] = (DAILY, SPECIAL)
    SYNC_JOB: ClassVar[str] = "同步申报记录"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = FeeScope(ctx, self)
        self.service = self.scope.declarations
        self.range_dialog: DateRangeDialog | None = None

    def sync(self) -> DateRangeDialog:
        dialog = DateRangeDialog(self.ctx.ui.app.local_today(), self)
        self.range_dialog = ask_range(dialog, self.sync_range)
        return self.range_dialog

    def sync_range(self, start: date, end: date) -> JobHandle[SyncResult]:
        service = self.service

        def run(ctx: JobContext) -> SyncResult:
            return service.sync(start, end, self.CATEGORIES, ctx)

        self.handle = self.runner.run(Job(self.SYNC_JOB, run), self._synced)
        return self.handle

    def _synced(self, result: SyncResult) -> None:
        raise NotImplementedError


class FeeRecordsPage(DeclarationsSyncPage):
    """社保费申报记录 of 日常 and 特殊缴费 declarations."""

    CATEGORY_NAMES: ClassVar[Mapping[str, str]] = CATEGORY_TITLES
    KEY: ClassVar[str] = "fee_records"
    TITLE: ClassVar[str] = "社保费申报记录"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.countdown: CountdownDialog | None = None
        self.detail: DeclarationDetailDialog | None = None
        self.last_feedback: FeeFeedback | None = None
        self.last_sync: SyncResult | None = None
        self.show_list(self.service.records.records_source(self.CATEGORIES), self.scope.services)

    def _spec(self) -> ListPageSpec:
        names = self.scope.names
        columns = [
            Column("submitted_at", "申报日期", 150, kind="datetime"),
            Column("category", "申报类型", 100,
                   formatter=lambda c: self.CATEGORY_NAMES.get(c, c or "")),
            Column("status", "申报状态", 80, align="center"),
            Column("pay_status", "缴费状态", 80, align="center"),
            Column("amount", "应缴费额合计（元）", 130, kind="amount"),
            Column("headcount", "缴费人数", 70, kind="number"),
            Column("unit_number", "单位编号", 100),
            Column("period_start", "费款所属期起", 95, kind="month"),
            Column("period_end", "费款所属期止", 95, kind="month"),
            Column("levy_items", "征收项目", 180, sortable=False,
                   formatter=lambda v: "、".join(names.levy_item(c) or c
                                                for c in (v or "").split(",") if c)),
            Column("tax_authority", "主管税务机关", 220),
            Column("data_source", "数据来源", 130, formatter=source_title),
            Column("voucher_number", "应征凭证序号", 170),
            Column("channel", "申报渠道", 90, align="center"),
            Column("reason", "失败原因", 240, sortable=False),
        ]  # fmt: skip
        if PROJECT in self.CATEGORIES:
            columns.insert(6, Column("project_number", "工程项目编号", 170))
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=columns,
            conditions=[
                DateRangeCondition("submitted", "申报日期"),
                ComboCondition("status", "申报状态", list(DECLARATION_STATES)),
                ComboCondition("pay_status", "缴费状态", list(PAY_STATES)),
                ComboCondition("channel", "申报渠道", list(CHANNELS)),
            ],
            actions=[
                Action("sync", "同步", lambda _p: self.sync()),
                Action("feedback", "获取反馈", lambda _p: self.fetch_feedback(explicit=True)),
                export_action("选中记录", "全部记录"),
            ],
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row)),
                RowAction("void", "作废", lambda _p, row: self.void(row), visible=voidable),
            ],
            row_actions_width=100,
            default_sort=[("submitted_at", False)],
            empty_text="还没有社保费申报记录，可点击【同步】获取本单位在各渠道的申报记录。",
            export_name=self.TITLE,
        )

    # -- 同步 -------------------------------------------------------------------------------
    def _synced(self, result: SyncResult) -> None:
        self.last_sync = result
        self.list.query()
        if not result.unpaid:
            self.prompts.info(self, f"同步完成，共同步{result.declarations}条申报记录。", "同步")
            return
        if self.prompts.confirm(
            self,
            f"同步完成，共同步{result.declarations}条申报记录。存在{result.unpaid}条未缴费的"
            "社保费申报记录，是否立即缴费？",
            title="待缴费提醒",
            yes="确定",
            no="取消",
        ):
            self.go_pay()

    def go_pay(self) -> None:
        """是否立即缴费 → 确定: the 缴费 page where it exists; else where to pay."""
        if self.ctx.module.entry(PAYMENT_ENTRY) is not None:
            self.ctx.open_page(PAYMENT_ENTRY)
        else:
            self.prompts.info(self, WHERE_TO_PAY, title="缴费")

    # -- 获取反馈 ---------------------------------------------------------------------------
    def fetch_feedback(self, explicit: bool = False) -> JobHandle[FeeFeedback] | None:
        service = self.service
        if explicit and not service.waiting_ids() and not service.submitter.pending("fee_void") \
                and not service.submitter.pending("fee_declaration"):  # fmt: skip
            self.prompts.info(self, "当前没有需要获取反馈的申报记录。", title="获取反馈")
            return None

        def run(ctx: JobContext) -> FeeFeedback:
            return service.fetch_feedback(ctx)

        failed = self.failure("获取反馈", quiet_cancel=False)
        self.handle = self.runner.run(Job("获取反馈", run), self._feedback, failed)
        return self.handle

    def _feedback(self, feedback: FeeFeedback) -> None:
        self.last_feedback = feedback
        self.list.query()
        parts = []
        if feedback.succeeded:
            parts.append(f"{feedback.succeeded}笔申报成功")
        if feedback.failed:
            parts.append(f"{feedback.failed}笔申报失败")
        if feedback.voided:
            parts.append(f"{feedback.voided}笔作废成功")
        message = "获取反馈完成：" + "，".join(parts) + "。" if parts else "获取反馈完成。"
        if feedback.waiting:
            message += f"有{feedback.waiting}笔尚待管理子系统处理，请稍后再点击【获取反馈】。"
        if feedback.reasons:
            message += "\n" + "\n".join(feedback.reasons)
        self.prompts.info(self, message, title="获取反馈")

    # -- 作废 -------------------------------------------------------------------------------
    def void(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]] | None:
        declaration_id = row["declaration_id"]
        if not self.prompts.confirm(
            self,
            f"确认作废该笔申报记录（应缴费额合计{format_amount(_money(row))}元）吗？"
            "作废后需要重新申报。",
            title="作废",
            yes="确定",  # §2.10.2 四(二): 点击弹窗中的【确定】按钮，即可发起作废
            no="取消",
        ):
            return None
        service = self.service

        def run(_ctx: JobContext) -> dict[str, Any]:
            return service.void(declaration_id, self.TITLE)

        def done(_answer: dict[str, Any]) -> None:
            self.list.query()
            self.countdown = CountdownDialog(
                self, message="已发起作废，正在等待作废结果…", title="作废"
            )
            self.countdown.accepted.connect(lambda: self.fetch_feedback())
            self.countdown.open()

        failed = self.failure("作废", quiet_cancel=False)
        self.handle = self.runner.run(Job("作废", run), done, failed, cancellable=False)
        return self.handle

    # -- 查看 -------------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> None:
        """查看 opens at once; clicking 缴费人数 in 征收项目明细 downloads that item's persons
        when they are not here yet (manual §2.10, §3.8)."""
        self.list.refresh()
        self.detail = DeclarationDetailDialog(self, row["declaration_id"])
        self.detail.open()


class ProjectFeeRecordsPage(FeeRecordsPage):
    """工程项目社保费申报记录."""

    CATEGORIES = (PROJECT,)
    KEY = "project_fee_records"
    TITLE = "工程项目社保费申报记录"


class ResidentFeeRecordsPage(FeeRecordsPage):
    """代收单位 社保费申报记录 (§3.8): 核定申报, 特殊缴费 and 自主申报 declarations."""

    CATEGORIES = RESIDENT_RECORD_CATEGORIES
    CATEGORY_NAMES = RESIDENT_CATEGORY_TITLES


class DeclarationDetailDialog(QDialog):
    """查看: the declaration, its items and (for persons) its 申报明细; 打印 shows the
    社会保险费申报表 in a print preview; 导出 writes the list shown."""

    def __init__(self, page: BasePage, declaration_id: str) -> None:
        """`page` is any page with a `scope` (FeeScope) and a `runner`."""
        super().__init__(page)
        self.setObjectName("dialog_fee_declaration")
        self.setWindowTitle("申报明细")
        self.resize(1150, 640)
        self.runner = page.runner
        self.scope: FeeScope = page.scope
        self.declaration_id = declaration_id
        self.handle: JobHandle[Any] | None = None
        self.preview: PrintPreviewDialog | None = None
        self.form_path: Any = None
        d = self.scope.declarations.records.declaration(declaration_id) or {}
        self.record = d
        item_ids = self.scope.declarations.records.item_ids(declaration_id)
        layout = QVBoxLayout(self)
        layout.addWidget(
            label(
                f"申报日期：{str(d.get('submitted_at', ''))[:10]}　申报状态：{d.get('status', '')}"
                f"　缴费状态：{d.get('pay_status') or ''}　应征凭证序号："
                f"{d.get('voucher_number') or ''}　应缴费额合计：{format_amount(_money(d))}元",
                "label_fee_declaration_head",
            )
        )
        self.tabs = QTabWidget(self)
        self.items_list = ListPage(
            ListPageSpec(
                page_key="fee_declaration_items",
                title="申报明细",
                columns=detail_columns(
                    item_columns(self.scope, None, lambda _p, r: self.show_lines(r))
                ),
                conditions=[],
                actions=[EXPORT_ALL],
                checkable=False,
                export_name=f"申报明细_{declaration_id}",
            ),
            with_rate(self.scope.items.items_source(item_ids)),
            self.scope.services,
            self,
        )
        self.tabs.addTab(self.items_list, "征收项目明细")
        self.lines_list: ListPage | None = None
        if any(int(r["headcount"]) for r in self.scope.items.rows(item_ids)):
            self.lines_list = ListPage(
                ListPageSpec(
                    page_key="fee_declaration_lines",
                    title=f"{self.scope.person}申报明细",
                    columns=lines_columns(self.scope),
                    conditions=[
                        TextCondition("name", "姓名"),
                        TextCondition("id_number", "证件号码"),
                    ],
                    actions=[EXPORT_ALL],
                    checkable=False,
                    export_name=f"{self.scope.person}申报明细_{declaration_id}",
                ),
                self.scope.items.lines_source(item_ids),
                self.scope.services,
                self,
            )
            self.tabs.addTab(self.lines_list, f"{self.scope.person}申报明细")
        layout.addWidget(self.tabs, 1)
        self.btn_print, close = dialog_buttons(
            layout, ("打印", "btn_print_form"), ("关闭", "btn_fee_declaration_close")
        )
        self.btn_print.clicked.connect(self.print_form)
        close.clicked.connect(self.accept)

    def show_lines(self, row: dict[str, Any]) -> JobHandle[int] | None:
        """缴费人数 of an item: its persons, downloaded first when they are not here yet."""
        item_id = row["item_id"]
        items = self.scope.items

        def show(_written: int = 0) -> None:
            if self.lines_list is not None:
                self.lines_list.refresh()
                self.tabs.setCurrentWidget(self.lines_list)

        if not items.missing_lines([item_id]):
            show()
            return None
        if not self.scope.ctx.ui.prompts.confirm(
            self,
            f"该笔信息的{self.scope.person}明细尚未下载（{int(row['headcount']):,}人），"
            "是否立即从管理子系统下载？",
            title="下载申报明细",
        ):
            return None
        self.handle = self.runner.run(
            Job("下载申报明细", lambda ctx: items.download_lines([item_id], ctx)), show
        )
        return self.handle

    def print_form(self) -> JobHandle[Any]:
        """打印: make (or reuse) the 社会保险费申报表 and show it in the print preview."""
        scope = self.scope
        folder = scope.ctx.ui.app.paths.documents_dir / scope.ctx.session.unit.unit_id

        def run(ctx: JobContext) -> Any:
            return declaration_form(
                scope.declarations, self.declaration_id, scope.taxpayer, scope.names,
                scope.id_types, folder, ctx,
            )  # fmt: skip

        def show(path: Any) -> None:
            self.form_path = path
            self.preview = open_preview(self, path, "社会保险费申报表", scope.ctx.ui.prompts)

        self.handle = self.runner.run(Job("生成申报表", run), show)
        return self.handle


# 图 查看申报记录明细页面 (§2.10.2 三): 缴费人数, 缴费基数, 费率, 应缴金额, 征收项目, 征收子目
# (our 征收品目), 缴费所属期起, 缴费所属期止 in this order; the figure's 征收日期 is not kept
FIGURE_ORDER = ("headcount", "base_total", "rate", "amount", "levy_item", "levy_category",
                "period_start", "period_end")  # fmt: skip


def detail_columns(columns: list[Column]) -> list[Column]:
    """The item columns of 查看: the figure's first, in its order, then the others as they
    were (the reason of a failed earlier declaration is not shown)."""
    shown = [c for c in columns if c.key != "reason"]
    rank = {key: i for i, key in enumerate(FIGURE_ORDER)}
    return sorted(shown, key=lambda c: rank.get(c.key, len(FIGURE_ORDER)))


def _money(row: dict[str, Any]) -> Decimal:
    return amount(row.get("amount"))
