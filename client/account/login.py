"""登录 (manual §1.5.2, §2.1.2): 安全认证, forced change of an initial password, 数据更新."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.exc import DatabaseError

from client.account.data_update import LoginUpdateResult, login_update
from client.account.registration import InputError
from client.app_context import AppContext, UnitSession
from client.backup.manifest import Manifest
from client.backup.service import BackupSettings, default_folder, list_backups
from client.domain.passwords import new_password_error
from client.jobs import Job
from client.storage.app_models import RegisteredUnit
from client.storage.integrity import DamagedDatabaseError, database_problem, set_aside
from client.storage.unit_db import UnitDatabase
from client.sync.errors import ApiError

log = logging.getLogger(__name__)


@dataclass
class DateCheck:
    server_today: date
    local_today: date

    @property
    def warning(self) -> str | None:
        if self.server_today == self.local_today:
            return None
        return (
            f"本机系统日期为{self.local_today:%Y-%m-%d}，税务系统日期为"
            f"{self.server_today:%Y-%m-%d}，两者不一致。请将电脑的系统日期调整为当天日期，"
            "否则申报、缴费等业务可能出错。"
        )


class LoginService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def authenticate(self, unit: RegisteredUnit, password: str) -> UnitSession:
        """安全认证: the server checks the 申报密码; on success a session is opened."""
        if not password:
            raise InputError("请输入申报密码。")
        region = self.ctx.region()
        if region is None:
            raise InputError("请先选择地区。")
        api = self.ctx.api()
        try:
            result = api.login(unit.unit_id, password)
        except ApiError:
            api.close()
            raise
        try:
            db = self.open_unit_db(unit)
        except BaseException:
            api.close()
            raise
        self.ctx.end_session()
        session = UnitSession(unit, api, db, region, result.initial_password)
        self.ctx.session = session
        return session

    # -- the unit's database: checked before it opens --------------------------------------
    def unit_db_path(self, unit: RegisteredUnit) -> Path:
        return self.ctx.paths.units_dir / unit.db_file

    def open_unit_db(self, unit: RegisteredUnit) -> UnitDatabase:
        """The unit's database, after a check that the file is whole; DamagedDatabaseError
        (nothing touched) when it is not."""
        path = self.unit_db_path(unit)
        problem = database_problem(path)
        if problem is None:
            try:
                return self.ctx.app_db.open_unit_db(unit)
            except (DatabaseError, sqlite3.DatabaseError):
                problem = database_problem(path)
                if problem is None:
                    raise  # locked or the like: not damage
        log.warning("unit database %s is damaged: %s", path.name, problem)
        raise DamagedDatabaseError(path, problem)

    def set_aside_damaged(self, unit: RegisteredUnit) -> Path | None:
        """重新下载: the damaged file goes to damaged/ and the next login starts clean."""
        path = self.unit_db_path(unit)
        if not path.exists():
            return None
        return set_aside(path, self.ctx.paths.root)

    def backups_of(self, unit: RegisteredUnit) -> list[tuple[Path, Manifest]]:
        """Backups (default and 自动备份 folders, newest first) holding the unit's database."""
        folders = [default_folder(self.ctx.paths)]
        auto = BackupSettings.load(self.ctx.app_db).auto_folder
        if auto and Path(auto) not in folders:
            folders.append(Path(auto))
        found = []
        for folder in folders:
            for location, manifest in list_backups(folder):
                if any(
                    f.unit_id == unit.unit_id and f.unit_kind == unit.kind for f in manifest.files
                ):
                    found.append((location, manifest))
        found.sort(key=lambda item: item[1].created_at, reverse=True)
        return found

    def verify_password(self, session: UnitSession, password: str) -> None:
        """安全认证 inside a session (before paying, voiding …): the server checks the
        申报密码 again; wrong entries count toward the same daily lockout."""
        if not password:
            raise InputError("请输入申报密码。")
        result = session.api.login(session.unit.unit_id, password)
        session.initial_password = result.initial_password

    def change_password(self, session: UnitSession, old: str, new: str, repeat: str) -> None:
        error = new_password_error(old, new, repeat)
        if error:
            raise InputError(error)
        session.api.change_password(old, new)
        session.initial_password = False

    def date_check(self, session: UnitSession) -> DateCheck:
        server = session.api.server_time()
        return DateCheck(date.fromisoformat(server.today), self.ctx.local_today())

    def data_update_job(self, session: UnitSession) -> Job[LoginUpdateResult]:
        """数据更新: one job, progress 0–100 over all phases, cancellable."""

        def run(ctx_job):  # type: ignore[no-untyped-def]
            result = login_update(session.api, self.ctx.app_db, session.db, session.unit, ctx_job)
            self.ctx.app_db.mark_login(session.unit.id)
            records = result.records
            if records.changed_records:
                what = "职工参保信息" if session.kind == "employer" else "城乡居民参保信息"
                how = "全量更新" if records.mode == "full" else "增量更新"
                session.db.add_message(
                    "数据更新",
                    f"{what}{how}完成",
                    f"登录时{how}了{what}：新增{records.counts.added}条，变更{records.counts.changed}条，"
                    f"删除{records.counts.removed}条，当前共{records.total}条。",
                )
            return result

        return Job("数据更新", run)
