"""工程项目参保信息 of a generated employer unit (工伤保险 insured by project).

Construction companies get 2–6 projects, other 三类行业 employers (物流, 精密制造, 实业) 1–3
(warehouses, plants), everyone else none. Numbers are GC + district code + year + a 6-digit
serial, unique on the server.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date

from mock_backend.reference_spec import PROJECT_LEVY_ITEM
from mock_backend.seed.geography import district_agency
from mock_backend.seed.people import REFERENCE_DATE
from mock_backend.seed.places import brand_of, places_of
from mock_backend.seed.taxpayers import UnitSpec

ProjectRow = tuple[
    str, str, str | None, str | None, str | None, str | None, str | None, str | None,
    str | None, str, str | None,
]  # fmt: skip

CONSTRUCTION_KEYWORDS = ("建筑", "工程", "建设", "路桥", "装饰", "市政")
HIGH_RISK_INDUSTRY = "10204000103"  # 三类行业
_FIRST_START = date(2019, 1, 1)

_TOWERS = ("星海", "金融", "创新", "国际", "科创", "滨海", "中央", "汇金", "天悦", "华庭")
_PHASES = ("一", "二", "三")


def is_construction(spec: UnitSpec) -> bool:
    return any(k in spec.taxpayer_name for k in CONSTRUCTION_KEYWORDS)


def seeded_project_count(spec: UnitSpec, rng: random.Random) -> int:
    """How many projects the seed gives a unit."""
    if spec.kind != "employer" or spec.public_sector:
        return 0
    if is_construction(spec):
        return rng.randint(2, 6)
    if spec.industry_sub == HIGH_RISK_INDUSTRY:
        return rng.randint(1, 3)
    return 0


_CONSTRUCTION_KINDS = 9
_PLANT_KINDS = 5


def _construction_name(rng: random.Random, pick: int, area: str, road: str) -> tuple[str, bool]:
    """A project name of kind `pick` and whether it is road works (addressed by road section)."""
    if pick == 0:
        return f"{area}{rng.choice(_TOWERS)}大厦主体工程", False
    if pick == 1:
        return f"{road}道路改造工程", True
    if pick == 2:
        return f"{road}（{area}段）市政道路提升工程", True
    if pick == 3:
        return f"{area}花园{rng.choice(_PHASES)}期住宅工程", False
    if pick == 4:
        school = rng.choice(("第二小学", "实验中学", "九年一贯制学校", "中心幼儿园"))
        return f"{area}{school}新建工程", False
    if pick == 5:
        return f"{area}人民医院{rng.choice(('门诊楼', '住院楼', '医技楼'))}装修工程", False
    if pick == 6:
        return f"{area}地铁站附属设施工程", False
    if pick == 7:
        return f"{area}片区城市更新项目{rng.choice(_PHASES)}期工程", False
    return f"{area}综合管廊工程", True


def _plant_name(rng: random.Random, pick: int, brand: str, area: str) -> str:
    if pick == 0:
        return f"{brand}{area}物流园仓储中心建设工程"
    if pick == 1:
        return f"{area}冷链仓库扩建工程"
    if pick == 2:
        return f"{brand}{area}分拨中心厂房工程"
    if pick == 3:
        return f"{brand}{area}生产厂房扩建工程"
    return f"{area}{rng.choice(('一号', '二号', '三号'))}车间技术改造工程"


def _amount(rng: random.Random, low: float, high: float) -> str:
    yuan = math.exp(rng.uniform(math.log(low), math.log(high)))
    if rng.random() < 0.5:
        return f"{round(yuan, -4):.2f}"
    return f"{yuan:.2f}"


def _day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def generate_projects(
    spec: UnitSpec, count: int | None, claim: Callable[[str], bool]
) -> list[ProjectRow]:
    """`count` projects (None: as the seed decides).

    `claim(number)` reserves a project number and says whether it was still free.
    """
    rng = random.Random(f"{spec.record_seed}:projects")
    if count is None:
        count = seeded_project_count(spec, rng)
    if count <= 0 or spec.kind != "employer":
        return []
    construction = is_construction(spec)
    brand = brand_of(spec.region, spec.taxpayer_name) or ""
    social = [n for n, t in spec.numbers if t == "社保"] or [spec.numbers[0][0]]
    agencies = {(n, t): agency for _, _, n, agency, t, _, _ in spec.registration_rows()}
    unit_since = date.fromisoformat(spec.registered_on).toordinal() + 30
    first_start = max(unit_since, _FIRST_START.toordinal())
    last_start = REFERENCE_DATE.toordinal() - 20
    today = REFERENCE_DATE.toordinal()
    # Kinds of project in a shuffled cycle, so one unit's projects differ.
    kinds = list(range(_CONSTRUCTION_KINDS if construction else _PLANT_KINDS))
    rng.shuffle(kinds)
    names: set[str] = set()
    rows: list[ProjectRow] = []
    while len(rows) < count:
        district = spec.district if rng.random() < 0.7 else rng.choice(spec.region.districts)
        places = places_of(district)
        area, road = rng.choice(places.areas), rng.choice(places.roads)
        if construction:
            name, road_works = _construction_name(rng, kinds[len(rows) % len(kinds)], area, road)
            amount = _amount(rng, 300_000, 300_000_000)
        else:
            name = _plant_name(rng, kinds[len(rows) % len(kinds)], brand, area)
            road_works = False
            amount = _amount(rng, 500_000, 50_000_000)
        if name in names:
            name = f"{name}（{len(rows) + 1}标段）"
        names.add(name)
        prefix = f"{spec.region.name}{district.name}"
        if road_works:
            address = f"{prefix}{road}{area}段"
        else:
            address = f"{prefix}{area}{road}{rng.randint(1, 499)}号"
        start = rng.randint(min(first_start, last_start), last_start)
        end = start + rng.randint(120, 1100)
        registered = max(start - rng.randint(3, 30), unit_since - 30)
        if end < today:
            status = "竣工" if rng.random() < 0.9 else "停工"
        else:
            status = "在建" if rng.random() < 0.85 else "停工"
        year = date.fromordinal(registered).year
        while True:
            number = f"GC{district.code}{year}{rng.randint(1, 2999):06d}"
            if claim(number):
                break
        number_of_unit = rng.choice(social)
        agency = agencies.get((number_of_unit, "社保")) or district_agency(
            spec.region, spec.district, "社保"
        )
        rows.append(
            (
                number,
                name,
                address,
                amount,
                _day(start),
                _day(end),
                number_of_unit,
                agency,
                PROJECT_LEVY_ITEM,
                status,
                _day(registered),
            )
        )
    return rows
