"""Rule files (规则文件) of a region: code tables and 缴费基数 limits, with versions."""

from __future__ import annotations

from typing import Any

from mock_backend.seed.banks import admin_divisions, bank_branches, banks
from mock_backend.seed.geography import Region, district_agency

RULE_FILES: tuple[tuple[str, str], ...] = (
    ("id_types", "证件类型代码表"),
    ("insured_status", "参保状态代码表"),
    ("levy_items", "征收项目代码表"),
    ("levy_categories", "征收品目代码表"),
    ("levy_subcategories", "征收子目代码表"),
    ("special_categories", "参保人员特殊类别代码表"),
    ("agencies", "社保经办机构代码表"),
    ("base_limits", "缴费基数上下限"),
    ("levy_modes", "征收项目征缴模式"),
    ("wage_rules", "缴费工资申报规则"),
    ("fee_rates", "社保费费率表"),
    ("admin_divisions", "行政区划代码表"),
    ("banks", "银行行别代码表"),
    ("bank_branches", "开户网点代码表"),
    ("refund_reasons", "退费原因代码表"),
    ("refund_kinds", "退费税金类型代码表"),
    ("resident_grades", "城乡居民缴费档次表"),
)
RULE_NAMES = dict(RULE_FILES)

ID_TYPES = [
    ("01", "居民身份证"),
    ("02", "中国人民解放军军官证"),
    ("03", "中国人民武装警察警官证"),
    ("04", "港澳居民来往内地通行证"),
    ("06", "台湾居民来往大陆通行证"),
    ("07", "外国人永久居留身份证"),
    ("08", "外国护照"),
    ("17", "港澳台居民居住证"),
]

INSURED_STATUS = [("1", "参保缴费"), ("2", "暂停缴费"), ("3", "终止参保")]

# 单位退费申请管理: 退费原因 and 退费税金类型 (职工明细退费).
REFUND_REASONS = [
    ("01", "误收退库"),
    ("02", "多缴退库"),
    ("03", "汇算清缴退库"),
    ("04", "政策性退库"),
]
REFUND_KINDS = [("1", "汇算清缴退费"), ("2", "误收退费"), ("3", "多缴退费")]

LEVY_ITEMS = [
    ("10201", "企业职工基本养老保险费"),
    ("10202", "失业保险费"),
    ("10203", "职工基本医疗保险费"),
    ("10204", "工伤保险费"),
    ("10205", "生育保险费"),
    ("10210", "城乡居民基本养老保险费"),
    ("10211", "城乡居民基本医疗保险费"),
    ("10212", "机关事业单位基本养老保险费"),
]

# (征收品目 code, name, 征收项目 code)
LEVY_CATEGORIES = [
    ("102010001", "企业职工基本养老保险（城镇职工）", "10201"),
    ("102010002", "企业职工基本养老保险（外来从业人员）", "10201"),
    ("102020001", "失业保险（单位和个人缴纳）", "10202"),
    ("102030001", "职工基本医疗保险（一档）", "10203"),
    ("102030002", "职工基本医疗保险（二档）", "10203"),
    ("102040001", "工伤保险", "10204"),
    ("102050001", "生育保险", "10205"),
    ("102100001", "城乡居民基本养老保险", "10210"),
    ("102110001", "城乡居民基本医疗保险（成年居民）", "10211"),
    ("102110002", "城乡居民基本医疗保险（未成年人）", "10211"),
    ("102110003", "城乡居民基本医疗保险（在校大学生）", "10211"),
    ("102120001", "机关事业单位基本养老保险", "10212"),
]

PENSION_TIERS = ["200", "300", "400", "500", "600", "700", "800", "900", "1000", "1500", "2000"]
_ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]

# (征收子目 code, name, 征收品目 code)
LEVY_SUBCATEGORIES = [
    ("10201000101", "城镇职工", "102010001"),
    ("10201000201", "外来从业人员", "102010002"),
    ("10202000101", "城镇职工", "102020001"),
    ("10202000102", "农民合同制工人", "102020001"),
    ("10203000101", "在职职工（一档）", "102030001"),
    ("10203000201", "在职职工（二档）", "102030002"),
    ("10204000101", "一类行业", "102040001"),
    ("10204000102", "二类行业", "102040001"),
    ("10204000103", "三类行业", "102040001"),
    ("10205000101", "城镇职工生育在职", "102050001"),
    *[
        (f"102100001{i + 1:02d}", f"第{_ORDINALS[i]}档（{tier}元）", "102100001")
        for i, tier in enumerate(PENSION_TIERS)
    ],
    ("10211000101", "成年居民（一般人员）", "102110001"),
    ("10211000102", "成年居民（低保对象）", "102110001"),
    ("10211000103", "成年居民（特困供养人员）", "102110001"),
    ("10211000201", "未成年人", "102110002"),
    ("10211000301", "在校大学生", "102110003"),
    ("10212000101", "机关事业单位在编人员", "102120001"),
]


