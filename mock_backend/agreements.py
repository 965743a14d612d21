"""单位三方协议 (manual §2.18): 新增, 修改 (back to 未验证), 验证 answered by the bank after its
delay, 作废 of unverified and 撤销 of verified ones, and the rule that a unit has at most one
verified agreement allowing 银行代扣 (费批扣 or 所有批扣)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mock_backend import bank
from mock_backend.agreement_input import ENDED, CheckedAgreement
from mock_backend.clock import CST, format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter

UNVERIFIED = "未验证"
VERIFYING = "验证中"
VERIFIED = "验证通过"
VERIFY_FAILED = "验证失败"
FEE_DEDUCTION = "费批扣"
NO_DEDUCTION = "所有非批扣"
ALL_DEDUCTION = "所有批扣"
DEDUCTION_FLAGS = (FEE_DEDUCTION, ALL_DEDUCTION)
NAME_MISMATCH = "账户名称与纳税人名称不一致"
ONE_DEDUCTION_AGREEMENT = (
    "本单位已有验证通过的允许银行代扣协议，请先变更原协议的批扣标志或将原协议撤销。"
)

AGREEMENT_FIELDS = [
    "agreement_id", "agreement_number", "tripartite_number", "agreement_name", "customer_name",
    "bank_code", "bank_name", "clearing_bank_code", "branch_code", "branch_name", "region_code",
    "tax_authority", "account_name", "account_number", "account_masked", "allow_deduction",
    "deduction_flag", "status", "reason", "created_at", "verified_on", "ended_at",
]  # fmt: skip
_SELECT = ", ".join(
    {
        "customer_name": "account_name",
        "account_masked": "'*****' || substr(account_number, -4)",
    }.get(field, field)
    for field in AGREEMENT_FIELDS
)


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    status: str
    deduction_flag: str
    account_name: str
    account_number: str
    bank_name: str
    branch_name: str

    @property
    def deducts(self) -> bool:
        return self.deduction_flag in DEDUCTION_FLAGS


def _json(row: tuple[Any, ...]) -> dict[str, Any]:
    answer = dict(zip(AGREEMENT_FIELDS, row, strict=True))
    answer["allow_deduction"] = bool(answer["allow_deduction"])
    return answer


def list_agreements(raw: sqlite3.Connection, unit_id: str) -> list[dict[str, Any]]:
    """The unit's agreements, newest first."""
    return [
        _json(row)
        for row in raw.execute(
            f"SELECT {_SELECT} FROM agreements WHERE unit_id = ?"
            " ORDER BY created_at DESC, agreement_id DESC",
            (unit_id,),
        )
    ]


def agreement_json(raw: sqlite3.Connection, unit_id: str, agreement_id: str) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT {_SELECT} FROM agreements WHERE unit_id = ? AND agreement_id = ?",
        (unit_id, agreement_id),
    ).fetchone()
    if row is None:
        raise not_found(agreement_id)
    return _json(row)


def not_found(agreement_id: str) -> ApiError:
    return ApiError(
        404,
        "AGREEMENT_NOT_FOUND",
        f"没有找到本单位的三方协议{agreement_id}，请刷新三方协议后重新选择。",
        {"agreement_id": agreement_id},
    )


def find(raw: sqlite3.Connection, unit_id: str, agreement_id: str | None) -> Agreement | None:
    row = raw.execute(
        "SELECT agreement_id, status, deduction_flag, account_name, account_number, bank_name,"
        " branch_name FROM agreements WHERE unit_id = ? AND agreement_id = ?",
        (unit_id, agreement_id),
    ).fetchone()
    return None if row is None else Agreement(*row)


def deduction_agreement(
    raw: sqlite3.Connection, unit_id: str, other_than: str | None = None
) -> Agreement | None:
    """The unit's verified agreement allowing 银行代扣 (other than `other_than`), if any."""
    row = raw.execute(
        "SELECT agreement_id FROM agreements WHERE unit_id = ? AND status = ?"
        " AND deduction_flag IN (?, ?) AND agreement_id != ? ORDER BY agreement_id LIMIT 1",
        (unit_id, VERIFIED, *DEDUCTION_FLAGS, other_than or ""),
    ).fetchone()
    return None if row is None else find(raw, unit_id, row[0])


def _exists_error() -> ApiError:
    return ApiError(409, "DEDUCTION_AGREEMENT_EXISTS", ONE_DEDUCTION_AGREEMENT)


def _current(raw: sqlite3.Connection, unit_id: str, agreement_id: str) -> Agreement:
    found = find(raw, unit_id, agreement_id)
    if found is None:
        raise not_found(agreement_id)
    return found


# -- 新增 / 修改 -------------------------------------------------------------------------
def insert(
    raw: sqlite3.Connection,
    unit_id: str,
    region: str,
    checked: CheckedAgreement,
    now: datetime,
    deduction_flag: str | None = None,
    status: str = UNVERIFIED,
) -> str:
    """Store a new agreement (the seed passes a flag and a status); returns its id."""
    form = checked.form
    agreement_id = f"XY{take_counter(raw, 'collect_agreement_serial', 1):010d}"
    day = f"{now:%Y%m%d}"
    number = f"{region}{day}{take_counter(raw, f'collect_agreement:{region}{day}', 1):04d}"
    tripartite = f"3{region}{take_counter(raw, 'collect_tripartite_serial', 1):013d}"
    flag = deduction_flag or (FEE_DEDUCTION if form.allow_deduction else NO_DEDUCTION)
    raw.execute(
        "INSERT INTO agreements (agreement_id, unit_id, agreement_number, tripartite_number,"
        " agreement_name, bank_code, bank_name, clearing_bank_code, branch_code, branch_name,"
        " region_code, tax_authority, account_name, account_number, allow_deduction,"
        " deduction_flag, status, created_at, verified_on)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (agreement_id, unit_id, number, tripartite, checked.branch.name, checked.bank.code,
         checked.bank.name, checked.bank.clearing_code, checked.branch.code, checked.branch.name,
         form.region_code, form.tax_authority, form.account_name, form.account_number,
         flag in DEDUCTION_FLAGS, flag, status, format_datetime(now),
         now.date().isoformat() if status == VERIFIED else None),
    )  # fmt: skip
    return agreement_id


