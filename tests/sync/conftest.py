"""Fixtures for sync tests: a fresh taxpayer on the real backend and a logged-in client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.feeds import FEEDS, FeedSpec


@dataclass
class UnitFixture:
    unit_id: str
    password: str
    feed: str
    api: ApiClient
    db: UnitDatabase

    @property
    def spec(self) -> FeedSpec:
        return FEEDS[self.feed]


def make_unit(backend: Any, tmp_path: Path, kind: str, size: int, **kw: Any) -> UnitFixture:
    if kind == "employer":
        created = backend.create_taxpayer(kind="employer", employees_per_unit=size, **kw)
        feed = "employees"
    else:
        created = backend.create_taxpayer(
            kind="collector", employees_per_unit=0, residents_per_unit=size, **kw
        )
        feed = "residents"
    unit = created["units"][0]
    api = ApiClient(backend.url, retries=3, backoff=0.01)
    api.login(unit["unit_id"], unit["initial_password"])
    db = UnitDatabase(tmp_path / f"{unit['unit_id']}.sqlite3", tmp_path / "backups")
    return UnitFixture(unit["unit_id"], unit["initial_password"], feed, api, db)


@pytest.fixture
def employer(backend: Any, tmp_path: Path) -> Iterator[UnitFixture]:
    unit = make_unit(backend, tmp_path, "employer", 300)
    yield unit
    unit.api.close()
    unit.db.close()


@pytest.fixture
def collector(backend: Any, tmp_path: Path) -> Iterator[UnitFixture]:
    unit = make_unit(backend, tmp_path, "collector", 250, region="510100")
    yield unit
    unit.api.close()
    unit.db.close()


def local_dump(unit: UnitFixture) -> list[list[Any]]:
    """The local records in the server's wire layout, ordered by id (items in server order)."""
    spec = unit.spec
    with unit.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT {', '.join(spec.fields)} FROM {spec.table} ORDER BY id"
        ).all()
        items: dict[int, list[list[Any]]] = {}
        for row in conn.exec_driver_sql(
            f"SELECT {spec.item_owner}, {', '.join(spec.item_fields)} FROM {spec.item_table}"
            " ORDER BY rowid"
        ):
            items.setdefault(row[0], []).append(list(row[1:]))
    return [[*row, items.get(row[0], [])] for row in rows]


def assert_same_as_server(backend: Any, unit: UnitFixture) -> None:
    dump = backend.dump(unit.unit_id, unit.feed)
    assert dump["fields"] == unit.spec.wire_fields
    server = sorted(dump["records"], key=lambda r: r[0])
    local = local_dump(unit)
    assert len(local) == len(server)
    assert local == server
