"""Tables of one unit's database: registration info, synced records and sync bookkeeping.

Synced tables use the server's field names as column names, so the sync engine can move
rows between the wire layout and the table without a mapping per field.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UnitBase(DeclarativeBase):
    pass


class Registration(UnitBase):
    """参保登记信息: one 单位编号 at one 经办机构."""

    __tablename__ = "registrations"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_number: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str] = mapped_column(String(200))
    agency_type: Mapped[str] = mapped_column(String(10))
    tax_authority: Mapped[str] = mapped_column(String(200))
    tax_section: Mapped[str] = mapped_column(String(200))


class Employee(UnitBase):
    """职工参保登记信息 as synced from 管理子系统."""

    __tablename__ = "employees"
    __table_args__ = (
        Index("ix_employees_name", "name"),
        Index("ix_employees_id_number", "id_number"),
        Index("ix_employees_status", "status"),
        Index("ix_employees_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(4))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    birth_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    status: Mapped[str] = mapped_column(String(4))
    updated_at: Mapped[str] = mapped_column(String(19))
    # Derived locally when written (see FeedSpec.derived): search and statistics helpers.
    name_initials: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pay_start: Mapped[str | None] = mapped_column(String(7), nullable=True)
    pay_end: Mapped[str | None] = mapped_column(String(7), nullable=True)


class EmployeeItem(UnitBase):
    """参保险种: one insured item of an employee."""

    __tablename__ = "employee_items"
    __table_args__ = (
        Index("ix_employee_items_employee_id", "employee_id"),
        Index("ix_employee_items_unit_number", "unit_number"),
    )

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employee_id: Mapped[int] = mapped_column(Integer)
    unit_number: Mapped[str] = mapped_column(String(30))
    person_number: Mapped[str] = mapped_column(String(30))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    levy_subcategory: Mapped[str] = mapped_column(String(20))
    special_category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    base: Mapped[str] = mapped_column(String(20))
    start_month: Mapped[str] = mapped_column(String(7))
    end_month: Mapped[str | None] = mapped_column(String(7), nullable=True)


class Resident(UnitBase):
    """城乡居民参保登记信息 as synced from 管理子系统."""

    __tablename__ = "residents"
    __table_args__ = (
        Index("ix_residents_name", "name"),
        Index("ix_residents_id_number", "id_number"),
        Index("ix_residents_place", "township", "village"),
        Index("ix_residents_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    gender: Mapped[str] = mapped_column(String(4))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    birth_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    township: Mapped[str] = mapped_column(String(100))
    village: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(4))
    updated_at: Mapped[str] = mapped_column(String(19))
    name_initials: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ResidentItem(UnitBase):
    """险种 of a resident (城乡居民基本医疗/养老保险 …)."""

    __tablename__ = "resident_items"
    __table_args__ = (
        Index("ix_resident_items_resident_id", "resident_id"),
        Index("ix_resident_items_levy_item", "levy_item"),
    )

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(Integer)
    person_number: Mapped[str] = mapped_column(String(30))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    levy_subcategory: Mapped[str] = mapped_column(String(20))
    start_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    end_month: Mapped[str | None] = mapped_column(String(7), nullable=True)


class SyncState(UnitBase):
    """Where each feed stands: the change cursor, and a full sync's staging progress."""

    __tablename__ = "sync_state"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    full_done: Mapped[bool] = mapped_column(Boolean, default=False)
    staging_active: Mapped[bool] = mapped_column(Boolean, default=False)
    snapshot_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    snapshot_after_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    snapshot_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    snapshot_stable: Mapped[bool] = mapped_column(Boolean, default=True)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_full_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SyncRun(UnitBase):
    """One sync of one feed and its counts (本次共变更了N条)."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed: Mapped[str] = mapped_column(String(40), index=True)
    mode: Mapped[str] = mapped_column(String(12))  # "full" | "incremental"
    status: Mapped[str] = mapped_column(String(12))  # "running" | "done" | "failed"
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    cursor_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cursor_to: Mapped[int | None] = mapped_column(Integer, nullable=True)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SyncChange(UnitBase):
    """A record a sync added, changed or removed, with what changed (更新数据明细)."""

    __tablename__ = "sync_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(Integer, index=True)
    feed: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # "added" | "changed" | "removed"
    record_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class Message(UnitBase):
    """消息中心: what the client tells the clerk about this unit (sync results, feedback)."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    read: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class Group(UnitBase):
    """分组 (manual §2.2 四): local only, at most 3 levels, names unique among siblings."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("groups.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(DateTime)


class RecordGroup(UnitBase):
    """Which 分组 an employee or resident belongs to; kept apart from the synced tables so a
    full sync's table swap never touches it."""

    __tablename__ = "record_groups"

    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    group_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("groups.id", ondelete="CASCADE"), index=True
    )


