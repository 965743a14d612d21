"""用人单位 module descriptor (manual chapter 2). Only pages that work are listed."""

from __future__ import annotations

from client.employer.reminders import empty_wage_alerts, wage_todos
from client.modules import MenuEntry, MenuGroup, ModuleDescriptor

SELF_COLLECTED = frozenset({"税务自主"})  # 缴费工资申报 exists only in these regions (§2.3.1)

DESCRIPTOR = ModuleDescriptor(
    key="employer",
    title="用人单位",
    feed="employees",
    menu=(
        MenuEntry("roster", "职工参保信息更新", "client.employer.roster_page:RosterPage"),
        MenuGroup(
            "缴费工资申报",
            (
                MenuEntry(
                    "wages_daily",
                    "日常缴费工资申报",
                    "client.employer.wages_page:DailyWagePage",
                    modes=SELF_COLLECTED,
                ),
                MenuEntry(
                    "wages_annual",
                    "年度缴费工资申报",
                    "client.employer.wages_page:AnnualWagePage",
                    modes=SELF_COLLECTED,
                ),
                MenuEntry(
                    "wage_records",
                    "缴费工资申报记录",
                    "client.employer.wage_records_page:WageRecordsPage",
                    modes=SELF_COLLECTED,
                ),
            ),
        ),
        MenuGroup(
            "查询统计",
            (
                MenuEntry(
                    "unit_insurance",
                    "单位参保信息查询",
                    "client.employer.insurance_page:UnitInsurancePage",
                ),
                MenuEntry(
                    "projects",
                    "工程项目参保信息查询",
                    "client.employer.projects_page:ProjectsPage",
                ),
            ),
        ),
    ),
    quick_buttons=(
        "roster",
        "wages_daily",
        "wages_annual",
        "wage_records",
        "unit_insurance",
        "unit_info",
    ),  # fmt: skip
    todo_providers=(wage_todos,),
    alert_providers=(empty_wage_alerts,),
)
