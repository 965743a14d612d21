"""The synced tables (employees, residents) described once: wire layout = column names.

Records travel as arrays in the order of `fields` (docs/http-contract.md); the local
tables use the same names as columns, so a checked record is already the row to insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Row = tuple[Any, ...]


@dataclass(frozen=True)
class FeedSpec:
    name: str
    unit_kind: str
    table: str
    item_table: str
    item_owner: str
    fields: tuple[str, ...]  # wire fields before the trailing "items"
    item_fields: tuple[str, ...]
    nullable: frozenset[str] = field(default_factory=frozenset)
    item_nullable: frozenset[str] = field(default_factory=frozenset)
    # Columns computed locally from a record and its items when it is written (search
    # helpers such as 拼音首字母); they follow the wire fields in every row tuple.
    derived: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.fields, *self.derived)

    @property
    def wire_fields(self) -> list[str]:
        return [*self.fields, "items"]

    @property
    def staging_table(self) -> str:
        return f"{self.table}__staging"

    @property
    def staging_item_table(self) -> str:
        return f"{self.item_table}__staging"

    def insert_sql(self, table: str | None = None) -> str:
        cols = ", ".join(self.columns)
        marks = ", ".join("?" * len(self.columns))
        return f"INSERT OR REPLACE INTO {table or self.table} ({cols}) VALUES ({marks})"

    def item_insert_sql(self, table: str | None = None) -> str:
        cols = ", ".join((self.item_owner, *self.item_fields))
        marks = ", ".join("?" * (len(self.item_fields) + 1))
        return f"INSERT INTO {table or self.item_table} ({cols}) VALUES ({marks})"


EMPLOYEES = FeedSpec(
    name="employees",
    unit_kind="employer",
    table="employees",
    item_table="employee_items",
    item_owner="employee_id",
    fields=(
        "id",
        "seq",
        "name",
        "gender",
        "id_type",
        "id_number",
        "birth_date",
        "status",
        "updated_at",
    ),
    item_fields=(
        "unit_number",
        "person_number",
        "levy_item",
        "levy_category",
        "levy_subcategory",
        "special_category",
        "base",
        "start_month",
        "end_month",
    ),
    nullable=frozenset({"birth_date"}),
    item_nullable=frozenset({"special_category", "end_month"}),
    derived=("name_initials", "pay_start", "pay_end"),
)

RESIDENTS = FeedSpec(
    name="residents",
    unit_kind="collector",
    table="residents",
    item_table="resident_items",
    item_owner="resident_id",
    fields=(
        "id",
        "seq",
        "name",
        "gender",
        "id_type",
        "id_number",
        "birth_date",
        "phone",
        "township",
        "village",
        "status",
        "updated_at",
    ),
    item_fields=(
        "person_number",
        "levy_item",
        "levy_category",
        "levy_subcategory",
        "start_month",
        "end_month",
    ),
    nullable=frozenset({"birth_date", "phone"}),
    item_nullable=frozenset({"start_month", "end_month"}),
    derived=("name_initials",),
)

FEEDS = {spec.name: spec for spec in (EMPLOYEES, RESIDENTS)}
FEED_FOR_KIND = {spec.unit_kind: spec for spec in (EMPLOYEES, RESIDENTS)}
