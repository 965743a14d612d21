"""Deterministic generators of employees (职工) and residents (城乡居民) with their insured items.

Speed matters (the bench profile generates 100,000 employees): everything is drawn from one
random.Random, months are integers, and records are plain tuples in the database column order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from mock_backend.ids import id_number_check
from mock_backend.names import NameGenerator
from mock_backend.seed.geography import BIRTHPLACE_CODES, Region
from mock_backend.seed.rules import base_limits_by_year

# The generated data describes the world as of this day, whatever the real date is,
# so the same random seed always gives the same records.
REFERENCE_DATE = date(2026, 11, 20)
REF_MONTH = REFERENCE_DATE.year * 12 + REFERENCE_DATE.month - 1
_FIRST_HIRE_MONTH = 2008 * 12
_RECENT_DAYS = 720
_DAY_TEXT = [
    date.fromordinal(REFERENCE_DATE.toordinal() - d).isoformat() for d in range(_RECENT_DAYS)
]

EmployeeCore = tuple[str, str, str, str, str, str, str]  # name..updated_at
EmployeeItem = tuple[str, str, str, str, str, str, str, str, str | None]
ResidentCore = tuple[str, str, str, str, str, str | None, str, str, str, str]
ResidentItem = tuple[str, str, str, str, str, str | None]


def month_text(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def parse_month(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def amount_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _updated_at(rng: random.Random, not_before_month: int) -> str:
    max_days = min(_RECENT_DAYS - 1, max(0, (REF_MONTH - not_before_month) * 30))
    day = _DAY_TEXT[rng.randint(0, max_days)]
    return f"{day} {rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


class _PersonBase:
    def __init__(self, rng: random.Random, region: Region, local_codes: list[str]) -> None:
        self.rng = rng
        self.region = region
        self.names = NameGenerator(rng)
        self.local_codes = local_codes or [region.code]
        self.used_numbers: set[str] = set()  # identity numbers are unique within a unit

    def id_number(self, gender: str, born_ordinal: int, local_ratio: float) -> tuple[str, str]:
        rng = self.rng
        if rng.random() < local_ratio:
            place = rng.choice(self.local_codes)
        else:
            place = rng.choice(BIRTHPLACE_CODES)
        born = date.fromordinal(born_ordinal)
        while True:
            serial = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
            first17 = f"{place}{born.year:04d}{born.month:02d}{born.day:02d}{serial:03d}"
            value = first17 + id_number_check(first17)
            if value not in self.used_numbers:
                self.used_numbers.add(value)
                return value, born.isoformat()

    def other_document(self, id_type: str) -> str:
        rng = self.rng
        while True:
            if id_type == "07":
                value = "9" + "".join(str(rng.randrange(10)) for _ in range(17))
            else:
                prefix = {"04": "H", "08": "E"}.get(id_type, "")
                value = prefix + f"{rng.randrange(10**8):08d}"
            if value not in self.used_numbers:
                self.used_numbers.add(value)
                return value

    def phone(self) -> str:
        return self.rng.choice(self.region.phone_prefixes) + f"{self.rng.randrange(10**8):08d}"


@dataclass(frozen=True)
class EmployerProfile:
    """What an employer unit's staff look like."""

    social_numbers: tuple[str, ...]
    medical_numbers: tuple[str, ...]
    public_sector: bool = False
    industry_sub: str = "10204000101"


_ITEM_SETS = (
    (0.38, ("P", "10202", "10203", "10204", "10205")),
    (0.60, ("P", "10202", "10203", "10204")),
    (0.80, ("P", "10203", "10204")),
    (1.00, ("10203", "10204")),
)
_FOREIGN_TYPES = (("04", 0.008), ("06", 0.013), ("08", 0.020), ("07", 0.025))


