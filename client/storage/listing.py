"""The data side of a list page: count, one sorted page, and a streamed export of all rows.

A page never holds more than one page of rows; export streams every matching row in
chunks. `QueryListSource` implements this over any SQLAlchemy Core `select()`, with the
page's query conditions declared as named filters (`contains`, `equals`, `date_range`, ...).
Empty condition values (None, "", blank text, empty ranges) are ignored, so a page can pass
its whole condition panel as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Date, DateTime, Engine, Select, and_, false, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

SortSpec = Sequence[tuple[str, bool]]
"""Sort order as (column key, ascending) pairs, most significant first."""

ROW_KEY = "_key"
STREAM_CHUNK = 1000
IN_LIST_LIMIT = 900  # below SQLite's historical 999-parameter limit


class ListSource(Protocol):
    """What a list page reads. Rows are dicts by column key plus `"_key"` naming the row."""

    def count(self, filters: Mapping[str, Any]) -> int: ...

    def page(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int
    ) -> list[dict[str, Any]]: ...

    def rows(
        self, filters: Mapping[str, Any], sort: SortSpec, keys: Collection[Any] | None = None
    ) -> Iterator[dict[str, Any]]: ...


def is_empty(value: Any) -> bool:
    """True for a condition the user left blank: None, "", blank text, (None, None), []."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list | set | frozenset):
        return all(is_empty(v) for v in value)
    return False


FilterFn = Callable[[Any], "ColumnElement[bool] | None"]


@dataclass(frozen=True)
class Filter:
    """One query condition: `key` in the filters mapping, `build(value)` the WHERE clause.

    `build` is only called with non-empty values and may return None to add nothing.
    """

    key: str
    build: FilterFn


def custom(key: str, build: FilterFn) -> Filter:
    return Filter(key, build)


def contains(key: str, *columns: ColumnElement[Any]) -> Filter:
    """支持模糊查询: the trimmed text occurs in any of the columns (LIKE-escaped)."""

    def build(value: Any) -> ColumnElement[bool]:
        text = str(value).strip()
        clauses = [col.contains(text, autoescape=True) for col in columns]
        return clauses[0] if len(clauses) == 1 else or_(*clauses)

    return Filter(key, build)


def equals(key: str, column: ColumnElement[Any]) -> Filter:
    """Exact match; a list/tuple/set value means "any of these"."""

    def build(value: Any) -> ColumnElement[bool]:
        if isinstance(value, list | tuple | set | frozenset):
            return column.in_(list(value))
        return column == (value.strip() if isinstance(value, str) else value)

    return Filter(key, build)


def date_range(key: str, column: ColumnElement[Any]) -> Filter:
    """(start, end) dates, both inclusive, either may be None.

    Works on Date/DateTime columns and on text columns holding 'YYYY-MM-DD' or
    'YYYY-MM-DD HH:MM:SS' (the end bound is "before the next day").
    """
    native = isinstance(column.type, Date | DateTime)

    def bound(value: date) -> Any:
        return value if native else value.isoformat()

    def build(value: Any) -> ColumnElement[bool] | None:
        start, end = (_as_date(v) for v in value)
        clauses = []
        if start is not None:
            clauses.append(column >= bound(start))
        if end is not None:
            clauses.append(column < bound(end + timedelta(days=1)))
        return and_(*clauses) if clauses else None

    return Filter(key, build)


def month_range(key: str, column: ColumnElement[Any]) -> Filter:
    """(start, end) months as 'YYYY-MM' text, both inclusive, either may be None."""

    def build(value: Any) -> ColumnElement[bool] | None:
        start, end = (_as_month(v) for v in value)
        clauses = []
        if start is not None:
            clauses.append(column >= start)
        if end is not None:
            clauses.append(column <= end)
        return and_(*clauses) if clauses else None

    return Filter(key, build)