def special_categories(region: Region) -> list[tuple[str, str]]:
    local = {"440300": "深户", "440100": "广州户籍", "330100": "杭州户籍", "510100": "成都户籍"}[
        region.code
    ]
    return [
        ("10", f"城镇职工{local}"),
        ("11", f"城镇职工非{local}"),
        ("12", f"城镇职工{local}机关事业单位"),
        ("20", "城镇职工生育在职"),
        ("30", "退休返聘人员"),
        ("40", "港澳台及外籍人员"),
        ("90", "城乡居民"),
    ]


def agencies(region: Region) -> list[dict[str, str]]:
    entries = []
    for district in region.districts:
        for suffix, agency_type in (("01", "社保"), ("02", "医保")):
            entries.append(
                {
                    "code": f"{district.code}{suffix}",
                    "name": district_agency(region, district, agency_type),
                    "type": agency_type,
                }
            )
    return entries


def base_limit_years(region: Region) -> list[dict[str, Any]]:
    """2019..2026: the region's published limits, earlier years scaled down about 5% a year."""
    known = {year: (lower, upper) for year, lower, upper in region.base_limits}
    first = min(known)
    lower0, upper0 = (float(v) for v in known[first])
    years = []
    for year in range(2019, first):
        factor = 0.95 ** (first - year)
        years.append(
            {
                "year": year,
                "lower": f"{round(lower0 * factor):d}.00",
                "upper": f"{round(upper0 * factor):d}.00",
            }
        )
    years.extend({"year": y, "lower": lo, "upper": up} for y, (lo, up) in sorted(known.items()))
    return years


def base_limits_by_year(region: Region) -> dict[int, tuple[int, int]]:
    """Limits in cents per year, for generating 缴费基数."""
    return {
        y["year"]: (int(y["lower"].replace(".", "")), int(y["upper"].replace(".", "")))
        for y in base_limit_years(region)
    }


SELF_COLLECTED = "税务自主"
COLLECTED_FOR_OTHERS = "税务代征"
# In a 税务自主 region the 医保 agency's items are still collected on its behalf.
MEDICAL_AGENCY_ITEMS = frozenset({"10203", "10205"})


def levy_modes(region: Region) -> list[tuple[str, str]]:
    """征缴模式 of every 征收项目: in a 税务代征 region all are 税务代征."""
    if region.collection_mode != SELF_COLLECTED:
        return [(code, COLLECTED_FOR_OTHERS) for code, _ in LEVY_ITEMS]
    return [
        (code, COLLECTED_FOR_OTHERS if code in MEDICAL_AGENCY_ITEMS else SELF_COLLECTED)
        for code, _ in LEVY_ITEMS
    ]


# 年度缴费工资申报 effective month, the earliest 生效年月 and how many months ahead of the
# current one a 生效年月 may be, per region (default first).
_WAGE_RULES: dict[str, dict[str, str | int]] = {
    "": {"annual_effective_month": "07", "declaration_start_month": "2015-01",
         "max_months_ahead": 12},
    "510100": {"annual_effective_month": "07", "declaration_start_month": "2016-01",
               "max_months_ahead": 12},
}  # fmt: skip


def wage_rules(region: Region) -> dict[str, str | int]:
    return dict(_WAGE_RULES.get(region.code, _WAGE_RULES[""]))


# 社保费费率: (征收品目, 征收子目 or None for the whole 品目, 单位费率, 个人费率). An entry with
# a 征收子目 wins over the 品目's entry without one. A 个人费率 of 0 means no personal share.
_FEE_RATES: tuple[tuple[str, str | None, str, str], ...] = (
    ("102010001", None, "0.1600", "0.0800"),
    ("102010002", None, "0.1600", "0.0800"),
    ("102020001", None, "0.0070", "0.0030"),
    ("102030001", None, "0.0500", "0.0200"),
    ("102030002", None, "0.0060", "0.0020"),
    ("102040001", None, "0.0020", "0.0000"),
    # 工伤保险 by 行业风险类别 (征收子目).
    ("102040001", "10204000101", "0.0020", "0.0000"),
    ("102040001", "10204000102", "0.0040", "0.0000"),
    ("102040001", "10204000103", "0.0070", "0.0000"),
    ("102050001", None, "0.0050", "0.0000"),
    ("102120001", None, "0.1600", "0.0800"),
)
# 职工医保 一档 employer rates differ by city.
_MEDICAL_UNIT_RATES = {"330100": "0.0950", "440100": "0.0550", "510100": "0.0650"}
# 工程项目 工伤保险: a share of the contract amount.
PROJECT_RATE = "0.0015"
# 城乡居民医保: a fixed yearly amount per person and 征收品目 (成年居民, 未成年人, 在校大学生).
_RESIDENT_MEDICAL: dict[str, tuple[str, str, str]] = {
    "440300": ("380.00", "380.00", "380.00"),
    "330100": ("400.00", "400.00", "400.00"),
    "510100": ("400.00", "380.00", "380.00"),
    "440100": ("400.00", "380.00", "380.00"),
}
RESIDENT_MEDICAL_CATEGORIES = ("102110001", "102110002", "102110003")


