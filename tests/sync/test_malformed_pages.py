"""Pages that parse as JSON but break the layout: a typed error and nothing written.

These bodies come through a real ApiClient on an httpx MockTransport, because the mock
backend's `malformed` fault only produces invalid JSON.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from client.jobs import JobContext
from client.storage.feed_tables import EMPLOYEES
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.engine import FeedSyncer
from client.sync.errors import MalformedResponseError

ITEM = ["1234", "P1", "10201", "102010001", "1020100010", None, "5000.00", "2020-01", None]
GOOD = {
    "feed": "employees",
    "fields": EMPLOYEES.wire_fields,
    "item_fields": list(EMPLOYEES.item_fields),
    "snapshot_seq": 10,
    "total": 2,
    "next_after_id": None,
    "records": [
        [
            1,
            5,
            "林婷",
            "女",
            "01",
            "11010519491231002X",
            "1949-12-31",
            "1",
            "2026-01-01 08:00:00",
            [ITEM],
        ],
        [
            2,
            6,
            "曾明",
            "男",
            "01",
            "110105194912310038",
            None,
            "1",
            "2026-01-01 08:00:00",
            [ITEM, ITEM],
        ],
    ],
}


def run_with(page: dict[str, Any], tmp_path: Path) -> UnitDatabase:
    changes = {
        "feed": "employees",
        "fields": GOOD["fields"],
        "item_fields": GOOD["item_fields"],
        "cursor": 10,
        "has_more": False,
        "total": 2,
        "upserts": [],
        "removals": [],
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body = page if request.url.path.endswith("/snapshot") else changes
        return httpx.Response(200, content=orjson.dumps(body))

    api = ApiClient("http://backend.test", transport=httpx.MockTransport(handler))
    db = UnitDatabase(tmp_path / "u.sqlite3", tmp_path / "b")
    try:
        FeedSyncer(api, db, "U1", EMPLOYEES).run(JobContext())
    finally:
        api.close()
    return db


def count(db: UnitDatabase) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return (
            conn.exec_driver_sql("SELECT COUNT(*) FROM employees").scalar(),
            conn.exec_driver_sql("SELECT COUNT(*) FROM employee_items").scalar(),
        )


def test_good_page_loads(tmp_path: Path) -> None:
    db = run_with(GOOD, tmp_path)
    assert count(db) == (2, 3)
    db.close()


def broken(change) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    page = copy.deepcopy(GOOD)
    change(page)
    return page


@pytest.mark.parametrize(
    "page",
    [
        broken(lambda p: p["records"][1][9][0].__setitem__(0, None)),  # required item value
        broken(lambda p: p["records"][1][9][1].__setitem__(6, {"amount": 1})),  # nested object
        broken(lambda p: p["records"][0].pop()),  # record too short
        broken(lambda p: p["records"][0].__setitem__(0, "1")),  # id is text
        broken(lambda p: p["records"][0].__setitem__(2, None)),  # name missing
        broken(lambda p: p["records"][1][9].append(["too", "short"])),  # item shape
        broken(lambda p: p.__setitem__("fields", [*GOOD["fields"][:-2], "items"])),  # layout
        broken(lambda p: p.__setitem__("records", {"1": []})),  # not a list
    ],
    ids=[
        "null-item-value",
        "nested-object",
        "short-record",
        "text-id",
        "null-name",
        "item-shape",
        "unknown-layout",
        "records-object",
    ],
)
def test_broken_pages_are_refused_whole(page: dict[str, Any], tmp_path: Path) -> None:
    db = UnitDatabase(tmp_path / "u.sqlite3", tmp_path / "b")
    db.close()
    with pytest.raises(MalformedResponseError) as err:
        run_with(page, tmp_path)
    assert "格式不正确" in err.value.message
    db = UnitDatabase(tmp_path / "u.sqlite3", tmp_path / "b")
    assert count(db) == (0, 0)
    with db.engine.connect() as conn:
        staged = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'employees__staging'"
        ).scalar()
        if staged:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM employees__staging").scalar() == 0
    db.close()
