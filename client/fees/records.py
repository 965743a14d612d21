"""社保费申报记录 as kept locally (read only): the lists of the 申报记录 pages, one record and
its items, the unpaid ones, and the person lines of successful declarations for
社保费申报明细查询 (manual §2.20: only 申报成功 日常申报)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from client.fees.items import line_columns
from client.fees.rules import SUCCEEDED, UNPAID
from client.storage.fee_models import FeeDeclaration, FeeDeclarationItem, FeeItem, FeeItemLine
from client.storage.listing import QueryListSource, contains, date_range, equals, month_range
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Resident

DECLARATIONS = FeeDeclaration.__table__
RESIDENTS = Resident.__table__


class FeeRecords:
    def __init__(self, db: UnitDatabase) -> None:
        self.db = db

    def records_source(self, categories: Sequence[str]) -> QueryListSource:
        c = DECLARATIONS.c
        return QueryListSource(
            self.db.engine,
            select(DECLARATIONS).where(c.category.in_(list(categories))),
            key="declaration_id",
            filters=[
                equals("status", c.status),
                equals("pay_status", c.pay_status),
                equals("data_source", c.data_source),
                equals("channel", c.channel),
                equals("category", c.category),
                equals("unit_number", c.unit_number),
                equals("project_number", c.project_number),
                date_range("submitted", c.submitted_at),
            ],
            default_sort=[("submitted_at", False)],
        )

    def declaration(self, declaration_id: str) -> dict[str, Any] | None:
        with self.db.engine.connect() as conn:
            row = conn.execute(
                select(DECLARATIONS).where(DECLARATIONS.c.declaration_id == declaration_id)
            ).first()
        return None if row is None else dict(row._mapping)

    def item_ids(self, declaration_id: str) -> list[str]:
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT item_id FROM fee_declaration_items WHERE declaration_id = ?"
                    " ORDER BY item_id",
                    (declaration_id,),
                )
            ]

    def declarations_source(self, declaration_ids: Sequence[str]) -> QueryListSource:
        c = DECLARATIONS.c
        return QueryListSource(
            self.db.engine,
            select(DECLARATIONS).where(c.declaration_id.in_(list(declaration_ids))),
            key="declaration_id",
            default_sort=[("submitted_at", False)],
        )

    # -- 社保费申报明细查询 (§2.20: only successful declarations) -----------------------------
    def declarations_missing_lines(self, categories: Sequence[str]) -> list[str]:
        """Successful declarations with persons whose lines are not (all) downloaded."""
        marks = ",".join("?" * len(categories))
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT DISTINCT d.declaration_id FROM fee_declarations d"
                    " JOIN fee_declaration_items di ON di.declaration_id = d.declaration_id"
                    " JOIN fee_items i ON i.item_id = di.item_id"
                    f" WHERE d.category IN ({marks}) AND d.status = ? AND i.headcount > 0"
                    " AND i.lines_fetched = 0 ORDER BY d.submitted_at DESC",
                    (*categories, SUCCEEDED),
                )
            ]

    def declared_lines_source(
        self, categories: Sequence[str], places: bool = False
    ) -> QueryListSource:
        """The person lines of successful declarations of `categories`; with `places` (a
        代收单位's residents) each line also carries its resident's 乡镇街道/社区村组 and can be
        filtered by them and by 缴费年度 (§3.15)."""
        lines = FeeItemLine.__table__.c
        items = FeeItem.__table__.c
        links = FeeDeclarationItem.__table__.c
        d = DECLARATIONS.c
        columns: list[Any] = [d.submitted_at, d.declaration_id, *line_columns()]
        joined = (
            DECLARATIONS.join(
                FeeDeclarationItem.__table__, links.declaration_id == d.declaration_id
            )
            .join(FeeItem.__table__, items.item_id == links.item_id)
            .join(FeeItemLine.__table__, lines.item_id == items.item_id)
        )
        filters = [
            contains("name", lines.name),
            contains("id_number", lines.id_number),
            equals("unit_number", items.unit_number),
            equals("levy_item", items.levy_item),
            month_range("period", lines.period),
            date_range("submitted", d.submitted_at),
            equals("year", func.substr(lines.period, 1, 4)),
        ]
        if places:
            r = RESIDENTS.c
            columns += [r.township, r.village]
            joined = joined.outerjoin(RESIDENTS, r.id == lines.person_id)
            filters += [equals("township", r.township), contains("village", r.village)]
        base = (
            select(*columns)
            .select_from(joined)
            .where(d.category.in_(list(categories)), d.status == SUCCEEDED)
        )
        return QueryListSource(
            self.db.engine,
            base,
            key="line_key",
            filters=filters,
            sortable=[
                "submitted_at",
                "name",
                "id_number",
                "period",
                "base",
                "amount",
                "unit_number",
                "item_id",
                "position",
            ],  # fmt: skip
            default_sort=[("submitted_at", False), ("item_id", True), ("position", True)],
        )

    def resident_townships(self) -> list[str]:
        """乡镇街道 of the 代收单位's residents (the 申报明细查询 condition)."""
        with self.db.engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql(
                "SELECT DISTINCT township FROM residents ORDER BY township")]  # fmt: skip

    def line_years(self, categories: Sequence[str]) -> list[str]:
        """缴费年度 that successful declarations of `categories` cover, newest first."""
        marks = ",".join("?" * len(categories))
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT DISTINCT substr(period_start, 1, 4) FROM fee_declarations"
                    f" WHERE category IN ({marks}) AND status = ? ORDER BY 1 DESC",
                    (*categories, SUCCEEDED),
                )
            ]

    def line_unit_numbers(self) -> list[str]:
        with self.db.engine.connect() as conn:
            return [
                r[0]
                for r in conn.exec_driver_sql(
                    "SELECT DISTINCT unit_number FROM fee_declarations ORDER BY unit_number"
                )
            ]

    def unpaid_count(self, categories: Sequence[str]) -> int:
        c = DECLARATIONS.c
        with self.db.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(
                        c.category.in_(list(categories)),
                        c.status == SUCCEEDED,
                        c.pay_status == UNPAID,
                    )
                ).scalar_one()
            )
