"""Tables of 城乡居民个人缴费 (manual §3.21–§3.23): payment orders a resident pays by scanning
a QR code at the 代收点, the rows each order pays, and which declared person lines were paid
that way (so they are no longer pending while the rest of their arrears line is).

They share the metadata of `mock_backend.db` but are created by `create_tables` when the
routes are installed (a database seeded before issue 13 gets them at the next start).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table

from mock_backend.db import Database, metadata

personal_orders = Table(
    "personal_orders",
    metadata,
    Column("order_id", String, primary_key=True),  # DD + yyyymmdd + 8 digits
    Column("unit_id", String, nullable=False),
    Column("mode", String, nullable=False),  # self (自主) | verified (核定)
    Column("name", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("id_number", String, nullable=False),  # upper case
    Column("method", String, nullable=False),  # 微信 | 支付宝 | 政融支付
    Column("amount", Integer, nullable=False),  # 分, the sum of its rows
    Column("state", String, nullable=False),  # 待支付 | 支付成功 | 支付失败 | 已关闭
    Column("reason", String),
    Column("created_at", String, nullable=False),
    Column("expires_at", Float, nullable=False),  # server-clock timestamp
    Column("finished_at", String),
    Index("ix_personal_orders_unit", "unit_id", "created_at"),
)

personal_order_rows = Table(
    "personal_order_rows",
    metadata,
    Column("order_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("row_id", String, nullable=False),  # item_id:line position, as listed when ordered
    Column("kind", String, nullable=False),  # declared | assessed (a 初始 核定 line)
    Column("item_id", String, nullable=False),
    Column("line_position", Integer, nullable=False),
    Column("declaration_id", String),
    Column("collection_serial", String),
    Column("unit_number", String, nullable=False),
    Column("agency", String),
    Column("tax_authority", String, nullable=False),
    Column("person_number", String, nullable=False),
    Column("levy_item", String, nullable=False),
    Column("levy_category", String),
    Column("year", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("paid_line_id", String),  # the arrears line (QF…) the payment settled
    PrimaryKeyConstraint("order_id", "position"),
    Index("ix_personal_order_rows_paid_line", "paid_line_id"),  # 缴费证明 reads lines by it
    sqlite_with_rowid=False,
)

# Person lines of declared items paid by a personal order: not pending any more.
personal_paid_lines = Table(
    "personal_paid_lines",
    metadata,
    Column("item_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("order_id", String, nullable=False),
    PrimaryKeyConstraint("item_id", "position"),
    sqlite_with_rowid=False,
)

TABLES = (personal_orders, personal_order_rows, personal_paid_lines)


def create_tables(db: Database) -> None:
    metadata.create_all(db.engine, tables=list(TABLES))
