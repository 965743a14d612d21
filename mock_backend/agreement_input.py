"""The body of 新增/修改 单位三方协议 (manual §2.18.2): every field required, the tax authority one
of the unit's, the 开户网点 of the chosen 银行行别 and 行政区划, an 8–32 digit 缴费账号 that no
other live agreement of the unit uses."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

import orjson

from mock_backend.bank import masked
from mock_backend.bank_codes import Bank, Branch, bank_codes
from mock_backend.errors import ApiError

# Field → its label on the 新增单位三方协议 form, and whether it is chosen from a list.
FIELDS: dict[str, tuple[str, bool]] = {
    "allow_deduction": ("是否允许银行代扣", True),
    "tax_authority": ("所属税务机关", True),
    "region_code": ("行政区划", True),
    "bank_code": ("银行行别", True),
    "branch_code": ("开户网点", True),
    "account_name": ("账户名称", False),
    "account_number": ("缴费账号", False),
}
ACCOUNT_NUMBER = re.compile(r"\d{8,32}")
ENDED = "协议终止"


@dataclass(frozen=True)
class AgreementInput:
    allow_deduction: bool
    tax_authority: str
    region_code: str
    bank_code: str
    branch_code: str
    account_name: str
    account_number: str


@dataclass(frozen=True)
class CheckedAgreement:
    form: AgreementInput
    bank: Bank
    branch: Branch


def _missing(field: str) -> ApiError:
    label, chosen = FIELDS[field]
    return ApiError(
        422,
        "VALIDATION_ERROR",
        f"请{'选择' if chosen else '填写'}{label}。",
        {"field": field},
    )


def parse_agreement(body: bytes) -> AgreementInput:
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(422, "VALIDATION_ERROR", "三方协议的内容格式不正确，请更新客户端后重试。")
    if not isinstance(data.get("allow_deduction"), bool):
        raise _missing("allow_deduction")
    values: dict[str, str] = {}
    for field in list(FIELDS)[1:]:
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise _missing(field)
        values[field] = value.strip()
    return AgreementInput(allow_deduction=data["allow_deduction"], **values)


def _tax_authorities(raw: sqlite3.Connection, unit_id: str) -> set[str]:
    rows = raw.execute(
        "SELECT tax_authority FROM units WHERE unit_id = ?"
        " UNION SELECT tax_authority FROM registrations WHERE unit_id = ?",
        (unit_id, unit_id),
    ).fetchall()
    return {row[0] for row in rows}


def check_agreement(
    raw: sqlite3.Connection,
    unit_id: str,
    region: str,
    form: AgreementInput,
    agreement_id: str | None = None,
) -> CheckedAgreement:
    """The form checked in the contract's order; `agreement_id` is the one being modified."""
    if form.tax_authority not in _tax_authorities(raw, unit_id):
        raise ApiError(
            422,
            "BAD_TAX_AUTHORITY",
            f"所属税务机关“{form.tax_authority}”不是本单位参保登记的税务机关，请重新选择。",
            {"field": "tax_authority"},
        )
    codes = bank_codes(raw, region)
    if form.region_code not in codes.divisions:
        raise ApiError(
            422,
            "BAD_BRANCH",
            f"行政区划{form.region_code}不在本地区的行政区划代码表中，请重新选择行政区划。",
            {"field": "region_code"},
        )
    bank = codes.banks.get(form.bank_code)
    if bank is None:
        raise ApiError(
            422,
            "BAD_BRANCH",
            f"银行行别{form.bank_code}不在银行行别代码表中，请重新选择银行行别。",
            {"field": "bank_code"},
        )
    branch = codes.branches.get(form.branch_code)
    if branch is None or (branch.bank_code, branch.region_code) != (
        form.bank_code,
        form.region_code,
    ):
        raise ApiError(
            422,
            "BAD_BRANCH",
            f"开户网点{form.branch_code}不属于所选的银行行别和行政区划，请重新选择开户网点。",
            {"field": "branch_code"},
        )
    if not ACCOUNT_NUMBER.fullmatch(form.account_number):
        raise ApiError(
            422,
            "BAD_ACCOUNT_NUMBER",
            "缴费账号应为8至32位数字，请核对银行卡号。",
            {"field": "account_number"},
        )
    same = raw.execute(
        "SELECT agreement_id, agreement_number FROM agreements WHERE unit_id = ?"
        " AND account_number = ? AND status != ? AND agreement_id != ?",
        (unit_id, form.account_number, ENDED, agreement_id or ""),
    ).fetchone()
    if same is not None:
        raise ApiError(
            409,
            "DUPLICATE_AGREEMENT",
            f"缴费账号{masked(form.account_number)}已签订三方协议（协议编号{same[1]}），"
            "不能重复签约；如需变更请修改原协议。",
            {"agreement_id": same[0]},
        )
    return CheckedAgreement(form, bank, branch)
