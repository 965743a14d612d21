"""The agent's own fields of a synced 城乡居民 (manual §3.2 九 编辑, 五 信息维护).

手机号码 and 备注 live here, keyed by the resident's record id and apart from the synced
`residents` table, so a full sync's table swap never touches them (分组 is `record_groups`,
shared with the employer roster). A row stays when its resident leaves the feed: the values
are back if the resident returns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from client.storage.unit_models import UnitBase


class ResidentLocal(UnitBase):
    """编辑人员信息 of one resident. `phone_edited` says the agent set 手机号码 (also to blank):
    then `phone` is shown instead of the registered number the sync brings."""

    __tablename__ = "resident_local"

    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    phone_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    remark: Mapped[str | None] = mapped_column(Text, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
