"""居民两两协议签订 (manual §3.19): 费批扣 agreements of the agent's residents with their banks,
kept by the 管理子系统. 新增 is two steps: the three facts and 本人账户 or 他人账户, then the
form; a 他人账户 needs the holder's three facts, 手机号码 and the 短信验证码 sent to it
(获取验证码, again after 60 s at the earliest). The 《社保费扣费协议书》 must be agreed to.

Rules checked here before sending (the server checks them again, with the same sentences):
only 允许银行代扣 agreements (§3.19.3 一); a resident has at most one 有效 one (§3.19.3 二: asked
at 新增 第一步, once the resident is found, so the form is not filled in vain; the server
answers again at 保存); 撤销 only of an 有效 agreement."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from client.authorisation.accounts import AccountRuleError, BankFields
from client.authorisation.people import AreaResident
from client.collector.persons import PersonError, check_person
from client.documents.agreement_pdf import (
    AgreementDocument,
    suggested_name,
    write_agreement_pdf,
    write_agreement_terms,
)
from client.payments.bank_codes import BankCodes
from client.sync.unit_service import UnitCalls

OWN, OTHER = "本人账户", "他人账户"
ACCOUNT_TYPES = (OWN, OTHER)
VALID, REVOKED = "有效", "已撤销"
STATES = (VALID, REVOKED)
CONSENT_TEXT = "我已知晓并同意《社保费扣费协议书》"
TERMS_NAME = "社保费扣费协议书.pdf"
RESEND_SECONDS = 60
SAVED = "协议保存成功。"
REVOKE_QUESTION = "是否确定撤销该协议？撤销后该协议将不再参与社保费批扣。"

ONLY_DEDUCTION = "客户端仅支持签订允许银行代扣（费批扣）的协议，请选择“允许代扣”。"
NO_CONSENT = "请阅读并勾选“我已知晓并同意《社保费扣费协议书》”后再提交。"
HOLDER_IS_SIGNER = "持卡人就是协议人本人，请在第一步选择“本人账户”。"
BAD_PHONE = "手机号码应为11位数字的中国大陆手机号码，请核对持卡人在银行预留的手机号码。"
ONE_VALID = (
    "该居民已有有效的允许银行代扣协议（协议号{number}），不能重复签订；"
    "如需更换扣款账户，请先撤销原协议。"
)  # the server's sentence (§3.19.3 二)


class AgreementRuleError(AccountRuleError):
    """A refusal before anything is sent; `field` names the input to correct."""


def check_phone(phone: str | None) -> str:
    value = (phone or "").strip()
    if not value:
        raise AgreementRuleError("请填写手机号码。", "phone")
    if len(value) != 11 or not value.isdigit() or value[0] != "1" or value[1] in "012":
        raise AgreementRuleError(BAD_PHONE, "phone")
    return value


def can_revoke(row: dict[str, Any]) -> bool:
    return row.get("state") == VALID


@dataclass(frozen=True)
class AgreementForm:
    """第二步: what the clerk filled in. The holder fields count for 他人账户 only (本人账户's
    持卡人 is the resident, shown and not editable)."""

    account_type: str
    allow_deduction: bool | None
    tax_authority: str
    bank: BankFields
    holder_name: str = ""
    holder_id_type: str = "01"
    holder_id_number: str = ""
    phone: str = ""
    sms_code: str = ""
    consent: bool = False
    save_account: bool = True

    def wire(
        self, resident: AreaResident, codes: BankCodes, id_types: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The request body, after the checks in the form's order (AgreementRuleError)."""
        if self.account_type not in ACCOUNT_TYPES:
            raise AgreementRuleError("请选择协议人银行账户（本人账户或他人账户）。", "account_type")
        if self.allow_deduction is not True:
            raise AgreementRuleError(ONLY_DEDUCTION, "allow_deduction")
        if not self.tax_authority:
            raise AgreementRuleError("请选择所属税务机关。", "tax_authority")
        bank = self.bank.check(codes, "缴费账号")
        body: dict[str, Any] = {
            **resident.facts().wire(),
            "account_type": self.account_type,
            "allow_deduction": True,
            "tax_authority": self.tax_authority,
            **bank.wire(),
        }
        if self.account_type == OWN:
            body["save_account"] = self.save_account
        else:
            holder = _holder(self.holder_name, self.holder_id_type, self.holder_id_number, id_types)
            if (holder.id_type, holder.id_number) == (resident.id_type, resident.id_number):
                raise AgreementRuleError(HOLDER_IS_SIGNER, "holder_id_number")
            body |= {
                "holder_name": holder.name,
                "holder_id_type": holder.id_type,
                "holder_id_number": holder.id_number,
                "phone": check_phone(self.phone),
            }
        if not self.consent:
            raise AgreementRuleError(NO_CONSENT, "consent")
        if self.account_type == OTHER:
            code = self.sms_code.strip()
            if not code:
                raise AgreementRuleError("请填写短信验证码。", "sms_code")
            body["sms_code"] = code
        body["consent"] = True
        return body


