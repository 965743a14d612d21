"""The app database: chosen region, registered units, settings, rule files and notices."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from client.storage.app_models import (
    AppSyncState,
    ChosenRegion,
    Notice,
    RegisteredUnit,
    RuleFile,
    Setting,
)
from client.storage.database import LocalDatabase
from client.storage.errors import RegionAlreadyChosenError, UnitAlreadyAddedError, UnitNotFoundError
from client.storage.migrate import APP_SCRIPTS
from client.storage.paths import DataPaths
from client.storage.secrets import SecretBox

if TYPE_CHECKING:
    from client.storage.unit_db import UnitDatabase


@dataclass(frozen=True)
class RegionChoice:
    code: str
    name: str
    collection_mode: str
    employer_online: bool
    collector_online: bool


class AppDatabase(LocalDatabase):
    def __init__(self, paths: DataPaths) -> None:
        super().__init__(paths.app_db, APP_SCRIPTS, paths.migration_backups_dir)
        self.paths = paths
        self.secrets = SecretBox(paths.secret_key_file)

    # -- region (选择地区) ------------------------------------------------------------
    def region(self) -> ChosenRegion | None:
        with self.read() as session:
            return session.get(ChosenRegion, 1)

    def choose_region(self, choice: RegionChoice) -> ChosenRegion:
        """Record the region once; the manual says it can never be changed afterwards."""
        with self.write_session() as session:
            existing = session.get(ChosenRegion, 1)
            if existing is not None:
                raise RegionAlreadyChosenError(existing.name)
            row = ChosenRegion(id=1, chosen_at=datetime.now(), **choice.__dict__)
            session.add(row)
        return row

    # -- registered units (单位管理) ----------------------------------------------------
    def units(self, kind: str, keyword: str = "") -> list[RegisteredUnit]:
        """Units of one module, filtered by 纳税人识别号/纳税人名称/备注 keyword."""
        query = select(RegisteredUnit).where(RegisteredUnit.kind == kind)
        keyword = keyword.strip()
        if keyword:  # %, _ and the backslash are text here, not wildcards
            escaped = keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            query = query.where(
                or_(
                    RegisteredUnit.taxpayer_id.like(like, escape="\\"),
                    RegisteredUnit.taxpayer_name.like(like, escape="\\"),
                    RegisteredUnit.remark.like(like, escape="\\"),
                )
            )
        with self.read() as session:
            return list(session.scalars(query.order_by(RegisteredUnit.id)))

    def unit(self, row_id: int) -> RegisteredUnit:
        with self.read() as session:
            unit = session.get(RegisteredUnit, row_id)
        if unit is None:
            raise UnitNotFoundError()
        return unit

    def find_unit(self, kind: str, unit_id: str) -> RegisteredUnit | None:
        with self.read() as session:
            return session.scalars(
                select(RegisteredUnit).where(
                    RegisteredUnit.kind == kind, RegisteredUnit.unit_id == unit_id
                )
            ).first()

    def add_unit(
        self,
        *,
        kind: str,
        unit_id: str,
        taxpayer_id: str,
        taxpayer_name: str,
        tax_authority: str,
        tax_section: str,
    ) -> RegisteredUnit:
        with self.write_session() as session:
            existing = session.scalars(
                select(RegisteredUnit).where(
                    RegisteredUnit.kind == kind, RegisteredUnit.unit_id == unit_id
                )
            ).first()
            if existing is not None:
                raise UnitAlreadyAddedError(existing.taxpayer_name)
            row = RegisteredUnit(
                kind=kind,
                unit_id=unit_id,
                taxpayer_id=taxpayer_id,
                taxpayer_name=taxpayer_name,
                tax_authority=tax_authority,
                tax_section=tax_section,
                remark="",
                db_file=self.paths.unit_db(kind, unit_id).name,
                added_at=datetime.now(),
            )
            session.add(row)
        return row

    def set_remark(self, row_id: int, remark: str) -> None:
        with self.write_session() as session:
            unit = session.get(RegisteredUnit, row_id)
            if unit is None:
                raise UnitNotFoundError()
            unit.remark = remark.strip()

    def mark_login(self, row_id: int) -> None:
        with self.write_session() as session:
            unit = session.get(RegisteredUnit, row_id)
            if unit is not None:
                unit.last_login_at = datetime.now()

    def open_unit_db(self, unit: RegisteredUnit) -> UnitDatabase:
        from client.storage.unit_db import UnitDatabase  # not needed before a login

        return UnitDatabase(self.paths.units_dir / unit.db_file, self.paths.migration_backups_dir)

    # -- settings ----------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.read() as session:
            row = session.get(Setting, key)
        return default if row is None else json.loads(row.value)

    def set_setting(self, key: str, value: Any) -> None:
        with self.write_session() as session:
            session.merge(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))

    # -- rule files (规则文件) and notices (通知公告) ----------------------------------------
    def rule_versions(self) -> dict[str, str]:
        with self.read() as session:
            return {r.code: r.version for r in session.scalars(select(RuleFile))}

    def save_rule_files(self, files: Iterable[dict[str, Any]]) -> int:
        now = datetime.now()
        count = 0
        with self.write_session() as session:
            for f in files:
                session.merge(
                    RuleFile(
                        code=f["code"],
                        name=f["name"],
                        version=f["version"],
                        content=json.dumps(f["content"], ensure_ascii=False),
                        updated_at=now,
                    )
                )
                count += 1
        return count

    def rule_file(self, code: str) -> dict[str, Any] | None:
        with self.read() as session:
            row = session.get(RuleFile, code)
        return None if row is None else json.loads(row.content)

    def rule_files(self) -> list[RuleFile]:
        with self.read() as session:
            return list(session.scalars(select(RuleFile).order_by(RuleFile.code)))

    def rule_file_count(self) -> int:
        return len(self.rule_versions())

    def code_table(self, code: str) -> dict[str, str]:
        """A code table as {code: name}; empty until the rule file is downloaded."""
        content = self.rule_file(code) or {}
        return {e["code"]: e["name"] for e in content.get("entries", [])}

    def feed_cursor(self, feed: str) -> int:
        with self.read() as session:
            row = session.get(AppSyncState, feed)
        return 0 if row is None else row.cursor

    def save_notices(self, notices: Iterable[dict[str, Any]], cursor: int) -> int:
        count = 0
        with self.write_session() as session:
            for n in notices:
                existing = session.get(Notice, n["id"])
                read = existing.read if existing is not None else False
                session.merge(
                    Notice(
                        id=n["id"],
                        seq=n["seq"],
                        title=n["title"],
                        body=n["body"],
                        published_at=n["published_at"],
                        withdrawn=bool(n.get("withdrawn", False)),
                        read=read,
                    )
                )
                count += 1
            session.merge(AppSyncState(feed="notices", cursor=cursor, last_sync_at=datetime.now()))
        return count

    def mark_notice_read(self, notice_id: int) -> None:
        with self.write_session() as session:
            notice = session.get(Notice, notice_id)
            if notice is not None:
                notice.read = True

    def notices(self) -> list[Notice]:
        with self.read() as session:
            return list(
                session.scalars(
                    select(Notice)
                    .where(Notice.withdrawn.is_(False))
                    .order_by(Notice.published_at.desc())
                )
            )