class QueryListSource:
    """A `ListSource` over an engine and a base `select()`.

    - `key`: the selected column that identifies a row (its value becomes `"_key"`).
    - `filters`: the declared query conditions; unknown filter keys are ignored.
    - `sortable`: column keys (resolved against the select) or key -> expression; None
      means every selected column. Sorting by anything else raises ValueError.
    - `default_sort`: used when the page asks for no particular order.
    Paging is LIMIT/OFFSET over a total order (the row key is always the last tie-breaker),
    so pages never overlap or skip rows; index the filtered and sorted columns.
    """

    def __init__(
        self,
        engine: Engine,
        base: Select[Any],
        key: str,
        filters: Iterable[Filter] = (),
        sortable: Iterable[str] | Mapping[str, ColumnElement[Any]] | None = None,
        default_sort: SortSpec = (),
        chunk_size: int = STREAM_CHUNK,
    ) -> None:
        self.engine = engine
        self.base = base
        self.key = key
        columns = {c.key: c for c in base.selected_columns}
        if key not in columns:
            raise ValueError(f"key column {key!r} is not selected")
        self._key_column: ColumnElement[Any] = columns[key]
        self.filters = {f.key: f for f in filters}
        if sortable is None:
            self.sort_columns: dict[str, ColumnElement[Any]] = dict(columns)
        elif isinstance(sortable, Mapping):
            self.sort_columns = dict(sortable)
        else:
            self.sort_columns = {name: columns[name] for name in sortable}
        self.default_sort = list(default_sort)
        self.chunk_size = chunk_size

    @property
    def sortable(self) -> frozenset[str]:
        return frozenset(self.sort_columns)

    # -- ListSource --------------------------------------------------------------------
    def count(self, filters: Mapping[str, Any]) -> int:
        inner = self._filtered(filters).order_by(None).subquery()
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())

    def page(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        stmt = self._sorted(self._filtered(filters), sort)
        stmt = stmt.offset(max(offset, 0)).limit(max(limit, 0))
        with self.engine.connect() as conn:
            return [self._as_dict(row) for row in conn.execute(stmt)]

    def rows(
        self, filters: Mapping[str, Any], sort: SortSpec, keys: Collection[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every matching row in page order, fetched `chunk_size` at a time.

        With `keys`, only those rows (still within the filters): a short list goes into an
        IN clause; a long one filters the stream, so the order stays the page's order.
        """
        stmt = self._filtered(filters)
        wanted: set[Any] | None = None
        if keys is not None:
            if not keys:
                stmt = stmt.where(false())
            elif len(keys) <= IN_LIST_LIMIT:
                stmt = stmt.where(self._key_column.in_(list(keys)))
            else:
                wanted = set(keys)
        stmt = self._sorted(stmt, sort)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=self.chunk_size)
            for partition in result.execute(stmt).partitions(self.chunk_size):
                for row in partition:
                    item = self._as_dict(row)
                    if wanted is None or item[ROW_KEY] in wanted:
                        yield item

    # -- building statements -------------------------------------------------------------
    def filtered(self, filters: Mapping[str, Any]) -> Select[Any]:
        """The base select with the query conditions applied (for summaries over a page's
        current filter, e.g. 统计)."""
        return self._filtered(filters)

    def _filtered(self, filters: Mapping[str, Any]) -> Select[Any]:
        stmt = self.base
        for name, value in filters.items():
            spec = self.filters.get(name)
            if spec is None or is_empty(value):
                continue
            clause = spec.build(value)
            if clause is not None:
                stmt = stmt.where(clause)
        return stmt

    def _sorted(self, stmt: Select[Any], sort: SortSpec) -> Select[Any]:
        order = list(sort) or self.default_sort
        clauses: list[ColumnElement[Any]] = []
        for name, ascending in order:
            column = self.sort_columns.get(name)
            if column is None:
                raise ValueError(f"column {name!r} is not sortable")
            clauses.append(column.asc() if ascending else column.desc())
        if not any(name == self.key for name, _ in order):
            clauses.append(self._key_column.asc())
        return stmt.order_by(None).order_by(*clauses)

    def _as_dict(self, row: Any) -> dict[str, Any]:
        item = dict(row._mapping)
        item[ROW_KEY] = item[self.key]
        return item


def _as_date(value: Any) -> date | None:
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


def _as_month(value: Any) -> str | None:
    if is_empty(value):
        return None
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value).strip()[:7]


class MappedSource:
    """A `ListSource` whose rows pass through `transform` (derived display values such as
    a change described in words, or a 缴费基数 computed from the row)."""

    def __init__(
        self, source: ListSource, transform: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        self.source = source
        self.transform = transform

    def count(self, filters: Mapping[str, Any]) -> int:
        return self.source.count(filters)

    def page(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        return [self.transform(r) for r in self.source.page(filters, sort, offset, limit)]

    def rows(
        self, filters: Mapping[str, Any], sort: SortSpec, keys: Collection[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        return (self.transform(r) for r in self.source.rows(filters, sort, keys))


RowFilter = Callable[[dict[str, Any], Any], bool]


class RowsSource:
    """A `ListSource` over rows held in memory: the answer of a server query shown as it came
    (完税证明 to 开具, a 缴费清单), not kept locally.

    `filters` maps a condition key to `keep(row, value)`; empty values are ignored like in
    `QueryListSource`, and unknown keys too. `set_rows` replaces what is shown."""

    def __init__(
        self,
        key: str,
        rows: Iterable[Mapping[str, Any]] = (),
        filters: Mapping[str, RowFilter] | None = None,
        default_sort: SortSpec = (),
    ) -> None:
        self.key = key
        self.filters = dict(filters or {})
        self.default_sort = list(default_sort)
        self._rows: list[dict[str, Any]] = []
        self.set_rows(rows)

    def set_rows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._rows = [{**r, ROW_KEY: r[self.key]} for r in rows]

    @property
    def all_rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def count(self, filters: Mapping[str, Any]) -> int:
        return sum(1 for _ in self._matching(filters))

    def page(
        self, filters: Mapping[str, Any], sort: SortSpec, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        ordered = self._sorted(list(self._matching(filters)), sort)
        return [dict(r) for r in ordered[max(offset, 0) : max(offset, 0) + max(limit, 0)]]

    def rows(
        self, filters: Mapping[str, Any], sort: SortSpec, keys: Collection[Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        wanted = None if keys is None else set(keys)
        for row in self._sorted(list(self._matching(filters)), sort):
            if wanted is None or row[ROW_KEY] in wanted:
                yield dict(row)

    def _matching(self, filters: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        active = [
            (self.filters[k], v)
            for k, v in filters.items()
            if k in self.filters and not is_empty(v)
        ]
        for row in self._rows:
            if all(keep(row, value) for keep, value in active):
                yield row

    def _sorted(self, rows: list[dict[str, Any]], sort: SortSpec) -> list[dict[str, Any]]:
        order = list(sort) or self.default_sort
        # Stable sorts from the least significant key; None sorts first, like SQLite.
        for name, ascending in reversed(order):
            rows.sort(
                key=lambda r, n=name: (r.get(n) is not None, _sort_value(r.get(n))),
                reverse=not ascending,
            )
        return rows


def _sort_value(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, int | float) else str(value)
