"""职工参保信息更新 (manual §2.2): the employee roster's columns, conditions, 统计 and 查看."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from client.domain.insured import LONG_TERM, current_month
from client.roster.codes import CodeTables
from client.roster.service import RosterKind, RosterService, RosterStats, Statistic
from client.storage.feed_tables import EMPLOYEES as EMPLOYEE_FEED
from client.storage.listing import Filter, contains, custom, date_range, equals
from client.storage.unit_models import Employee, EmployeeItem, Registration

EMPLOYEES = Employee.__table__
ITEMS = EmployeeItem.__table__

__all__ = [
    "EMPLOYEE_ROSTER",
    "CodeTables",
    "EmployeeDetail",
    "EmployeeRosterService",
    "InsuredItemRow",
    "RosterStats",
    "UnitNumberBlock",
]


def _paying(inner: Any, service: RosterService) -> ColumnElement[bool]:
    """正常缴费: this month lies between the first start and the last stop (or no stop)."""
    month = current_month(service.today)
    return and_(
        inner.c.pay_start <= month, or_(inner.c.pay_end.is_(None), inner.c.pay_end >= month)
    )


def _stopped(inner: Any, service: RosterService) -> ColumnElement[bool]:
    """停止缴费: the last stop month is before this month."""
    return inner.c.pay_end < current_month(service.today)


EMPLOYEE_ROSTER = RosterKind(
    feed=EMPLOYEE_FEED,
    title="职工参保信息更新",
    person="职工",
    total_label="职工总数",
    statistics=(
        Statistic("paying", "正常缴费", _paying),
        Statistic("stopped", "停止缴费", _stopped),
    ),
    export_name="职工参保信息",
)


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


class EmployeeRosterService(RosterService):
    kind = EMPLOYEE_ROSTER

    def list_columns(self) -> list[ColumnElement[Any]]:
        e = EMPLOYEES.c
        # pay_start/pay_end: derived at sync time, read by 统计 (正常缴费/停止缴费).
        return [e.id, e.name, e.gender, e.id_type, e.id_number, e.status, e.updated_at,
                e.pay_start, e.pay_end]  # fmt: skip

    def kind_filters(self) -> list[Filter]:
        e = EMPLOYEES.c
        return [
            equals("id_type", e.id_type),
            contains("id_number", e.id_number),
            equals("status", e.status),
            custom("unit_number", self._unit_number_filter),
            date_range("updated", e.updated_at),
        ]

    def sortable(self, group_name: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
        e = EMPLOYEES.c
        return {
            "name": e.name,
            "gender": e.gender,
            "id_type": e.id_type,
            "id_number": e.id_number,
            "status": e.status,
            "updated_at": e.updated_at,
            "group_name": group_name,
            "id": e.id,
        }

    @staticmethod
    def _unit_number_filter(value: Any) -> ColumnElement[bool]:
        return exists().where(
            and_(ITEMS.c.employee_id == EMPLOYEES.c.id, ITEMS.c.unit_number == str(value))
        )

    def unit_number_options(self) -> list[str]:
        with self.db.read() as session:
            numbers = session.scalars(select(Registration.unit_number).distinct()).all()
        return sorted(set(numbers))

    # -- 查看 ------------------------------------------------------------------------------
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
            group=self.group_path(employee_id),
            updated_at=row.updated_at,
            blocks=[
                UnitNumberBlock(number, "、".join(dict.fromkeys(agencies.get(number, []))), rows)
                for number, rows in blocks.items()
            ],
        )
