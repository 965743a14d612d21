"""The demo and bench data sets: which taxpayers and units exist (their records are generated)."""

from __future__ import annotations

import random

from mock_backend.seed.geography import REGION_BY_CODE
from mock_backend.seed.taxpayers import (
    BRANDS,
    SpecBuilder,
    UnitSpec,
    street_office,
    village_committee,
)


def _never_taken(_taxpayer_id: str) -> bool:
    return False


def demo_specs(
    random_seed: int, employees: int, residents: int, first_unit_no: int = 1
) -> list[UnitSpec]:
    """Employers in 深圳/杭州/广州 and collectors in 深圳/成都/广州 (docs/demo-data.md lists them)."""
    rng = random.Random(f"demo:{random_seed}")
    b = SpecBuilder(rng, first_unit_no, _never_taken)
    brands = iter(rng.sample(BRANDS, 12))
    specs: list[UnitSpec] = []

    def key(spec_no: int) -> str:
        return f"{random_seed}:demo:{spec_no}"

    sz = REGION_BY_CODE["440300"]
    nanshan, futian, baoan = sz.district("440305"), sz.district("440304"), sz.district("440306")
    longgang = sz.district("440307")

    # One 纳税人识别号 with four units: short, shared and several 单位编号.
    group = f"深圳市{next(brands)}医疗集团有限公司"
    group_id = b.taxpayer_id("9", "1", nanshan)
    group_numbers = [
        [("1234", "社保"), ("1234", "医保")],
        [(b.number(8), "社保"), (b.number(8), "医保"), (b.number(8), "社保")],
        [("56789", "社保"), (b.number(10), "医保")],
        [(n, t) for n in [b.number(9)] for t in ("社保", "医保")],
    ]
    group_units = [
        (group, nanshan, max(employees // 2, min(employees, 1))),
        (f"{group}南山门诊部", nanshan, employees // 4),
        (f"{group}福田门诊部", futian, employees // 5),
        (f"{group}宝安门诊部", baoan, employees // 8),
    ]
    for (name, district, size), numbers in zip(group_units, group_numbers, strict=True):
        specs.append(
            b.employer(
                sz,
                district,
                name,
                numbers,
                size,
                key(len(specs)),
                taxpayer_id=group_id,
                industry_sub="10204000102",
            )  # fmt: skip
        )
    name, industry = b.company_name(sz)
    specs.append(
        b.employer(
            sz,
            nanshan,
            name,
            [(b.number(8), "社保"), (b.number(8), "医保")],
            employees,
            key(len(specs)),
            industry_sub=industry,
        )  # fmt: skip
    )
    school_no = b.number(8)
    specs.append(
        b.employer(
            sz,
            futian,
            f"深圳市{next(brands)}实验学校",
            [(school_no, "社保"), (school_no, "医保")],
            employees,
            key(len(specs)),
            public_sector=True,
        )  # fmt: skip
    )
    specs.append(
        b.employer(
            sz,
            baoan,
            f"深圳市{next(brands)}电子有限公司",
            [(b.number(8), "社保"), (b.number(8), "医保")],
            employees,
            key(len(specs)),
            industry_sub="10204000102",
        )  # fmt: skip
    )

    hz = REGION_BY_CODE["330100"]
    binjiang, xihu = hz.district("330108"), hz.district("330106")
    specs.append(
        b.employer(
            hz,
            binjiang,
            f"杭州市{next(brands)}网络科技有限公司",
            [(b.number(8), "社保"), (b.number(8), "社保"), (b.number(8), "医保")],
            employees,
            key(len(specs)),
        )  # fmt: skip
    )
    specs.append(
        b.employer(
            hz,
            xihu,
            f"杭州市{next(brands)}餐饮管理有限公司",
            [("8848", "社保"), ("8848", "医保")],
            employees,
            key(len(specs)),
            industry_sub="10204000102",
        )  # fmt: skip
    )

    gz = REGION_BY_CODE["440100"]
    tianhe, baiyun, conghua = gz.district("440106"), gz.district("440111"), gz.district("440117")
    specs.append(
        b.employer(
            gz,
            tianhe,
            f"广州市{next(brands)}医院",
            [(b.number(10), "社保"), (b.number(10), "医保")],
            employees,
            key(len(specs)),
            public_sector=True,
        )  # fmt: skip
    )
    specs.append(
        b.employer(
            gz,
            baiyun,
            f"广州市{next(brands)}物流有限公司",
            [(b.number(8), "社保"), (b.number(8), "医保")],
            employees,
            key(len(specs)),
            industry_sub="10204000103",
        )  # fmt: skip
    )

    cd = REGION_BY_CODE["510100"]
    shuangliu, pidu = cd.district("510116"), cd.district("510117")
    specs.append(village_committee(b, sz, baoan, residents, key(len(specs))))
    specs.append(street_office(b, sz, longgang, residents, key(len(specs))))
    specs.append(village_committee(b, cd, shuangliu, residents, key(len(specs))))
    specs.append(street_office(b, cd, pidu, residents, key(len(specs))))
    specs.append(village_committee(b, gz, conghua, residents, key(len(specs))))
    return specs


def bench_specs(
    random_seed: int, employees: int, residents: int, first_unit_no: int, taken: set[str]
) -> list[UnitSpec]:
    """One big employer unit (深圳) and one big collector unit (成都) for the benchmarks."""
    rng = random.Random(f"bench:{random_seed}")
    b = SpecBuilder(rng, first_unit_no, taken.__contains__)
    sz = REGION_BY_CODE["440300"]
    cd = REGION_BY_CODE["510100"]
    employer = b.employer(
        sz,
        sz.district("440305"),
        f"深圳市{rng.choice(BRANDS)}实业集团有限公司",
        [(b.number(8), "社保"), (b.number(8), "医保")],
        employees,
        f"{random_seed}:bench:employer",
        industry_sub="10204000103",
    )
    collector = village_committee(
        b, cd, cd.district("510116"), residents, f"{random_seed}:bench:collector"
    )
    return [employer, collector]
