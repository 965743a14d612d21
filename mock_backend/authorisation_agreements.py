"""居民两两协议签订 (manual §3.19): a resident of the agent's area signs, with the bank, a 费批扣
agreement on 本人账户 (the holder is the resident) or on 他人账户 (a relative's: the holder's
three facts, 手机号码 and the 短信验证码 sent to it). The bank answers at once (验证通过 →
有效, else 协议签订失败 with its reason); 撤销 ends the agreement (已撤销).

Rules (§3.19.3): only 允许银行代扣 (费批扣) agreements; a resident has at most one 有效 one;
the 《社保费扣费协议书》 must be agreed to. 本人账户 may also save the account to the
resident's 居民银行账户 (保存居民银行账户信息).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mock_backend import bank
from mock_backend.authorisation_accounts import (
    AccountForm,
    BankChoice,
    checked_bank_fields,
    insert_account,
    invalid,
    required,
    text,
)
from mock_backend.authorisation_agreements_sms import SmsCode, check_code, checked_phone, use_code
from mock_backend.authorisation_people import checked_facts, find_area_person
from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter
from mock_backend.resident_directory import Person

VALID, REVOKED = "有效", "已撤销"
OWN, OTHER = "本人账户", "他人账户"
FEE_DEDUCTION = "费批扣"
ONLY_DEDUCTION = "客户端仅支持签订允许银行代扣（费批扣）的协议，请选择“允许代扣”。"
NO_CONSENT = "请阅读并勾选“我已知晓并同意《社保费扣费协议书》”后再提交。"
ONE_VALID = (
    "该居民已有有效的允许银行代扣协议（协议号{number}），不能重复签订；"
    "如需更换扣款账户，请先撤销原协议。"
)
HOLDER_IS_SIGNER = "持卡人就是协议人本人，请在第一步选择“本人账户”。"
HOLDER_MISMATCH = "持卡人姓名与银行账户开户人不一致"
SIGN_FAILED = "协议签订失败：{reason}。"

FIELDS = [
    "agreement_id", "resident_id", "name", "id_type", "id_number", "state", "account_type",
    "deduction_flag", "tax_authority", "bank_code", "bank_name", "clearing_code",
    "region_code", "region_name", "branch_code", "branch_name", "account_number",
    "holder_name", "holder_id_type", "holder_id_number", "phone", "signed_at", "revoked_at",
]  # fmt: skip
_SELECT = ", ".join(FIELDS)


@dataclass(frozen=True)
class AgreementForm:
    person: Person
    account_type: str
    tax_authority: str
    choice: BankChoice
    holder: tuple[str, str, str]  # 持卡人 姓名, 证件类型, 证件号码
    phone: str | None
    save_account: bool
    sms: SmsCode | None


def _tax_authorities(raw: sqlite3.Connection, unit_id: str) -> set[str]:
    rows = raw.execute(
        "SELECT tax_authority FROM units WHERE unit_id = ?"
        " UNION SELECT tax_authority FROM registrations WHERE unit_id = ?",
        (unit_id, unit_id),
    ).fetchall()
    return {row[0] for row in rows}


def valid_agreement(raw: sqlite3.Connection, unit_id: str, resident_id: int) -> str | None:
    """The 协议号 of the resident's 有效 费批扣 agreement, if there is one."""
    row = raw.execute(
        "SELECT agreement_id FROM resident_agreements WHERE unit_id = ? AND resident_id = ?"
        " AND state = ? AND deduction_flag = ? LIMIT 1",
        (unit_id, resident_id, VALID, FEE_DEDUCTION),
    ).fetchone()
    return None if row is None else str(row[0])


def check_agreement(
    raw: sqlite3.Connection, unit_id: str, region: str, data: Mapping[str, Any], now: float
) -> AgreementForm:
    """The 新增 form in the manual's order: the resident (第一步), 本人/他人账户, then the fields
    of 第二步, the agreement to the 协议书, the one-agreement rule and the 短信验证码 last."""
    person = find_area_person(
        raw, unit_id, text(data, "name"), text(data, "id_type"), text(data, "id_number")
    )
    account_type = required(data, "account_type", "协议人银行账户（本人账户或他人账户）", True)
    if account_type not in (OWN, OTHER):
        raise invalid("account_type", "协议人银行账户应为“本人账户”或“他人账户”，请重新选择。")
    if data.get("allow_deduction") is not True:
        raise invalid("allow_deduction", ONLY_DEDUCTION, "DEDUCTION_REQUIRED")
    authority = required(data, "tax_authority", "所属税务机关", True)
    if authority not in _tax_authorities(raw, unit_id):
        raise invalid(
            "tax_authority",
            f"所属税务机关“{authority}”不是本代收单位登记的税务机关，请重新选择。",
        )
    choice = checked_bank_fields(raw, region, data, "account_number")
    phone: str | None = None
    if account_type == OWN:
        holder = (person.name, person.id_type, person.id_number)
    else:
        holder = _holder(data)
        if holder[1:] == (person.id_type, person.id_number):
            raise invalid("holder_id_number", HOLDER_IS_SIGNER, "HOLDER_IS_SIGNER")
        phone = checked_phone(text(data, "phone"))
    if data.get("consent") is not True:
        raise invalid("consent", NO_CONSENT, "CONSENT_REQUIRED")
    existing = valid_agreement(raw, unit_id, person.person_id)
    if existing is not None:
        raise ApiError(
            409,
            "AGREEMENT_EXISTS",
            ONE_VALID.format(number=existing),
            {"agreement_id": existing},
        )
    sms = None
    if phone is not None:
        sms = check_code(raw, unit_id, phone, text(data, "sms_code"), now)
    save = account_type == OWN and data.get("save_account", True) is not False
    return AgreementForm(person, account_type, authority, choice, holder, phone, save, sms)


