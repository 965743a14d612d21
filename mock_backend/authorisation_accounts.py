"""居民银行账户管理 (manual §3.18): a 代收单位 collects its residents' bank accounts (for 退费
and as 缴费账户). Every account names a 银行行别, a 行政区划 and an 开户网点 of that bank in that
行政区划 (the region's code tables), a 8–32 digit 银行账号, its 账户性质 and three 是/否 flags;
a resident has at most one 首选缴费账户: saving a new one clears the flag on the old one, as a
default is replaced.

The bank fields are checked here for 两两协议 (§3.19) too (`checked_bank_fields`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from mock_backend.authorisation_people import find_area_person
from mock_backend.bank_codes import Bank, Branch, bank_codes
from mock_backend.clock import format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter
from mock_backend.resident_directory import Person

ACCOUNT_NATURES = ("个人银行结算账户", "个人储蓄账户", "信用卡账户")
ACCOUNT_NUMBER = re.compile(r"\d{8,32}")
BAD_ACCOUNT_NUMBER = "银行账号应为8至32位数字，请核对银行卡号。"
FLAGS = {
    "refund_flag": "退费账户标志",
    "preferred_flag": "首选缴费账户标志",
    "social_flag": "社保费账户标志",
}
BANK_FIELDS = {"bank_code": "银行行别", "region_code": "行政区划", "branch_code": "开户网点"}

FIELDS = [
    "account_id", "resident_id", "name", "id_type", "id_number", "bank_code", "bank_name",
    "region_code", "region_name", "branch_code", "branch_name", "account_number",
    "account_nature", "refund_flag", "preferred_flag", "social_flag", "created_at",
]  # fmt: skip
_SELECT = ", ".join(FIELDS)


def invalid(field: str, message: str, code: str = "VALIDATION_ERROR") -> ApiError:
    return ApiError(422, code, message, {"field": field})


def parse_body(body: bytes, what: str) -> dict[str, Any]:
    """The JSON object of a request, or a 422 saying the client sent something else."""
    try:
        data = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ApiError(422, "VALIDATION_ERROR", f"{what}的内容格式不正确，请更新客户端后重试。")
    return data


def text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    return value.strip() if isinstance(value, str) else ""


def required(data: Mapping[str, Any], field: str, label: str, chosen: bool = False) -> str:
    value = text(data, field)
    if not value:
        raise invalid(field, f"请{'选择' if chosen else '填写'}{label}。")
    return value


def flag(data: Mapping[str, Any], field: str, label: str) -> bool:
    value = data.get(field)
    if value in ("是", "否"):
        return value == "是"
    if not isinstance(value, bool):
        raise invalid(field, f"请选择{label}（是或否）。")
    return value


# -- the bank fields (§3.18 and §3.19) -------------------------------------------------------
@dataclass(frozen=True)
class BankChoice:
    bank: Bank
    region_code: str
    region_name: str
    branch: Branch
    account_number: str


def checked_bank_fields(
    raw: sqlite3.Connection, region: str, data: Mapping[str, Any], number_field: str
) -> BankChoice:
    """银行行别, 行政区划, 开户网点 (of that bank in that 行政区划) and the account number
    (`number_field`: 银行账号 or 缴费账号), checked in the form's order."""
    values = {field: required(data, field, label, True) for field, label in BANK_FIELDS.items()}
    codes = bank_codes(raw, region)
    bank = codes.banks.get(values["bank_code"])
    if bank is None:
        raise invalid(
            "bank_code",
            f"银行行别{values['bank_code']}不在银行行别代码表中，请重新选择银行行别。",
            "BAD_BRANCH",
        )
    region_name = codes.divisions.get(values["region_code"])
    if region_name is None:
        raise invalid(
            "region_code",
            f"行政区划{values['region_code']}不在本地区的行政区划代码表中，请重新选择行政区划。",
            "BAD_BRANCH",
        )
    branch = codes.branches.get(values["branch_code"])
    if branch is None or (branch.bank_code, branch.region_code) != (
        bank.code,
        values["region_code"],
    ):
        raise invalid(
            "branch_code",
            f"开户网点{values['branch_code']}不属于所选的银行行别和行政区划，请重新选择开户网点。",
            "BAD_BRANCH",
        )
    label = "银行账号" if number_field == "account_number" else "缴费账号"
    number = required(data, number_field, label)
    if not ACCOUNT_NUMBER.fullmatch(number):
        raise invalid(
            number_field, f"{label}应为8至32位数字，请核对银行卡号。", "BAD_ACCOUNT_NUMBER"
        )
    return BankChoice(bank, values["region_code"], region_name, branch, number)


