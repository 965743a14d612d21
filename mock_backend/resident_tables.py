"""Tables of a 代收单位's own side of 社保费申报 (issue 12): the region's registry of insured
城乡居民 outside every agent's feed, each unit's 外部参保城乡居民 list, the 代收代报（自主）
requests behind `self` declarations, and who is declared for which 征收品目 and year.

They share the metadata of `mock_backend.db`, which imports this module before creating the
schema (create_all makes them in a database seeded before issue 12).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, PrimaryKeyConstraint, String, Table, Text

from mock_backend.db import metadata

# Registered with the 管理子系统 but in no agent's feed; ids from 900000001 up, so they never
# meet the ids of feed residents in one ordering.
external_registry = Table(
    "external_registry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("region", String, nullable=False),
    Column("name", String, nullable=False),
    Column("gender", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),  # upper case
    Column("birth_date", String, nullable=False),
    Column("phone", String),
    Column("township", String, nullable=False),
    Column("village", String, nullable=False),
    Column("status", String, nullable=False),  # 参保状态 code, as in the feeds
    Index("ix_external_registry_identity", "region", "id_type", "id_number", unique=True),
)

external_registry_items = Table(
    "external_registry_items",
    metadata,
    Column("person_id", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("person_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("levy_subcategory", String, nullable=False),
    Column("start_month", String, nullable=False),
    Column("end_month", String),
    PrimaryKeyConstraint("person_id", "position"),
    sqlite_with_rowid=False,
)

# The unit's 外部参保城乡居民 as the client keeps them (replaced as a whole by the PUT); whether
# each is 正常参保 is decided when read, against the registry.
unit_external_residents = Table(
    "unit_external_residents",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),  # upper case
    PrimaryKeyConstraint("unit_id", "position"),
    sqlite_with_rowid=False,
)

# A `self` declaration's request: its 征收品目 and year, and per person line (position) the
# request row it came from and the 档次 chosen; `failed_rows` (JSON) once processed.
self_declarations = Table(
    "self_declarations",
    metadata,
    Column("declaration_id", String, primary_key=True),
    Column("year", Integer, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("failed_rows", Text),
)

self_declaration_lines = Table(
    "self_declaration_lines",
    metadata,
    Column("item_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("row_index", Integer, nullable=False),  # 0-based index in the request's rows
    Column("grade", String, nullable=False),
    PrimaryKeyConstraint("item_id", "position"),
    sqlite_with_rowid=False,
)

# Who is declared: one row per person line of a collector's 申报成功 declaration (核定 or 自主)
# of a 城乡居民 征收品目, removed when the declaration is voided. 申报缴费状态 pages and the
# 该年度已申报 check read it by (unit, year, person).
resident_declared = Table(
    "resident_declared",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("year", Integer, nullable=False),
    Column("person_id", Integer, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("declaration_id", String, nullable=False),
    Column("item_id", String, nullable=False),
    Column("grade", String),
    Column("amount", Integer, nullable=False),
    Column("declared_at", String, nullable=False),
    PrimaryKeyConstraint("unit_id", "year", "person_id", "levy_category", "declaration_id"),
    Index("ix_resident_declared_declaration", "declaration_id"),
    sqlite_with_rowid=False,
)
