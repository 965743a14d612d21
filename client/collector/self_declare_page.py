"""社保费代收代报（自主） (manual §3.6): the agent's list of residents to declare, kept until
提交申报 takes them away (注意事项二: the list is there again after a restart).

Toolbar as the manual lists it: 导入 (模板下载, 导入文件), 添加 (单个添加, 按分组添加), 提交申报,
删除. 提交申报 asks first, checks the ticked rows, shows what will be declared, sends them once
(a dropped connection is confirmed by the next 提交申报, never declared twice) and, after the
countdown, opens 申报记录 to fetch the results.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client.collector.page_parts import download_template, menu, start_import
from client.collector.self_declare import SelfDrafts
from client.collector.self_declare_dialogs import (
    AllOrNothingImportFlow,
    GroupAddDialog,
    SingleAddDialog,
)
from client.collector.self_rules import SelfDeclareError
from client.collector.self_submit import SelfDeclarations, SelfPlan
from client.collector.self_template import TITLE, read_self_import, write_self_template
from client.errors import user_message
from client.fees.declare import SubmitResult
from client.jobs import Job, JobContext
from client.ui.dialogs.countdown import CountdownDialog
from client.ui.fees.dialogs import open_submitted
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    TextCondition,
    format_amount,
)
from client.ui.pages import BasePage, PageContext
from client.unit_reference.service import LevyNames

PAGE_TITLE = "社保费代收代报（自主）"
RECORDS = "fee_records"  # 社保费申报记录, where the results are read
EMPTY = "列表中还没有数据，请点击【导入】或【添加】添加需要代收代报的城乡居民。"
TEMPLATE_FILE = "社保费代收代报（自主）导入模板.xlsx"
SUBMIT_PROMPT = "确定将勾选的{count}条数据提交到管理子系统进行社保费申报吗？"
SUBMITTED = (
    "提交成功，已生成{count}笔申报，应缴费额合计{amount}元，提交的数据已从列表中删除。"
    "反馈结果将在倒计时结束后自动获取。"
)
CONFIRM = (
    "共{count}条数据（{persons}人），应缴费额合计{amount}元，将生成{declarations}笔申报。"
    "提交后列表中将删除这些数据，申报结果可在“社保费申报记录”中查看。确定提交吗？"
)


class SelfDeclarePage(BasePage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_self_declare")
        app = ctx.ui.app
        self.drafts = SelfDrafts(app.app_db, ctx.session.db, app.local_today())
        self.declarations = SelfDeclarations(ctx.session.api, self.drafts, ctx.session.unit.unit_id)
        self.levy_names = LevyNames(app.app_db)
        self.id_types = app.app_db.code_table("id_types")
        self.dialog: Any = None
        self.import_flow: AllOrNothingImportFlow | None = None
        self.handle: JobHandle[Any] | None = None
        self.plan: SelfPlan | None = None
        self.last_result: SubmitResult | None = None
        self.countdown: CountdownDialog | None = None
        services = PageServices(app.settings, ctx.ui.prompts, self.runner)
        self.list = ListPage(self._spec(), self.drafts.source(), services, self)
        self.content.addWidget(self.list)

    # -- the page as the manual describes it -----------------------------------------------
    def _spec(self) -> ListPageSpec:
        names = self.drafts.names
        return ListPageSpec(
            page_key="self_declare",
            title=PAGE_TITLE,
            object_name="list_self_declare",
            columns=[
                Column("name", "姓名", 62),
                Column("id_type", "证件类型", 82, formatter=lambda c: names.id_types.get(c, c)),
                Column("id_number", "证件号码", 148),
                Column("township", "乡镇街道", 70),
                Column("village", "社区村组", 95),
                Column("levy_item", "征收项目", 140, formatter=names.item),
                Column("levy_category", "征收品目", 150, formatter=names.category),
                Column("year", "缴费年度", 64, align="center"),
                Column("grade_name", "缴费档次", 64, align="center"),
                Column("amount", "金额(元)", 76, kind="amount"),
                Column(
                    "levy_subcategory",
                    "征收子目",
                    130,
                    formatter=lambda c: self.levy_names.levy_subcategory(c) or (c or ""),
                ),
                Column("person_number", "人员编号", 95),
                Column("added_via", "添加方式", 72, align="center"),
            ],  # fmt: skip
            conditions=[
                TextCondition("name", "姓名", placeholder=FUZZY_PLACEHOLDER),
                TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition("township", "乡镇街道", self.drafts.townships),
                TextCondition("village", "社区村组", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition("levy_item", "征收项目", self.drafts.item_options),
                ComboCondition(
                    "year", "缴费年度", lambda: [(str(y), y) for y in self.drafts.years()]
                ),
            ],  # fmt: skip
            actions=[
                menu(
                    "import",
                    "导入",
                    ("import_template", "模板下载", self.download_template),
                    ("import_file", "导入文件", self.import_file),
                ),
                menu(
                    "add",
                    "添加",
                    ("add_single", "单个添加", self.add_single),
                    ("add_group", "按分组添加", self.add_by_group),
                ),
                Action(
                    "submit",
                    "提交申报",
                    lambda _p: self.submit(),
                    needs_selection=True,
                    selection_message="请先勾选需要提交申报的数据。",
                ),
                Action(
                    "delete",
                    "删除",
                    lambda _p: self.delete(),
                    needs_selection=True,
                    selection_message="请先勾选需要删除的数据。",
                ),
            ],  # fmt: skip
            summary=self._summary,
            empty_text=EMPTY,
            export_name=PAGE_TITLE,
        )

    def _summary(self, filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        totals = self.drafts.totals(filters)
        return [("条数", f"{totals.count:,}"), ("金额合计(元)", format_amount(totals.amount))]

    def refresh(self) -> None:
        """The tab shown again: a login's 数据更新 may have brought a new 档次 table."""
        self.drafts.reload_rules()
        self.rows_added()

    def rows_added(self) -> None:
        """The list changed: conditions' choices and the rows read again."""
        for key in ("township", "levy_item", "year"):
            self.list.reload_condition_options(key)
        self.list.query()

    def checked_ids(self) -> list[int]:
        return [int(k) for k in self.list.checked_keys()]

    # -- 导入 -------------------------------------------------------------------------------
    def download_template(self, path: str | None = None) -> str | None:
        """模板下载: the client's own template, the only layout 导入文件 accepts."""
        return download_template(
            self, path, TEMPLATE_FILE, lambda chosen: write_self_template(chosen, self.drafts.names),
            "导入模板已下载，请在该模板中记录代收社保费的城乡居民信息（不要修改表头和列的顺序），"
            "完成后点击【导入】中的【导入文件】。",
        )  # fmt: skip

    def import_file(self, path: str | None = None) -> AllOrNothingImportFlow | None:
        """导入文件: read and check the file, preview; only a file without errors is added."""
        drafts = self.drafts

        def flow(chosen: str) -> AllOrNothingImportFlow:
            def read(ctx: JobContext) -> Any:
                return read_self_import(chosen, drafts.db, drafts.app_db, drafts.today, ctx)

            def apply(_rows: Any, _ctx: JobContext) -> int:
                assert made.result is not None
                return drafts.add_imported(made.result)  # type: ignore[arg-type]

            made = AllOrNothingImportFlow(
                self.ctx.ui, self, TITLE, read, apply,
                lambda count: f"导入成功，已添加{count:,}条代收代报信息。",
                lambda _count: self.rows_added(),
            )  # fmt: skip
            return made

        started = start_import(self, path, "导入文件", flow)
        self.import_flow = started or self.import_flow
        return started

    # -- 添加 -------------------------------------------------------------------------------
    def add_single(self) -> SingleAddDialog:
        self.dialog = SingleAddDialog(self)
        self.dialog.open()
        return self.dialog

    def add_by_group(self) -> GroupAddDialog:
        self.dialog = GroupAddDialog(self)
        self.dialog.open()
        return self.dialog

    # -- 删除 -------------------------------------------------------------------------------
    def delete(self) -> int:
        ids = self.checked_ids()
        if not self.prompts.confirm(self, f"确定删除勾选的{len(ids)}条数据吗？删除后需重新添加。",
                                    title="删除"):  # fmt: skip
            return 0
        try:
            deleted = self.drafts.delete(ids, self.declarations.submitter)
        except SelfDeclareError as exc:
            self.prompts.error(self, exc.message, title="删除")
            return 0
        self.rows_added()
        self.prompts.info(self, f"已删除{deleted}条数据。", title="删除")
        return deleted

    # -- 提交申报 ---------------------------------------------------------------------------
    def submit(self) -> JobHandle[SelfPlan] | None:
        """提示 → the checks (a job: 100,000 rows take a moment) → the confirmation."""
        ids = self.checked_ids()
        if not self.prompts.confirm(self, SUBMIT_PROMPT.format(count=f"{len(ids):,}"),
                                    title="提交申报"):  # fmt: skip
            return None
        declarations = self.declarations

        def run(ctx: JobContext) -> SelfPlan:
            return declarations.plan(ids, ctx)

        self.handle = self.runner.run(Job("检查申报数据", run), self._confirm, self._failed)
        return self.handle

    def _confirm(self, plan: SelfPlan) -> None:
        self.plan = plan
        text = CONFIRM.format(count=f"{plan.count:,}", persons=f"{plan.persons:,}",
                              amount=format_amount(plan.amount), declarations=plan.declarations)  # fmt: skip
        if self.prompts.confirm(self, text, title="提交申报"):
            self.submit_now()

    def submit_now(self) -> JobHandle[SubmitResult] | None:
        plan = self.plan
        if plan is None:
            return None
        declarations = self.declarations

        def run(_ctx: JobContext) -> SubmitResult:
            return declarations.submit(plan)

        self.handle = self.runner.run(Job("提交申报", run), self._submitted, self._failed,
                                      cancellable=False)  # fmt: skip
        return self.handle

    def _failed(self, error: BaseException) -> None:
        self.rows_added()
        self.prompts.error(self, user_message(error), title="提交申报")

    def _submitted(self, result: SubmitResult) -> None:
        self.last_result = result
        self.plan = None
        self.rows_added()
        self.countdown = open_submitted(self, result, SUBMITTED, RECORDS)
