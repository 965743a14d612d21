"""Tables of the app database: the chosen region, registered units, settings, rule files, notices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class AppBase(DeclarativeBase):
    pass


class Setting(AppBase):
    """One setting as JSON text; secrets are stored encrypted (see `secrets.py`)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ChosenRegion(AppBase):
    """The region chosen at the very first start (选择地区); permanent, so at most one row."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(50))
    collection_mode: Mapped[str] = mapped_column(String(10))
    employer_online: Mapped[bool] = mapped_column(Boolean)
    collector_online: Mapped[bool] = mapped_column(Boolean)
    chosen_at: Mapped[datetime] = mapped_column(DateTime)


class RegisteredUnit(AppBase):
    """A unit added in 单位管理; its business data lives in its own database file."""

    __tablename__ = "registered_units"
    __table_args__ = (UniqueConstraint("kind", "unit_id", name="uq_registered_units_kind_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # "employer" | "collector"
    unit_id: Mapped[str] = mapped_column(String(40))
    taxpayer_id: Mapped[str] = mapped_column(String(20), index=True)
    taxpayer_name: Mapped[str] = mapped_column(String(200))
    tax_authority: Mapped[str] = mapped_column(String(200), default="")
    tax_section: Mapped[str] = mapped_column(String(200), default="")
    remark: Mapped[str] = mapped_column(String(500), default="")
    db_file: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class RuleFile(AppBase):
    """A rule file (code table) of the region, as downloaded at login (规则文件更新)."""

    __tablename__ = "rule_files"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Notice(AppBase):
    """A 通知公告 of the region."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[str] = mapped_column(String(19), index=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    read: Mapped[bool] = mapped_column(Boolean, default=False)


class AppSyncState(AppBase):
    """Cursor of a region-wide feed (notices)."""

    __tablename__ = "app_sync_state"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