def fee_rates(region: Region) -> dict[str, Any]:
    """Rates of 职工 items, the 工程项目 rate and the 城乡居民医保 yearly amounts of a region.

    城乡居民养老 is paid by 缴费档次: the amount is the one named in the 征收子目.
    """
    entries = []
    for category, subcategory, unit_rate, personal_rate in _FEE_RATES:
        if category == "102030001":
            unit_rate = _MEDICAL_UNIT_RATES.get(region.code, unit_rate)
        entries.append(
            {
                "levy_category": category,
                "levy_subcategory": subcategory,
                "unit_rate": unit_rate,
                "personal_rate": personal_rate,
            }
        )
    amounts = _RESIDENT_MEDICAL[region.code]
    return {
        "entries": entries,
        "project_rate": PROJECT_RATE,
        "resident_amounts": [
            {"levy_category": category, "amount": amount}
            for category, amount in zip(RESIDENT_MEDICAL_CATEGORIES, amounts, strict=True)
        ],
    }


# 城乡居民缴费档次 may be declared for the reference year (2026) and the four before it.
GRADE_YEARS = tuple(range(2022, 2027))
RESIDENT_PENSION_CATEGORY = "102100001"


def resident_grades(region: Region) -> dict[str, Any]:
    """缴费档次 per year and 征收品目: 养老 the 档次 of the 征收子目 names (第一档（200元） →
    `01` 第一档 200.00), 医保 one 档 `01` at the region's yearly amount."""
    medical = _RESIDENT_MEDICAL[region.code]
    entries = []
    for year in GRADE_YEARS:
        for index, tier in enumerate(PENSION_TIERS):
            entries.append(
                {"year": year, "levy_item": "10210", "levy_category": RESIDENT_PENSION_CATEGORY,
                 "grade": f"{index + 1:02d}", "name": f"第{_ORDINALS[index]}档",
                 "amount": f"{tier}.00"}
            )  # fmt: skip
        for category, amount in zip(RESIDENT_MEDICAL_CATEGORIES, medical, strict=True):
            entries.append(
                {"year": year, "levy_item": "10211", "levy_category": category, "grade": "01",
                 "name": "第一档", "amount": amount}
            )  # fmt: skip
    return {"entries": entries}


def _table(rows: list[tuple[str, str]]) -> dict[str, Any]:
    return {"entries": [{"code": c, "name": n} for c, n in rows]}


def _parented(rows: list[tuple[str, str, str]]) -> dict[str, Any]:
    return {"entries": [{"code": c, "name": n, "parent": p} for c, n, p in rows]}


def rule_contents(region: Region) -> dict[str, dict[str, Any]]:
    return {
        "id_types": _table(ID_TYPES),
        "insured_status": _table(INSURED_STATUS),
        "levy_items": _table(LEVY_ITEMS),
        "levy_categories": _parented(LEVY_CATEGORIES),
        "levy_subcategories": _parented(LEVY_SUBCATEGORIES),
        "special_categories": _table(special_categories(region)),
        "agencies": {"entries": agencies(region)},
        "base_limits": {"years": base_limit_years(region)},
        "levy_modes": _table(levy_modes(region)),
        "wage_rules": wage_rules(region),
        "fee_rates": fee_rates(region),
        "admin_divisions": admin_divisions(region.code),
        "banks": banks(region.code),
        "bank_branches": bank_branches(region.code),
        "refund_reasons": _table(REFUND_REASONS),
        "refund_kinds": _table(REFUND_KINDS),
        "resident_grades": resident_grades(region),
    }


# Initial versions: the rule files were last published on these dates per region.
INITIAL_VERSIONS = {
    "440300": "2026.11.01",
    "330100": "2026.10.15",
    "510100": "2026.09.28",
    "440100": "2026.11.06",
}


def next_version(current: str, today: str) -> str:
    """A version after `current`: today's date (YYYY.MM.DD), or current + '.N' on the same day."""
    stamp = today.replace("-", ".")
    base, _, serial = current.partition("-")
    if stamp > base:
        return stamp
    return f"{base}-{int(serial or 0) + 1}"
