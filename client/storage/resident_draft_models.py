"""The working list of 社保费代收代报（自主） (manual §3.6, issue 12): rows prepared for
declaration, kept in the unit database so that rows not yet submitted are there again after
the client is closed and started (注意事项二).

A row is one resident × 征收品目 × 缴费年度 at a chosen 缴费档次; the resident's facts (乡镇街道,
社区村组, 人员编号, 征收子目) are copied from the feed or the 外部参保城乡居民 list when the row is
added. The same person, 征收品目 and year is never listed twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from client.storage.unit_models import UnitBase


class ResidentDraft(UnitBase):
    """One row of the 代收代报（自主） list, 未申报 until 提交申报 removes it."""

    __tablename__ = "resident_drafts"
    __table_args__ = (
        Index(
            "uq_resident_drafts_person",
            "id_type",
            "id_number",
            "levy_category",
            "year",
            unique=True,
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Where the resident was found: "feed" (城乡居民参保信息) or "external" (外部参保城乡居民),
    # and its record id there.
    source: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number: Mapped[str] = mapped_column(String(40))
    township: Mapped[str | None] = mapped_column(String(100), nullable=True)
    village: Mapped[str | None] = mapped_column(String(100), nullable=True)
    levy_item: Mapped[str] = mapped_column(String(10))
    levy_category: Mapped[str] = mapped_column(String(20))
    levy_subcategory: Mapped[str | None] = mapped_column(String(20), nullable=True)
    year: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(4))
    grade_name: Mapped[str] = mapped_column(String(40))
    amount: Mapped[str] = mapped_column(String(20))  # the 档次's amount, "500.00"
    person_number: Mapped[str | None] = mapped_column(String(30), nullable=True)
    added_via: Mapped[str] = mapped_column(String(10))  # 导入 | 单个添加 | 按分组添加
    added_at: Mapped[datetime] = mapped_column(DateTime)
