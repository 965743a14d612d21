"""编辑人员信息 of a synced 城乡居民 (manual §3.2 九): the agent's 手机号码, 分组 and 备注.

Kept in the unit database apart from the synced rows (`resident_local`, `record_groups`), so
an update never overwrites them. A blank 手机号码 clears the number shown (the agent's choice
wins over the registered one from then on); a blank 备注 clears it; 分组 None is 无分组.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from client.groups.service import GroupService
from client.storage.chunks import chunked
from client.storage.resident_local_models import ResidentLocal
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Group, RecordGroup, Resident

LOCAL = ResidentLocal.__table__
RECORD_GROUPS = RecordGroup.__table__
MAX_REMARK = 200

PHONE_FORMAT = "手机号码应为以1开头的11位数字，请核对后重新输入。"
REMARK_TOO_LONG = f"备注不能超过{MAX_REMARK}个字，请删减后重新输入。"
NO_GROUP = "所选分组已不存在，请重新选择。"
GONE = "该城乡居民已不在本单位的参保登记信息中，请先点击【更新】。"


class ResidentEditError(Exception):
    """A value of 编辑人员信息 the agent must correct; `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ResidentFields:
    """What 编辑 shows and saves: 手机号码 as shown, 分组 (id), 备注."""

    record_id: int
    name: str
    phone: str
    group_id: int | None
    remark: str


def check_phone(value: str | None) -> str | None:
    """A mobile number (11 digits from 1), or None for blank."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) != 11 or not text.isdigit() or text[0] != "1":
        raise ResidentEditError(PHONE_FORMAT, "phone")
    return text


def check_remark(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_REMARK:
        raise ResidentEditError(REMARK_TOO_LONG, "remark")
    return text or None


class ResidentFieldStore:
    def __init__(self, db: UnitDatabase) -> None:
        self.db = db
        self.groups = GroupService(db)

    def get(self, record_id: int) -> ResidentFields:
        r, c = Resident.__table__.c, LOCAL.c
        query = (
            select(r.name, r.phone, c.phone.label("own_phone"), c.phone_edited, c.remark)
            .select_from(Resident.__table__.outerjoin(LOCAL, c.record_id == r.id))
            .where(r.id == record_id)
        )
        with self.db.engine.connect() as conn:
            row = conn.execute(query).first()
            group_id = conn.execute(
                select(RECORD_GROUPS.c.group_id).where(RECORD_GROUPS.c.record_id == record_id)
            ).scalar_one_or_none()
        if row is None:
            raise ResidentEditError(GONE)
        phone = row.own_phone if row.phone_edited else row.phone
        return ResidentFields(record_id, row.name, phone or "", group_id, row.remark or "")

    def save(
        self, record_id: int, phone: str | None, group_id: int | None, remark: str | None
    ) -> None:
        """确定 of 编辑: check, then write the three values in one transaction."""
        current = self.get(record_id)  # raises GONE
        values = (record_id, check_phone(phone), group_id, check_remark(remark))
        with self.db.write() as conn:
            self._check_groups(conn, [group_id])
            # 手机号码 left as it was shown stays the registered one (it follows updates).
            _write(conn, [values], keep_phone={record_id} if phone == current.phone else set())

    def save_many(self, rows: Iterable[tuple[int, str | None, int | None, str | None]]) -> int:
        """信息维护 导入: (record id, 手机号码, 分组 id, 备注) rows, already checked, in one
        transaction; return how many."""
        values = list({row[0]: row for row in rows}.values())
        with self.db.write() as conn:
            self._check_groups(conn, [v[2] for v in values])
            _write(conn, values, keep_phone=set())
        return len(values)

    @staticmethod
    def _check_groups(conn: Connection, group_ids: Iterable[int | None]) -> None:
        wanted = {g for g in group_ids if g is not None}
        if not wanted:
            return
        known = set(conn.execute(select(Group.id).where(Group.id.in_(list(wanted)))).scalars())
        if wanted - known:
            raise ResidentEditError(NO_GROUP, "group")


def _write(
    conn: Connection,
    rows: list[tuple[int, str | None, int | None, str | None]],
    keep_phone: set[int],
) -> None:
    now = datetime.now()
    upsert = sqlite_insert(LOCAL)
    with_phone = upsert.on_conflict_do_update(
        index_elements=[LOCAL.c.record_id],
        set_={
            "phone": upsert.excluded.phone,
            "phone_edited": upsert.excluded.phone_edited,
            "remark": upsert.excluded.remark,
            "saved_at": upsert.excluded.saved_at,
        },
    )
    remark_only = upsert.on_conflict_do_update(
        index_elements=[LOCAL.c.record_id],
        set_={"remark": upsert.excluded.remark, "saved_at": upsert.excluded.saved_at},
    )
    for part in chunked(rows, 500):
        phones = [r for r in part if r[0] not in keep_phone]
        kept = [r for r in part if r[0] in keep_phone]
        if phones:
            conn.execute(
                with_phone,
                [
                    {"record_id": r, "phone": p, "phone_edited": True, "remark": m, "saved_at": now}
                    for r, p, _g, m in phones
                ],
            )
        if kept:
            conn.execute(
                remark_only,
                [
                    {
                        "record_id": r,
                        "phone": None,
                        "phone_edited": False,
                        "remark": m,
                        "saved_at": now,
                    }
                    for r, _p, _g, m in kept
                ],  # fmt: skip
            )
        ungrouped = [r for r, _p, g, _m in part if g is None]
        if ungrouped:
            conn.execute(delete(RECORD_GROUPS).where(RECORD_GROUPS.c.record_id.in_(ungrouped)))
        grouped = [{"record_id": r, "group_id": g} for r, _p, g, _m in part if g is not None]
        if grouped:
            stmt = sqlite_insert(RECORD_GROUPS)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[RECORD_GROUPS.c.record_id],
                    set_={"group_id": stmt.excluded.group_id},
                ),
                grouped,
            )
