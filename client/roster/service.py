"""The roster both modules share: a synced people table listed with query conditions,
拼音首字母 in the name box, 分组, 统计 and the code names, described by a `RosterKind`.

职工参保信息更新 (§2.2, `employees.py`) and 城乡居民参保信息更新 (§3.2, `residents.py`) differ in
their table, their columns and conditions, and what 统计 counts; each is a `RosterService`
subclass that names those, and everything else is here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from client.domain.pinyin import is_initials_query
from client.groups.service import GroupService
from client.roster.codes import CodeTables
from client.storage.app_db import AppDatabase
from client.storage.feed_tables import FeedSpec
from client.storage.listing import Filter, QueryListSource, custom
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Group, RecordGroup, SyncRun, UnitBase

GROUPS = Group.__table__
RECORD_GROUPS = RecordGroup.__table__


@dataclass(frozen=True)
class Statistic:
    """One figure of 统计 besides the total: the rows of the filtered list where
    `where(inner, service)` holds (`inner` is the filtered list as a subquery)."""

    key: str
    label: str
    where: Callable[[Any, RosterService], ColumnElement[bool]]


@dataclass(frozen=True)
class RosterKind:
    """What makes a roster the employer's or the collector's."""

    feed: FeedSpec  # the synced table (and its items) and the feed that fills it
    title: str  # the menu and page title
    person: str  # 职工 / 城乡居民, in messages
    total_label: str  # 统计's first figure: 职工总数 / 参保总数
    statistics: tuple[Statistic, ...] = ()
    export_name: str = ""

    @property
    def table(self) -> Table:
        return UnitBase.metadata.tables[self.feed.table]

    @property
    def item_table(self) -> Table:
        return UnitBase.metadata.tables[self.feed.item_table]


@dataclass(frozen=True)
class RosterStats:
    """统计 of the filtered list: `total` and one count per `Statistic` of the kind, readable
    by key as attributes (`stats.paying`) and as the page shows them (`shown()`)."""

    total: int
    total_label: str
    counts: Mapping[str, int] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def __getattr__(self, key: str) -> int:
        counts = self.__dict__.get("counts", {})
        if key in counts:
            return int(counts[key])
        raise AttributeError(key)

    def shown(self, unit: str = "人") -> list[tuple[str, str]]:
        return [
            (self.total_label, f"{self.total}{unit}"),
            *((self.labels[k], f"{v}{unit}") for k, v in self.counts.items()),
        ]


class RosterService:
    """The list of one kind of people: subclasses give `kind`, `list_columns`, `from_clause`,
    `kind_filters` and `sortable`; queries, 统计 and code names are shared."""

    kind: RosterKind

    def __init__(self, app_db: AppDatabase, db: UnitDatabase, today: date) -> None:
        self.app_db = app_db
        self.db = db
        self.today = today
        self.codes = CodeTables.load(app_db)
        self.groups = GroupService(db)
        self._last_stats: tuple[Any, RosterStats] | None = None

    # -- what a kind says ------------------------------------------------------------------
    def list_columns(self) -> Sequence[ColumnElement[Any]]:
        """The selected columns besides `group_name` (the row key `id` among them)."""
        raise NotImplementedError

    def from_clause(self) -> Any:
        return self.kind.table

    def kind_filters(self) -> list[Filter]:
        return []

    def sortable(self, group_name: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
        raise NotImplementedError

    # -- the list ------------------------------------------------------------------------
    @property
    def table(self) -> Table:
        return self.kind.table

    def group_name_column(self) -> ColumnElement[Any]:
        """分组: the name of the record's group (its path is in 查看)."""
        return (
            select(GROUPS.c.name)
            .select_from(RECORD_GROUPS.join(GROUPS, GROUPS.c.id == RECORD_GROUPS.c.group_id))
            .where(RECORD_GROUPS.c.record_id == self.table.c.id)
            .scalar_subquery()
            .label("group_name")
        )

    def base_select(self) -> Any:
        return select(*self.list_columns(), self.group_name_column()).select_from(
            self.from_clause()
        )

    def filters(self) -> list[Filter]:
        return [
            custom("name", self._name_filter),
            custom("group", self._group_filter),
            *self.kind_filters(),
        ]

    def source(self) -> QueryListSource:
        base = self.base_select()
        group_col = next(c for c in base.selected_columns if c.key == "group_name")
        return _RosterSource(
            self,
            self.db.engine,
            base,
            key="id",
            filters=self.filters(),
            sortable=self.sortable(group_col),
            default_sort=[("name", True)],
        )

    def _name_filter(self, value: Any) -> ColumnElement[bool]:
        """姓名: a substring of the name, or 拼音首字母 ("lt" finds 林婷; 曾 is c or z)."""
        text = str(value).strip()
        c = self.table.c
        by_name = c.name.contains(text, autoescape=True)
        if is_initials_query(text):
            # instr: the initials are lower-case letters and "|", nothing to escape, and it
            # is quicker than a case-insensitive LIKE over 100,000 rows. Anchored at a
            # variant's start ("|lt"): the clerk types the name's initials from its first
            # character, so "lt" finds 林婷 but not 王林婷.
            initials = func.instr(c.name_initials, f"|{text.lower()}") > 0
            return or_(by_name, initials)
        return by_name

    def _group_filter(self, value: Any) -> ColumnElement[bool]:
        """分组: the group and every group below it."""
        ids = self.groups.descendant_ids(int(value))
        return exists().where(
            and_(RECORD_GROUPS.c.record_id == self.table.c.id, RECORD_GROUPS.c.group_id.in_(ids))
        )

    # -- 统计 ----------------------------------------------------------------------------
    def count_with_statistics(self, filters: Mapping[str, Any]) -> int:
        """The list's count, made by the 统计 pass; the page's summary then reuses it."""
        stats = self._statistics(filters)
        self._last_stats = (_filters_key(filters), stats)
        return stats.total

    def statistics(self, filters: Mapping[str, Any]) -> RosterStats:
        """One pass over the filtered list. The list's count of the same query (just
        before) already made it: reused once."""
        key = _filters_key(filters)
        cached, self._last_stats = self._last_stats, None
        if cached is not None and cached[0] == key:
            return cached[1]
        return self._statistics(filters)

    def _statistics(self, filters: Mapping[str, Any]) -> RosterStats:
        kind = self.kind
        inner = self.source().filtered(filters).subquery()
        figures = [
            func.coalesce(func.sum(case((stat.where(inner, self), 1), else_=0)), 0)
            for stat in kind.statistics
        ]
        stmt = select(func.count(), *figures).select_from(inner)
        with self.db.engine.connect() as conn:
            total, *counts = conn.execute(stmt).one()
        return RosterStats(
            int(total),
            kind.total_label,
            {s.key: int(n) for s, n in zip(kind.statistics, counts, strict=True)},
            {s.key: s.label for s in kind.statistics},
        )

    # -- codes ---------------------------------------------------------------------------
    def id_type_name(self, code: Any) -> str:
        return CodeTables.name(self.codes.id_types, code)

    def status_name(self, code: Any) -> str:
        return CodeTables.name(self.codes.insured_status, code)

    def id_type_options(self) -> list[tuple[str, str]]:
        return [(name, code) for code, name in self.codes.id_types.items()]

    def status_options(self) -> list[tuple[str, str]]:
        return [(name, code) for code, name in self.codes.insured_status.items()]

    def group_options(self) -> list[tuple[str, int]]:
        return [(g.path, g.id) for g in self.groups.flat()]

    def group_path(self, record_id: int) -> str:
        group = self.groups.group_of(record_id)
        return group.path if group is not None else ""

    # -- 更新 ----------------------------------------------------------------------------
    def latest_changes_run(self) -> SyncRun | None:
        """更新数据导出: the last finished update of this roster that changed anything."""
        changed = SyncRun.added + SyncRun.changed + SyncRun.removed
        query = (
            select(SyncRun)
            .where(SyncRun.feed == self.kind.feed.name, SyncRun.status == "done", changed > 0)
            .order_by(SyncRun.id.desc())
            .limit(1)
        )
        with self.db.read() as session:
            return session.scalars(query).first()


class _RosterSource(QueryListSource):
    """The roster's list source: its count is the 统计 pass (one scan, not two)."""

    def __init__(self, service: RosterService, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service

    def count(self, filters: Mapping[str, Any]) -> int:
        return self.service.count_with_statistics(filters)


def _filters_key(filters: Mapping[str, Any]) -> Any:
    return tuple(sorted((k, repr(v)) for k, v in filters.items()))
