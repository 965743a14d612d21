"""Tables of 单位退费申请管理 (征收子系统): refund applications and the rows they hold.

They share the metadata of `mock_backend.db`, which imports this module before creating the
schema (create_all makes them in a database seeded before issue 11). Amounts are integer 分,
the moment of an application's next step a server-clock timestamp.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, PrimaryKeyConstraint, String, Table

from mock_backend.db import metadata

refund_applications = Table(
    "refund_applications",
    metadata,
    Column("refund_id", String, primary_key=True),  # TF + 10 digits
    Column("unit_id", String, nullable=False),
    Column("application_number", String, nullable=False),  # TF + region + yyyymmdd + 4 digits
    Column("method", String, nullable=False),  # 税票退费 | 职工明细退费
    Column("refund_kind", String),  # 退费税金类型 name (职工明细退费 only)
    Column("submitted_at", String, nullable=False),
    Column("status", String, nullable=False),  # 已受理 | 审核中 | 审核通过 | 已退库 | 不予退费
    Column("amount", Integer, nullable=False),
    Column("reason_code", String, nullable=False),
    Column("reason_name", String, nullable=False),
    Column("statement", String, nullable=False),
    Column("account_name", String, nullable=False),
    Column("bank_code", String, nullable=False),
    Column("bank_name", String, nullable=False),
    Column("account_number", String, nullable=False),
    Column("approve", Boolean),  # the admin's decision, applied at the end of 审核中
    Column("pending_reason", String),  # with approve = 0: the reason it will carry
    Column("decision_reason", String),
    Column("refunded_on", String),
    Column("history", String, nullable=False),  # JSON [{"status", "at"}]
    Column("due_at", Float),  # the next step happens at this moment; NULL once final
    Index("ix_refund_applications_unit", "unit_id", "submitted_at"),
)

# One row of an application: a ticket row (T-, the whole line) or a person part (P-, one
# person line of the line's item); `paid` and the names are kept as they were on submission.
refund_rows = Table(
    "refund_rows",
    metadata,
    Column("refund_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("row_id", String, nullable=False),
    Column("line_id", String, nullable=False),
    Column("person_position", Integer),  # NULL for a T- row
    Column("e_ticket_number", String),
    Column("name", String),
    Column("id_number", String),
    Column("levy_item_name", String, nullable=False),
    Column("levy_category_name", String, nullable=False),
    Column("period_start", String, nullable=False),
    Column("period_end", String, nullable=False),
    Column("paid", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    PrimaryKeyConstraint("refund_id", "position"),
    Index("ix_refund_rows_line", "line_id", "person_position"),
    sqlite_with_rowid=False,
)