def _holder(name: str, id_type: str, number: str, id_types: dict[str, str] | None) -> Any:
    try:
        return check_person(name, id_type, number, id_types)
    except PersonError as error:  # the same checks, said of the 持卡人
        message = error.message
        for plain, holder in (("请填写姓名", "请填写持卡人姓名"),
                              ("请选择证件类型", "请选择持卡人证件类型"),
                              ("请填写证件号码", "请填写持卡人证件号码")):  # fmt: skip
            message = message.replace(plain, holder)
        raise AgreementRuleError(message, f"holder_{error.field or 'name'}") from None


class ResidentAgreements(UnitCalls):
    """The 管理子系统's 居民两两协议 of one 代收单位."""

    PATH = "/mgmt/units/{unit_id}/authorisation"

    def query(
        self, name: str | None = None, id_number: str | None = None, state: str | None = None
    ) -> list[dict[str, Any]]:
        """查询: the agreements matching the conditions (empty ones ignored), newest first."""
        body = self.api.get_json(
            f"{self.path}/agreements",
            name=(name or "").strip() or None,
            id_number=(id_number or "").strip().upper() or None,
            state=state or None,
        )
        return list(body["agreements"])

    def refuse_second(self, resident: AreaResident) -> None:
        """§3.19.3 二: 新增 asks whether the resident already has a 有效 允许银行代扣 agreement;
        AgreementRuleError (ONE_VALID) when so."""
        for row in self.query(id_number=resident.id_number, state=VALID):
            if row.get("id_type") == resident.id_type and row.get("allow_deduction"):
                raise AgreementRuleError(ONE_VALID.format(number=row["agreement_id"]))

    def get(self, agreement_id: str) -> dict[str, Any]:
        return dict(self.api.get_json(f"{self.path}/agreements/{agreement_id}"))

    def send_code(self, phone: str | None) -> dict[str, Any]:
        """获取验证码: the phone checked here first; the server sends a code valid 5 minutes
        (429 SMS_TOO_OFTEN within a minute of the last)."""
        number = check_phone(phone)
        return dict(self.api.post_json(f"{self.path}/sms-codes", {"phone": number}))

    def sign(
        self,
        resident: AreaResident,
        form: AgreementForm,
        codes: BankCodes,
        id_types: dict[str, str] | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        """提交: checked here first (nothing is sent when wrong), then the server's answer:
        the 有效 agreement, or its sentence (ApiError: 协议签订失败：…, 验证码不正确 …)."""
        body = form.wire(resident, codes, id_types)
        return dict(
            self.api.post_json(
                f"{self.path}/agreements", body, idempotency_key=key or str(uuid.uuid4())
            )
        )

    def revoke(self, row: dict[str, Any]) -> dict[str, Any]:
        if not can_revoke(row):
            raise AgreementRuleError("该协议已撤销，无需再次撤销。", None)
        return dict(
            self.api.post_json(
                f"{self.path}/agreements/{row['agreement_id']}/revoke",
                {},
                idempotency_key=str(uuid.uuid4()),
            )
        )


def print_agreement(
    row: Mapping[str, Any],
    folder: Path,
    collector_name: str,
    collector_id: str,
    id_types: Mapping[str, str] | None = None,
) -> Path:
    """打印: the agreement's 委托扣款协议书 written to `folder` (made if missing); its path.
    DocumentError (the clerk's sentence) when it cannot be written."""
    doc = AgreementDocument.of(row, collector_name, collector_id, id_types)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return write_agreement_pdf(doc, Path(folder) / suggested_name(doc))


def terms_pdf(folder: Path, collector_name: str, collector_id: str) -> Path:
    """《社保费扣费协议书》 to read before agreeing (the consent's link): the terms with the
    parties left blank, written to `folder` (made if missing)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return write_agreement_terms(Path(folder) / TERMS_NAME, collector_name, collector_id)
