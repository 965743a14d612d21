"""三方协议缴费: a payment makes one deduction (扣款) per 应征凭证序号, which the bank answers after
its delay against the agreement's account (缴费成功, 缴费失败 with the reason, or 锁定 when its
answer was lost), 解锁 of a 锁定 one, and the 批量扣款 that pays a declaration at once."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from mock_backend import agreements, bank
from mock_backend.arrears import (
    ARRIVAL_CHANNELS,
    FAILED,
    IN_PROGRESS,
    LOCKED,
    UNPAID,
    Line,
    ensure_lines,
    mark_paid,
    set_state,
    visible_lines,
    void_covering,
)
from mock_backend.clock import CST, format_datetime
from mock_backend.errors import ApiError
from mock_backend.fee_items import take_counter
from mock_backend.fee_money import text_of
from mock_backend.fee_store import declaration_not_found, money

CLIENT = "客户端"
BATCH = "批量扣款"
WITH_BANK = "扣费中"
SUCCEEDED = "缴费成功"
FAILED_DEDUCTION = "缴费失败"
LOST = "锁定"
AGREEMENT_GONE = "三方协议已终止或未验证"
NOT_DEDUCTED = "银行确认未扣款，请重新缴费。"
PAID_ELSEWHERE = "欠费已通过其他方式缴纳"

DEDUCTION_FIELDS = [
    "deduction_id", "payment_id", "channel", "voucher_number", "declaration_id", "unit_number",
    "period_start", "period_end", "amount", "line_ids", "agreement_id", "bank_name",
    "branch_name", "account_masked", "submitted_at", "status", "reason", "finished_at",
]  # fmt: skip
_SELECT = ", ".join(money(f) if f == "amount" else f for f in DEDUCTION_FIELDS)


def _json(row: Sequence[Any]) -> dict[str, Any]:
    answer = dict(zip(DEDUCTION_FIELDS, row, strict=True))
    answer["line_ids"] = orjson.loads(answer["line_ids"])
    return answer


def _at(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, CST).replace(microsecond=0)


def list_deductions(
    raw: sqlite3.Connection, unit_id: str, period_from: str | None, period_to: str | None
) -> list[dict[str, Any]]:
    """Deductions of every channel whose 费款所属期 overlaps the range, newest first."""
    return [
        _json(row)
        for row in raw.execute(
            f"SELECT {_SELECT} FROM collect_deductions WHERE unit_id = ?"
            " AND (? IS NULL OR period_end >= ?) AND (? IS NULL OR period_start <= ?)"
            " ORDER BY submitted_at DESC, deduction_id DESC",
            (unit_id, period_from, period_from, period_to, period_to),
        )
    ]


def one_deduction(raw: sqlite3.Connection, unit_id: str, deduction_id: str) -> dict[str, Any]:
    row = raw.execute(
        f"SELECT {_SELECT} FROM collect_deductions WHERE unit_id = ? AND deduction_id = ?",
        (unit_id, deduction_id),
    ).fetchone()
    if row is None:
        raise ApiError(
            404,
            "DEDUCTION_NOT_FOUND",
            f"没有找到本单位的缴费记录{deduction_id}，请同步缴费记录后重试。",
            {"deduction_id": deduction_id},
        )
    return _json(row)


# -- paying ------------------------------------------------------------------------------
def _insert(
    raw: sqlite3.Connection,
    unit_id: str,
    payment_id: str,
    channel: str,
    lines: list[Line],
    agreement: agreements.Agreement | None,
    now: datetime,
    due_at: float,
    status: str,
) -> str:
    """One deduction holding `lines` (all of one 应征凭证序号); returns its id."""
    deduction_id = f"KK{take_counter(raw, 'collect_deduction_serial', 1):010d}"
    first = lines[0]
    raw.execute(
        "INSERT INTO collect_deductions (deduction_id, unit_id, payment_id, channel,"
        " voucher_number, declaration_id, unit_number, period_start, period_end, amount,"
        " line_ids, agreement_id, bank_name, branch_name, account_masked, submitted_at, due_at,"
        " status, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (deduction_id, unit_id, payment_id, channel, first.voucher_number, first.declaration_id,
         first.unit_number, min(line.period_start for line in lines),
         max(line.period_end for line in lines), sum(line.amount for line in lines),
         orjson.dumps([line.line_id for line in lines]).decode(),
         agreement.agreement_id if agreement else None,
         agreement.bank_name if agreement else None,
         agreement.branch_name if agreement else None,
         bank.masked(agreement.account_number) if agreement else None,
         format_datetime(now), due_at, status,
         format_datetime(now) if status != WITH_BANK else None),
    )  # fmt: skip
    return deduction_id


def _payment_id(raw: sqlite3.Connection, now: datetime) -> str:
    day = f"{now:%Y%m%d}"
    return f"JK{day}{take_counter(raw, f'collect_payment:{day}', 1):04d}"


def _by_voucher(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by 应征凭证序号, the groups in 费款所属期 order."""
    groups: dict[str, list[Line]] = {}
    for line in lines:
        groups.setdefault(line.voucher_number, []).append(line)
    return sorted(
        groups.values(), key=lambda g: (min(x.period_start for x in g), g[0].voucher_number)
    )


