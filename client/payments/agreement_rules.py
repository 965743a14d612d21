"""The rules of 单位三方协议 (manual §2.18 and its 注意事项), without I/O: what each 协议状态
allows, one verified deduction agreement per unit, and the 新增/修改 form checked before it is
sent (页面所有信息必填; 缴费账号 8 to 32 digits)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from client.payments.agreement_wire import ALL_BATCH, FAILED, FEE_BATCH, UNVERIFIED, VERIFIED
from client.payments.bank_codes import BankCodes

ACCOUNT_NUMBER = re.compile(r"\d{8,32}")
DEDUCTION_FLAGS = (FEE_BATCH, ALL_BATCH)  # 批扣标志 that let the bank deduct fees


class AgreementRuleError(Exception):
    """A form or an action the rules refuse before anything is sent; `field` names the form
    field to correct (None when it is about the agreement as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# -- what each state allows (§2.18 五–八, 注意事项) ------------------------------------------
def can_modify(row: Mapping[str, Any]) -> bool:
    """修改: any live agreement not waiting for the bank (a terminated one cannot change)."""
    return row.get("status") in (UNVERIFIED, FAILED, VERIFIED)


def can_verify(row: Mapping[str, Any]) -> bool:
    """验证: 未验证 or 验证失败 (a voided or revoked one cannot be verified again)."""
    return row.get("status") in (UNVERIFIED, FAILED)


def can_void(row: Mapping[str, Any]) -> bool:
    """作废: only agreements that were never verified (未验证, 验证失败)."""
    return row.get("status") in (UNVERIFIED, FAILED)


def can_revoke(row: Mapping[str, Any]) -> bool:
    """撤销: only 验证通过 agreements."""
    return row.get("status") == VERIFIED


def allows_deduction(row: Mapping[str, Any]) -> bool:
    return bool(row.get("allow_deduction")) or row.get("deduction_flag") in DEDUCTION_FLAGS


def deduction_agreement_in_use(
    rows: Sequence[Mapping[str, Any]], other_than: str | None
) -> Mapping[str, Any] | None:
    """注意事项一: the unit's 验证通过 agreement whose 批扣标志 is 费批扣 or 所有批扣, other than
    `other_than` (a unit may have only one of them)."""
    return next(
        (
            r
            for r in rows
            if r.get("agreement_id") != other_than
            and r.get("status") == VERIFIED
            and r.get("deduction_flag") in DEDUCTION_FLAGS
        ),
        None,
    )


def one_deduction_agreement(
    rows: Sequence[Mapping[str, Any]], agreement_id: str | None, action: str
) -> None:
    """Refuse to verify (or to make allow deduction) a second deduction agreement."""
    existing = deduction_agreement_in_use(rows, agreement_id)
    if existing is None:
        return
    raise AgreementRuleError(
        f"本单位已有验证通过的允许银行代扣协议（{existing.get('bank_name') or ''}，缴费账号"
        f"{existing.get('account_masked') or ''}），同一单位只能有一个。请先将原协议修改为"
        f"不允许代扣，或将原协议撤销后，再{action}。",
        "allow_deduction",
    )


# -- the form (新增/修改单位三方协议) ----------------------------------------------------------
@dataclass(frozen=True)
class AgreementForm:
    """What the clerk typed or chose; `allow_deduction` None until a radio is chosen."""

    allow_deduction: bool | None
    tax_authority: str
    region_code: str
    bank_code: str
    branch_code: str
    account_name: str
    account_number: str

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> AgreementForm:
        """The form of a saved agreement (修改)."""
        return cls(
            allow_deduction=allows_deduction(row),
            **{k: str(row.get(k) or "") for k in _TEXT_FIELDS},
        )


_TEXT_FIELDS = (
    "tax_authority", "region_code", "bank_code", "branch_code", "account_name", "account_number",
)  # fmt: skip


def normalize_account_number(text: str) -> str:
    """A card number as typed: full-width digits and the spaces between groups are fine."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def checked_body(
    form: AgreementForm, codes: BankCodes, tax_authorities: Sequence[str]
) -> dict[str, Any]:
    """The request body of 保存, or AgreementRuleError naming the first field to correct
    (页面所有信息必填; 缴费账号 8 to 32 digits)."""
    if form.allow_deduction is None:
        raise AgreementRuleError("请选择是否允许银行代扣。", "allow_deduction")
    if not form.tax_authority:
        raise AgreementRuleError("请选择所属税务机关。", "tax_authority")
    if form.tax_authority not in tax_authorities:
        raise AgreementRuleError(
            "所属税务机关不是本单位参保登记的税务机关，请从下拉列表中选择。", "tax_authority"
        )
    if codes.region(form.region_code) is None:
        raise AgreementRuleError("请选择行政区划。", "region_code")
    if codes.bank(form.bank_code) is None:
        raise AgreementRuleError("请选择银行行别。", "bank_code")
    if not form.branch_code:
        raise AgreementRuleError("请选择开户网点。", "branch_code")
    if not codes.branch_fits(form.branch_code, form.region_code, form.bank_code):
        raise AgreementRuleError(
            "开户网点与所选行政区划、银行行别不符，请重新选择开户网点。", "branch_code"
        )
    name = form.account_name.strip()
    if not name:
        raise AgreementRuleError("请输入账户名称。", "account_name")
    if len(name) > 200:
        raise AgreementRuleError("账户名称不能超过200个字。", "account_name")
    number = normalize_account_number(form.account_number)
    if not number:
        raise AgreementRuleError("请输入缴费账号。", "account_number")
    if not ACCOUNT_NUMBER.fullmatch(number) or not number.isascii():
        raise AgreementRuleError(
            f"缴费账号应为8至32位数字（当前输入{len(number)}位"
            f"{'' if number.isdigit() else '，含非数字字符'}），请核对银行卡号。",
            "account_number",
        )
    return {
        "allow_deduction": form.allow_deduction,
        "tax_authority": form.tax_authority,
        "region_code": form.region_code,
        "bank_code": form.bank_code,
        "branch_code": form.branch_code,
        "account_name": name,
        "account_number": number,
    }
