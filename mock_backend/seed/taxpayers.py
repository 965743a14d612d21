"""Taxpayers and their units (单位): names, 纳税人识别号, 单位编号 and registrations."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from mock_backend.ids import make_uscc, random_org_body
from mock_backend.seed.geography import REGION_BY_CODE, District, Region, district_agency
from mock_backend.seed.people import (
    CollectorArea,
    EmployeeFactory,
    EmployerProfile,
    ResidentFactory,
    local_birthplaces,
)

BRANDS = (
    "华瑞", "鹏程", "星河", "同创", "恒信", "中科鼎", "海通达", "博远", "卓越", "前海联", "瑞丰",
    "宏图", "金阳光", "天成", "汇通", "嘉和", "盛世华", "永信", "立信达", "华美", "德邦信", "安泰",
    "信达", "明德", "启航", "致远", "南方星", "云帆", "蓝海", "凯达", "万众", "顺和", "新宇", "光华",
    "百川", "佳禾", "润丰", "聚源", "长青", "腾越",
)  # fmt: skip
INDUSTRIES = (
    ("科技有限公司", "10204000101"),
    ("电子有限公司", "10204000102"),
    ("信息技术有限公司", "10204000101"),
    ("建筑工程有限公司", "10204000103"),
    ("物业管理有限公司", "10204000102"),
    ("贸易有限公司", "10204000101"),
    ("餐饮管理有限公司", "10204000102"),
    ("医药有限公司", "10204000102"),
    ("物流有限公司", "10204000103"),
    ("精密制造有限公司", "10204000103"),
    ("网络科技有限公司", "10204000101"),
)
FALLBACK_TOWNS = (
    ("城关街道", ("城关社区", "东门社区", "南街社区")),
    ("新华镇", ("新华村", "红光村", "和平村")),
)


def pad_password(unit_number: str) -> str:
    """Employer initial password: last 6 characters of a 单位编号, right-padded with 0."""
    return unit_number[-6:].ljust(6, "0")


@dataclass
class UnitSpec:
    """Everything needed to create one unit and its records."""

    unit_id: str
    taxpayer_id: str
    taxpayer_name: str
    kind: str  # employer | collector
    region: Region
    district: District
    registered_on: str
    section_no: int
    numbers: list[tuple[str, str]]  # (单位编号, agency_type 社保|医保), in display order
    records: int
    record_seed: str
    public_sector: bool = False
    industry_sub: str = "10204000101"
    area: CollectorArea | None = None
    unit_type: str = "单位"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def tax_authority(self) -> str:
        return self.region.tax_authority(self.district)

    @property
    def tax_section(self) -> str:
        return self.region.tax_section(self.district, self.section_no)

    @property
    def feed(self) -> str:
        return "employees" if self.kind == "employer" else "residents"

    @property
    def unit_numbers(self) -> list[str]:
        return [number for number, _ in self.numbers]

    def initial_password(self) -> str:
        if self.kind == "collector":
            return self.taxpayer_id[-6:]
        return pad_password(self.numbers[0][0])

    def registration_rows(self) -> list[tuple[str, int, str, str, str, str, str]]:
        return [
            (
                self.unit_id,
                position,
                number,
                district_agency(self.region, self.district, agency_type),
                agency_type,
                self.tax_authority,
                self.tax_section,
            )
            for position, (number, agency_type) in enumerate(self.numbers)
        ]

    def factory(self) -> EmployeeFactory | ResidentFactory:
        rng = random.Random(self.record_seed)
        local = local_birthplaces(self.region, self.district.code)
        if self.kind == "employer":
            social = tuple(n for n, t in self.numbers if t == "社保") or (self.numbers[0][0],)
            medical = tuple(n for n, t in self.numbers if t == "医保") or social
            profile = EmployerProfile(social, medical, self.public_sector, self.industry_sub)
            return EmployeeFactory(rng, self.region, profile, local)
        assert self.area is not None
        return ResidentFactory(rng, self.region, self.area, local)


def typed_numbers(numbers: list[str]) -> list[tuple[str, str]]:
    """Unit numbers as given by a test: the first is 社保, the second 医保, then alternating."""
    return [(n, "社保" if i % 2 == 0 else "医保") for i, n in enumerate(numbers)]


class SpecBuilder:
    """Draws taxpayer identities from one seeded generator, never repeating a 纳税人识别号."""

    def __init__(
        self,
        rng: random.Random,
        next_unit_no: int,
        taken: Callable[[str], bool],
        id_rng: random.Random | None = None,
    ) -> None:
        self.rng = rng
        # Taxpayer IDs may need redraws (when taken); a separate generator keeps everything
        # else identical for the same seed.
        self.id_rng = id_rng or rng
        self.next_unit_no = next_unit_no
        self.taken = taken
        self.used: set[str] = set()

    def unit_id(self) -> str:
        value = f"U{self.next_unit_no:06d}"
        self.next_unit_no += 1
        return value

    def taxpayer_id(self, authority: str, category: str, district: District) -> str:
        while True:
            modern = authority == "9" and self.id_rng.random() < 0.7
            value = make_uscc(
                authority, category, district.code, random_org_body(self.id_rng, modern)
            )
            if value not in self.used and not self.taken(value):
                self.used.add(value)
                return value

    def registered_on(self) -> str:
        rng = self.rng
        return f"{rng.randint(2001, 2022):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def number(self, digits: int = 8) -> str:
        return str(self.rng.randrange(10 ** (digits - 1), 10**digits))

    def company_name(self, region: Region) -> tuple[str, str]:
        suffix, industry = self.rng.choice(INDUSTRIES)
        return f"{region.name}{self.rng.choice(BRANDS)}{suffix}", industry

    def employer(
        self,
        region: Region,
        district: District,
        name: str,
        numbers: list[tuple[str, str]],
        records: int,
        seed_key: str,
        *,
        taxpayer_id: str | None = None,
        public_sector: bool = False,
        industry_sub: str = "10204000101",
    ) -> UnitSpec:
        return UnitSpec(
            unit_id=self.unit_id(),
            taxpayer_id=taxpayer_id
            or self.taxpayer_id(
                "1" if public_sector else "9", "2" if public_sector else "1", district
            ),
            taxpayer_name=name,
            kind="employer",
            region=region,
            district=district,
            registered_on=self.registered_on(),
            section_no=self.rng.randint(1, 3),
            numbers=numbers,
            records=records,
            record_seed=seed_key,
            public_sector=public_sector,
            industry_sub=industry_sub,
        )

    def collector(
        self,
        region: Region,
        district: District,
        name: str,
        area: CollectorArea,
        records: int,
        seed_key: str,
        *,
        authority: str = "5",
        category: str = "4",
    ) -> UnitSpec:
        number = self.number(10)
        return UnitSpec(
            unit_id=self.unit_id(),
            taxpayer_id=self.taxpayer_id(authority, category, district),
            taxpayer_name=name,
            kind="collector",
            region=region,
            district=district,
            registered_on=self.registered_on(),
            section_no=self.rng.randint(1, 3),
            numbers=[(number, "社保"), (number, "医保")],
            records=records,
            record_seed=seed_key,
            area=area,
            unit_type="代收单位",
        )


def village_committee(
    builder: SpecBuilder, region: Region, district: District, records: int, seed_key: str
) -> UnitSpec:
    """A 村民委员会/居民委员会 collecting for its own village, in 村民小组."""
    towns = district.towns or FALLBACK_TOWNS
    town, villages = builder.rng.choice(towns)
    village = builder.rng.choice(villages)
    committee = "居民委员会" if village.endswith("社区") else "村民委员会"
    name = f"{region.name}{district.name}{town}{village}{committee}"
    area = CollectorArea(((town, (village,)),), groups=12)
    return builder.collector(region, district, name, area, records, seed_key)


def street_office(
    builder: SpecBuilder, region: Region, district: District, records: int, seed_key: str
) -> UnitSpec:
    """A 街道/乡镇 社保代收点 collecting for every 社区/村 of its town."""
    towns = district.towns or FALLBACK_TOWNS
    town, villages = builder.rng.choice(towns)
    name = f"{region.name}{district.name}{town}社保代收点"
    area = CollectorArea(((town, villages),), groups=8)
    return builder.collector(
        region, district, name, area, records, seed_key, authority="1", category="1"
    )


def region_of(code: str) -> Region:
    return REGION_BY_CODE[code]
