"""The seeded registry of insured 城乡居民 in no agent's feed (外部参保城乡居民): 2,000 per
region, drawn by the resident generator from any of the region's towns.

Ids start at 900000001, above every feed resident's, so a 代收单位's feed and external
residents share one ordering (申报缴费状态 pages by it).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence, Set
from typing import Any

from mock_backend.seed.geography import REGION_BY_CODE, Region
from mock_backend.seed.people import (
    CollectorArea,
    ResidentCore,
    ResidentFactory,
    ResidentItem,
    local_birthplaces,
)
from mock_backend.seed.taxpayers import FALLBACK_TOWNS

REGISTRY_SIZE = 2_000  # seeded per region
FIRST_ID = 900_000_001

_PERSON_INSERT = (
    "INSERT INTO external_registry (id, region, name, gender, id_type, id_number, birth_date,"
    " phone, township, village, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_ITEM_INSERT = (
    "INSERT INTO external_registry_items (person_id, position, person_number, levy_item,"
    " levy_category, levy_subcategory, start_month, end_month) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def registry_people(
    region: Region,
    random_seed: int,
    count: int = REGISTRY_SIZE,
    taken: Set[tuple[str, str]] = frozenset(),
) -> list[tuple[ResidentCore, list[ResidentItem]]]:
    """The seeded registry of a region: residents of any of its towns (deterministic).

    A drawn person whose (证件类型, 证件号码) is in `taken` (an agent's feed) or already drawn
    is drawn again, so the registry never names a feed resident.
    """
    rng = random.Random(f"registry:{region.code}:{random_seed}")
    towns = tuple(town for district in region.districts for town in district.towns)
    area = CollectorArea(towns or FALLBACK_TOWNS, groups=10)
    factory = ResidentFactory(rng, region, area, local_birthplaces(region))
    people: list[tuple[ResidentCore, list[ResidentItem]]] = []
    seen: set[tuple[str, str]] = set()
    while len(people) < count:
        core, items = factory.make()
        key = (core[2], core[3].upper())
        if key in taken or key in seen:
            continue
        seen.add(key)
        people.append((core, items))
    return people


def feed_numbers(raw: sqlite3.Connection) -> set[tuple[str, str]]:
    """(证件类型, 证件号码) of every resident in any agent's feed."""
    rows = raw.execute("SELECT id_type, UPPER(id_number) FROM residents")
    return {(str(t), str(n)) for t, n in rows}


def next_id(raw: sqlite3.Connection) -> int:
    top = raw.execute("SELECT MAX(id) FROM external_registry").fetchone()[0]
    return FIRST_ID if top is None else int(top) + 1


def insert_people(
    raw: sqlite3.Connection, region: str, people: Sequence[tuple[ResidentCore, Sequence[Any]]]
) -> list[int]:
    first = next_id(raw)
    persons, items = [], []
    for offset, (core, person_items) in enumerate(people):
        person_id = first + offset
        name, gender, id_type, id_number, birth_date, phone, town, village, status = core[:9]
        persons.append(
            (person_id, region, name, gender, id_type, id_number.upper(), birth_date, phone,
             town, village, status)
        )  # fmt: skip
        items += [(person_id, position, *item) for position, item in enumerate(person_items)]
    raw.executemany(_PERSON_INSERT, persons)
    raw.executemany(_ITEM_INSERT, items)
    return [row[0] for row in persons]


def seed_registry(raw: sqlite3.Connection, random_seed: int) -> int:
    """Every region's seeded registry, unless the database has one; returns persons added."""
    if raw.execute("SELECT 1 FROM external_registry LIMIT 1").fetchone() is not None:
        return 0
    added = 0
    taken = feed_numbers(raw)
    for code in sorted(REGION_BY_CODE):
        people = registry_people(REGION_BY_CODE[code], random_seed, taken=taken)
        added += len(insert_people(raw, code, people))
    return added