# -- 居民银行账户 ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountForm:
    person: Person
    choice: BankChoice
    account_nature: str
    refund_flag: bool
    preferred_flag: bool
    social_flag: bool


def check_account(
    raw: sqlite3.Connection, unit_id: str, region: str, data: Mapping[str, Any]
) -> AccountForm:
    """The 新增 form: the resident by the three facts first (§3.18 第一步), then the fields."""
    person = find_area_person(
        raw, unit_id, text(data, "name"), text(data, "id_type"), text(data, "id_number")
    )
    choice = checked_bank_fields(raw, region, data, "account_number")
    nature = required(data, "account_nature", "账户性质", True)
    if nature not in ACCOUNT_NATURES:
        raise invalid(
            "account_nature", f"账户性质应为{'、'.join(ACCOUNT_NATURES)}之一，请重新选择。"
        )
    flags = {field: flag(data, field, label) for field, label in FLAGS.items()}
    same = raw.execute(
        "SELECT account_id FROM resident_bank_accounts WHERE unit_id = ? AND resident_id = ?"
        " AND account_number = ?",
        (unit_id, person.person_id, choice.account_number),
    ).fetchone()
    if same is not None:
        raise ApiError(
            409,
            "DUPLICATE_ACCOUNT",
            f"该居民已采集银行账号{choice.account_number}，不能重复新增。",
            {"account_id": same[0]},
        )
    return AccountForm(person, choice, nature, **flags)


def insert_account(raw: sqlite3.Connection, unit_id: str, form: AccountForm, now: datetime) -> str:
    """Store the account; a new 首选缴费账户 takes the flag from the resident's old one."""
    account_id = f"ZH{take_counter(raw, 'resident_account_serial', 1):010d}"
    person, choice = form.person, form.choice
    if form.preferred_flag:
        raw.execute(
            "UPDATE resident_bank_accounts SET preferred_flag = 0"
            " WHERE unit_id = ? AND resident_id = ?",
            (unit_id, person.person_id),
        )
    raw.execute(
        f"INSERT INTO resident_bank_accounts ({_SELECT}, unit_id)"
        f" VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
        (account_id, person.person_id, person.name, person.id_type, person.id_number,
         choice.bank.code, choice.bank.name, choice.region_code, choice.region_name,
         choice.branch.code, choice.branch.name, choice.account_number, form.account_nature,
         form.refund_flag, form.preferred_flag, form.social_flag, format_datetime(now), unit_id),
    )  # fmt: skip
    return account_id


def _json(row: tuple[Any, ...]) -> dict[str, Any]:
    answer = dict(zip(FIELDS, row, strict=True))
    for field in FLAGS:
        answer[field] = bool(answer[field])
    return answer


def account_json(raw: sqlite3.Connection, unit_id: str, account_id: str) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT {_SELECT} FROM resident_bank_accounts WHERE unit_id = ? AND account_id = ?",
        (unit_id, account_id),
    ).fetchone()
    if row is None:
        raise ApiError(
            404,
            "ACCOUNT_NOT_FOUND",
            f"没有找到本单位采集的居民银行账户{account_id}，请重新查询后再选择。",
            {"account_id": account_id},
        )
    return _json(row)


def list_accounts(
    raw: sqlite3.Connection,
    unit_id: str,
    name: str | None = None,
    id_number: str | None = None,
    bank_code: str | None = None,
    account_number: str | None = None,
) -> list[dict[str, Any]]:
    """查询: the unit's accounts, newest first; 姓名 and 银行账号 match a part, 证件号码 and
    银行行别 exactly."""
    where, args = ["unit_id = ?"], [unit_id]
    for column, value, exact in (
        ("name", name, False),
        ("id_number", (id_number or "").upper(), True),
        ("bank_code", bank_code, True),
        ("account_number", account_number, False),
    ):
        value = (value or "").strip()
        if value:
            where.append(f"{column} = ?" if exact else f"instr({column}, ?) > 0")
            args.append(value)
    return [
        _json(row)
        for row in raw.execute(
            f"SELECT {_SELECT} FROM resident_bank_accounts WHERE {' AND '.join(where)}"
            " ORDER BY created_at DESC, account_id DESC",
            args,
        )
    ]
