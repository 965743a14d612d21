"""居民银行账户管理 (manual §3.18): a 代收单位's residents' bank accounts, kept by the 征收子系统
(nothing locally). 新增 is two steps: the three facts (the resident must be in this agent's
area), then 银行行别, 行政区划, 开户网点 (only after both, of that bank in that 行政区划), 银行账号,
账户性质 and the three 是/否 flags. The form is checked here before anything is sent, with the
server's sentences; a new 首选缴费账户 takes the flag from the resident's old one (server)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from client.authorisation.people import AreaResident
from client.collector.persons import PersonError
from client.payments.bank_codes import BankCodes
from client.sync.unit_service import UnitCalls

ACCOUNT_NATURES = ("个人银行结算账户", "个人储蓄账户", "信用卡账户")
ACCOUNT_NUMBER = re.compile(r"\d{8,32}")
YES, NO = "是", "否"
FLAGS = {
    "refund_flag": "退费账户标志",
    "preferred_flag": "首选缴费账户标志",
    "social_flag": "社保费账户标志",
}


class AccountRuleError(PersonError):
    """A refusal before anything is sent; `field` names the input to correct."""


def yes_no(value: Any) -> str:
    return YES if value else NO


@dataclass(frozen=True)
class BankFields:
    """银行行别, 行政区划 and 开户网点 as chosen in the cascade, and the account number."""

    bank_code: str
    region_code: str
    branch_code: str
    account_number: str

    def check(self, codes: BankCodes, number_label: str = "银行账号") -> BankFields:
        """The fields trimmed, or the first to correct (the server's sentences)."""
        if not self.bank_code or codes.bank(self.bank_code) is None:
            raise AccountRuleError("请选择银行行别。", "bank_code")
        if not self.region_code or codes.region(self.region_code) is None:
            raise AccountRuleError("请选择行政区划。", "region_code")
        if not self.branch_code:
            raise AccountRuleError("请选择开户网点。", "branch_code")
        if not codes.branch_fits(self.branch_code, self.region_code, self.bank_code):
            raise AccountRuleError(
                f"开户网点{self.branch_code}不属于所选的银行行别和行政区划，请重新选择开户网点。",
                "branch_code",
            )
        number = self.account_number.strip()
        if not number:
            raise AccountRuleError(f"请填写{number_label}。", "account_number")
        if not ACCOUNT_NUMBER.fullmatch(number):
            raise AccountRuleError(
                f"{number_label}应为8至32位数字，请核对银行卡号。", "account_number"
            )
        return BankFields(self.bank_code, self.region_code, self.branch_code, number)

    def wire(self) -> dict[str, str]:
        return {
            "bank_code": self.bank_code,
            "region_code": self.region_code,
            "branch_code": self.branch_code,
            "account_number": self.account_number,
        }


@dataclass(frozen=True)
class AccountForm:
    """第二步 of 新增: the bank fields, 账户性质 and the flags (None: not chosen yet)."""

    bank: BankFields
    account_nature: str
    refund_flag: bool | None
    preferred_flag: bool | None
    social_flag: bool | None

    def checked(self, codes: BankCodes) -> AccountForm:
        bank = self.bank.check(codes)
        if self.account_nature not in ACCOUNT_NATURES:
            raise AccountRuleError("请选择账户性质。", "account_nature")
        for field, label in FLAGS.items():
            if getattr(self, field) is None:
                raise AccountRuleError(f"请选择{label}（是或否）。", field)
        return AccountForm(
            bank, self.account_nature, self.refund_flag, self.preferred_flag, self.social_flag
        )

    def wire(self, resident: AreaResident) -> dict[str, Any]:
        return {
            **resident.facts().wire(),
            **self.bank.wire(),
            "account_nature": self.account_nature,
            "refund_flag": self.refund_flag,
            "preferred_flag": self.preferred_flag,
            "social_flag": self.social_flag,
        }


def account_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A listed account with the 是/否 texts the page shows."""
    shown = dict(row)
    for field in FLAGS:
        shown[f"{field}_text"] = yes_no(row.get(field))
    return shown


class ResidentAccounts(UnitCalls):
    """The 征收子系统's 居民银行账户 of one 代收单位."""

    PATH = "/mgmt/units/{unit_id}/authorisation/accounts"

    def query(
        self,
        name: str | None = None,
        id_number: str | None = None,
        bank_code: str | None = None,
        account_number: str | None = None,
    ) -> list[dict[str, Any]]:
        """查询: the accounts matching the conditions (empty ones ignored), newest first."""
        params = {
            "name": (name or "").strip() or None,
            "id_number": (id_number or "").strip().upper() or None,
            "bank_code": bank_code or None,
            "account_number": (account_number or "").strip() or None,
        }
        body = self.api.get_json(self.path, **params)
        return [account_row(r) for r in body["accounts"]]

    def get(self, account_id: str) -> dict[str, Any]:
        return account_row(self.api.get_json(f"{self.path}/{account_id}"))

    def create(
        self, resident: AreaResident, form: AccountForm, codes: BankCodes, key: str | None = None
    ) -> dict[str, Any]:
        """保存: checked here first (AccountRuleError, nothing sent), then the server's
        answer or its sentence (ApiError). `key` repeats a retried click's idempotency key."""
        checked = form.checked(codes)
        body = checked.wire(resident)
        answer = self.api.post_json(self.path, body, idempotency_key=key or str(uuid.uuid4()))
        return account_row(answer)