def modify(
    raw: sqlite3.Connection, unit_id: str, agreement_id: str, checked: CheckedAgreement
) -> None:
    """修改: the new content, 未验证 again (the caller checked the form against the others)."""
    current = _current(raw, unit_id, agreement_id)
    form = checked.form
    if form.allow_deduction and deduction_agreement(raw, unit_id, agreement_id) is not None:
        raise _exists_error()
    flag = FEE_DEDUCTION if form.allow_deduction else NO_DEDUCTION
    raw.execute(
        "UPDATE agreements SET agreement_name = ?, bank_code = ?, bank_name = ?,"
        " clearing_bank_code = ?, branch_code = ?, branch_name = ?, region_code = ?,"
        " tax_authority = ?, account_name = ?, account_number = ?, allow_deduction = ?,"
        " deduction_flag = ?, status = ?, reason = NULL, verified_on = NULL, due_at = NULL"
        " WHERE agreement_id = ?",
        (checked.branch.name, checked.bank.code, checked.bank.name, checked.bank.clearing_code,
         checked.branch.code, checked.branch.name, form.region_code, form.tax_authority,
         form.account_name, form.account_number, form.allow_deduction, flag, UNVERIFIED,
         current.agreement_id),
    )  # fmt: skip


def check_modifiable(raw: sqlite3.Connection, unit_id: str, agreement_id: str) -> None:
    status = _current(raw, unit_id, agreement_id).status
    if status == ENDED:
        raise ApiError(
            409, "AGREEMENT_ENDED", "该协议已终止，不能修改，请新增三方协议。", {"status": status}
        )
    if status == VERIFYING:
        raise ApiError(
            409,
            "AGREEMENT_BUSY",
            "该协议正在验证中，请等待银行验证结果后再修改。",
            {"status": status},
        )


# -- 验证 / 作废 / 撤销 --------------------------------------------------------------------
def request_verify(raw: sqlite3.Connection, unit_id: str, agreement_id: str, due_at: float) -> None:
    current = _current(raw, unit_id, agreement_id)
    if current.status not in (UNVERIFIED, VERIFY_FAILED):
        message = {
            ENDED: "作废或撤销后的协议不能再验证。",
            VERIFYING: "该协议正在验证中，请稍后刷新查看验证结果。",
        }.get(current.status, "该协议已验证通过，无需再次验证。")
        raise ApiError(409, "NOT_VERIFIABLE", message, {"status": current.status})
    if current.deducts and deduction_agreement(raw, unit_id, agreement_id) is not None:
        raise _exists_error()
    raw.execute(
        "UPDATE agreements SET status = ?, reason = NULL, due_at = ? WHERE agreement_id = ?",
        (VERIFYING, due_at, agreement_id),
    )


def end(
    raw: sqlite3.Connection, unit_id: str, agreement_id: str, revoke: bool, now: datetime
) -> None:
    """作废 (未验证/验证失败) or 撤销 (验证通过): the agreement becomes 协议终止."""
    status = _current(raw, unit_id, agreement_id).status
    if revoke and status != VERIFIED:
        raise ApiError(409, "NOT_REVOCABLE", "只有验证通过的协议可以撤销。", {"status": status})
    if not revoke and status not in (UNVERIFIED, VERIFY_FAILED):
        raise ApiError(
            409,
            "NOT_VOIDABLE",
            "只有未验证的协议可以作废；验证通过的协议请使用撤销。",
            {"status": status},
        )
    raw.execute(
        "UPDATE agreements SET status = ?, ended_at = ?, due_at = NULL WHERE agreement_id = ?",
        (ENDED, format_datetime(now), agreement_id),
    )


def process_verification(raw: sqlite3.Connection, agreement_id: str, now: float) -> bool:
    """The bank's answer to a 验证中 agreement, as of its due time (or `now` if earlier)."""
    row = raw.execute(
        "SELECT a.unit_id, a.status, a.due_at, a.deduction_flag, a.account_name,"
        " a.account_number, u.taxpayer_name FROM agreements a JOIN units u"
        " ON u.unit_id = a.unit_id WHERE a.agreement_id = ?",
        (agreement_id,),
    ).fetchone()
    if row is None or row[1] != VERIFYING:
        return False
    unit_id, _, due_at, flag, account_name, account_number, taxpayer_name = row
    answered = datetime.fromtimestamp(min(due_at, now), CST)
    account = bank.open_account(raw, account_number, account_name)
    reason = None
    if flag in DEDUCTION_FLAGS and deduction_agreement(raw, unit_id, agreement_id) is not None:
        reason = ONE_DEDUCTION_AGREEMENT
    elif account_name != taxpayer_name:
        reason = NAME_MISMATCH  # FAQ Q19
    else:
        reason = account.refusal
    raw.execute(
        "UPDATE agreements SET status = ?, reason = ?, verified_on = ?, due_at = NULL"
        " WHERE agreement_id = ?",
        (
            VERIFY_FAILED if reason else VERIFIED,
            reason,
            None if reason else answered.date().isoformat(),
            agreement_id,
        ),
    )
    return True
