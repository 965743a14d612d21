"""职工参保信息更新 (manual §2.2): the roster's queries, statistics and details, without Qt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from client.domain.insured import LONG_TERM, current_month
from client.domain.pinyin import is_initials_query
from client.groups.service import GroupService
from client.storage.app_db import AppDatabase
from client.storage.listing import QueryListSource, contains, custom, date_range, equals
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee, EmployeeItem, Group, RecordGroup, Registration

EMPLOYEES = Employee.__table__
ITEMS = EmployeeItem.__table__
GROUPS = Group.__table__
RECORD_GROUPS = RecordGroup.__table__


@dataclass(frozen=True)
class RosterStats:
    """统计: 职工总数, 正常缴费 (this month between start and stop), 停止缴费 (stopped)."""

    total: int
    paying: int
    stopped: int


@dataclass(frozen=True)
class CodeTables:
    """Names for the codes the records carry, from the region's rule files."""

    id_types: Mapping[str, str]
    insured_status: Mapping[str, str]
    levy_items: Mapping[str, str]
    levy_categories: Mapping[str, str]
    levy_subcategories: Mapping[str, str]
    special_categories: Mapping[str, str]

    @classmethod
    def load(cls, app_db: AppDatabase) -> CodeTables:
        return cls(
            *(
                app_db.code_table(code)
                for code in (
                    "id_types",
                    "insured_status",
                    "levy_items",
                    "levy_categories",
                    "levy_subcategories",
                    "special_categories",
                )
            )
        )

    @staticmethod
    def name(table: Mapping[str, str], code: Any) -> str:
        """The name of a code; the code itself when the rule file lacks it (manual §2.19.3:
        a missing name means the rule files are not right)."""
        if code is None:
            return ""
        return table.get(str(code), str(code))


@dataclass(frozen=True)
class InsuredItemRow:
    person_number: str
    levy_item: str
    levy_category: str
    levy_subcategory: str
    special_category: str
    base: str
    start_month: str
    end_month: str


@dataclass(frozen=True)
class UnitNumberBlock:
    """参保信息 for one 单位编号: its 经办机构 and the insured items under it."""

    unit_number: str
    agency: str
    items: list[InsuredItemRow]


@dataclass(frozen=True)
class EmployeeDetail:
    """职工参保明细: 基本信息, then 参保信息 per 单位编号."""

    id: int
    name: str
    gender: str
    id_type: str
    id_number: str
    birth_date: str
    status: str
    group: str
    updated_at: str
    blocks: list[UnitNumberBlock]


