"""The two change feeds (employees, residents): tables, wire fields and SQL shared by reads and writes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeedSpec:
    name: str
    unit_kind: str
    table: str
    item_table: str
    owner: str
    columns: tuple[str, ...]  # wire fields before "items", starting with id, seq
    item_columns: tuple[str, ...]

    @property
    def fields(self) -> list[str]:
        return [*self.columns, "items"]

    @property
    def item_fields(self) -> list[str]:
        return list(self.item_columns)

    @property
    def core_columns(self) -> tuple[str, ...]:
        """The record's own data columns (everything but id and seq)."""
        return self.columns[2:]

    @property
    def insert_sql(self) -> str:
        cols = ", ".join(self.core_columns)
        marks = ", ".join("?" * (4 + len(self.core_columns)))
        return f"INSERT INTO {self.table} (id, unit_id, seq, deleted, {cols}) VALUES ({marks})"

    @property
    def item_insert_sql(self) -> str:
        cols = ", ".join(self.item_columns)
        marks = ", ".join("?" * (2 + len(self.item_columns)))
        return f"INSERT INTO {self.item_table} ({self.owner}, position, {cols}) VALUES ({marks})"


EMPLOYEES = FeedSpec(
    name="employees",
    unit_kind="employer",
    table="employees",
    item_table="employee_items",
    owner="employee_id",
    columns=(
        "id",
        "seq",
        "name",
        "gender",
        "id_type",
        "id_number",
        "birth_date",
        "status",
        "updated_at",
    ),  # fmt: skip
    item_columns=(
        "unit_number",
        "person_number",
        "levy_item",
        "levy_category",
        "levy_subcategory",
        "special_category",
        "base",
        "start_month",
        "end_month",
    ),  # fmt: skip
)

RESIDENTS = FeedSpec(
    name="residents",
    unit_kind="collector",
    table="residents",
    item_table="resident_items",
    owner="resident_id",
    columns=(
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
    ),  # fmt: skip
    item_columns=(
        "person_number",
        "levy_item",
        "levy_category",
        "levy_subcategory",
        "start_month",
        "end_month",
    ),  # fmt: skip
)

FEEDS: dict[str, FeedSpec] = {EMPLOYEES.name: EMPLOYEES, RESIDENTS.name: RESIDENTS}
FEED_OF_KIND: dict[str, FeedSpec] = {spec.unit_kind: spec for spec in FEEDS.values()}
