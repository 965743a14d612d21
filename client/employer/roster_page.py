"""职工参保信息更新 (manual §2.2): the employee roster on the shared roster page shape."""

from __future__ import annotations

from datetime import date

from client.roster.employees import EmployeeDetail, EmployeeRosterService
from client.storage.app_db import AppDatabase
from client.storage.unit_db import UnitDatabase
from client.ui.dialogs.detail import DetailSection, DetailTable
from client.ui.groups.assign import (
    AssignGroupDialog,
    download_assignment_template,
    start_assignment_import,
)
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    Condition,
    DateRangeCondition,
    TextCondition,
    export_action,
)
from client.ui.roster.page import RosterPageShape

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


class RosterPage(RosterPageShape):
    page_key = "employee_roster"
    object_name = "page_employee_roster"
    detail_object_name = "dialog_employee_detail"
    service: EmployeeRosterService

    def make_service(
        self, app_db: AppDatabase, db: UnitDatabase, today: date
    ) -> EmployeeRosterService:
        return EmployeeRosterService(app_db, db, today)

    # -- the page as the manual describes it -----------------------------------------------
    def columns(self) -> list[Column]:
        s = self.service
        return [
            Column("name", "姓名", 110),
            Column("gender", "性别", 60, align="center"),
            Column("id_type", "证件类型", 120, formatter=s.id_type_name),
            Column("id_number", "证件号码", 180),
            Column("status", "参保状态", 100, formatter=s.status_name),
            Column("group_name", "分组", 120),
            Column("updated_at", "更新时间", 160, kind="datetime"),
        ]

    def conditions(self) -> list[Condition]:
        s = self.service
        return [
            TextCondition("name", "姓名", placeholder="姓名或拼音首字母"),
            ComboCondition("id_type", "证件类型", s.id_type_options),
            TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
            ComboCondition("status", "参保状态", s.status_options),
            ComboCondition("unit_number", "单位编号", s.unit_number_options),
            self.group_condition(),
            DateRangeCondition("updated", "更新时间"),
        ]

    def actions(self) -> list[Action]:
        return [
            self.update_action("update", "更新", "incremental"),
            self.update_action("full_update", "全量更新", "full"),
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
                    Action("group_import", "批量编辑职工分组导入", lambda _p: self.import_groups()),
                ),
            ),
        ]

    # -- 查看 / 编辑 ------------------------------------------------------------------------
    def detail_sections(self, record_id: int) -> list[DetailSection] | None:
        detail = self.service.detail(record_id)
        return None if detail is None else employee_sections(detail)

    def edit(self, employee_id: int) -> AssignGroupDialog:
        """编辑: put the employee into a 分组."""
        dialog = AssignGroupDialog(self.ctx.ui, self.service.groups, employee_id, self)
        dialog.accepted.connect(self.list.refresh)
        self.assign_dialog = dialog
        dialog.open()
        return dialog

    # -- 分组 ---------------------------------------------------------------------------------
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
