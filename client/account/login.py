"""登录 (manual §1.5.2, §2.1.2): 安全认证, forced change of an initial password, 数据更新."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from client.account.data_update import LoginUpdateResult, login_update
from client.account.registration import InputError
from client.app_context import AppContext, UnitSession
from client.domain.passwords import new_password_error
from client.jobs import Job
from client.storage.app_models import RegisteredUnit
from client.sync.errors import ApiError


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
        db = self.ctx.app_db.open_unit_db(unit)
        self.ctx.end_session()
        session = UnitSession(unit, api, db, region, result.initial_password)
        self.ctx.session = session
        return session

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
