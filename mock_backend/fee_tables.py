"""Tables of 社保费申报: fee items (应缴信息) with their person lines, declarations, and the
bookkeeping of lazy generation.

They share the metadata of `mock_backend.db`, which imports this module before creating the
schema. Items are clustered by unit and lines by item (WITHOUT ROWID), so a unit's list and
an item's 100,000 lines each sit on neighbouring pages. Amounts are integer 分.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table

from mock_backend.db import metadata

fee_items = Table(
    "fee_items",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("item_id", String, nullable=False),  # FI + 10 digits, unique on the server
    Column("category", String, nullable=False),  # daily | special | project
    Column("data_source", String, nullable=False),  # 01 | 02 | 03
    Column("unit_number", String, nullable=False),
    Column("agency", String),
    Column("tax_authority", String, nullable=False),
    Column("project_number", String),
    Column("collection_serial", String),  # 征集通知流水号 (18 digits); null for 01
    Column("valid_until", String),  # 征集有效日期 YYYY-MM-DD; null for 01
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String),
    Column("special_type", String),
    Column("headcount", Integer, nullable=False),
    Column("wage_total", Integer, nullable=False),
    Column("base_total", Integer, nullable=False),
    Column("unit_rate", String),  # the lines' rate when they share one, else null
    Column("personal_rate", String),
    Column("unit_amount", Integer, nullable=False),
    Column("personal_amount", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("state", String, nullable=False),  # 初始 | 申报中 | 申报成功 | 销账 | 已生成待批扣清册
    Column("declaration_id", String),  # the latest declaration holding the item
    Column("reason", String),  # failure reason of the latest failed declaration, while 初始
    Column("refuse_reason", String),  # set by the admin API: the next processing fails
    Column("created_at", String, nullable=False),
    PrimaryKeyConstraint("unit_id", "item_id"),
    sqlite_with_rowid=False,
)

# 预处理明细: one person × month (a 城乡居民 line: one person × year).
fee_item_lines = Table(
    "fee_item_lines",
    metadata,
    Column("item_id", String, nullable=False),
    Column("position", Integer, nullable=False),  # 1-based
    Column("person_id", Integer, nullable=False),
    Column("person_number", String, nullable=False),
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),
    Column("period", String, nullable=False),
    Column("wage", Integer, nullable=False),
    Column("base", Integer, nullable=False),
    Column("unit_rate", String, nullable=False),
    Column("personal_rate", String, nullable=False),
    Column("unit_amount", Integer, nullable=False),
    Column("personal_amount", Integer, nullable=False),
    PrimaryKeyConstraint("item_id", "position"),
    sqlite_with_rowid=False,
)

fee_declarations = Table(
    "fee_declarations",
    metadata,
    Column("declaration_id", String, primary_key=True),  # SB + yyyymmdd + serial
    Column("unit_id", String, nullable=False),
    Column("category", String, nullable=False),
    Column("data_source", String, nullable=False),
    Column("channel", String, nullable=False),  # 客户端 | 电子税务局 | 办税服务厅
    Column("submitted_at", String, nullable=False),
    Column("due_at", Float, nullable=False),  # server-clock timestamp of the pending step
    Column("status", String, nullable=False),  # 申报中 | 申报成功 | 申报失败 | 作废中 | 已作废
    Column("pay_status", String),  # 未缴费 | 缴费成功 | 无需缴费 (申报成功/作废中 only)
    Column("amount", Integer, nullable=False),
    Column("headcount", Integer, nullable=False),
    Column("tax_authority", String, nullable=False),
    Column("voucher_number", String),  # 应征凭证序号, 20 digits, from success on
    Column("unit_number", String, nullable=False),
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("project_number", String),
    Column("collection_serial", String),
    Column("reason", String),
    Column("processed_at", String),
    Column("voided_at", String),
    Index("ix_fee_declarations_unit", "unit_id", "submitted_at"),
)

fee_declaration_items = Table(
    "fee_declaration_items",
    metadata,
    Column("declaration_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("item_id", String, nullable=False),
    PrimaryKeyConstraint("declaration_id", "position"),
    sqlite_with_rowid=False,
)

# What the lazy generation has made: (unit, source, period) once. `source` is 01 or 03 with a
# month, or `project` with a project number.
fee_generations = Table(
    "fee_generations",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("source", String, nullable=False),
    Column("period", String, nullable=False),
    Column("created_at", String, nullable=False),
    PrimaryKeyConstraint("unit_id", "source", "period"),
    sqlite_with_rowid=False,
)

# 01 boxes to make again at the next read: touched by a processed 缴费工资申报, or voided.
fee_stale_boxes = Table(
    "fee_stale_boxes",
    metadata,
    Column("unit_id", String, nullable=False),
    Column("unit_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("period", String, nullable=False),
    PrimaryKeyConstraint("unit_id", "unit_number", "levy_item", "period"),
    sqlite_with_rowid=False,
)


def upgrade(raw: sqlite3.Connection) -> None:
    """Columns added to older tables (create_all only creates missing tables)."""
    columns = {row[1] for row in raw.execute("PRAGMA table_info(fee_preprocessing)")}
    if columns and "wage" not in columns:
        raw.execute("ALTER TABLE fee_preprocessing ADD COLUMN wage TEXT")
