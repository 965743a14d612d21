"""职工参保信息更新 (manual §2.2): the employee roster on the shared list-page shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from client.employer.roster import EmployeeDetail, RosterService
from client.jobs import Job, JobContext
from client.storage.feed_tables import EMPLOYEES
from client.storage.settings import AppSettings
from client.sync.engine import FeedSyncer, FeedSyncResult
from client.ui.dialogs.detail import DetailDialog, DetailSection, DetailTable
from client.ui.groups.assign import (
    AssignGroupDialog,
    download_assignment_template,
    start_assignment_import,
)
from client.ui.groups.dialog import GroupManagerDialog
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    RowAction,
    TextCondition,
    export_action,
)
from client.ui.pages import BasePage, PageContext
from client.ui.updates import ChangesDialog

ITEM_COLUMNS = (
    Column("person_number", "人员编号", 120),
    Column("levy_item", "征收项目", 170),
    Column("levy_category", "征收品目", 170),
    Column("levy_subcategory", "征收子目", 170),
    Column("special_category", "参保人员特殊类别", 150),
    Column("base", "缴费基数(元)", 110, kind="amount"),
    Column("start_month", "开始缴费月份", 100, kind="month"),
    Column("end_month", "终止缴费月份", 100),
)


class RosterPage(BasePage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.setObjectName("page_employee_roster")
        app = ctx.ui.app
        self.service = RosterService(app.app_db, ctx.session.db, app.local_today())
        self.update_handle = None
        self.last_result: FeedSyncResult | None = None
        self.changes_dialog: ChangesDialog | None = None
        self.detail_dialog: DetailDialog | None = None
        self.list = ListPage(
            self._spec(),
            self.service.source(),
            PageServices(AppSettings(app.app_db), ctx.ui.prompts, self.runner),
        )
        self.list.set_empty_text(self._empty_text())
        self.content.addWidget(self.list)

    # -- the page as the manual describes it -----------------------------------------------
    def _spec(self) -> ListPageSpec:
        s = self.service
        return ListPageSpec(
            page_key="employee_roster",
            title="职工参保信息更新",
            columns=[
                Column("name", "姓名", 110),
                Column("gender", "性别", 60, align="center"),
                Column("id_type", "证件类型", 120, formatter=s.id_type_name),
                Column("id_number", "证件号码", 180),
                Column("status", "参保状态", 100, formatter=s.status_name),
                Column("group_name", "分组", 120),
                Column("updated_at", "更新时间", 160, kind="datetime"),
            ],
            conditions=[
                TextCondition("name", "姓名", placeholder="姓名或拼音首字母"),
                ComboCondition("id_type", "证件类型", s.id_type_options),
                TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition("status", "参保状态", s.status_options),
                ComboCondition("unit_number", "单位编号", s.unit_number_options),
                ComboCondition("group", "分组", self._group_options),
                DateRangeCondition("updated", "更新时间"),
            ],
            actions=[
                Action("update", "更新", lambda _p: self.update_roster("incremental")),
                Action("full_update", "全量更新", lambda _p: self.update_roster("full")),
                export_action("选中职工", "所有职工"),
                Action(
                    "groups",
                    "分组",
                    children=(
                        Action("group_manage", "分组管理", lambda _p: self.manage_groups()),
                        Action(
                            "group_template",
                            "下载批量编辑职工分组模板",
                            lambda _p: self.download_group_template(),
                        ),
                        Action(
                            "group_import",
                            "批量编辑职工分组导入",
                            lambda _p: self.import_groups(),
                        ),
                    ),
                ),
            ],
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row["id"])),
                RowAction("edit", "编辑", lambda _p, row: self.edit(row["id"])),
            ],
            summary=self._summary,
            default_sort=[("name", True)],
            export_name="职工参保信息",
            empty_text="暂无职工参保信息",
        )

    def _group_options(self) -> list[tuple[str, int]]:
        return [(g.path, g.id) for g in self.service.groups.flat()]

    def _summary(self, filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        stats = self.service.statistics(filters)
        return [
            ("职工总数", f"{stats.total}人"),
            ("正常缴费", f"{stats.paying}人"),
            ("停止缴费", f"{stats.stopped}人"),
        ]

    def _empty_text(self) -> str:
        state = self.ctx.session.db.sync_state(EMPLOYEES.name)
        if not state.full_done:
            return "尚未下载职工参保信息，请点击【全量更新】从管理子系统获取。"
        return "没有符合条件的职工，请修改查询条件后再查询。"

    def refresh(self) -> None:
        self.list.reload_condition_options("group")
        self.list.query()

    # -- 更新 / 全量更新 ---------------------------------------------------------------------
    def update_roster(self, mode: str) -> None:
        """更新 (incremental) or 全量更新, as a job; then the changes prompt."""
        session = self.ctx.session
        title = "全量更新" if mode == "full" else "更新"

        def run(job_ctx: JobContext) -> FeedSyncResult:
            syncer = FeedSyncer(session.api, session.db, session.unit.unit_id, EMPLOYEES)
            return syncer.run(job_ctx, mode)

        self.update_handle = self.runner.run(
            Job(f"职工参保信息{title}", run),
            self._updated,
            label=lambda p: f"正在{title}职工参保信息… {p.done}/{p.total or '?'}",
        )

    def _updated(self, result: FeedSyncResult) -> None:
        self.last_result = result
        self.list.set_empty_text(self._empty_text())
        self.list.query()
        count = result.changed_records
        if count:
            self.ctx.session.db.add_message(
                "数据更新",
                "职工参保信息更新完成",
                f"新增{result.counts.added}条，变更{result.counts.changed}条，"
                f"删除{result.counts.removed}条。",
            )
        if not count:
            self.prompts.info(self, "更新完成，本次没有职工信息变更。")
            return
        if self.prompts.confirm(
            self, f"本次共变更了{count}条职工信息，是否查看更新数据明细？", title="更新完成"
        ):
            self.show_changes(result.run_id)

    def show_changes(self, run_id: int) -> ChangesDialog:
        self.changes_dialog = ChangesDialog(self.ctx, run_id, "职工", self)
        self.changes_dialog.open()
        return self.changes_dialog

    # -- 查看 / 编辑 ------------------------------------------------------------------------
    def view(self, employee_id: int) -> DetailDialog | None:
        detail = self.service.detail(employee_id)
        if detail is None:
            self.prompts.warning(self, "该职工已不在本单位的参保登记信息中，请先点击【更新】。")
            return None
        self.detail_dialog = DetailDialog(
            "职工参保明细", employee_sections(detail), self, "dialog_employee_detail"
        )
        self.detail_dialog.open()
        return self.detail_dialog

    def edit(self, employee_id: int) -> AssignGroupDialog:
        """编辑: put the employee into a 分组."""
        dialog = AssignGroupDialog(self.ctx.ui, self.service.groups, employee_id, self)
        dialog.accepted.connect(self.list.refresh)
        self.assign_dialog = dialog
        dialog.open()
        return dialog

    # -- 分组 ---------------------------------------------------------------------------------
    def manage_groups(self) -> GroupManagerDialog:
        dialog = GroupManagerDialog(self.ctx.ui, self.ctx.session.db, self)
        dialog.finished.connect(lambda _r: self.refresh())
        self.group_dialog = dialog
        dialog.open()
        return dialog

    def download_group_template(self, path: str | None = None) -> str | None:
        return download_assignment_template(self.ctx.ui, self, "employees", path)

    def import_groups(self, path: str | None = None) -> object:
        self.group_import = start_assignment_import(
            self.ctx.ui,
            self,
            self.ctx.session.db,
            "employees",
            path,
            id_types=dict(self.service.codes.id_types),
            on_applied=lambda _count: self.refresh(),
        )
        return self.group_import


def employee_sections(detail: EmployeeDetail) -> list[DetailSection]:
    basic = DetailSection(
        "基本信息",
        fields=[
            ("姓名", detail.name),
            ("证件类型", detail.id_type),
            ("证件号码", detail.id_number),
            ("性别", detail.gender),
            ("出生日期", detail.birth_date),
            ("分组", detail.group),
        ],
    )
    variants = [
        (
            f"{block.unit_number}（{block.agency}）" if block.agency else block.unit_number,
            DetailSection(
                "",
                fields=[("单位编号", block.unit_number), ("社保经办机构", block.agency)],
                per_row=2,
                tables=[
                    DetailTable(
                        ITEM_COLUMNS,
                        [item.__dict__ for item in block.items],
                        title="参保险种",
                    )
                ],
            ),
        )
        for block in detail.blocks
    ]
    insured = DetailSection("参保信息", switch_label="单位编号", variants=variants)
    return [basic, insured]
