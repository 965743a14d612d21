"""申报缴费状态 kept locally, against a scripted 管理子系统 (the contract's pages): a year is
replaced whole only when its download completes and adds up; a cancelled, cut-off or
malformed download leaves the previous snapshot; filters and counts read it back; 100,000
residents download and query (no wall-clock asserts: the query plans are checked instead)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.collector.agent_wire import STATUS_FIELDS
from client.collector.statuses import ResidentStatuses
from client.jobs import JobCancelled, JobContext
from client.storage.unit_db import UnitDatabase
from client.sync.errors import ConnectionDroppedError, MalformedResponseError, SyncIntegrityError

TOWNS = ("城关镇", "新河镇", "柳林镇")
CATEGORIES = (("10210", "102100001"), ("10211", "102110001"))


def resident_rows(year: int, residents: int, declared_every: int = 3) -> list[list[Any]]:
    rows = []
    for n in range(1, residents + 1):
        for levy_item, category in CATEGORIES:
            declared = n % declared_every == 0
            paid = declared and n % 2 == 0
            rows.append([
                n, f"居民{n}", "01", f"4403{n:014d}", TOWNS[n % 3], f"{TOWNS[n % 3]}{n % 7}村",
                levy_item, category, "已申报" if declared else "未申报",
                ("已缴费" if paid else "未缴费") if declared else None,
                "05" if declared else None, "500.00" if declared else None,
                f"SB{year}{n:06d}" if declared else None,
                f"{year}-03-01 10:00:00" if declared else None,
                f"{year}-03-02 10:00:00" if paid else None,
            ])  # fmt: skip
    return rows


class ScriptedApi:
    """GET …/resident-statuses answered from `rows`, paged by resident id like the server."""

    def __init__(self, rows_by_year: dict[int, list[list[Any]]]) -> None:
        self.rows_by_year = rows_by_year
        self.requests: list[dict[str, Any]] = []
        self.fail_at: int | None = None  # the request number that breaks
        self.on_request: Any = None
        self.total_offset = 0
        self.mangle: Any = None

    def get_json(self, path: str, **params: Any) -> Any:
        self.requests.append(params)
        if self.on_request is not None:
            self.on_request(len(self.requests))
        if self.fail_at is not None and len(self.requests) >= self.fail_at:
            raise ConnectionDroppedError()
        year, after, limit = params["year"], params["after_id"], params["limit"]
        rows = self.rows_by_year.get(year, [])
        page = [r for r in rows if r[0] > after]
        ids = sorted({r[0] for r in page})[:limit]
        chosen = [r for r in page if ids and r[0] <= ids[-1]]
        more = len(ids) == limit and any(r[0] > ids[-1] for r in page)
        answer = {"year": year, "fields": list(STATUS_FIELDS), "records": chosen,
                  "total": len(rows) + self.total_offset,
                  "next_after_id": ids[-1] if more else None}  # fmt: skip
        return self.mangle(answer) if self.mangle else answer


@pytest.fixture
def db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield database
    database.close()


def service(db: UnitDatabase, api: ScriptedApi, page_size: int = 40) -> ResidentStatuses:
    return ResidentStatuses(api, db, "U1", page_size=page_size)  # type: ignore[arg-type]


def table(db: UnitDatabase, year: int) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(
            "SELECT resident_id, levy_category, declare_status, pay_status FROM resident_statuses"
            " WHERE year = ? ORDER BY row_id", (year,))]  # fmt: skip


def test_a_year_downloads_in_pages_and_keeps_the_server_order(db: UnitDatabase) -> None:
    api = ScriptedApi({2026: resident_rows(2026, 100), 2025: resident_rows(2025, 10)})
    ctx = JobContext()
    done = service(db, api).download(2026, ctx)
    assert done.count == 200
    assert [r["after_id"] for r in api.requests] == [0, 40, 80]
    assert table(db, 2026) == [(r[0], r[7], r[8], r[9]) for r in resident_rows(2026, 100)]
    assert ctx.last is not None and (ctx.last.done, ctx.last.total) == (200, 200)
    service(db, api).download(2025)
    assert len(table(db, 2025)) == 20 and len(table(db, 2026)) == 200  # years apart
    assert service(db, api).downloaded(2026).count == 200  # type: ignore[union-attr]
    assert service(db, api).years() == [2026, 2025]


def test_a_new_download_replaces_the_year_whole(db: UnitDatabase) -> None:
    api = ScriptedApi({2026: resident_rows(2026, 30)})
    service(db, api).download(2026)
    api.rows_by_year[2026] = resident_rows(2026, 12, declared_every=2)
    service(db, api).download(2026)
    assert table(db, 2026) == [(r[0], r[7], r[8], r[9]) for r in resident_rows(2026, 12, 2)]


@pytest.mark.parametrize("how", ["cancel", "network", "malformed", "count", "duplicate"])
def test_a_broken_download_keeps_the_previous_snapshot(db: UnitDatabase, how: str) -> None:
    api = ScriptedApi({2026: resident_rows(2026, 100)})
    svc = service(db, api)
    svc.download(2026)
    before = table(db, 2026)
    fetched = svc.downloaded(2026)
    api.rows_by_year[2026] = resident_rows(2026, 100, declared_every=2)
    api.requests.clear()
    ctx = JobContext()
    expected: type[BaseException]
    if how == "cancel":
        api.on_request = lambda n: n == 2 and ctx.cancel_token.cancel()
        expected = JobCancelled
    elif how == "network":
        api.fail_at = 3
        expected = ConnectionDroppedError
    elif how == "malformed":
        api.mangle = lambda a: {**a, "records": [r[:-1] for r in a["records"]]}
        expected = MalformedResponseError
    elif how == "count":
        api.total_offset = 1  # the server counted one row more than it sent
        expected = SyncIntegrityError
    else:
        api.mangle = lambda a: {**a, "records": a["records"] + a["records"][:1]}
        expected = MalformedResponseError
    with pytest.raises(expected):
        svc.download(2026, ctx)
    assert table(db, 2026) == before
    assert svc.downloaded(2026) == fetched
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM resident_statuses_staging").scalar() == 0


def test_filters_and_counts(db: UnitDatabase) -> None:
    api = ScriptedApi({2026: resident_rows(2026, 60), 2025: resident_rows(2025, 60)})
    svc = service(db, api)
    svc.download(2026)
    svc.download(2025)
    source = svc.source()
    year = {"year": 2026}
    assert source.count(year) == 120

    def ids(filters: dict[str, Any]) -> list[tuple[int, str]]:
        rows = source.rows({**year, **filters}, [])
        return [(r["resident_id"], r["levy_category"]) for r in rows]

    expected = resident_rows(2026, 60)

    def where(keep: Any) -> list[tuple[int, str]]:
        return [(r[0], r[7]) for r in expected if keep(r)]

    assert ids({"township": "新河镇"}) == where(lambda r: r[4] == "新河镇")
    assert ids({"township": "新河镇", "village": "新河镇1村"}) == where(
        lambda r: r[5] == "新河镇1村"
    )
    assert ids({"levy_item": "10211"}) == where(lambda r: r[6] == "10211")
    assert ids({"levy_category": "102100001"}) == where(lambda r: r[7] == "102100001")
    assert ids({"declare_status": "未申报"}) == where(lambda r: r[8] == "未申报")
    assert ids({"declare_status": "已申报", "pay_status": "未缴费"}) == where(
        lambda r: r[8] == "已申报" and r[9] == "未缴费"
    )
    assert ids({"person": "居民12"}) == where(lambda r: r[1].startswith("居民12"))
    assert ids({"person": f"{12:014d}"}) == where(lambda r: r[0] == 12)
    counts = svc.counts({**year, "levy_item": "10210"})
    assert counts.rows == counts.persons == 60
    assert counts.declared == sum(1 for r in expected if r[6] == "10210" and r[8] == "已申报")
    assert counts.paid == sum(1 for r in expected if r[6] == "10210" and r[9] == "已缴费")
    assert svc.distinct("township", 2026) == sorted(TOWNS)
    assert svc.distinct("village", 2026, township="城关镇") == sorted(
        {r[5] for r in expected if r[4] == "城关镇"}
    )


def test_a_hundred_thousand_residents(db: UnitDatabase) -> None:
    rows = resident_rows(2026, 100_000)
    api = ScriptedApi({2026: rows})
    svc = service(db, api, page_size=20_000)
    assert svc.download(2026).count == 200_000
    assert len(api.requests) == 5
    with db.engine.connect() as conn:
        plan = " ".join(str(r[3]) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM resident_statuses WHERE year = 2026"
            " AND declare_status = '已申报' AND pay_status = '未缴费'"))  # fmt: skip
    assert "ix_resident_statuses_state" in plan
    page = svc.source().page({"year": 2026, "township": "柳林镇"}, [], 1000, 1000)
    assert len(page) == 1000 and all(r["township"] == "柳林镇" for r in page)
