"""Tables of 社保费申报 in a unit database: fee items with their person lines, declarations,
and the append-only journal of submissions and voids.

`fee_items` mirrors the unit's 应缴信息 on the 管理子系统 as last fetched (every state);
`fee_item_lines` holds the downloaded 预处理明细 of an item (an item counts as downloaded only
when `lines_fetched` is set, so a download cut off half-way never shows half a list).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from client.storage.unit_models import UnitBase


class FeeItem(UnitBase):
    """One 预处理信息 / 征集信息 / 特殊缴费 / 工程项目 item (wire fields of the contract)."""

    __tablename__ = "fee_items"
    __table_args__ = (
        Index("ix_fee_items_list", "category", "state", "period_start"),
        Index("ix_fee_items_box", "merge_key"),
        Index("ix_fee_items_declaration", "declaration_id"),
    )

    item_id: Mapped[str] = mapped_column(String(30), primary_key=True)
    category: Mapped[str] = mapped_column(String(10))  # daily | special | project
    data_source: Mapped[str] = mapped_column(String(2))  # 01 | 02 | 03
    unit_number: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tax_authority: Mapped[str | None] = mapped_column(String(200), nullable=True)
    project_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    collection_serial: Mapped[str | None] = mapped_column(String(30), nullable=True)
    valid_until: Mapped[str | None] = mapped_column(String(10), nullable=True)
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    special_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    headcount: Mapped[int] = mapped_column(Integer)
    wage_total: Mapped[str] = mapped_column(String(20))
    base_total: Mapped[str] = mapped_column(String(20))
    unit_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    personal_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    unit_amount: Mapped[str] = mapped_column(String(20))
    personal_amount: Mapped[str] = mapped_column(String(20))
    amount: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10))
    declaration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[str] = mapped_column(String(19))
    merge_key: Mapped[str] = mapped_column(String(120))  # the tick box (client rule)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    lines_fetched: Mapped[bool] = mapped_column(Boolean, default=False)


class FeeItemLine(UnitBase):
    """预处理明细: one person × month of an item (clustered by item, in the server's order)."""

    __tablename__ = "fee_item_lines"
    __table_args__ = (
        PrimaryKeyConstraint("item_id", "position"),
        Index("ix_fee_item_lines_person", "person_id", "period"),
        Index("ix_fee_item_lines_name", "name"),
        Index("ix_fee_item_lines_id_number", "id_number"),
        {"sqlite_with_rowid": False},
    )

    item_id: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer)
    person_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(7))
    wage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    base: Mapped[str] = mapped_column(String(20))
    unit_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    personal_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    unit_amount: Mapped[str] = mapped_column(String(20))
    personal_amount: Mapped[str] = mapped_column(String(20))
    amount: Mapped[str] = mapped_column(String(20))


class FeeDeclaration(UnitBase):
    """社保费申报记录 from every channel, as last fetched (§2.10, §2.24)."""

    __tablename__ = "fee_declarations"
    __table_args__ = (
        Index("ix_fee_declarations_list", "category", "submitted_at"),
        Index("ix_fee_declarations_status", "status", "pay_status"),
    )

    declaration_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(10))
    data_source: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[str] = mapped_column(String(19))
    status: Mapped[str] = mapped_column(String(10))
    pay_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    amount: Mapped[str] = mapped_column(String(20))
    headcount: Mapped[int] = mapped_column(Integer)
    tax_authority: Mapped[str | None] = mapped_column(String(200), nullable=True)
    voucher_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    unit_number: Mapped[str] = mapped_column(String(30))
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    project_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    collection_serial: Mapped[str | None] = mapped_column(String(30), nullable=True)
    levy_items: Mapped[str] = mapped_column(String(200))  # 征收项目 codes, comma-separated
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    processed_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    voided_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)


class FeeDeclarationItem(UnitBase):
    """Which items a declaration holds (the items themselves are in `fee_items`)."""

    __tablename__ = "fee_declaration_items"
    __table_args__ = (
        PrimaryKeyConstraint("declaration_id", "item_id"),
        Index("ix_fee_declaration_items_item", "item_id"),
        {"sqlite_with_rowid": False},
    )

    declaration_id: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[str] = mapped_column(String(30))


class FeeJournalEntry(UnitBase):
    """The local, append-only journal of 提交申报 and 作废 (who, when, what, totals, result).

    Triggers (migration 0008) refuse UPDATE and DELETE, so an entry, once written, stays.
    """

    __tablename__ = "fee_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    operator: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # 提交申报 | 作废
    page: Mapped[str] = mapped_column(String(40))
    declaration_ids: Mapped[str] = mapped_column(Text)
    item_count: Mapped[int] = mapped_column(Integer)
    headcount: Mapped[int] = mapped_column(Integer)
    amount: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))  # 已受理 | 被拒绝 | 结果未知 | 申报成功 …
    detail: Mapped[str] = mapped_column(Text)
