"""城乡居民参保信息更新 (manual §3.2): the resident roster's columns, conditions, 统计 and 查看.

手机号码 shown and searched is the agent's own when 编辑 or 信息维护 set one (`resident_fields`),
else the registered one; 备注 is the agent's; 分组 is shared with the employer roster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, select, true
from sqlalchemy.sql.elements import ColumnElement

from client.domain.insured import LONG_TERM
from client.roster.codes import CodeTables
from client.roster.service import RosterKind, RosterService, Statistic
from client.storage.feed_tables import RESIDENTS as RESIDENT_FEED
from client.storage.listing import Filter, contains, custom, date_range, equals
from client.storage.resident_local_models import ResidentLocal
from client.storage.unit_models import Resident, ResidentItem

RESIDENTS = Resident.__table__
ITEMS = ResidentItem.__table__
LOCAL = ResidentLocal.__table__

PENSION = "10210"  # 城乡居民基本养老保险费
MEDICAL = "10211"  # 城乡居民基本医疗保险费
# 险种 as the page names them, in the manual's order (统计: 医疗, 养老).
INSURANCE = {MEDICAL: "医疗", PENSION: "养老"}


def has_insurance(record_id: Any, levy_item: str) -> ColumnElement[bool]:
    """The resident `record_id` is insured for the 险种 `levy_item` (养老 or 医疗)."""
    return exists().where(and_(ITEMS.c.resident_id == record_id, ITEMS.c.levy_item == levy_item))


RESIDENT_ROSTER = RosterKind(
    feed=RESIDENT_FEED,
    title="城乡居民参保信息更新",
    person="城乡居民",
    total_label="参保总数",
    statistics=tuple(
        Statistic(
            key,
            label,
            lambda inner, _service, item=item: has_insurance(inner.c.id, item),
        )
        for key, label, item in (("medical", "医疗", MEDICAL), ("pension", "养老", PENSION))
    ),
    export_name="城乡居民参保信息",
)


def shown_phone() -> ColumnElement[Any]:
    """手机号码 as shown: the agent's when set (also to blank), else the registered one."""
    return case((LOCAL.c.phone_edited == true(), LOCAL.c.phone), else_=RESIDENTS.c.phone)


@dataclass(frozen=True)
class ResidentItemRow:
    """参保险种 of 查看: codes as their names, 终止缴费月份 长期 when open."""

    person_number: str
    levy_item: str
    levy_category: str
    levy_subcategory: str
    start_month: str
    end_month: str


@dataclass(frozen=True)
class ResidentDetail:
    """城乡居民参保明细 (查看, read only)."""

    id: int
    name: str
    gender: str
    id_type: str
    id_number: str
    birth_date: str
    phone: str
    registered_phone: str
    township: str
    village: str
    status: str
    insurance: str
    group: str
    remark: str
    updated_at: str
    items: list[ResidentItemRow]


class ResidentRosterService(RosterService):
    kind = RESIDENT_ROSTER

    def list_columns(self) -> list[ColumnElement[Any]]:
        r = RESIDENTS.c
        return [
            r.id, r.name, r.gender, r.id_type, r.id_number, r.township, r.village,
            self.insurance_column(), r.status, shown_phone().label("phone"),
            LOCAL.c.remark, r.updated_at,
        ]  # fmt: skip

    def from_clause(self) -> Any:
        return RESIDENTS.outerjoin(LOCAL, LOCAL.c.record_id == RESIDENTS.c.id)

    @staticmethod
    def insurance_column() -> ColumnElement[Any]:
        """险种: 医疗、养老 / 医疗 / 养老 (or nothing) from the resident's items."""
        medical = has_insurance(RESIDENTS.c.id, MEDICAL)
        pension = has_insurance(RESIDENTS.c.id, PENSION)
        both = "、".join(INSURANCE.values())
        return case(
            (and_(medical, pension), both),
            (medical, INSURANCE[MEDICAL]),
            (pension, INSURANCE[PENSION]),
            else_="",
        ).label("insurance")

    def kind_filters(self) -> list[Filter]:
        r = RESIDENTS.c
        return [
            equals("id_type", r.id_type),
            contains("id_number", r.id_number),
            equals("township", r.township),
            contains("village", r.village),
            custom("insurance", lambda item: has_insurance(RESIDENTS.c.id, str(item))),
            equals("status", r.status),
            contains("phone", shown_phone()),
            date_range("updated", r.updated_at),
        ]

    def sortable(self, group_name: ColumnElement[Any]) -> dict[str, ColumnElement[Any]]:
        r = RESIDENTS.c
        return {
            "name": r.name,
            "gender": r.gender,
            "id_type": r.id_type,
            "id_number": r.id_number,
            "township": r.township,
            "village": r.village,
            "status": r.status,
            "phone": shown_phone(),
            "remark": LOCAL.c.remark,
            "updated_at": r.updated_at,
            "group_name": group_name,
            "id": r.id,
        }

    def township_options(self) -> list[str]:
        """乡镇街道 of the unit's residents, as the drop-down lists them."""
        with self.db.read() as session:
            names = session.scalars(select(RESIDENTS.c.township).distinct()).all()
        return sorted(n for n in names if n)

    @staticmethod
    def insurance_options() -> list[tuple[str, str]]:
        return [(label, code) for code, label in INSURANCE.items()]

    # -- 查看 ------------------------------------------------------------------------------
    def detail(self, resident_id: int) -> ResidentDetail | None:
        query = (
            select(RESIDENTS, shown_phone().label("shown_phone"), LOCAL.c.remark)
            .select_from(self.from_clause())
            .where(RESIDENTS.c.id == resident_id)
        )
        with self.db.engine.connect() as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            items = conn.execute(
                select(ITEMS).where(ITEMS.c.resident_id == resident_id).order_by(ITEMS.c.row_id)
            ).all()
        codes = self.codes
        insured = {it.levy_item for it in items}
        return ResidentDetail(
            id=row.id,
            name=row.name,
            gender=row.gender,
            id_type=self.id_type_name(row.id_type),
            id_number=row.id_number,
            birth_date=row.birth_date or "",
            phone=row.shown_phone or "",
            registered_phone=row.phone or "",
            township=row.township,
            village=row.village,
            status=self.status_name(row.status),
            insurance="、".join(label for code, label in INSURANCE.items() if code in insured),
            group=self.group_path(resident_id),
            remark=row.remark or "",
            updated_at=row.updated_at,
            items=[
                ResidentItemRow(
                    person_number=it.person_number,
                    levy_item=CodeTables.name(codes.levy_items, it.levy_item),
                    levy_category=CodeTables.name(codes.levy_categories, it.levy_category),
                    levy_subcategory=CodeTables.name(codes.levy_subcategories, it.levy_subcategory),
                    start_month=it.start_month or "",
                    end_month=it.end_month or LONG_TERM,
                )
                for it in items
            ],
        )
