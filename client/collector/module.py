"""代收单位 module descriptor (manual chapter 3). Only pages that work are listed."""

from __future__ import annotations

from client.collector.menu_auth_accounts import ACCOUNT_ENTRIES
from client.collector.menu_auth_amounts import AMOUNT_ENTRIES, ROLL_ENTRIES
from client.collector.menu_certificates import CERTIFICATE_MENU
from client.collector.menu_payment import PAYMENT_MENU
from client.collector.menu_personal import PERSONAL_MENU
from client.collector.reminders import resident_alerts, resident_todos
from client.fees.reminders import fee_todos
from client.modules import MenuEntry, MenuGroup, ModuleDescriptor
from client.payments.reminders import payment_alerts, payment_todos

FEE_PAGES = "client.ui.fees"  # the 社保费申报 pages both modules share

DESCRIPTOR = ModuleDescriptor(
    key="collector",
    title="代收单位",
    feed="residents",
    menu=(
        MenuEntry(
            "residents",
            "城乡居民参保信息更新",
            "client.collector.resident_roster_page:ResidentRosterPage",
        ),
        MenuEntry(
            "external_residents",
            "外部参保城乡居民导入",
            "client.collector.external_page:ExternalResidentsPage",
        ),
        MenuEntry(
            "resident_grades",
            "城乡居民缴费档次查询",
            "client.collector.grades_page:ResidentGradesPage",
        ),
        MenuEntry(
            "resident_statuses",
            "城乡居民申报缴费状态查询（自主）",
            "client.collector.statuses_page:ResidentStatusesPage",
        ),
        MenuEntry(
            "self_declare",
            "社保费代收代报（自主）",
            "client.collector.self_declare_page:SelfDeclarePage",
        ),
        MenuEntry(
            "fee_verified",
            "社保费代收代报（核定）",
            f"{FEE_PAGES}.declare_page:ResidentVerifiedFeePage",
        ),
        MenuEntry(
            "fee_records", "社保费申报记录", f"{FEE_PAGES}.records_page:ResidentFeeRecordsPage"
        ),
        *PAYMENT_MENU,  # 费款缴纳, 社保费缴费证明打印 (§3.9–§3.12)
        *CERTIFICATE_MENU,  # 社保费完税证明 (§3.13, §3.14, §3.24–§3.26)
        MenuGroup("缴费授权", (*AMOUNT_ENTRIES, *ACCOUNT_ENTRIES, *ROLL_ENTRIES)),  # §3.17–§3.20
        *PERSONAL_MENU,  # 城乡居民个人缴费 (§3.21–§3.23)
        MenuGroup(
            "查询统计",
            (
                MenuEntry(
                    "fee_lines_query",
                    "社保费申报明细查询",
                    f"{FEE_PAGES}.query_pages:ResidentLinesQueryPage",
                ),
                MenuEntry(
                    "unit_insurance",
                    "单位参保信息查询",
                    "client.employer.insurance_page:UnitInsurancePage",
                ),
            ),
        ),
    ),
    quick_buttons=("residents", "self_declare", "fee_records", "unit_info", "network", "password"),
    todo_providers=(fee_todos, payment_todos, resident_todos),
    alert_providers=(resident_alerts, payment_alerts),
)
