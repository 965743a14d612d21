"""用人单位 module descriptor (manual chapter 2). Only pages that work are listed."""

from __future__ import annotations

from client.employer.reminders import empty_wage_alerts, wage_todos
from client.fees.reminders import fee_alerts, fee_todos
from client.modules import MenuEntry, MenuGroup, ModuleDescriptor
from client.payments.reminders import payment_alerts, payment_todos

FEE_PAGES = "client.ui.fees"  # the 社保费申报 pages both modules share
PAY_PAGES = "client.ui.payments"  # the 费款缴纳 pages both modules share
CERT_PAGES = "client.ui.certificates"  # the 证明打印 pages both modules share
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
            "社保费申报",
            (
                MenuEntry("fee_daily", "日常申报", f"{FEE_PAGES}.declare_page:DailyFeePage"),
                MenuEntry(
                    "fee_special", "特殊缴费申报", f"{FEE_PAGES}.declare_page:SpecialFeePage"
                ),
                MenuEntry("fee_records", "申报记录", f"{FEE_PAGES}.records_page:FeeRecordsPage"),
                MenuEntry(
                    "fee_verified",
                    "社保费申报（核定）",
                    f"{FEE_PAGES}.declare_page:VerifiedFeePage",
                ),
                MenuEntry("fee_journal", "申报日志", f"{FEE_PAGES}.query_pages:FeeJournalPage"),
            ),
        ),
        MenuGroup(
            "费款缴纳",
            (
                MenuEntry("fee_payment", "缴费", f"{PAY_PAGES}.pay_page:FeePaymentPage"),
                MenuEntry(
                    "fee_voucher_records",
                    "缴费凭证打印记录",
                    f"{PAY_PAGES}.records_pages:VoucherRecordsPage",
                ),
                MenuEntry(
                    "fee_payment_records",
                    "缴费记录",
                    f"{PAY_PAGES}.records_pages:PaymentRecordsPage",
                ),
            ),
        ),
        MenuGroup(
            "证明打印",
            (
                MenuEntry(
                    "cert_issue",
                    "税收完税证明（非印刷）开具",
                    f"{CERT_PAGES}.tickets_page:IssueCertificatePage",
                ),
                MenuEntry(
                    "cert_reissue",
                    "税收完税证明（非印刷）补开",
                    f"{CERT_PAGES}.tickets_page:ReissueCertificatePage",
                ),
                MenuEntry(
                    "proof_employee",
                    "职工缴费证明打印",
                    f"{CERT_PAGES}.proofs_page:EmployeeProofPage",
                ),
                MenuEntry(
                    "proof_unit", "单位缴费证明打印", f"{CERT_PAGES}.proofs_page:UnitProofPage"
                ),
                MenuEntry(
                    "cert_verify",
                    "税收完税证明查验",
                    f"{CERT_PAGES}.verify_page:VerifyCertificatePage",
                ),
            ),
        ),
        MenuGroup(
            "工程项目工伤保险费申报",
            (
                MenuEntry(
                    "project_fee", "工程项目社保费申报", f"{FEE_PAGES}.declare_page:ProjectFeePage"
                ),
                MenuEntry(
                    "project_fee_records",
                    "工程项目社保费申报记录",
                    f"{FEE_PAGES}.records_page:ProjectFeeRecordsPage",
                ),
            ),
        ),
        MenuEntry(
            "unit_agreements",
            "单位三方协议管理",
            "client.ui.payments.agreements_page:AgreementsPage",
        ),
        MenuEntry(
            "unit_refunds", "单位退费申请管理", "client.ui.refunds.page:RefundApplicationsPage"
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
                    "fee_lines_query",
                    "社保费申报明细查询",
                    f"{FEE_PAGES}.query_pages:FeeLinesQueryPage",
                ),
                MenuEntry("fee_dues", "社保费应缴信息查询", f"{FEE_PAGES}.query_pages:FeeDuesPage"),
                MenuEntry(
                    "fee_arrivals",
                    "社保费到账信息查询",
                    "client.ui.payments.arrivals_page:ArrivalsPage",
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
        "fee_daily",
        "fee_records",
        "unit_insurance",
        "unit_info",
    ),  # fmt: skip
    todo_providers=(wage_todos, fee_todos, payment_todos),
    alert_providers=(empty_wage_alerts, fee_alerts, payment_alerts),
)
