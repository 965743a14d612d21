"""Wire layout of the unit reference data (单位信息, 单位参保信息, 工程项目), shared by seed and API."""

from __future__ import annotations

# 单位信息, in the order the contract shows them.
INFO_FIELDS: tuple[str, ...] = (
    "taxpayer_id",
    "unit_name",
    "tax_authority",
    "finance_officer",
    "legal_representative",
    "industry",
    "enterprise_type",
    "address",
    "postal_code",
    "phone",
    "email",
    "listed",
)
# Taken from the units row unless the admin API overrode them.
INFO_UNIT_FIELDS: tuple[str, ...] = INFO_FIELDS[:3]
# Generated per unit; every one but `listed` may be null.
INFO_DETAIL_FIELDS: tuple[str, ...] = INFO_FIELDS[3:]
INFO_NULLABLE: frozenset[str] = frozenset(INFO_FIELDS[3:-1])

INSURANCE_FIELDS: tuple[str, ...] = (
    "unit_number",
    "agency",
    "levy_item",
    "levy_category",
    "levy_subcategory",
    "start_date",
    "end_date",
    "status",
    "unit_rate",
    "personal_rate",
    "tax_authority",
)
INSURANCE_STATUSES = ("正常", "暂停", "注销")

PROJECT_FIELDS: tuple[str, ...] = (
    "project_number",
    "project_name",
    "project_address",
    "contract_amount",
    "start_date",
    "end_date",
    "unit_number",
    "agency",
    "levy_item",
    "status",
    "registered_on",
)
PROJECT_STATUSES = ("在建", "停工", "竣工")
PROJECT_LEVY_ITEM = "10204"  # 工伤保险费: projects insure their site workers by project

# Levy items paid to the 医保 agency; the others go to the 社保 agency.
MEDICAL_LEVY_ITEMS = frozenset({"10203", "10205", "10211"})


def agency_type_of(levy_item: str) -> str:
    return "医保" if levy_item in MEDICAL_LEVY_ITEMS else "社保"
