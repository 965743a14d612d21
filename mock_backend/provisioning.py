"""Creating taxpayers for tests (admin API) and rebuilding a unit's record generator from the database."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from sqlalchemy import Connection

from mock_backend.db import driver, take_sequence
from mock_backend.errors import ApiError
from mock_backend.feed_spec import FEED_OF_KIND
from mock_backend.seed.geography import REGION_BY_CODE
from mock_backend.seed.loader import insert_generated, insert_units, next_record_id
from mock_backend.seed.people import (
    CollectorArea,
    EmployeeFactory,
    EmployerProfile,
    ResidentFactory,
    local_birthplaces,
)
from mock_backend.seed.reference import generate_reference, insert_reference
from mock_backend.seed.taxpayers import (
    FALLBACK_TOWNS,
    SpecBuilder,
    UnitSpec,
    street_office,
    typed_numbers,
    village_committee,
)


def _next_unit_no(raw: sqlite3.Connection) -> int:
    row = raw.execute("SELECT MAX(CAST(substr(unit_id, 2) AS INTEGER)) FROM units").fetchone()
    return int(row[0] or 0) + 1


def create_taxpayer(
    conn: Connection,
    *,
    kind: str,
    region: str,
    units: int,
    employees_per_unit: int,
    residents_per_unit: int,
    unit_numbers: list[list[str]] | None,
    seed: int | None,
    projects_per_unit: int | None = None,
) -> dict[str, Any]:
    """A fresh taxpayer with `units` units, generated records and reference data, for a test.

    `projects_per_unit` None lets the seed decide which units have 工程项目.
    """
    raw = driver(conn)
    info = REGION_BY_CODE.get(region)
    if info is None:
        raise ApiError(
            422, "UNKNOWN_REGION", f"没有地区{region}，请使用/api/v1/regions中的地区代码。"
        )
    first_unit_no = _next_unit_no(raw)
    seed_value = first_unit_no if seed is None else seed
    rng = random.Random(f"admin:{kind}:{region}:{seed_value}")

    def taken(taxpayer_id: str) -> bool:
        hit = raw.execute("SELECT 1 FROM units WHERE taxpayer_id = ? LIMIT 1", (taxpayer_id,))
        return hit.fetchone() is not None

    builder = SpecBuilder(rng, first_unit_no, taken, random.Random(f"admin-id:{seed_value}"))
    unit_numbers = unit_numbers or []
    count = max(units, len(unit_numbers), 1)
    specs: list[UnitSpec] = []
    districts = list(info.districts)
    if kind == "employer":
        district = rng.choice(districts)
        name, industry = builder.company_name(info)
        taxpayer_id = builder.taxpayer_id("9", "1", district)
        for index in range(count):
            if index < len(unit_numbers) and unit_numbers[index]:
                numbers = typed_numbers([str(n) for n in unit_numbers[index]])
            else:
                numbers = [(builder.number(8), "社保"), (builder.number(8), "医保")]
            unit_name = name if index == 0 else f"{name}第{index + 1}分公司"
            specs.append(
                builder.employer(
                    info,
                    district,
                    unit_name,
                    numbers,
                    employees_per_unit,
                    f"admin:{seed_value}:{index}",
                    taxpayer_id=taxpayer_id,
                    industry_sub=industry,
                )  # fmt: skip
            )
    else:
        with_towns = [d for d in districts if d.towns] or districts
        district = rng.choice(with_towns)
        make = village_committee if rng.random() < 0.6 else street_office
        first = make(builder, info, district, residents_per_unit, f"admin:{seed_value}:0")
        specs.append(first)
        for index in range(1, count):
            extra = make(builder, info, district, residents_per_unit, f"admin:{seed_value}:{index}")
            extra.taxpayer_id = first.taxpayer_id
            extra.taxpayer_name = f"{first.taxpayer_name}（第{index + 1}代收点）"
            specs.append(extra)
    insert_units(raw, specs)

    def claim(number: str) -> bool:
        hit = raw.execute("SELECT 1 FROM projects WHERE project_number = ?", (number,))
        return hit.fetchone() is None

    references = generate_reference(specs, projects_per_unit, claim)
    insert_reference(raw, references)
    spec = FEED_OF_KIND[kind]
    next_id = next_record_id(raw, spec)
    for unit in specs:
        if unit.records > 0:
            first_seq = take_sequence(conn, unit.records)
            factory = unit.factory()
            if kind != "employer":  # never one of the 外部参保城乡居民 registry's people
                factory.used_numbers.update(registry_numbers(raw, region))
            insert_generated(raw, spec, unit.unit_id, factory, unit.records, next_id, first_seq)
            next_id += unit.records
    return {
        "taxpayer_id": specs[0].taxpayer_id,
        "taxpayer_name": specs[0].taxpayer_name,
        "kind": kind,
        "region": region,
        "units": [
            {
                "unit_id": u.unit_id,
                "taxpayer_name": u.taxpayer_name,
                "unit_numbers": u.unit_numbers,
                "initial_password": u.initial_password(),
                "records": max(u.records, 0),
                "projects": [p[0] for p in references[u.unit_id].projects],
            }
            for u in specs
        ],
    }


def registry_numbers(raw: sqlite3.Connection, region: str) -> set[str]:
    """证件号码 of the region's 外部参保城乡居民 registry: a new feed resident must not be one."""
    rows = raw.execute("SELECT id_number FROM external_registry WHERE region = ?", (region,))
    return {str(n) for (n,) in rows}


def unit_factory(
    raw: sqlite3.Connection, unit_id: str, rng: random.Random
) -> EmployeeFactory | ResidentFactory:
    """A generator of new records that fit an existing unit (its numbers, region, villages)."""
    row = raw.execute(
        "SELECT kind, region, district, taxpayer_id FROM units WHERE unit_id = ?", (unit_id,)
    ).fetchone()
    kind, region_code, district_code, taxpayer_id = row
    region = REGION_BY_CODE[region_code]
    local = local_birthplaces(region, district_code)
    if kind == "employer":
        numbers = raw.execute(
            "SELECT unit_number, agency_type FROM registrations WHERE unit_id = ? ORDER BY position",
            (unit_id,),
        ).fetchall()
        social = tuple(n for n, t in numbers if t == "社保") or (numbers[0][0],)
        medical = tuple(n for n, t in numbers if t == "医保") or social
        sub = raw.execute(
            "SELECT i.levy_subcategory FROM employee_items i JOIN employees e ON e.id = i.employee_id"
            " WHERE e.unit_id = ? AND i.levy_item = '10204' LIMIT 1",
            (unit_id,),
        ).fetchone()
        profile = EmployerProfile(
            social, medical, taxpayer_id.startswith("1"), sub[0] if sub else "10204000101"
        )
        factory: EmployeeFactory | ResidentFactory = EmployeeFactory(rng, region, profile, local)
        table = "employees"
    else:
        places: dict[str, set[str]] = {}
        for town, village in raw.execute(
            "SELECT DISTINCT township, village FROM residents WHERE unit_id = ? LIMIT 200",
            (unit_id,),
        ):
            places.setdefault(town, set()).add(village.rsplit("第", 1)[0])
        area = CollectorArea(
            tuple((t, tuple(sorted(v))) for t, v in sorted(places.items())) or FALLBACK_TOWNS
        )
        factory = ResidentFactory(rng, region, area, local)
        factory.used_numbers.update(registry_numbers(raw, region_code))
        table = "residents"
    factory.used_numbers.update(
        n for (n,) in raw.execute(f"SELECT id_number FROM {table} WHERE unit_id = ?", (unit_id,))
    )
    return factory
