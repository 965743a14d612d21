"""Who a 代收单位's residents are: the live records of its `residents` feed, and its
外部参保城乡居民 that are 正常参保 (in the region's registry under the same name).

A person is named by 证件类型 + 证件号码 (compared upper case, without surrounding spaces);
a name, where given, must equal the registered one. A person both in the feed and in the
external list is the feed's. Whether a resident is insured for a 征收品目 in a year is decided
by their items in force in some month of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ITEM_IN_FORCE = "i.start_month <= ? AND (i.end_month IS NULL OR i.end_month >= ?)"
Identity = tuple[str, str]  # (证件类型, 证件号码 upper case)


def identity(id_type: str, id_number: str) -> Identity:
    return id_type, id_number.strip().upper()


def year_bounds(year: int) -> tuple[str, str]:
    """(last month, first month) of a year: an item is in force in it when it starts before
    the last month ends and does not end before the first."""
    return f"{year:04d}-12", f"{year:04d}-01"


@dataclass(frozen=True, slots=True)
class Person:
    person_id: int
    name: str
    id_type: str
    id_number: str
    gender: str
    birth_date: str
    phone: str | None
    township: str
    village: str
    external: bool


_PERSON_COLUMNS = "id, name, id_type, id_number, gender, birth_date, phone, township, village"


def _feed_person(raw: sqlite3.Connection, unit_id: str, who: Identity) -> Person | None:
    row = raw.execute(
        f"SELECT {_PERSON_COLUMNS} FROM residents WHERE unit_id = ? AND id_number = ?"
        " AND id_type = ? AND deleted = 0 ORDER BY id LIMIT 1",
        (unit_id, who[1], who[0]),
    ).fetchone()
    return None if row is None else Person(*row, external=False)


def registered_person(raw: sqlite3.Connection, region: str, who: Identity) -> Person | None:
    """The region's registry entry of a person outside every agent's feed."""
    row = raw.execute(
        f"SELECT {_PERSON_COLUMNS} FROM external_registry WHERE region = ? AND id_type = ?"
        " AND id_number = ?",
        (region, *who),
    ).fetchone()
    return None if row is None else Person(*row, external=True)


def _is_listed(raw: sqlite3.Connection, unit_id: str, who: Identity, name: str) -> bool:
    return (
        raw.execute(
            "SELECT 1 FROM unit_external_residents WHERE unit_id = ? AND id_type = ?"
            " AND id_number = ? AND name = ? LIMIT 1",
            (unit_id, *who, name),
        ).fetchone()
        is not None
    )


def registration(
    raw: sqlite3.Connection, unit_id: str, region: str, who: Identity, name: str
) -> Person | None:
    """外部参保城乡居民 lookup: the person as registered (the unit's feed, else the region's
    registry) when the name matches, else None (未参保)."""
    person = _feed_person(raw, unit_id, who) or registered_person(raw, region, who)
    return person if person is not None and person.name == name.strip() else None


def find_resident(
    raw: sqlite3.Connection, unit_id: str, region: str, who: Identity, name: str
) -> Person | None:
    """A resident of the unit (feed, or a 正常参保 external one) with this name, else None."""
    person = _feed_person(raw, unit_id, who)
    if person is None:
        person = registered_person(raw, region, who)
        if person is not None and not _is_listed(raw, unit_id, who, person.name):
            person = None
    return person if person is not None and person.name == name.strip() else None


def person_items(raw: sqlite3.Connection, person: Person) -> list[tuple[Any, ...]]:
    """(person_number, levy_item, levy_category, levy_subcategory, start_month, end_month)."""
    if person.external:
        sql = (
            "SELECT person_number, levy_item, levy_category, levy_subcategory, start_month,"
            " end_month FROM external_registry_items WHERE person_id = ? ORDER BY position"
        )
    else:
        sql = (
            "SELECT person_number, levy_item, levy_category, levy_subcategory, start_month,"
            " end_month FROM resident_items WHERE resident_id = ? ORDER BY position"
        )
    return [tuple(row) for row in raw.execute(sql, (person.person_id,))]


def items_in_force(items: Iterable[tuple[Any, ...]], year: int) -> list[tuple[Any, ...]]:
    last, first = year_bounds(year)
    return [i for i in items if i[4] <= last and (i[5] is None or i[5] >= first)]


# -- the whole unit at once (a 100,000-row declaration) -----------------------------------
_FEED_ITEMS = (
    "SELECT i.resident_id, i.levy_category, i.person_number FROM residents r"
    " JOIN resident_items i ON i.resident_id = r.id"
    f" WHERE r.unit_id = ? AND r.deleted = 0 AND {ITEM_IN_FORCE}"
)
_EXTERNAL = (
    "SELECT g.id, g.id_type, g.id_number, g.name FROM unit_external_residents u"
    " JOIN external_registry g ON g.region = ? AND g.id_type = u.id_type"
    " AND g.id_number = u.id_number AND g.name = u.name WHERE u.unit_id = ?"
)
_EXTERNAL_ITEMS = (
    "SELECT i.person_id, i.levy_category, i.person_number FROM unit_external_residents u"
    " JOIN external_registry g ON g.region = ? AND g.id_type = u.id_type"
    " AND g.id_number = u.id_number AND g.name = u.name"
    f" JOIN external_registry_items i ON i.person_id = g.id WHERE u.unit_id = ? AND {ITEM_IN_FORCE}"
)


@dataclass
class UnitResidents:
    """Every resident of a unit by identity, and their 征收品目 in force in one year."""

    people: dict[Identity, tuple[int, str]] = field(default_factory=dict)  # → (id, name)
    insured: dict[tuple[int, str], str] = field(default_factory=dict)  # → person_number

    @classmethod
    def load(cls, raw: sqlite3.Connection, unit_id: str, region: str, year: int) -> UnitResidents:
        last, first = year_bounds(year)
        found = cls()
        for person_id, id_type, id_number, name in raw.execute(
            "SELECT id, id_type, id_number, name FROM residents WHERE unit_id = ? AND deleted = 0"
            " ORDER BY id",
            (unit_id,),
        ):
            found.people.setdefault((id_type, id_number.upper()), (person_id, name))
        for person_id, category, number in raw.execute(_FEED_ITEMS, (unit_id, last, first)):
            found.insured.setdefault((person_id, category), number)
        for person_id, id_type, id_number, name in raw.execute(_EXTERNAL, (region, unit_id)):
            found.people.setdefault((id_type, id_number), (person_id, name))
        for person_id, category, number in raw.execute(
            _EXTERNAL_ITEMS, (region, unit_id, last, first)
        ):
            found.insured.setdefault((person_id, category), number)
        return found

    def resident(self, who: Identity, name: str) -> int | None:
        """The id of the resident with this identity and name, else None."""
        hit = self.people.get(who)
        return hit[0] if hit is not None and hit[1] == name.strip() else None


def declared_persons(
    raw: sqlite3.Connection, unit_id: str, year: int, levy_category: str
) -> set[int]:
    """Residents of the unit with a 申报成功 declaration of the 征收品目 for the year."""
    return {
        row[0]
        for row in raw.execute(
            "SELECT r.person_id FROM resident_declared r JOIN fee_declarations d"
            " ON d.declaration_id = r.declaration_id WHERE r.unit_id = ? AND r.year = ?"
            " AND r.levy_category = ? AND d.status = '申报成功'",
            (unit_id, year, levy_category),
        )
    }
