"""Tables of 缴费工资申报 (declarations, their rows and items) and 社保费预处理信息.

They share the metadata of `mock_backend.db`, which imports this module before creating
the schema. Rows and items are WITHOUT ROWID tables clustered by declaration, so reading
or updating one declaration touches neighbouring pages only.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table

from mock_backend.db import metadata

wage_declarations = Table(
    "wage_declarations",
    metadata,
    Column("declaration_id", String, primary_key=True),  # WD + yyyymmdd + serial
    Column("unit_id", String, nullable=False),
    Column("declaration_type", String, nullable=False),  # daily | annual
    Column("mode", String, nullable=False),  # by_employee | by_item
    Column("tax_authority", String, nullable=False),
    Column("submitted_at", String, nullable=False),
    Column("due_at", Float, nullable=False),  # server-clock timestamp when processing is due
    Column("rows", Integer, nullable=False),
    Column("succeeded", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("status", String, nullable=False),  # 待反馈 | 全部申报成功 | 全部申报失败 | 部分申报成功
    Column("processed_at", String),
    Index("ix_wage_declarations_unit", "unit_id", "submitted_at"),
)

wage_declaration_rows = Table(
    "wage_declaration_rows",
    metadata,
    Column("declaration_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("employee_id", Integer, nullable=False),
    Column("name", String, nullable=False),  # "" when the id is not an employee of the unit
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),  # as submitted
    Column("old_wage", String),  # of the first declared item, as submitted
    Column("new_wage", String, nullable=False),
    Column("effective_month", String, nullable=False),
    Column("status", String, nullable=False),  # 待反馈 | 成功 | 失败
    Column("reason", String),
    PrimaryKeyConstraint("declaration_id", "position"),
    sqlite_with_rowid=False,
)

wage_declaration_items = Table(
    "wage_declaration_items",
    metadata,
    Column("declaration_id", String, nullable=False),
    Column("row_position", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("old_wage", String),
    Column("new_wage", String, nullable=False),
    PrimaryKeyConstraint("declaration_id", "row_position", "position"),
    sqlite_with_rowid=False,
)

# 社保费预处理信息: one row per employee × 单位编号 × 征收品目 × month, made by successful
# wage declaration rows; a later declaration replaces the months it covers again.
fee_preprocessing = Table(
    "fee_preprocessing",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("employee_id", Integer, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String, nullable=False),
    Column("period", String, nullable=False),  # YYYY-MM
    Column("base", String, nullable=False),
    Column("declaration_id", String, nullable=False),
    Column("created_at", String, nullable=False),
    Column("wage", String),  # the declared wage (base is it clamped); null in older rows
    PrimaryKeyConstraint("employee_id", "unit_number", "levy_category", "period"),
    Index("ix_fee_preprocessing_unit", "unit_id", "period"),
    sqlite_with_rowid=False,
)
