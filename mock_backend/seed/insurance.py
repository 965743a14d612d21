"""单位参保信息 of a generated employer unit: one row per 单位编号 × 征收品目 its staff can have.

The rows cover every item the unit's employee generator (seed.people) can produce: 养老
(企业职工 both categories, or 机关事业), 失业 and 工伤 on the 社保 numbers, 医疗 (both tiers)
and 生育 on the 医保 numbers. Collector units get none.
"""

from __future__ import annotations

import calendar
import random
from decimal import Decimal
from functools import cache

from mock_backend.reference_spec import agency_type_of
from mock_backend.seed.geography import REGION_BY_CODE, district_agency
from mock_backend.seed.people import REFERENCE_DATE
from mock_backend.seed.rules import fee_rates
from mock_backend.seed.taxpayers import UnitSpec

InsuranceRow = tuple[
    str, str, str, str, str | None, str | None, str | None, str, str | None, str | None, str | None
]

# (征收项目, 征收品目, 征收子目) per kind of number.
_PENSION = (("10201", "102010001", "10201000101"), ("10201", "102010002", "10201000201"))
_PUBLIC_PENSION = (("10212", "102120001", "10212000101"),)
_UNEMPLOYMENT = ("10202", "102020001", "10202000101")
_MEDICAL = (
    ("10203", "102030001", "10203000101"),
    ("10203", "102030002", "10203000201"),
    ("10205", "102050001", "10205000101"),
)

# Secondary 征收品目 (外来从业人员养老, 医保二档, 生育) may start later or be suspended; the
# main ones stay open from the registration on, like the employees' items in them.
_SECONDARY = frozenset({"102010002", "102030002", "102050001"})
_LATER_START_RATIO = 0.3
_SUSPENDED_RATIO = 0.15


@cache
def _rates_of_region(region_code: str) -> dict[tuple[str, str | None], tuple[str, str]]:
    content = fee_rates(REGION_BY_CODE[region_code])
    return {
        (e["levy_category"], e["levy_subcategory"]): (e["unit_rate"], e["personal_rate"])
        for e in content["entries"]
    }


def default_rates(
    region_code: str, levy_category: str, levy_subcategory: str | None
) -> tuple[str | None, str | None]:
    """The (unit, personal) rates of a 征收品目 in a region from its `fee_rates` rule file, or
    (None, None) when unknown; the personal rate is None for 品目 without a personal share."""
    rates = _rates_of_region(region_code)
    hit = rates.get((levy_category, levy_subcategory)) or rates.get((levy_category, None))
    if hit is None:
        return None, None
    unit_rate, personal_rate = hit
    return unit_rate, None if Decimal(personal_rate) == 0 else personal_rate


def _month_start_after(day: str) -> tuple[int, int]:
    year, month = int(day[:4]), int(day[5:7])
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month_end(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}-{calendar.monthrange(year, month + 1)[1]:02d}"


# A 代收单位's 参保登记 (manual §3.16): it collects 城乡居民养老 on its 社保 number and 城乡居民医保
# on its 医保 number; the residents pay everything, so neither has a unit or personal rate.
_RESIDENT_LEVIES = {
    "社保": (("10210", "102100001"),),
    "医保": (("10211", "102110001"), ("10211", "102110002"), ("10211", "102110003")),
}


def _collector_insurance(spec: UnitSpec) -> list[InsuranceRow]:
    start = _month_start_after(spec.registered_on)
    rows: list[InsuranceRow] = []
    for number, agency_type in dict.fromkeys(spec.numbers):
        agency = district_agency(spec.region, spec.district, agency_type)
        for levy_item, category in _RESIDENT_LEVIES.get(agency_type, ()):
            rows.append((number, agency, levy_item, category, None,
                         f"{start[0]:04d}-{start[1]:02d}-01", None, "正常", None, None,
                         spec.tax_authority))  # fmt: skip
    return rows


def generate_insurance(spec: UnitSpec) -> list[InsuranceRow]:
    if spec.kind == "collector":
        return _collector_insurance(spec)
    if spec.kind != "employer":
        return []
    rng = random.Random(f"{spec.record_seed}:insurance")
    social = [n for n, t in spec.numbers if t == "社保"] or [spec.numbers[0][0]]
    medical = [n for n, t in spec.numbers if t == "医保"] or social
    agencies = {(n, t): agency for _, _, n, agency, t, _, _ in spec.registration_rows()}
    social_rows = (
        *(_PUBLIC_PENSION if spec.public_sector else _PENSION),
        _UNEMPLOYMENT,
        ("10204", "102040001", spec.industry_sub),
    )
    first = _month_index(*_month_start_after(spec.registered_on))
    last = _month_index(REFERENCE_DATE.year, REFERENCE_DATE.month) - 1
    rows: list[InsuranceRow] = []
    for number in dict.fromkeys(spec.unit_numbers):
        levies = (social_rows if number in social else ()) + (_MEDICAL if number in medical else ())
        for levy_item, category, subcategory in sorted(levies, key=lambda r: r[1]):
            agency_type = agency_type_of(levy_item)
            agency = agencies.get((number, agency_type)) or district_agency(
                spec.region, spec.district, agency_type
            )
            start = first
            secondary = category in _SECONDARY
            if secondary and rng.random() < _LATER_START_RATIO and first < last - 12:
                start = rng.randint(first + 1, last - 12)
            end, status = None, "正常"
            if secondary and rng.random() < _SUSPENDED_RATIO and start < last:
                end, status = _month_end(rng.randint(start, last)), "暂停"
            year, month = divmod(start, 12)
            unit_rate, personal_rate = default_rates(spec.region.code, category, subcategory)
            rows.append(
                (
                    number,
                    agency,
                    levy_item,
                    category,
                    subcategory,
                    f"{year:04d}-{month + 1:02d}-01",
                    end,
                    status,
                    unit_rate,
                    personal_rate,
                    spec.tax_authority,
                )
            )
    return rows