def _holder(data: Mapping[str, Any]) -> tuple[str, str, str]:
    try:
        return checked_facts(
            text(data, "holder_name"), text(data, "holder_id_type"), text(data, "holder_id_number")
        )
    except ApiError as error:  # the same checks, said of the 持卡人
        field = "holder_" + str(error.details.get("field", "name"))
        message = error.message.replace("请填写姓名", "请填写持卡人姓名").replace(
            "请选择证件类型", "请选择持卡人证件类型"
        )
        message = message.replace("请填写证件号码", "请填写持卡人证件号码")
        raise invalid(field, message) from None


def sign(
    raw: sqlite3.Connection, unit_id: str, region: str, form: AgreementForm, now: datetime
) -> str:
    """The bank's check (the holder owns the account, which is usable), then the agreement,
    有效 from now; returns its 协议号. A refusal is 422 SIGN_FAILED with the bank's reason."""
    choice = form.choice
    holder_name = form.holder[0]
    account = bank.open_account(raw, choice.account_number, holder_name)
    reason = HOLDER_MISMATCH if account.name != holder_name else account.refusal
    if reason:
        raise ApiError(422, "SIGN_FAILED", SIGN_FAILED.format(reason=reason), {"reason": reason})
    day = f"{now:%Y%m%d}"
    serial = take_counter(raw, f"resident_agreement:{region}{day}", 1)
    agreement_id = f"LL{region}{day}{serial:05d}"
    person = form.person
    raw.execute(
        f"INSERT INTO resident_agreements ({_SELECT}, unit_id)"
        f" VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
        (agreement_id, person.person_id, person.name, person.id_type, person.id_number, VALID,
         form.account_type, FEE_DEDUCTION, form.tax_authority, choice.bank.code, choice.bank.name,
         choice.bank.clearing_code, choice.region_code, choice.region_name, choice.branch.code,
         choice.branch.name, choice.account_number, *form.holder, form.phone,
         format_datetime(now), None, unit_id),
    )  # fmt: skip
    if form.sms is not None:
        use_code(raw, form.sms)
    if form.save_account and not _has_account(raw, unit_id, person.person_id, choice):
        insert_account(
            raw,
            unit_id,
            AccountForm(person, choice, "个人银行结算账户", False, False, True),
            now,
        )
    return agreement_id


def _has_account(
    raw: sqlite3.Connection, unit_id: str, resident_id: int, choice: BankChoice
) -> bool:
    return (
        raw.execute(
            "SELECT 1 FROM resident_bank_accounts WHERE unit_id = ? AND resident_id = ?"
            " AND account_number = ?",
            (unit_id, resident_id, choice.account_number),
        ).fetchone()
        is not None
    )


def revoke(raw: sqlite3.Connection, unit_id: str, agreement_id: str, now: datetime) -> None:
    state = agreement_json(raw, unit_id, agreement_id)["state"]
    if state != VALID:
        raise ApiError(409, "NOT_REVOCABLE", "该协议已撤销，无需再次撤销。", {"state": state})
    raw.execute(
        "UPDATE resident_agreements SET state = ?, revoked_at = ? WHERE agreement_id = ?",
        (REVOKED, format_datetime(now), agreement_id),
    )


# -- answers ---------------------------------------------------------------------------------
def _json(row: tuple[Any, ...]) -> dict[str, Any]:
    answer = dict(zip(FIELDS, row, strict=True))
    answer["allow_deduction"] = answer["deduction_flag"] == FEE_DEDUCTION
    answer["account_masked"] = bank.masked(answer["account_number"])
    answer["verified_on"] = answer["signed_at"][:10]
    return answer


def agreement_json(raw: sqlite3.Connection, unit_id: str, agreement_id: str) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT {_SELECT} FROM resident_agreements WHERE unit_id = ? AND agreement_id = ?",
        (unit_id, agreement_id),
    ).fetchone()
    if row is None:
        raise ApiError(
            404,
            "AGREEMENT_NOT_FOUND",
            f"没有找到本单位的居民两两协议{agreement_id}，请重新查询后再选择。",
            {"agreement_id": agreement_id},
        )
    return _json(row)


def list_agreements(
    raw: sqlite3.Connection,
    unit_id: str,
    name: str | None = None,
    id_number: str | None = None,
    state: str | None = None,
) -> list[dict[str, Any]]:
    """查询: the unit's agreements, newest first; 姓名 matches a part, 证件号码 and 协议状态
    exactly."""
    where, args = ["unit_id = ?"], [unit_id]
    for column, value, exact in (
        ("name", name, False),
        ("id_number", (id_number or "").upper(), True),
        ("state", state, True),
    ):
        value = (value or "").strip()
        if value:
            where.append(f"{column} = ?" if exact else f"instr({column}, ?) > 0")
            args.append(value)
    return [
        _json(row)
        for row in raw.execute(
            f"SELECT {_SELECT} FROM resident_agreements WHERE {' AND '.join(where)}"
            " ORDER BY signed_at DESC, agreement_id DESC",
            args,
        )
    ]
