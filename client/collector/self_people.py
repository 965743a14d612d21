"""The agent's residents as 代收代报（自主） looks them up, locally: the 城乡居民参保信息 feed and the
外部参保城乡居民 that are 正常参保 (a person in both is the feed's, as on the server).

`load_directory` reads every resident with their insured items in one SQLite statement that
builds a JSON text (SQLite works without the GIL, so an import parses its sheet meanwhile,
and `json.loads` makes the dict in C); `find` looks up one person; `group_members` lists the
residents of some 分组.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from client.collector.agent_wire import LOOKUP_ITEM_FIELDS, REGISTERED
from client.collector.self_rules import EXTERNAL, FEED, Item, insured_items
from client.storage.chunks import chunked, marks
from client.storage.unit_db import UnitDatabase

# A resident in the directory: [source, record id, name, id_type, township, village, items].
Person = list[Any]
SOURCE, RECORD_ID, NAME, ID_TYPE, TOWNSHIP, VILLAGE, ITEMS = range(7)
LOAD_CACHE_KIB = -65536  # SQLite page cache while loading everyone (64 MB)

_ITEM = (
    "json_array(person_number, levy_item, levy_category, levy_subcategory, start_month, end_month)"
)
_FEED_SQL = f"""
SELECT json_group_object(upper(trim(r.id_number)), json_array('{FEED}', r.id, trim(r.name),
       r.id_type, r.township, r.village, json(ifnull(i.items, '[]'))))
FROM residents r
LEFT JOIN (SELECT resident_id, json_group_array({_ITEM}) AS items
           FROM (SELECT * FROM resident_items ORDER BY resident_id, row_id)
           GROUP BY resident_id) i ON i.resident_id = r.id
"""
_EXTERNAL_SQL = (
    "SELECT id, trim(name), id_type, upper(trim(id_number)), township, village, items"
    " FROM external_residents WHERE status = ?"
)


@dataclass(frozen=True)
class LocalResident:
    """One resident of the agent, with the insured items the feed or the lookup gave."""

    source: str
    record_id: int
    name: str
    id_type: str
    id_number: str
    township: str | None
    village: str | None
    items: list[Item] = field(default_factory=list)

    def insured(self, year: int) -> list[Item]:
        return insured_items(self.items, year)

    @staticmethod
    def of(number: str, person: Person) -> LocalResident:
        return LocalResident(person[SOURCE], person[RECORD_ID], person[NAME], person[ID_TYPE],
                             number, person[TOWNSHIP], person[VILLAGE], person[ITEMS])  # fmt: skip


def _external_items(raw: str | None) -> list[list[Any]]:
    """The lookup's items (JSON objects) as the directory's lists."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    return [[i.get(k) for k in LOOKUP_ITEM_FIELDS] for i in items if isinstance(i, dict)]


def load_directory(db: UnitDatabase) -> dict[str, Person]:
    """证件号码 (upper case) → resident, for every resident of the agent."""
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute(f"PRAGMA cache_size={LOAD_CACHE_KIB}")
        try:
            people: dict[str, Person] = json.loads(raw.execute(_FEED_SQL).fetchone()[0] or "{}")
            external = raw.execute(_EXTERNAL_SQL, (REGISTERED,)).fetchall()
        finally:
            raw.execute(f"PRAGMA cache_size={int(cache)}")
    for record_id, name, id_type, number, township, village, items in external:
        if number not in people:
            people[number] = [EXTERNAL, record_id, name, id_type, township, village,
                              _external_items(items)]  # fmt: skip
    return people


def unregistered_numbers(db: UnitDatabase) -> set[str]:
    """证件号码 of 外部参保城乡居民 still 未参保 (not residents yet: the clerk is told why)."""
    with db.engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql(
            "SELECT upper(trim(id_number)) FROM external_residents WHERE status != ?",
            (REGISTERED,))}  # fmt: skip


def find(db: UnitDatabase, id_type: str, id_number: str) -> LocalResident | None:
    """The resident with this 证件号码 (feed first); the caller compares name and type."""
    number = id_number.strip().upper()
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT id, trim(name), id_type, township, village FROM residents"
            " WHERE upper(trim(id_number)) = ? ORDER BY id_type = ? DESC, id LIMIT 1",
            (number, id_type),
        ).first()
        if row is not None:
            items = conn.exec_driver_sql(
                "SELECT person_number, levy_item, levy_category, levy_subcategory, start_month,"
                " end_month FROM resident_items WHERE resident_id = ? ORDER BY row_id",
                (row[0],),
            ).all()
            return LocalResident(FEED, row[0], row[1], row[2], number, row[3], row[4],
                                 [list(i) for i in items])  # fmt: skip
        ext = conn.exec_driver_sql(
            _EXTERNAL_SQL + " AND upper(trim(id_number)) = ? ORDER BY id_type = ? DESC LIMIT 1",
            (REGISTERED, number, id_type),
        ).first()
    if ext is None:
        return None
    return LocalResident(EXTERNAL, ext[0], ext[1], ext[2], number, ext[4], ext[5],
                         _external_items(ext[6]))  # fmt: skip


def group_members(db: UnitDatabase, group_ids: Sequence[int]) -> list[LocalResident]:
    """The residents of these 分组 (feed residents by `record_groups`, external ones by their
    own 分组), feed ones first, each person once."""
    if not group_ids:
        return []
    feed_ids: list[int] = []
    external: list[Any] = []
    with db.engine.connect() as conn:
        for chunk in chunked(list(group_ids)):
            args = tuple(chunk)
            feed_ids += [r[0] for r in conn.exec_driver_sql(
                f"SELECT record_id FROM record_groups WHERE group_id IN ({marks(len(chunk))})",
                args)]  # fmt: skip
            external += conn.exec_driver_sql(
                _EXTERNAL_SQL + f" AND group_id IN ({marks(len(chunk))})", (REGISTERED, *args)
            ).all()
        people: dict[str, LocalResident] = {}
        for chunk in chunked(sorted(feed_ids)):
            rows = conn.exec_driver_sql(
                "SELECT id, trim(name), id_type, upper(trim(id_number)), township, village"
                f" FROM residents WHERE id IN ({marks(len(chunk))}) ORDER BY id",
                tuple(chunk),
            ).all()
            items = _feed_items(conn, [r[0] for r in rows])
            for rid, name, id_type, number, township, village in rows:
                people.setdefault(number, LocalResident(FEED, rid, name, id_type, number,
                                                        township, village, items.get(rid, [])))  # fmt: skip
    for rid, name, id_type, number, township, village, raw in sorted(external):
        people.setdefault(number, LocalResident(EXTERNAL, rid, name, id_type, number, township,
                                                village, _external_items(raw)))  # fmt: skip
    return list(people.values())


def _feed_items(conn: Any, ids: Iterable[int]) -> dict[int, list[Item]]:
    ids = list(ids)
    out: dict[int, list[Item]] = {}
    if not ids:
        return out
    for row in conn.exec_driver_sql(
        "SELECT resident_id, person_number, levy_item, levy_category, levy_subcategory,"
        " start_month, end_month FROM resident_items"
        f" WHERE resident_id IN ({marks(len(ids))}) ORDER BY resident_id, row_id",
        tuple(ids),
    ):
        out.setdefault(row[0], []).append(list(row[1:]))
    return out
