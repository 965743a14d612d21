"""Tables of 证明打印 (征收子系统): 税收完税证明（非印刷） tickets and their rows, plus the
indexes the 缴费清单 needs on tables of other modules.

The tables share the metadata of `mock_backend.db`, which imports this module before creating
the schema. The extra indexes are made with `CREATE INDEX IF NOT EXISTS` by `create_indexes`
(called from `Database.create_schema`), so a database seeded before issue 11 gains them at its
next start without this module redefining the other modules' tables. Amounts are integer 分.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table

from mock_backend.db import metadata

tax_tickets = Table(
    "tax_tickets",
    metadata,
    Column("ticket_id", String, primary_key=True),  # WS + 10 digits
    Column("unit_id", String, nullable=False),
    Column("event", String, nullable=False),  # the payment event: KK…, PZ… or SB… (no event)
    Column("e_ticket_number", String, nullable=False),  # 电子税票号码, 18 digits
    Column("ticket_word", String, nullable=False),  # 票证字轨 (2026)粤税证
    Column("ticket_number", String, nullable=False),  # 票证号码, 10 digits
    Column("taxpayer_id", String, nullable=False),
    Column("taxpayer_name", String, nullable=False),
    Column("tax_authority_code", String, nullable=False),
    Column("tax_authority_name", String, nullable=False),
    Column("region_code", String, nullable=False),
    Column("treasury_name", String, nullable=False),
    Column("stored_on", String, nullable=False),
    Column("period_start", String, nullable=False),  # YYYY-MM
    Column("period_end", String, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("check_code", String, nullable=False),
    Column("remark", String, nullable=False),
    Column("status", String, nullable=False),  # 未开具 | 已开具 | 已作废
    Column("issued_on", String),
    Column("issuer", String),
    Column("print_count", Integer, nullable=False),
    Column("voided_by", String),
    Column("voided_on", String),
    Column("void_reason", String),
    Column("made_at", Float, nullable=False),
    Index("ix_tax_tickets_unit", "unit_id", "stored_on", "e_ticket_number"),
    Index("ix_tax_tickets_number", "e_ticket_number"),
)

# The rows of a ticket: one 入库 line each, copied when the ticket was made (what was printed).
tax_ticket_rows = Table(
    "tax_ticket_rows",
    metadata,
    Column("ticket_id", String, nullable=False),
    Column("position", Integer, nullable=False),  # 1-based, in arrears order
    Column("line_id", String, nullable=False),
    Column("original_voucher", String, nullable=False),  # 原凭证号 = 应征凭证序号
    Column("tax_kind", String, nullable=False),  # 税种: 征收项目 name
    Column("item_name", String, nullable=False),  # 品目名称: 征收品目 name (part)
    Column("period_start", String, nullable=False),  # YYYY-MM-DD
    Column("period_end", String, nullable=False),
    Column("stored_on", String, nullable=False),
    Column("amount", Integer, nullable=False),
    PrimaryKeyConstraint("ticket_id", "position"),
    Index("ix_tax_ticket_rows_line", "line_id"),
    sqlite_with_rowid=False,
)

# 个人税收完税证明（非印刷） (manual §3.25, §3.26): a resident's share of the agent's 入库 lines,
# one ticket per resident × payment event × 税务机关 (at most 10 rows). The head has the unit
# ticket's columns with the resident as 纳税人 (taxpayer_id = 证件号码, taxpayer_name = 姓名) and
# their 证件类型; `unit_id` is the 代收单位 whose lines they are.
personal_tax_tickets = Table(
    "personal_tax_tickets",
    metadata,
    Column("ticket_id", String, primary_key=True),  # GR + 10 digits
    Column("unit_id", String, nullable=False),
    Column("event", String, nullable=False),
    Column("e_ticket_number", String, nullable=False),  # shares the unit tickets' numbering
    Column("ticket_word", String, nullable=False),
    Column("ticket_number", String, nullable=False),
    Column("id_type", String, nullable=False),
    Column("taxpayer_id", String, nullable=False),  # the resident's 证件号码
    Column("taxpayer_name", String, nullable=False),  # the resident's 姓名
    Column("tax_authority_code", String, nullable=False),
    Column("tax_authority_name", String, nullable=False),
    Column("region_code", String, nullable=False),
    Column("treasury_name", String, nullable=False),
    Column("stored_on", String, nullable=False),
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("check_code", String, nullable=False),
    Column("remark", String, nullable=False),
    Column("status", String, nullable=False),
    Column("issued_on", String),
    Column("issuer", String),
    Column("print_count", Integer, nullable=False),
    Column("voided_by", String),
    Column("voided_on", String),
    Column("void_reason", String),
    Column("made_at", Float, nullable=False),
    Index("ix_personal_tax_tickets_person", "unit_id", "id_type", "taxpayer_id"),
    Index("ix_personal_tax_tickets_number", "e_ticket_number"),
)

# `source` names the resident's part: "<collect line id>|<fee line position>".
personal_tax_ticket_rows = Table(
    "personal_tax_ticket_rows",
    metadata,
    Column("ticket_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("source", String, nullable=False),
    Column("line_id", String, nullable=False),
    Column("original_voucher", String, nullable=False),
    Column("tax_kind", String, nullable=False),
    Column("item_name", String, nullable=False),
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("stored_on", String, nullable=False),
    Column("amount", Integer, nullable=False),
    PrimaryKeyConstraint("ticket_id", "position"),
    Index("ix_personal_tax_ticket_rows_source", "source"),
    sqlite_with_rowid=False,
)

# Lookups of the 缴费清单: one person's fee lines (by person id, then the item), the person by
# identity number within the unit, and the arrears lines of an item.
EXTRA_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_fee_item_lines_person ON fee_item_lines (person_id, item_id)",
    "CREATE INDEX IF NOT EXISTS ix_employees_identity ON employees (unit_id, id_number)",
    "CREATE INDEX IF NOT EXISTS ix_residents_identity ON residents (unit_id, id_number)",
    "CREATE INDEX IF NOT EXISTS ix_collect_lines_item ON collect_lines (item_id)",
)


def create_indexes(raw: sqlite3.Connection) -> None:
    for statement in EXTRA_INDEXES:
        raw.execute(statement)
