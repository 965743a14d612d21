"""Tables of 单位退费申请管理 in a unit database (issue 11, manual §2.28): the unit's refund
applications as the 征收子系统 last answered them, and the rows each one asks to refund.

Both mirror the server: 提交申请 keeps the answer at once and 刷新 replaces an application with
its newest version (state, 不予退费 reason, 退库日期, the history of its states). The account
number itself is never kept, only the masked form the server answers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from client.storage.unit_models import UnitBase


class RefundApplication(UnitBase):
    """退费申请: one application of 税票退费 or 职工明细退费, with its 退费账户 and state."""

    __tablename__ = "refund_applications"
    __table_args__ = (Index("ix_refund_applications_submitted", "submitted_at"),)

    refund_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    application_number: Mapped[str] = mapped_column(String(30))  # 申请编号
    method: Mapped[str] = mapped_column(String(20))  # 税票退费 | 职工明细退费
    refund_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)  # 退费税金类型
    submitted_at: Mapped[str] = mapped_column(String(19))  # 申请日期
    status: Mapped[str] = mapped_column(String(10))  # 已受理 … 已退库 | 不予退费
    amount: Mapped[str] = mapped_column(String(20))  # 退费金额合计
    reason_code: Mapped[str] = mapped_column(String(10))
    reason_name: Mapped[str] = mapped_column(String(40))  # 退费原因
    statement: Mapped[str] = mapped_column(Text)  # 退费申请理由
    account_name: Mapped[str] = mapped_column(String(200))
    bank_code: Mapped[str] = mapped_column(String(10))
    bank_name: Mapped[str] = mapped_column(String(100))
    account_masked: Mapped[str] = mapped_column(String(40))
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # 不予退费原因
    refunded_on: Mapped[str | None] = mapped_column(String(10), nullable=True)  # 退库日期
    history: Mapped[str] = mapped_column(Text)  # JSON list of {"status", "at"}
    row_count: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[str | None] = mapped_column(String(7), nullable=True)
    period_end: Mapped[str | None] = mapped_column(String(7), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class RefundApplicationRow(UnitBase):
    """A row of an application: a 税票 row (`T-…`) or a person's month (`P-…`) and its amount."""

    __tablename__ = "refund_application_rows"
    __table_args__ = (
        PrimaryKeyConstraint("refund_id", "position"),
        Index("ix_refund_application_rows_row", "row_id"),
        {"sqlite_with_rowid": False},
    )

    refund_id: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    row_id: Mapped[str] = mapped_column(String(60))
    e_ticket_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    id_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    levy_item_name: Mapped[str] = mapped_column(String(100))
    levy_category_name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[str] = mapped_column(String(10))
    paid: Mapped[str] = mapped_column(String(20))
    amount: Mapped[str] = mapped_column(String(20))
