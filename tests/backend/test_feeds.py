"""Change feeds: snapshot and changes paging, tombstones, compaction, admin record edits, mutate."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of, login
from tests.support.backend import BackendServer

EMPLOYEE_FIELDS = [
    "id", "seq", "name", "gender", "id_type", "id_number", "birth_date", "status", "updated_at", "items",
]  # fmt: skip
EMPLOYEE_ITEM_FIELDS = [
    "unit_number", "person_number", "levy_item", "levy_category", "levy_subcategory",
    "special_category", "base", "start_month", "end_month",
]  # fmt: skip
RESIDENT_FIELDS = [
    "id", "seq", "name", "gender", "id_type", "id_number", "birth_date", "phone", "township",
    "village", "status", "updated_at", "items",
]  # fmt: skip
RESIDENT_ITEM_FIELDS = [
    "person_number", "levy_item", "levy_category", "levy_subcategory", "start_month", "end_month",
]  # fmt: skip


class Unit:
    def __init__(
        self, backend: BackendServer, http: httpx.Client, created: dict[str, Any], feed: str
    ) -> None:
        self.backend = backend
        self.http = http
        self.info = created["units"][0]
        self.unit_id: str = self.info["unit_id"]
        self.feed = feed
        self.headers = login(http, self.unit_id, self.info["initial_password"])

    def get(self, kind: str, **params: Any) -> httpx.Response:
        return self.http.get(
            f"/mgmt/units/{self.unit_id}/{self.feed}/{kind}", params=params, headers=self.headers
        )

    def snapshot_all(self, limit: int) -> tuple[list[list[Any]], list[dict[str, Any]]]:
        records: list[list[Any]] = []
        pages = []
        after = 0
        while True:
            page = self.get("snapshot", after_id=after, limit=limit).json()
            pages.append(page)
            records += page["records"]
            if page["next_after_id"] is None:
                return records, pages
            after = page["next_after_id"]

    def changes_all(
        self, cursor: int, limit: int
    ) -> tuple[dict[int, list[Any]], set[int], int, int]:
        upserts: dict[int, list[Any]] = {}
        removed: set[int] = set()
        requests = 0
        while True:
            page = self.get("changes", cursor=cursor, limit=limit).json()
            requests += 1
            for record in page["upserts"]:
                upserts[record[0]] = record
                removed.discard(record[0])
            for record_id, _seq in page["removals"]:
                removed.add(record_id)
                upserts.pop(record_id, None)
            cursor = page["cursor"]
            if not page["has_more"]:
                return upserts, removed, cursor, requests


@pytest.fixture
def employer(backend: BackendServer, http: httpx.Client) -> Unit:
    return Unit(
        backend, http, backend.create_taxpayer(employees_per_unit=37, seed=101), "employees"
    )


@pytest.fixture
def collector(backend: BackendServer, http: httpx.Client) -> Unit:
    created = backend.create_taxpayer(kind="collector", region="440100", residents_per_unit=23)
    return Unit(backend, http, created, "residents")


def test_snapshot_pages_in_id_order(employer: Unit, backend: BackendServer) -> None:
    records, pages = employer.snapshot_all(limit=10)
    assert len(pages) == 4 and [len(p["records"]) for p in pages] == [10, 10, 10, 7]
    ids = [r[0] for r in records]
    assert ids == sorted(ids) and len(set(ids)) == 37
    assert [p["next_after_id"] for p in pages] == [ids[9], ids[19], ids[29], None]
    assert {p["total"] for p in pages} == {37}
    assert len({p["snapshot_seq"] for p in pages}) == 1  # nothing changed in between
    first = pages[0]
    assert first["feed"] == "employees"
    assert first["fields"] == EMPLOYEE_FIELDS and first["item_fields"] == EMPLOYEE_ITEM_FIELDS
    for record in records:
        assert len(record) == len(EMPLOYEE_FIELDS)
        assert 2 <= len(record[-1]) <= 5
        assert all(len(item) == len(EMPLOYEE_ITEM_FIELDS) for item in record[-1])
    assert records == backend.dump(employer.unit_id, "employees")["records"]


def test_changes_from_zero_then_nothing(employer: Unit) -> None:
    page = employer.get("changes", cursor=0, limit=15).json()
    assert page["has_more"] is True and len(page["upserts"]) == 15 and page["removals"] == []
    seqs = [r[1] for r in page["upserts"]]
    assert seqs == sorted(seqs) and page["cursor"] == seqs[-1]
    upserts, removed, cursor, requests = employer.changes_all(0, 15)
    assert len(upserts) == 37 and not removed and requests == 3
    snapshot = employer.get("snapshot", limit=1).json()
    assert cursor == snapshot["snapshot_seq"]  # the server-wide value at the end
    empty = employer.get("changes", cursor=cursor).json()
    assert empty["upserts"] == [] and empty["removals"] == [] and empty["has_more"] is False
    assert empty["cursor"] == cursor and empty["total"] == 37


def test_mutations_show_up_as_changes(employer: Unit, backend: BackendServer) -> None:
    _, _, cursor, _ = employer.changes_all(0, 5000)
    before = {r[0]: r for r in backend.dump(employer.unit_id, "employees")["records"]}
    result = backend.mutate(employer.unit_id, "employees", add=4, change=6, remove=3, seed=7)
    assert len(result["added"]) == 4 and len(result["changed"]) == 6 and len(result["removed"]) == 3
    assert not set(result["changed"]) & set(result["removed"])
    assert min(result["added"]) > max(before)
    upserts, removed, new_cursor, _ = employer.changes_all(cursor, 4)
    assert set(upserts) == set(result["added"]) | set(result["changed"])
    assert removed == set(result["removed"])
    assert new_cursor > cursor
    for record_id in result["changed"]:
        old, new = before[record_id], upserts[record_id]
        assert new[1] > old[1]  # new seq
        assert new[8] != old[8]  # updated_at
        assert (new[2:8], new[9]) != (old[2:8], old[9])  # a field or an item changed
    after = backend.dump(employer.unit_id, "employees")["records"]
    assert len(after) == 37 + 4 - 3
    assert employer.get("changes", cursor=new_cursor).json()["total"] == 38
    # Removals carry the tombstone's new seq.
    page = employer.get("changes", cursor=cursor, limit=5000).json()
    assert all(seq > cursor for _, seq in page["removals"])


def test_compaction_expires_older_cursors(employer: Unit, backend: BackendServer) -> None:
    _, _, cursor, _ = employer.changes_all(0, 5000)
    backend.mutate(employer.unit_id, "employees", remove=2, add=1, seed=3)
    floor = backend.admin_post(f"units/{employer.unit_id}/employees/compact")["floor"]
    assert floor > cursor
    expired = employer.get("changes", cursor=cursor)
    assert expired.status_code == 410
    assert error_of(expired)["code"] == "CURSOR_EXPIRED"
    assert error_of(expired)["details"] == {"cursor": cursor, "floor": floor}
    at_floor = employer.get("changes", cursor=floor)
    assert at_floor.status_code == 200 and at_floor.json()["upserts"] == []
    records, _ = employer.snapshot_all(limit=100)
    assert len(records) == 36


def test_residents_feed(collector: Unit, backend: BackendServer) -> None:
    records, pages = collector.snapshot_all(limit=100)
    assert pages[0]["fields"] == RESIDENT_FIELDS and pages[0]["item_fields"] == RESIDENT_ITEM_FIELDS
    assert len(records) == 23
    for record in records:
        assert record[8].endswith(("镇", "街道"))  # township
        assert "第" in record[9] and record[9].endswith("组")  # village group
        assert {item[1] for item in record[-1]} <= {"10210", "10211"}
    result = backend.mutate(collector.unit_id, "residents", change=5, add=2, remove=1, seed=1)
    upserts, removed, _, _ = collector.changes_all(pages[0]["snapshot_seq"], 3)
    assert set(upserts) == set(result["added"]) | set(result["changed"])
    assert removed == set(result["removed"])


def test_wrong_feed_and_bad_parameters(employer: Unit, collector: Unit) -> None:
    wrong = employer.http.get(
        f"/mgmt/units/{employer.unit_id}/residents/changes",
        params={"cursor": 0},
        headers=employer.headers,
    )
    assert wrong.status_code == 404 and error_of(wrong)["code"] == "FEED_NOT_FOUND"
    wrong = collector.http.get(
        f"/mgmt/units/{collector.unit_id}/employees/snapshot", headers=collector.headers
    )
    assert wrong.status_code == 404 and error_of(wrong)["code"] == "FEED_NOT_FOUND"
    too_big = employer.get("snapshot", limit=20001)
    assert too_big.status_code == 422 and error_of(too_big)["code"] == "VALIDATION_ERROR"
    assert employer.get("snapshot", limit=20000).status_code == 200
    assert employer.get("changes").status_code == 422  # cursor is required


def test_admin_record_create_patch_delete(employer: Unit, backend: BackendServer) -> None:
    unit_id = employer.unit_id
    start = employer.get("snapshot", limit=1).json()["snapshot_seq"]
    item = {
        "unit_number": employer.info["unit_numbers"][0], "person_number": "4400000001",
        "levy_item": "10201", "levy_category": "102010001", "levy_subcategory": "10201000101",
        "special_category": "10", "base": "8000.00", "start_month": "2026-01", "end_month": None,
    }  # fmt: skip
    created = backend.admin_post(
        f"units/{unit_id}/employees",
        {"name": "单晓曾", "id_number": "11010519491231002X", "items": [item, {**item, "levy_item": "10204",
         "levy_category": "102040001", "levy_subcategory": "10204000101"}]},
    )  # fmt: skip
    record_id = created["id"]
    upserts, _, _, _ = employer.changes_all(start, 100)
    record = upserts[record_id]
    assert record[2:7] == ["单晓曾", "女", "01", "11010519491231002X", "1949-12-31"]
    assert [i[2] for i in record[-1]] == ["10201", "10204"]  # items keep their order
    patched = backend.admin_patch(f"employees/{record_id}", {"name": "区志明", "status": "2"})
    assert patched["seq"] > record[1]
    upserts, _, _, _ = employer.changes_all(record[1], 100)
    assert upserts[record_id][2] == "区志明" and upserts[record_id][7] == "2"
    assert upserts[record_id][-1] == record[-1]
    deleted = backend.admin_delete(f"employees/{record_id}")
    page = employer.get("changes", cursor=patched["seq"]).json()
    assert page["removals"] == [[record_id, deleted["seq"]]]
    with pytest.raises(Exception, match="404"):
        backend.admin_delete(f"employees/{record_id}")


def test_mutate_is_deterministic(backend: BackendServer) -> None:
    first = backend.create_taxpayer(employees_per_unit=30, seed=4242)
    second = backend.create_taxpayer(employees_per_unit=30, seed=4242)
    assert first["taxpayer_id"] != second["taxpayer_id"]  # never two taxpayers with one ID
    a, b = first["units"][0]["unit_id"], second["units"][0]["unit_id"]

    def content(unit_id: str) -> list[list[Any]]:
        # Everything but id, seq and updated_at, which depend on when and where.
        return [r[2:8] + [r[9]] for r in backend.dump(unit_id, "employees")["records"]]

    assert content(a) == content(b)
    result_a = backend.mutate(a, "employees", add=3, change=8, remove=4, seed=9)
    result_b = backend.mutate(b, "employees", add=3, change=8, remove=4, seed=9)
    base_a = min(r[0] for r in backend.dump(a, "employees")["records"])
    base_b = min(r[0] for r in backend.dump(b, "employees")["records"])
    for key in ("changed", "removed"):
        assert [i - base_a for i in result_a[key]] == [i - base_b for i in result_b[key]]
    assert content(a) == content(b)
    again = backend.mutate(a, "employees", change=8, seed=9)  # same seed, new state: new picks
    assert again["changed"] != result_a["changed"] or content(a) != content(b)


def test_mutate_thousand_changes(backend: BackendServer, http: httpx.Client) -> None:
    created = backend.create_taxpayer(employees_per_unit=1500, seed=77)
    unit_id = created["units"][0]["unit_id"]
    before = {r[0]: r for r in backend.dump(unit_id, "employees")["records"]}
    result = backend.mutate(unit_id, "employees", change=1000, seed=1)
    assert len(result["changed"]) == 1000
    after = {r[0]: r for r in backend.dump(unit_id, "employees")["records"]}
    for record_id in result["changed"]:
        assert (after[record_id][2:8], after[record_id][9]) != (
            before[record_id][2:8],
            before[record_id][9],
        )
    untouched = set(before) - set(result["changed"])
    assert all(after[i] == before[i] for i in untouched)
