"""Tables of a 代收单位's own resident lists (issue 12, manual §3.3 and §3.5).

- `external_residents`: 外部参保城乡居民, kept by the client (imported, added, deleted) with
  what the 管理子系统 answered about each (正常参保 with the registration, or 未参保) and the
  agent's own 手机号码, 分组 and 备注. The server gets the complete list by PUT.
- `external_resident_sync`: one row: the list last sent (a digest), and a PUT in flight
  with its idempotency key and body, kept until the server answers.
- `resident_statuses`: the 申报缴费状态 snapshot of one 缴费年度 (resident × 征收品目), replaced
  whole when a download completes; `resident_statuses_staging` holds a download while it
  runs, so a cancelled or failed one leaves the previous snapshot as it was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from client.storage.unit_models import UnitBase


class ExternalResident(UnitBase):
    """外部参保城乡居民: a person the agent added, named by 证件类型 + 证件号码."""

    __tablename__ = "external_residents"
    __table_args__ = (
        Index("uq_external_residents_person", "id_type", "id_number", unique=True),
        Index("ix_external_residents_name", "name"),
        Index("ix_external_residents_id_number", "id_number"),
        Index("ix_external_residents_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(4))  # 正常参保 | 未参保
    # The registration the 管理子系统 answered (null while 未参保).
    person_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    gender: Mapped[str | None] = mapped_column(String(4), nullable=True)
    birth_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    township: Mapped[str | None] = mapped_column(String(100), nullable=True)
    village: Mapped[str | None] = mapped_column(String(100), nullable=True)
    items: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of 参保险种
    # The agent's own fields (编辑, 信息维护); 手机号码 starts as the registered one.
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    remark: Mapped[str | None] = mapped_column(Text, nullable=True)
    group_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("groups.id", ondelete="SET NULL"), nullable=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(DateTime)
    checked_at: Mapped[datetime] = mapped_column(DateTime)  # 参保状态 last asked


class ExternalResidentSync(UnitBase):
    """What the server has of the list: the digest of the last list it accepted, and a PUT
    whose answer has not arrived (sent again with the same key and body)."""

    __tablename__ = "external_resident_sync"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    pushed_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pushed_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pushed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    pending_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    pending_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pending_body: Mapped[str | None] = mapped_column(Text, nullable=True)


class ResidentStatus(UnitBase):
    """申报缴费状态 of one resident × 征收品目 in one 缴费年度."""

    __tablename__ = "resident_statuses"
    __table_args__ = (
        Index("uq_resident_statuses_row", "year", "resident_id", "levy_category", unique=True),
        Index("ix_resident_statuses_place", "year", "township", "village"),
        Index("ix_resident_statuses_levy", "year", "levy_item", "levy_category"),
        Index("ix_resident_statuses_state", "year", "declare_status", "pay_status"),
        Index("ix_resident_statuses_name", "year", "name"),
        Index("ix_resident_statuses_id_number", "year", "id_number"),
    )

    # In download order (resident, 征收品目) within a year: the list's order and row key.
    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    resident_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    township: Mapped[str | None] = mapped_column(String(100), nullable=True)
    village: Mapped[str | None] = mapped_column(String(100), nullable=True)
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    declare_status: Mapped[str] = mapped_column(String(4))  # 未申报 | 已申报
    pay_status: Mapped[str | None] = mapped_column(String(4), nullable=True)  # 未缴费 | 已缴费
    grade: Mapped[str | None] = mapped_column(String(4), nullable=True)
    amount: Mapped[str | None] = mapped_column(String(20), nullable=True)
    declaration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    declared_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    paid_at: Mapped[str | None] = mapped_column(String(19), nullable=True)


class ResidentStatusStaging(UnitBase):
    """A 申报缴费状态 download in progress (same columns, no secondary indexes)."""

    __tablename__ = "resident_statuses_staging"
    __table_args__ = (PrimaryKeyConstraint("year", "resident_id", "levy_category"),)

    year: Mapped[int] = mapped_column(Integer)
    resident_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    township: Mapped[str | None] = mapped_column(String(100), nullable=True)
    village: Mapped[str | None] = mapped_column(String(100), nullable=True)
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    declare_status: Mapped[str] = mapped_column(String(4))
    pay_status: Mapped[str | None] = mapped_column(String(4), nullable=True)
    grade: Mapped[str | None] = mapped_column(String(4), nullable=True)
    amount: Mapped[str | None] = mapped_column(String(20), nullable=True)
    declaration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    declared_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
    paid_at: Mapped[str | None] = mapped_column(String(19), nullable=True)
