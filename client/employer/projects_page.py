"""查询统计-工程项目参保信息查询 (manual §2.25): the unit's construction projects, 查询/更新/导出."""

from __future__ import annotations

from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Action,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPageSpec,
    TextCondition,
)
from client.ui.pages import PageContext
from client.unit_reference import service
from client.unit_reference.pages import ReferenceListPage
from client.unit_reference.service import PROJECT_STATUSES, PROJECTS, LevyNames


class ProjectsPage(ReferenceListPage):
    """工程项目参保信息查询: loads on open; 更新 downloads again from 管理子系统."""

    data_set = PROJECTS
    object_name = "page_projects"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, service.projects_source(ctx.session.db))

    def build_spec(self, names: LevyNames, empty_text: str) -> ListPageSpec:
        return ListPageSpec(
            page_key="projects",
            title="工程项目参保信息查询",
            columns=[
                Column("project_number", "工程项目编号", width=170),
                Column("project_name", "工程项目名称", width=220),
                Column("project_address", "项目地址", width=220),
                Column("contract_amount", "工程合同价(元)", width=130, kind="amount"),
                Column("start_date", "开工日期", width=100, kind="date"),
                Column("end_date", "竣工日期", width=100, kind="date"),
                Column("unit_number", "单位编号", width=100),
                Column("agency", "社保经办机构", width=220),
                Column("levy_item", "征收项目", width=150, formatter=names.levy_item),
                Column("status", "项目状态", width=80, align="center"),
                Column("registered_on", "登记日期", width=100, kind="date"),
            ],
            conditions=[
                TextCondition("project_number", "工程项目编号"),
                TextCondition("project_name", "工程项目名称", placeholder=FUZZY_PLACEHOLDER),
                ComboCondition("status", "项目状态", PROJECT_STATUSES),
                DateRangeCondition("period", "项目期间"),
            ],
            actions=[
                Action("update", "更新", lambda page: self.update_data()),
                Action("export", "导出", lambda page: page.export_all()),
            ],
            checkable=False,
            empty_text=empty_text,
            default_sort=[("registered_on", False)],
            export_name="工程项目参保信息",
        )
