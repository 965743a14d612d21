"""缴费工资申报记录 (manual §2.7): declarations with their state, 获取反馈, 查看 + 导出."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from client.domain.wages import DECLARATION_TITLES, MODE_TITLES
from client.jobs import Job, JobContext
from client.storage.settings import AppSettings
from client.ui.dialogs.countdown import CountdownDialog
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    RowAction,
    TextCondition,
)
from client.ui.pages import BasePage, PageContext
from client.ui.widgets.common import button, label
from client.wages.declare import PENDING_FEEDBACK, Feedback, WageDeclarations

STATUSES = ("待反馈", "全部申报成功", "全部申报失败", "部分申报成功")


ROSTER_HINT = "\n修改缴费工资之后，可进入【职工参保信息更新】页面点击【更新】，查看最新的工资信息。"


class WageRecordsPage(BasePage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_wage_records")
        self.service = WageDeclarations(ctx.session.api, ctx.session.db, ctx.session.unit.unit_id)
        self.handle: Any = None
        self.countdown: CountdownDialog | None = None
        self.detail: WageDetailDialog | None = None
        self.last_feedback: Feedback | None = None
        self.list = ListPage(
            ListPageSpec(
                page_key="wage_records",
                title="缴费工资申报记录",
                columns=[
                    Column("submitted_at", "申报时间", 160, kind="datetime"),
                    Column(
                        "declaration_type",
                        "申报类型",
                        140,
                        formatter=lambda t: DECLARATION_TITLES.get(t, t or ""),
                    ),  # fmt: skip
                    Column("tax_authority", "主管税务机关", 240),
                    Column("rows", "职工总数", 80, kind="number"),
                    Column("status", "状态", 110, align="center"),
                    # not in 图 缴费工资申报记录主界面 (§2.7.1): after its columns
                    Column(
                        "mode", "申报方式", 140, formatter=lambda m: MODE_TITLES.get(m, m or "")
                    ),
                ],
                conditions=[
                    ComboCondition("status", "状态", list(STATUSES)),
                    ComboCondition(
                        "declaration_type",
                        "申报类型",
                        [(t, k) for k, t in DECLARATION_TITLES.items()],
                    ),  # fmt: skip
                ],
                actions=[Action("feedback", "获取反馈", lambda _p: self.fetch_feedback())],
                row_actions=[RowAction("view", "查看", lambda _p, row: self.view(row))],
                checkable=False,
                default_sort=[("submitted_at", False)],
                empty_text="还没有缴费工资申报记录。",
            ),
            self.service.records_source(),
            PageServices(AppSettings(ctx.ui.app.app_db), ctx.ui.prompts, self.runner),
        )
        self.content.addWidget(self.list)

    def refresh(self) -> None:
        self.list.refresh()

    # -- 获取反馈 ---------------------------------------------------------------------------
    def fetch_feedback(self, quiet: bool = False) -> None:
        def run(_ctx: JobContext) -> Feedback:
            return self.service.fetch_feedback()

        def done(feedback: Feedback) -> None:
            self.last_feedback = feedback
            self.list.query()
            if quiet and not feedback.waiting:
                return
            if feedback.waiting:
                message = (
                    f"有{feedback.waiting}笔申报尚待管理子系统处理，请稍后再点击【获取反馈】。"
                )
            else:
                message = "已获取最新的申报反馈。"
            if feedback.succeeded_rows or feedback.failed_rows:
                message += (
                    f"本次反馈：{feedback.succeeded_rows}条申报成功，"
                    f"{feedback.failed_rows}条申报失败（失败的数据已退回申报列表，可修改后重新申报）。"
                )
            if feedback.succeeded_rows:  # manual §2.3.3 注意事项 二
                message += ROSTER_HINT
            self.prompts.info(self, message, title="获取反馈")

        self.handle = self.runner.run(Job("获取反馈", run), done)

    def await_feedback(self, answers: list[dict[str, Any]]) -> CountdownDialog:
        """After 提交申报: wait (20 s, or 立即获取) and fetch the feedback."""
        self.list.query()
        self.countdown = CountdownDialog(self)  # 20 s; SHEBAOFEI_FEEDBACK_DELAY_SECONDS in tests
        self.countdown.accepted.connect(lambda: self.fetch_feedback())
        self.countdown.open()
        return self.countdown

    # -- 查看 -------------------------------------------------------------------------------
    def view(self, row: dict[str, Any]) -> None:
        declaration_id = row["declaration_id"]

        def run(_ctx: JobContext) -> tuple[int, int]:
            return self.service.download_details(declaration_id)

        def done(_r: object) -> None:
            self.list.query()
            self.detail = WageDetailDialog(self.ctx, self.service, declaration_id, row, self)
            self.detail.open()

        self.handle = self.runner.run(Job("获取申报明细", run), done)


class WageDetailDialog(QDialog):
    def __init__(
        self,
        ctx: PageContext,
        service: WageDeclarations,
        declaration_id: str,
        row: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_wage_detail")
        self.setWindowTitle("缴费工资申报明细")
        self.resize(1000, 560)
        id_types = ctx.ui.app.app_db.code_table("id_types")
        layout = QVBoxLayout(self)
        kind = DECLARATION_TITLES.get(row.get("declaration_type") or "", "")
        layout.addWidget(
            label(
                f"{kind}　申报时间：{row.get('submitted_at', '')}　状态：{row.get('status', '')}",
                "label_wage_detail_head",
            )  # fmt: skip
        )
        self.list = ListPage(
            ListPageSpec(
                page_key="wage_detail",
                title="缴费工资申报明细",
                columns=[
                    Column("name", "姓名", 100),
                    Column(
                        "id_type", "证件类型", 110, formatter=lambda c: id_types.get(c, c or "")
                    ),  # fmt: skip
                    Column("id_number", "证件号码", 170),
                    Column("old_wage", "原缴费工资(元)", 110, kind="amount"),
                    Column("new_wage", "新缴费工资(元)", 110, kind="amount"),
                    Column("effective_month", "生效年月", 90, kind="month"),
                    Column("status", "状态", 80, align="center"),
                    Column("reason", "失败原因", 260, sortable=False),
                ],
                conditions=[
                    TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                    ComboCondition("status", "状态", [PENDING_FEEDBACK, "成功", "失败"]),
                ],
                actions=[Action("export", "导出", lambda page: page.export_all())],
                checkable=False,
                export_name=f"缴费工资申报明细_{declaration_id}",
            ),
            service.detail_source(declaration_id),
            PageServices(AppSettings(ctx.ui.app.app_db), ctx.ui.prompts, ctx.ui.runner(self)),
        )
        layout.addWidget(self.list, 1)
        row_layout = QHBoxLayout()
        row_layout.addStretch(1)
        close = button("关闭", "btn_wage_detail_close")
        close.clicked.connect(self.accept)
        row_layout.addWidget(close)
        layout.addLayout(row_layout)
