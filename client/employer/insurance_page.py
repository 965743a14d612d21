"""查询统计-单位参保信息查询 (manual §2.19): the unit's registrations, 查询/更新/导出."""

from __future__ import annotations

from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    ListPageSpec,
    TextCondition,
)
from client.ui.pages import PageContext
from client.unit_reference import service
from client.unit_reference.pages import ReferenceListPage
from client.unit_reference.service import INSURANCE_STATUSES, UNIT_INSURANCE, LevyNames


def rate_column(key: str, title: str) -> Column:
    """费率 shown as a percentage (0.1600 -> 16.00%)."""
    return Column(key, title, width=90, align="right", formatter=service.format_rate)


class UnitInsurancePage(ReferenceListPage):
    """单位参保信息查询: loads on open; 更新 downloads again from 管理子系统."""

    data_set = UNIT_INSURANCE
    object_name = "page_unit_insurance"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, service.insurance_source(ctx.session.db))

    def build_spec(self, names: LevyNames, empty_text: str) -> ListPageSpec:
        return ListPageSpec(
            page_key="unit_insurance",
            title="单位参保信息查询",
            columns=[
                Column("unit_number", "单位编号", width=110),
                Column("agency", "社保经办机构", width=200),
                Column("levy_item", "征收项目", width=150, formatter=names.levy_item),
                Column("levy_category", "征收品目", width=200, formatter=names.levy_category),
                Column("levy_subcategory", "征收子目", width=130, formatter=names.levy_subcategory),
                Column("start_date", "参保日期", width=100, kind="date"),
                Column("end_date", "终止日期", width=100, kind="date"),
                Column("status", "参保状态", width=80, align="center"),
                rate_column("unit_rate", "单位费率"),
                rate_column("personal_rate", "个人费率"),
                Column("tax_authority", "主管税务机关", width=220),
            ],
            conditions=[
                TextCondition("unit_number", "单位编号"),
                ComboCondition("levy_item", "征收项目", names.levy_item_options),
                ComboCondition("status", "参保状态", INSURANCE_STATUSES),
            ],
            actions=[
                Action("update", "更新", lambda page: self.update_data()),
                Action("export", "导出", lambda page: page.export_all()),
            ],
            checkable=False,
            empty_text=empty_text,
            export_name="单位参保信息",
        )