def pay_by_agreement(
    raw: sqlite3.Connection,
    unit_id: str,
    lines: list[Line],
    agreement: agreements.Agreement,
    now: datetime,
    delay: float,
) -> dict[str, Any]:
    """A checked payment: its deductions go to the bank (lines 扣费中); the 202 answer."""
    payment_id = _payment_id(raw, now)
    due_at = now.timestamp() + delay
    ids = [line.line_id for line in lines]
    void_covering(raw, ids, PAID_ELSEWHERE)
    made = [
        _insert(raw, unit_id, payment_id, CLIENT, group, agreement, now, due_at, WITH_BANK)
        for group in _by_voucher(lines)
    ]
    set_state(raw, ids, IN_PROGRESS)
    return {
        "payment_id": payment_id,
        "submitted_at": format_datetime(now),
        "amount": text_of(sum(line.amount for line in lines)),
        "processing_delay_seconds": math.ceil(delay),
        "deductions": [one_deduction(raw, unit_id, d) for d in made],
    }


def pay_by_batch(
    raw: sqlite3.Connection,
    unit_id: str,
    declaration_id: str,
    now: datetime,
    delays: tuple[float, float] | None = None,
) -> None:
    """批量扣款 of every unpaid line of a 申报成功 declaration, succeeding at once, through the
    unit's verified 代扣 agreement if it has one (simulated balances are not touched)."""
    head = raw.execute(
        "SELECT status, pay_status FROM fee_declarations WHERE unit_id = ? AND declaration_id = ?",
        (unit_id, declaration_id),
    ).fetchone()
    if head is None:
        raise declaration_not_found(declaration_id)
    if head[0] != "申报成功" or head[1] == "无需缴费":
        raise ApiError(
            409,
            "NOT_PAYABLE",
            "只有申报成功且需要缴费的申报记录可以缴费。",
            {"status": head[0], "pay_status": head[1]},
        )
    ensure_lines(raw, unit_id)
    lines = visible_lines(
        raw, unit_id, "l.declaration_id = ? AND l.state IN (?, ?)", (declaration_id, UNPAID, FAILED)
    )
    if not lines:
        return
    settings = bank.load_settings(raw)
    agreement = agreements.deduction_agreement(raw, unit_id)
    ids = [line.line_id for line in lines]
    void_covering(raw, ids, PAID_ELSEWHERE)
    _insert(raw, unit_id, _payment_id(raw, now), BATCH, lines, agreement, now,
            now.timestamp(), SUCCEEDED)  # fmt: skip
    mark_paid(raw, ids, now, BATCH,
              delays or (settings.store_delay_seconds, settings.arrive_delay_seconds))  # fmt: skip


# -- the bank's answer -------------------------------------------------------------------
def _finish(
    raw: sqlite3.Connection,
    deduction_id: str,
    status: str,
    reason: str | None,
    at: datetime | None,
    lost_deducted: bool | None = None,
) -> None:
    raw.execute(
        "UPDATE collect_deductions SET status = ?, reason = ?, finished_at = ?,"
        " lost_deducted = ? WHERE deduction_id = ?",
        (status, reason, format_datetime(at) if at else None, lost_deducted, deduction_id),
    )


def _paid(
    raw: sqlite3.Connection, deduction_id: str, channel: str, ids: list[str], at: datetime
) -> None:
    settings = bank.load_settings(raw)
    _finish(raw, deduction_id, SUCCEEDED, None, at)
    delays = (settings.store_delay_seconds, settings.arrive_delay_seconds)
    mark_paid(raw, ids, at, ARRIVAL_CHANNELS.get(channel, channel), delays)


def process(raw: sqlite3.Connection, deduction_id: str, now: float) -> bool:
    """The bank's answer to a deduction 扣费中, as of its due time (or `now` if earlier)."""
    row = raw.execute(
        "SELECT unit_id, status, amount, agreement_id, line_ids, due_at, channel"
        " FROM collect_deductions WHERE deduction_id = ?",
        (deduction_id,),
    ).fetchone()
    if row is None or row[1] != WITH_BANK:
        return False
    unit_id, _, amount, agreement_id, line_ids, due_at, channel = row
    ids: list[str] = orjson.loads(line_ids)
    at = _at(min(due_at, now))
    agreement = agreements.find(raw, unit_id, agreement_id)
    reason = None
    if agreement is None or agreement.status != agreements.VERIFIED:
        reason = AGREEMENT_GONE
    else:
        account = bank.open_account(raw, agreement.account_number, agreement.account_name)
        lost = bank.take_lost(raw, account)
        if lost is not None:
            deducted = lost and account.refusal is None and account.balance >= amount
            if deducted:
                bank.debit(raw, account.account, amount)
            _finish(raw, deduction_id, LOST, None, None, deducted)
            set_state(raw, ids, LOCKED)
            return True
        reason = account.refusal or (bank.INSUFFICIENT if account.balance < amount else None)
        if reason is None:
            bank.debit(raw, account.account, amount)
            _paid(raw, deduction_id, channel, ids, at)
            return True
    _finish(raw, deduction_id, FAILED_DEDUCTION, reason, at)
    set_state(raw, ids, FAILED, reason)
    return True


def unlock(
    raw: sqlite3.Connection, unit_id: str, deduction_id: str, now: datetime
) -> dict[str, Any]:
    """解锁: the bank's real outcome of a 锁定 deduction."""
    current = one_deduction(raw, unit_id, deduction_id)
    if current["status"] != LOST:
        raise ApiError(
            409,
            "NOT_LOCKED",
            "该缴费记录不是锁定状态，无需解锁。",
            {"status": current["status"]},
        )
    deducted = raw.execute(
        "SELECT lost_deducted FROM collect_deductions WHERE deduction_id = ?", (deduction_id,)
    ).fetchone()[0]
    ids = current["line_ids"]
    if deducted:
        _paid(raw, deduction_id, current["channel"], ids, now)
    else:
        _finish(raw, deduction_id, FAILED_DEDUCTION, NOT_DEDUCTED, now)
        set_state(raw, ids, FAILED, NOT_DEDUCTED)
    return one_deduction(raw, unit_id, deduction_id)
