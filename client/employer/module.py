"""用人单位 module descriptor (manual chapter 2). Only pages that work are listed."""

from __future__ import annotations

from client.modules import MenuEntry, MenuGroup, ModuleDescriptor

DESCRIPTOR = ModuleDescriptor(
    key="employer",
    title="用人单位",
    feed="employees",
    menu=(
        MenuEntry("roster", "职工参保信息更新", "client.employer.roster_page:RosterPage"),
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
    quick_buttons=("roster", "unit_insurance", "projects", "unit_info"),
)