class UnitInfo(UnitBase):
    """单位信息 (manual §4.4), as last downloaded; one row."""

    __tablename__ = "unit_info"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taxpayer_id: Mapped[str] = mapped_column(String(20))
    unit_name: Mapped[str] = mapped_column(String(200))
    tax_authority: Mapped[str] = mapped_column(String(200))
    finance_officer: Mapped[str | None] = mapped_column(String(50), nullable=True)
    legal_representative: Mapped[str | None] = mapped_column(String(50), nullable=True)
    industry: Mapped[str | None] = mapped_column(String(100), nullable=True)
    enterprise_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    email: Mapped[str | None] = mapped_column(String(100), nullable=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)


class UnitInsurance(UnitBase):
    """单位参保信息 (manual §2.19): one 单位编号 × 征收品目 registration."""

    __tablename__ = "unit_insurance"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_number: Mapped[str] = mapped_column(String(30), index=True)
    agency: Mapped[str] = mapped_column(String(200))
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    levy_subcategory: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    end_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    unit_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    personal_rate: Mapped[str | None] = mapped_column(String(12), nullable=True)
    tax_authority: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Project(UnitBase):
    """工程项目参保信息 (manual §2.25)."""

    __tablename__ = "projects"

    project_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    project_name: Mapped[str] = mapped_column(String(200), index=True)
    project_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    contract_amount: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    end_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    unit_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(200), nullable=True)
    levy_item: Mapped[str | None] = mapped_column(String(10), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    registered_on: Mapped[str | None] = mapped_column(String(10), nullable=True)


class Download(UnitBase):
    """When a piece of reference data was last downloaded, so an empty page can say whether
    nothing is registered or nothing was downloaded yet."""

    __tablename__ = "downloads"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(DateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)


class WageDraft(UnitBase):
    """A row of a 缴费工资申报 working list: kept until its declaration succeeds.

    By employee (`mode` by_employee) a row is one employee; by item (按险种) one insured
    item of an employee (`unit_number`, `levy_item`, `levy_category` set). `state` is
    未申报, 待反馈 (submitted, `declaration_id` set) or 申报失败 (with `failure_reason`,
    editable again). `submission_key` is the idempotency key of a submission in flight,
    so a retry after a failure can never declare twice.
    """

    __tablename__ = "wage_drafts"
    __table_args__ = (
        Index("ix_wage_drafts_list", "declaration_type", "mode", "state"),
        Index(
            "uq_wage_drafts_row",
            "declaration_type",
            "mode",
            "employee_id",
            "unit_number",
            "levy_item",
            "levy_category",
            unique=True,
        ),
        Index("ix_wage_drafts_name", "name"),
        Index("ix_wage_drafts_id_number", "id_number"),
        # 获取反馈 settles rows by (declaration, employee): one declaration may hold
        # 100,000 rows, so the employee must be in the index too.
        Index(
            "ix_wage_drafts_declaration",
            "declaration_id",
            "employee_id",
            sqlite_where=text("declaration_id IS NOT NULL"),  # rows not yet submitted: none
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_type: Mapped[str] = mapped_column(String(10))  # daily | annual
    mode: Mapped[str] = mapped_column(String(12))  # by_employee | by_item
    employee_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    unit_number: Mapped[str] = mapped_column(String(30), default="")
    levy_item: Mapped[str] = mapped_column(String(10), default="")
    levy_category: Mapped[str] = mapped_column(String(20), default="")
    tax_authority: Mapped[str] = mapped_column(String(200))
    old_wage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    new_wage: Mapped[str] = mapped_column(String(20))
    effective_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    stop_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="未申报")
    declaration_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    submission_key: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)


class WageDeclaration(UnitBase):
    """缴费工资申报记录: one submitted declaration and its state as last fetched."""

    __tablename__ = "wage_declarations"

    declaration_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    declaration_type: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(12))
    tax_authority: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[str] = mapped_column(String(19), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    details_fetched: Mapped[bool] = mapped_column(Boolean, default=False)


class WageDeclarationRow(UnitBase):
    """查看 of a 缴费工资申报记录: each employee's result."""

    __tablename__ = "wage_declaration_rows"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("wage_declarations.declaration_id", ondelete="CASCADE"), index=True
    )
    employee_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    old_wage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    new_wage: Mapped[str] = mapped_column(String(20))
    effective_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class PendingSubmission(UnitBase):
    """A POST whose outcome is unknown (the connection broke after sending). It is sent
    again with the same idempotency key and the same body, so the server acts once."""

    __tablename__ = "pending_submissions"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    path: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    record_ids: Mapped[str] = mapped_column(Text)  # JSON list of the local rows it covers
    created_at: Mapped[datetime] = mapped_column(DateTime)
