"""添加单位 (manual §1.5.1): taxpayer ID → 选择单位 → 安全认证 → 确认参保登记信息."""

from __future__ import annotations

from dataclasses import dataclass

from client.app_context import AppContext
from client.domain.ids import normalize_taxpayer_id, taxpayer_id_error
from client.storage.app_models import RegisteredUnit
from client.storage.errors import UnitAlreadyAddedError
from client.sync.api import ApiClient
from client.sync.schemas import RegistrationRow, UnitInfo

EMPLOYER_PASSWORD_HINT = (
    "初始化申报密码为任一单位编号后6位。若单位编号不足6位，则单位编号末尾补0。"
    "如单位编号为“12345”，则初始申报密码为“123450”。"
)
COLLECTOR_PASSWORD_HINT = (
    "初始化申报密码为纳税人识别号后6位。如您已修改申报密码，请输入新申报密码。"
)
CONFIRM_TEXT = (
    "根据社会保险费征管职能划转的统一要求，我省税务机关统一接收社会保险费的征收权。"
    "请确认纳税人识别号、单位名称和社保经办机构、单位编号的对应关系。请务必认真核对，"
    "确认对应关系是否正确，确认无误后再使用本系统。"
)
WRONG_REGISTRATION_TEXT = "如对应有误，请赴相关的税务办税大厅进行修正后再使用本系统。"


class InputError(Exception):
    """Input refused before any request; `message` says what to correct."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def password_hint(kind: str) -> str:
    return EMPLOYER_PASSWORD_HINT if kind == "employer" else COLLECTOR_PASSWORD_HINT


@dataclass
class VerifiedUnit:
    """A unit whose 申报密码 the server accepted, waiting for 确认参保登记信息."""

    info: UnitInfo
    registrations: list[RegistrationRow]
    initial_password: bool


class RegistrationService:
    def __init__(self, ctx: AppContext, kind: str) -> None:
        self.ctx = ctx
        self.kind = kind
        self._api: ApiClient | None = None

    @property
    def api(self) -> ApiClient:
        if self._api is None:
            self._api = self.ctx.api()
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    def lookup(self, taxpayer_id: str) -> list[UnitInfo]:
        """Units of this ID in the chosen region; the ID is checked before any request."""
        error = taxpayer_id_error(taxpayer_id)
        if error:
            raise InputError(error)
        region = self.ctx.region()
        if region is None:
            raise InputError("请先选择地区。")
        return self.api.lookup_units(normalize_taxpayer_id(taxpayer_id), region.code, self.kind)

    def ensure_not_added(self, info: UnitInfo) -> None:
        existing = self.ctx.app_db.find_unit(self.kind, info.unit_id)
        if existing is not None:
            raise UnitAlreadyAddedError(existing.taxpayer_name)

    def verify_password(self, info: UnitInfo, password: str) -> VerifiedUnit:
        if not password:
            raise InputError("请输入申报密码。")
        result = self.api.login(info.unit_id, password)
        registration = self.api.registration(info.unit_id)
        return VerifiedUnit(result.unit, registration.registrations, result.initial_password)

    def confirm(self, verified: VerifiedUnit, confirmed: bool) -> RegisteredUnit:
        """确定 after ticking 我已确认无误: the unit joins the list."""
        if not confirmed:
            raise InputError("请核对参保登记信息，并勾选“我已确认无误”。")
        info = verified.info
        unit = self.ctx.app_db.add_unit(
            kind=self.kind,
            unit_id=info.unit_id,
            taxpayer_id=info.taxpayer_id,
            taxpayer_name=info.taxpayer_name,
            tax_authority=info.tax_authority,
            tax_section=info.tax_section,
        )
        db = self.ctx.app_db.open_unit_db(unit)
        try:
            db.replace_registrations([r.model_dump() for r in verified.registrations])
        finally:
            db.close()
        return unit
