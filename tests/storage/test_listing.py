"""QueryListSource over a real SQLite table: filters, counts, sorting, paging, streaming."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    insert,
    select,
)

from client.storage.listing import (
    ROW_KEY,
    QueryListSource,
    contains,
    custom,
    date_range,
    equals,
    is_empty,
    month_range,
)

ROWS = 25_000
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳"]

metadata = MetaData()
people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("gender", String(2), nullable=False),
    Column("id_number", String(18), nullable=False),
    Column("status", String(8), nullable=False),
    Column("base", Numeric(12, 2), nullable=False),
    Column("start_month", String(7), nullable=False),
    Column("updated_at", String(19), nullable=False),
    Index("ix_people_name", "name"),
    Index("ix_people_status", "status"),
    Index("ix_people_updated_at", "updated_at"),
)


def person(i: int) -> dict[str, Any]:
    """Row i of the generated roster (deterministic, so tests can compute expectations)."""
    day = date.fromordinal(date(2023, 1, 1).toordinal() + i % 365)
    return {
        "id": i,
        "name": f"{SURNAMES[i % 10]}{GIVEN[i % 12]}{i:05d}",
        "gender": "男" if i % 2 else "女",
        "id_number": f"44030019{80 + i % 20:02d}0101{i % 10_000:04d}"[:17] + "X",
        "status": "停止缴费" if i % 3 == 0 else "正常缴费",
        "base": Decimal(3000 + (i * 37) % 20_000) + Decimal("0.50"),
        "start_month": f"{2015 + i % 8}-{1 + i % 12:02d}",
        "updated_at": f"{day.isoformat()} {i % 24:02d}:{i % 60:02d}:00",
    }


def build_people(path: Path, count: int = ROWS) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(people), [person(i) for i in range(1, count + 1)])
    return engine


def people_source(engine: Engine, **kw: Any) -> QueryListSource:
    c = people.c
    return QueryListSource(
        engine,
        select(people),
        key="id",
        filters=[
            contains("name", c.name),
            contains("id_number", c.id_number),
            equals("status", c.status),
            equals("gender", c.gender),
            date_range("updated", c.updated_at),
            month_range("start", c.start_month),
            custom("min_base", lambda v: c.base >= v),
        ],
        sortable=["id", "name", "base", "updated_at", "status"],
        default_sort=[("id", True)],
        **kw,
    )


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = build_people(tmp_path_factory.mktemp("listing") / "people.sqlite3")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def everyone() -> list[dict[str, Any]]:
    return [person(i) for i in range(1, ROWS + 1)]


@pytest.fixture
def source(engine: Engine) -> QueryListSource:
    return people_source(engine)


def test_count_without_filters(source: QueryListSource) -> None:
    assert source.count({}) == ROWS


def test_contains_is_fuzzy_and_escapes_wildcards(source: QueryListSource, everyone: list) -> None:
    assert source.count({"name": "芳00"}) == sum("芳00" in p["name"] for p in everyone)
    assert source.count({"name": " 王 "}) == sum("王" in p["name"] for p in everyone)
    assert source.count({"name": "%"}) == 0
    assert source.count({"name": "_"}) == 0


def test_equals_and_combined_filters(source: QueryListSource, everyone: list) -> None:
    stopped = sum(p["status"] == "停止缴费" for p in everyone)
    assert stopped == ROWS // 3
    assert source.count({"status": "停止缴费"}) == stopped
    both = sum(p["status"] == "停止缴费" and p["gender"] == "男" for p in everyone)
    assert source.count({"status": "停止缴费", "gender": "男"}) == both
    assert source.count({"status": ["停止缴费", "正常缴费"]}) == ROWS


def test_date_range_is_inclusive_on_datetime_text(source: QueryListSource, everyone: list) -> None:
    start, end = date(2023, 3, 1), date(2023, 3, 31)
    expected = sum("2023-03-01" <= p["updated_at"][:10] <= "2023-03-31" for p in everyone)
    assert expected > 0
    assert source.count({"updated": (start, end)}) == expected
    assert source.count({"updated": ("2023-03-01", "2023-03-31")}) == expected
    assert source.count({"updated": (None, date(2023, 1, 1))}) == sum(
        p["updated_at"].startswith("2023-01-01") for p in everyone
    )


def test_month_range_and_custom_filter(source: QueryListSource, everyone: list) -> None:
    expected = sum("2016-05" <= p["start_month"] <= "2017-02" for p in everyone)
    assert source.count({"start": ("2016-05", "2017-02")}) == expected
    assert source.count({"min_base": Decimal("22000")}) == sum(p["base"] >= 22000 for p in everyone)


def test_empty_and_unknown_filters_are_ignored(source: QueryListSource) -> None:
    blank = {"name": "  ", "status": None, "updated": (None, None), "start": ("", None)}
    assert source.count(blank) == ROWS
    assert source.count({"no_such_condition": "x"}) == ROWS
    assert is_empty([]) and is_empty((None, "")) and not is_empty(0)


def test_page_rows_are_dicts_with_key(source: QueryListSource) -> None:
    rows = source.page({}, [], 0, 3)
    assert [r[ROW_KEY] for r in rows] == [1, 2, 3]
    assert rows[0]["name"] == person(1)["name"]
    assert rows[0]["base"] == person(1)["base"]


def test_sort_ascending_and_descending(source: QueryListSource, everyone: list) -> None:
    by_base = sorted(everyone, key=lambda p: (p["base"], p["id"]))
    asc = source.page({}, [("base", True)], 0, 5)
    assert [r["id"] for r in asc] == [p["id"] for p in by_base[:5]]
    by_base_desc = sorted(everyone, key=lambda p: (-p["base"], p["id"]))
    desc = source.page({}, [("base", False)], 0, 5)
    assert [r["id"] for r in desc] == [p["id"] for p in by_base_desc[:5]]
    assert source.page({}, [("id", False)], 0, 1)[0]["id"] == ROWS


def test_sorting_by_an_unlisted_column_is_refused(source: QueryListSource) -> None:
    with pytest.raises(ValueError):
        source.page({}, [("id_number", True)], 0, 10)
    assert source.sortable == {"id", "name", "base", "updated_at", "status"}


def test_paging_covers_every_row_once(source: QueryListSource) -> None:
    filters = {"status": "停止缴费"}
    total = source.count(filters)
    seen: list[int] = []
    for offset in range(0, total, 3000):
        page = source.page(filters, [("name", True)], offset, 3000)
        assert len(page) == min(3000, total - offset)
        seen.extend(r[ROW_KEY] for r in page)
    assert len(seen) == len(set(seen)) == total
    assert source.page(filters, [], total, 3000) == []


def test_rows_streams_all_matching_rows_in_order(engine: Engine, everyone: list) -> None:
    source = people_source(engine, chunk_size=500)
    stream = source.rows({"gender": "女"}, [("base", False)])
    assert iter(stream) is stream  # a generator, not a list
    first = next(stream)
    rest = list(stream)
    expected = sorted(
        (p for p in everyone if p["gender"] == "女"), key=lambda p: (-p["base"], p["id"])
    )
    assert [first["id"], *(r["id"] for r in rest)] == [p["id"] for p in expected]


def test_rows_with_keys(source: QueryListSource) -> None:
    few = [17, 3, 25_000, 999_999]
    assert [r[ROW_KEY] for r in source.rows({}, [("id", True)], few)] == [3, 17, 25_000]
    many = list(range(5000, 1000, -2))  # more keys than one IN list holds
    got = [r[ROW_KEY] for r in source.rows({}, [("id", False)], many)]
    assert got == sorted(many, reverse=True)
    assert list(source.rows({}, [], [])) == []
    stopped = [r[ROW_KEY] for r in source.rows({"status": "停止缴费"}, [], [3, 4, 6])]
    assert stopped == [3, 6]


def test_key_must_be_selected(engine: Engine) -> None:
    with pytest.raises(ValueError):
        QueryListSource(engine, select(people.c.name), key="id")