class RosterService:
    def __init__(self, app_db: AppDatabase, db: UnitDatabase, today: date) -> None:
        self.app_db = app_db
        self.db = db
        self.today = today
        self.codes = CodeTables.load(app_db)
        self.groups = GroupService(db)
        self._last_stats: tuple[Any, RosterStats] | None = None

    def count_with_statistics(self, filters: Mapping[str, Any]) -> int:
        """The list's count, made by the 统计 pass; the page's summary then reuses it."""
        stats = self._statistics(filters)
        self._last_stats = (_filters_key(filters), stats)
        return stats.total

    # -- the list ------------------------------------------------------------------------
    def base_select(self) -> Any:
        e = EMPLOYEES.c
        group_name = (
            select(GROUPS.c.name)
            .select_from(RECORD_GROUPS.join(GROUPS, GROUPS.c.id == RECORD_GROUPS.c.group_id))
            .where(RECORD_GROUPS.c.record_id == e.id)
            .scalar_subquery()
            .label("group_name")
        )
        return select(
            e.id,
            e.name,
            e.gender,
            e.id_type,
            e.id_number,
            e.status,
            e.updated_at,
            e.pay_start,
            e.pay_end,
            group_name,
        ).select_from(EMPLOYEES)

    def filters(self) -> list[Any]:
        e = EMPLOYEES.c
        return [
            custom("name", self._name_filter),
            equals("id_type", e.id_type),
            contains("id_number", e.id_number),
            equals("status", e.status),
            custom("unit_number", self._unit_number_filter),
            custom("group", self._group_filter),
            date_range("updated", e.updated_at),
        ]

    def source(self) -> QueryListSource:
        e = EMPLOYEES.c
        base = self.base_select()
        group_col = next(c for c in base.selected_columns if c.key == "group_name")
        return _RosterSource(
            self,
            self.db.engine,
            base,
            key="id",
            filters=self.filters(),
            sortable={
                "name": e.name,
                "gender": e.gender,
                "id_type": e.id_type,
                "id_number": e.id_number,
                "status": e.status,
                "updated_at": e.updated_at,
                "group_name": group_col,
                "id": e.id,
            },
            default_sort=[("name", True)],
        )

    @staticmethod
    def _name_filter(value: Any) -> ColumnElement[bool]:
        """姓名: a substring of the name, or 拼音首字母 ("lt" finds 林婷; 曾 is c or z)."""
        text = str(value).strip()
        by_name = EMPLOYEES.c.name.contains(text, autoescape=True)
        if is_initials_query(text):
            # instr: the initials are lower-case letters and "|", nothing to escape, and it
            # is quicker than a case-insensitive LIKE over 100,000 rows. Anchored at a
            # variant's start ("|lt"): the clerk types the name's initials from its first
            # character, so "lt" finds 林婷 but not 王林婷.
            initials = func.instr(EMPLOYEES.c.name_initials, f"|{text.lower()}") > 0
            return or_(by_name, initials)
        return by_name

    @staticmethod
    def _unit_number_filter(value: Any) -> ColumnElement[bool]:
        return exists().where(
            and_(ITEMS.c.employee_id == EMPLOYEES.c.id, ITEMS.c.unit_number == str(value))
        )

    def _group_filter(self, value: Any) -> ColumnElement[bool]:
        """分组: the group and every group below it."""
        ids = self.groups.descendant_ids(int(value))
        return exists().where(
            and_(RECORD_GROUPS.c.record_id == EMPLOYEES.c.id, RECORD_GROUPS.c.group_id.in_(ids))
        )

    # -- 统计 ----------------------------------------------------------------------------
    def statistics(self, filters: Mapping[str, Any]) -> RosterStats:
        """One pass over the filtered roster, using the pay months derived at sync time.
        The list's count of the same query (just before) already made it: reused once."""
        key = _filters_key(filters)
        cached, self._last_stats = self._last_stats, None
        if cached is not None and cached[0] == key:
            return cached[1]
        return self._statistics(filters)

    def _statistics(self, filters: Mapping[str, Any]) -> RosterStats:
        month = current_month(self.today)
        inner = self.source().filtered(filters).subquery()
        paying = and_(
            inner.c.pay_start <= month, or_(inner.c.pay_end.is_(None), inner.c.pay_end >= month)
        )
        stopped = inner.c.pay_end < month
        stmt = select(
            func.count(),
            func.coalesce(func.sum(case((paying, 1), else_=0)), 0),
            func.coalesce(func.sum(case((stopped, 1), else_=0)), 0),
        ).select_from(inner)
        with self.db.engine.connect() as conn:
            total, paying_count, stopped_count = conn.execute(stmt).one()
        return RosterStats(int(total), int(paying_count), int(stopped_count))

    # -- codes and details ------------------------------------------------------------------
    def id_type_name(self, code: Any) -> str:
        return CodeTables.name(self.codes.id_types, code)

    def status_name(self, code: Any) -> str:
        return CodeTables.name(self.codes.insured_status, code)

    def id_type_options(self) -> list[tuple[str, str]]:
        return [(name, code) for code, name in self.codes.id_types.items()]

    def status_options(self) -> list[tuple[str, str]]:
        return [(name, code) for code, name in self.codes.insured_status.items()]

    def unit_number_options(self) -> list[str]:
        with self.db.read() as session:
            numbers = session.scalars(select(Registration.unit_number).distinct()).all()
        return sorted(set(numbers))

    def detail(self, employee_id: int) -> EmployeeDetail | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(EMPLOYEES).where(EMPLOYEES.c.id == employee_id)).first()
            if row is None:
                return None
            items = conn.execute(
                select(ITEMS).where(ITEMS.c.employee_id == employee_id).order_by(ITEMS.c.row_id)
            ).all()
            agencies: dict[str, list[str]] = {}
            for reg in conn.execute(select(Registration.unit_number, Registration.agency)):
                agencies.setdefault(reg.unit_number, []).append(reg.agency)
        group = self.groups.group_of(employee_id)
        codes = self.codes
        blocks: dict[str, list[InsuredItemRow]] = {}
        for it in items:
            blocks.setdefault(it.unit_number, []).append(
                InsuredItemRow(
                    person_number=it.person_number,
                    levy_item=CodeTables.name(codes.levy_items, it.levy_item),
                    levy_category=CodeTables.name(codes.levy_categories, it.levy_category),
                    levy_subcategory=CodeTables.name(codes.levy_subcategories, it.levy_subcategory),
                    special_category=CodeTables.name(codes.special_categories, it.special_category),
                    base=it.base,
                    start_month=it.start_month,
                    end_month=it.end_month or LONG_TERM,
                )
            )
        return EmployeeDetail(
            id=row.id,
            name=row.name,
            gender=row.gender,
            id_type=self.id_type_name(row.id_type),
            id_number=row.id_number,
            birth_date=row.birth_date or "",
            status=self.status_name(row.status),
            group=group.path if group is not None else "",
            updated_at=row.updated_at,
            blocks=[
                UnitNumberBlock(number, "、".join(dict.fromkeys(agencies.get(number, []))), rows)
                for number, rows in blocks.items()
            ],
        )


class _RosterSource(QueryListSource):
    """The roster's list source: its count is the 统计 pass (one scan, not two)."""

    def __init__(self, service: RosterService, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service

    def count(self, filters: Mapping[str, Any]) -> int:
        return self.service.count_with_statistics(filters)


def _filters_key(filters: Mapping[str, Any]) -> Any:
    return tuple(sorted((k, repr(v)) for k, v in filters.items()))