class EmployeeFactory(_PersonBase):
    """Employees of one employer unit."""

    def __init__(
        self, rng: random.Random, region: Region, profile: EmployerProfile, local_codes: list[str]
    ) -> None:
        super().__init__(rng, region, local_codes)
        self.profile = profile
        self.limits = base_limits_by_year(region)
        self.first_limit_year = min(self.limits)
        self.last_limit_year = max(self.limits)
        self.local_prefix = region.code[:4]

    def base_cents(self, year: int) -> int:
        year = min(max(year, self.first_limit_year), self.last_limit_year)
        lower, upper = self.limits[year]
        rng = self.rng
        if rng.random() < 0.3:
            return lower
        value = lower + int((upper - lower) * rng.betavariate(1.2, 5.0))
        return value if rng.random() < 0.6 else value - value % 100

    def make(self) -> tuple[EmployeeCore, list[EmployeeItem]]:
        rng = self.rng
        profile = self.profile
        gender = "男" if rng.random() < 0.53 else "女"
        u = rng.random()
        id_type = "01"
        for code, limit in _FOREIGN_TYPES:
            if u < limit:
                id_type = code
                break
        year = int(rng.triangular(1960, 2005, 1991))
        born_ordinal = date(year, 1, 1).toordinal() + rng.randrange(365)
        if id_type == "01":
            id_number, birth_date = self.id_number(gender, born_ordinal, 0.45)
            name = self.names.full(gender)
            local = id_number.startswith(self.local_prefix)
        else:
            birth_date = date.fromordinal(born_ordinal).isoformat()
            id_number = self.other_document(id_type)
            name = self.names.foreign() if id_type in ("07", "08") else self.names.full(gender)
            local = False
        age = REFERENCE_DATE.year - year
        earliest = max(_FIRST_HIRE_MONTH, (year + 18) * 12)
        hire = max(earliest, REF_MONTH - int(rng.expovariate(1 / 40)))
        retired = age >= (60 if gender == "男" else 55)

        stopped = rng.random() < 0.15 and hire < REF_MONTH - 2
        end = rng.randint(hire + 1, REF_MONTH - 1) if stopped else None
        status = ("3" if rng.random() < 0.75 else "2") if stopped else "1"

        if retired:
            levies: tuple[str, ...] = ("10203", "10204")
        else:
            pick = rng.random()
            levies = next(s for limit, s in _ITEM_SETS if pick < limit)
        if id_type != "01":
            special = "40"
        elif retired:
            special = "30"
        elif profile.public_sector:
            special = "12"
        else:
            special = "10" if local else "11"

        social_no = rng.choice(profile.social_numbers)
        medical_no = rng.choice(profile.medical_numbers)
        person = f"{self.region.code[:2]}{rng.randrange(10**8):08d}"
        medical_person = person if rng.random() < 0.7 else f"{rng.randrange(10**9, 10**10)}"
        base = amount_text(self.base_cents(REFERENCE_DATE.year if end is None else end // 12))
        start_text = month_text(hire)
        end_text = None if end is None else month_text(end)
        # Some active employees stopped one insured item earlier (e.g. 生育保险 moved).
        early_stop = rng.randrange(len(levies)) if end is None and rng.random() < 0.06 else -1
        medical_tier = rng.random() < 0.8
        items: list[EmployeeItem] = []
        for index, levy in enumerate(levies):
            item_end = end_text
            if index == early_stop and hire < REF_MONTH - 1:
                item_end = month_text(rng.randint(hire, REF_MONTH - 1))
            if levy == "P":
                if profile.public_sector:
                    row = ("10212", "102120001", "10212000101")
                elif local or special == "40":
                    row = ("10201", "102010001", "10201000101")
                else:
                    row = ("10201", "102010002", "10201000201")
                items.append((social_no, person, *row, special, base, start_text, item_end))
            elif levy == "10202":
                sub = "10202000101" if local or special != "11" else "10202000102"
                items.append(
                    (
                        social_no,
                        person,
                        "10202",
                        "102020001",
                        sub,
                        special,
                        base,
                        start_text,
                        item_end,
                    )
                )
            elif levy == "10203":
                cat, sub = (
                    ("102030001", "10203000101") if medical_tier else ("102030002", "10203000201")
                )
                items.append(
                    (
                        medical_no,
                        medical_person,
                        "10203",
                        cat,
                        sub,
                        special,
                        base,
                        start_text,
                        item_end,
                    )
                )
            elif levy == "10204":
                items.append(
                    (
                        social_no,
                        person,
                        "10204",
                        "102040001",
                        profile.industry_sub,
                        special,
                        base,
                        start_text,
                        item_end,
                    )
                )
            else:
                items.append(
                    (
                        medical_no,
                        medical_person,
                        "10205",
                        "102050001",
                        "10205000101",
                        "20",
                        base,
                        start_text,
                        item_end,
                    )
                )
        updated = _updated_at(rng, hire if end is None else end)
        return (name, gender, id_type, id_number, birth_date, status, updated), items


@dataclass(frozen=True)
class CollectorArea:
    """Where a collection agent's residents live: (乡镇街道, 社区村组 names) pairs."""

    places: tuple[tuple[str, tuple[str, ...]], ...]
    groups: int = 12  # 村民小组 per village


_TIER_WEIGHTS = [30, 15, 12, 10, 8, 6, 5, 4, 4, 3, 3]
_TIER_CODES = [f"102100001{i + 1:02d}" for i in range(len(_TIER_WEIGHTS))]


class ResidentFactory(_PersonBase):
    """Residents registered with one collector unit."""

    def __init__(
        self, rng: random.Random, region: Region, area: CollectorArea, local_codes: list[str]
    ) -> None:
        super().__init__(rng, region, local_codes)
        self.area = area
        self.places = [(town, village) for town, villages in area.places for village in villages]

    def make(self) -> tuple[ResidentCore, list[ResidentItem]]:
        rng = self.rng
        gender = "男" if rng.random() < 0.5 else "女"
        bucket = rng.random()
        if bucket < 0.22:
            year = rng.randint(2008, 2025)
        elif bucket < 0.75:
            year = rng.randint(1967, 2007)
        else:
            year = rng.randint(1940, 1966)
        born_ordinal = date(year, 1, 1).toordinal() + rng.randrange(365)
        age = REFERENCE_DATE.year - year
        if rng.random() < 0.997:
            id_type = "01"
            id_number, birth_date = self.id_number(gender, born_ordinal, 0.88)
        else:
            id_type = "06"
            id_number = self.other_document(id_type)
            birth_date = date.fromordinal(born_ordinal).isoformat()
        name = self.names.full(gender)
        phone_ratio = 0.3 if age < 18 else (0.8 if age < 60 else 0.5)
        phone = self.phone() if rng.random() < phone_ratio else None
        town, village = rng.choice(self.places)
        village_text = f"{village}第{rng.randint(1, self.area.groups)}组"

        person = f"{self.region.code[:2]}{rng.randrange(10**8):08d}"
        roll = rng.random()
        status = "1" if roll < 0.94 else ("3" if roll < 0.98 else "2")
        stopped = status != "1"
        earliest = max((year + 0) * 12, 2012 * 12)
        end_month = month_text(rng.randint(REF_MONTH - 30, REF_MONTH - 1)) if stopped else None

        items: list[ResidentItem] = []
        student = 18 <= age <= 23 and rng.random() < 0.15
        wants_pension = 16 <= age < 60 and not student and rng.random() < 0.65
        if rng.random() < 0.96 or not wants_pension:
            if age < 18:
                cat, sub = "102110002", "10211000201"
            elif student:
                cat, sub = "102110003", "10211000301"
            else:
                pick = rng.random()
                sub = (
                    "10211000101"
                    if pick < 0.9
                    else ("10211000102" if pick < 0.97 else "10211000103")
                )
                cat = "102110001"
            start_year = max(year, rng.randint(2014, REFERENCE_DATE.year))
            start = f"{start_year:04d}-01"
            items.append((person, "10211", cat, sub, start, _after(start, end_month)))
        if wants_pension:
            tier = rng.choices(_TIER_CODES, weights=_TIER_WEIGHTS)[0]
            start_m = rng.randint(max(earliest, (year + 16) * 12), REF_MONTH)
            start = month_text(start_m)
            items.append((person, "10210", "102100001", tier, start, _after(start, end_month)))
        updated = _updated_at(rng, REF_MONTH - 24)
        core: ResidentCore = (
            name, gender, id_type, id_number, birth_date, phone, town, village_text, status, updated
        )  # fmt: skip
        return core, items


def _after(start: str, end: str | None) -> str | None:
    """An end month no earlier than the start month (None stays None = 长期)."""
    if end is None:
        return None
    return end if end >= start else start


def local_birthplaces(region: Region, district_code: str | None = None) -> list[str]:
    """Birthplace codes counted as local: the unit's district first, then the region's districts."""
    codes = [d.code for d in region.districts]
    if district_code:
        codes = [district_code] * 3 + codes
    return codes
