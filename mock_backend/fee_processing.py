"""Processing fee declarations (the 管理子系统's feedback) and their 作废, each in one write
transaction, once the processing delay has passed (on the next read or the admin call).

A declaration succeeds or fails as a whole (manual §2.27: the declarations of one submission
are independent). After a void its items are 销账 and fresh 初始 items take their place: 01
boxes are made again from the current bases at the next read of the items, others are copied.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from mock_backend import due, resident_processing
from mock_backend.clock import ServerClock, format_datetime
from mock_backend.db import Database, driver
from mock_backend.errors import ApiError
from mock_backend.fee_items import (
    DECLARED,
    FROM_TAX,
    IN_BATCH,
    INITIAL,
    SELF,
    WRITTEN_OFF,
    UnitFacts,
    copy_items,
    mark_stale,
    new_voucher_number,
    unit_facts,
)
from mock_backend.fee_rules import FeeRules, load_fee_rules
from mock_backend.fee_store import declaration_not_found

SUBMITTED = "申报中"
SUCCEEDED = "申报成功"
FAILED = "申报失败"
VOIDING = "作废中"
VOIDED = "已作废"
UNPAID = "未缴费"
PAID = "缴费成功"
PARTLY_PAID = "部分缴费"  # some arrears lines paid (e.g. a deferred 单位缴纳 part left)
NOTHING_TO_PAY = "无需缴费"
PENDING = (SUBMITTED, VOIDING)

NOT_VOIDABLE = "只有申报成功且未缴费的申报记录可以作废。"


def expired_reason(serial: str | None, valid_until: str) -> str:
    return (
        f"征集通知流水号{serial or ''}已超过征集有效日期{valid_until}，"
        "请联系社保经办机构重新核定后再申报。"
    )


def suspended_reason(unit_number: str, category_name: str, status: str) -> str:
    return (
        f"单位编号{unit_number}的{category_name}参保状态为{status}，"
        "不能申报该所属期的社保费，请先到社保经办机构办理。"
    )


@dataclass(frozen=True, slots=True)
class _Item:
    item_id: str
    category: str
    data_source: str
    unit_number: str
    levy_item: str
    levy_category: str | None
    period_start: str
    collection_serial: str | None
    valid_until: str | None
    refuse_reason: str | None


def _items(raw: sqlite3.Connection, unit_id: str, declaration_id: str) -> list[_Item]:
    return [
        _Item(*row)
        for row in raw.execute(
            "SELECT i.item_id, i.category, i.data_source, i.unit_number, i.levy_item,"
            " i.levy_category, i.period_start, i.collection_serial, i.valid_until,"
            " i.refuse_reason FROM fee_declaration_items d"
            " JOIN fee_items i ON i.unit_id = ? AND i.item_id = d.item_id"
            " WHERE d.declaration_id = ? ORDER BY d.position",
            (unit_id, declaration_id),
        )
    ]


def _failure(
    raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, items: list[_Item], day: str
) -> tuple[str, str | None] | None:
    """(reason, item whose admin refusal it is) of a failing declaration, else None.

    Checked in this order: a refusal set through the admin API, the 征集有效日期, the unit's
    单位参保信息 (注销, or 暂停 since before the period).
    """
    for item in items:
        if item.refuse_reason:
            return item.refuse_reason, item.item_id
    for item in items:
        if item.valid_until and item.valid_until < day:
            return expired_reason(item.collection_serial, item.valid_until), None
    for item in items:
        row = raw.execute(
            "SELECT status, end_date FROM unit_insurance WHERE unit_id = ? AND unit_number = ?"
            " AND levy_category = ?",
            (unit.unit_id, item.unit_number, item.levy_category),
        ).fetchone()
        if row is None:
            continue
        status, end_date = row
        if status == "注销" or (
            status == "暂停" and end_date and end_date < item.period_start + "-01"
        ):
            name = rules.category_name(item.levy_category)
            return suspended_reason(item.unit_number, name, status), None
    return None


def _finish_submission(
    raw: sqlite3.Connection,
    unit: UnitFacts,
    declaration_id: str,
    amount: int,
    now: datetime,
    category: str,
) -> None:
    items = _items(raw, unit.unit_id, declaration_id)
    rules = load_fee_rules(raw, unit.region)
    failure: tuple[str, str | None] | None = None
    if category == SELF:  # 代收代报（自主）: each person checked first, failed ones left out
        kept = resident_processing.settle(raw, unit.unit_id, unit.region, declaration_id)
        if kept is None:
            failure = (resident_processing.ALL_FAILED, None)
        else:
            amount = kept
    failure = failure or _failure(raw, unit, rules, items, now.date().isoformat())
    now_text = format_datetime(now)
    ids = [(unit.unit_id, item.item_id) for item in items]
    if failure is not None:
        reason, refused = failure
        if refused is not None:  # an admin refusal applies once
            raw.execute(
                "UPDATE fee_items SET refuse_reason = NULL WHERE unit_id = ? AND item_id = ?",
                (unit.unit_id, refused),
            )
        raw.execute(
            "UPDATE fee_declarations SET status = ?, reason = ?, processed_at = ?"
            " WHERE declaration_id = ?",
            (FAILED, reason, now_text, declaration_id),
        )
        raw.executemany(
            "UPDATE fee_items SET state = ?, reason = ? WHERE unit_id = ? AND item_id = ?",
            [(INITIAL, reason, *key) for key in ids],
        )
        return
    raw.execute(
        "UPDATE fee_declarations SET status = ?, pay_status = ?, voucher_number = ?,"
        " processed_at = ? WHERE declaration_id = ?",
        (
            SUCCEEDED,
            NOTHING_TO_PAY if amount == 0 else UNPAID,
            new_voucher_number(raw, unit.region),
            now_text,
            declaration_id,
        ),
    )
    raw.executemany(
        "UPDATE fee_items SET state = ?, reason = NULL WHERE unit_id = ? AND item_id = ?",
        [(DECLARED, *key) for key in ids],
    )
    if unit.kind == "collector":
        resident_processing.record_declared(raw, unit.unit_id, unit.region, declaration_id)


def _finish_void(
    raw: sqlite3.Connection, unit: UnitFacts, declaration_id: str, now: datetime
) -> None:
    items = _items(raw, unit.unit_id, declaration_id)
    raw.execute(
        "UPDATE fee_declarations SET status = ?, pay_status = NULL, voided_at = ?"
        " WHERE declaration_id = ?",
        (VOIDED, format_datetime(now), declaration_id),
    )
    raw.executemany(
        "UPDATE fee_items SET state = ? WHERE unit_id = ? AND item_id = ?",
        [(WRITTEN_OFF, unit.unit_id, item.item_id) for item in items],
    )
    recomputed = [i for i in items if i.data_source == FROM_TAX and i.category == "daily"]
    mark_stale(
        raw, unit.unit_id, {(i.unit_number, i.levy_item, i.period_start) for i in recomputed}
    )
    # a 代收代报（自主） item came from a request, not from the 管理子系统: nothing to declare again
    copied = [i.item_id for i in items if i not in recomputed and i.category != SELF]
    copy_items(raw, unit.unit_id, copied, now)
    if unit.kind == "collector":
        resident_processing.forget_declared(raw, declaration_id)


def process(raw: sqlite3.Connection, declaration_id: str, now: datetime) -> bool:
    """Finish a pending submission or void in the caller's write transaction (False if none)."""
    head = raw.execute(
        "SELECT unit_id, status, amount, category FROM fee_declarations WHERE declaration_id = ?",
        (declaration_id,),
    ).fetchone()
    if head is None or head[1] not in PENDING:
        return False
    unit = unit_facts(raw, head[0])
    assert unit is not None
    if head[1] == SUBMITTED:
        _finish_submission(raw, unit, declaration_id, head[2], now, head[3])
    else:
        _finish_void(raw, unit, declaration_id, now)
    return True


def process_due(
    db: Database, clock: ServerClock, unit_id: str, declaration_id: str | None = None
) -> int:
    """Process the unit's pending declarations and voids whose delay has passed (or just one)."""
    return due.process_due(
        db, clock, "fee_declarations", PENDING, unit_id,
        lambda conn, one: process(driver(conn), one, clock.now()), declaration_id,
    )  # fmt: skip


def _head(raw: sqlite3.Connection, unit_id: str, declaration_id: str) -> tuple[str, str | None]:
    row = raw.execute(
        "SELECT status, pay_status FROM fee_declarations WHERE unit_id = ? AND declaration_id = ?",
        (unit_id, declaration_id),
    ).fetchone()
    if row is None:
        raise declaration_not_found(declaration_id)
    return row[0], row[1]


def request_void(raw: sqlite3.Connection, unit_id: str, declaration_id: str, due_at: float) -> None:
    """作废: a 申报成功 declaration not paid (nor in a bank deduction list) becomes 作废中."""
    status, pay_status = _head(raw, unit_id, declaration_id)
    if status == SUCCEEDED and pay_status in (PAID, PARTLY_PAID):
        raise ApiError(
            409,
            "ALREADY_PAID",
            "该申报记录已缴费，不能作废。如需退费，请使用单位退费申请。",
            {"declaration_id": declaration_id},
        )
    if status != SUCCEEDED:
        raise ApiError(409, "NOT_VOIDABLE", NOT_VOIDABLE, {"status": status})
    in_batch = raw.execute(
        "SELECT 1 FROM fee_declaration_items d JOIN fee_items i ON i.unit_id = ?"
        " AND i.item_id = d.item_id WHERE d.declaration_id = ? AND i.state = ? LIMIT 1",
        (unit_id, declaration_id, IN_BATCH),
    ).fetchone()
    if in_batch:
        raise ApiError(
            409,
            "NOT_VOIDABLE",
            "该申报记录已生成银行待批扣清册，不能作废，请等待银行扣款完成后再办理。",
            {"status": status, "state": IN_BATCH},
        )
    raw.execute(
        "UPDATE fee_declarations SET status = ?, due_at = ? WHERE declaration_id = ?",
        (VOIDING, due_at, declaration_id),
    )


def batch_deduction(raw: sqlite3.Connection, unit_id: str) -> int:
    """Admin: every 申报成功 item of an unpaid declaration goes into a bank deduction list."""
    return raw.execute(
        "UPDATE fee_items SET state = ? WHERE unit_id = ? AND state = ? AND declaration_id IN"
        " (SELECT declaration_id FROM fee_declarations WHERE unit_id = ? AND status = ?"
        " AND pay_status = ?)",
        (IN_BATCH, unit_id, DECLARED, unit_id, SUCCEEDED, UNPAID),
    ).rowcount


def refuse(raw: sqlite3.Connection, unit_id: str, item_id: str, reason: str) -> bool:
    """Admin: the next processing of a declaration holding the item fails with `reason`."""
    return (
        raw.execute(
            "UPDATE fee_items SET refuse_reason = ? WHERE unit_id = ? AND item_id = ?",
            (reason, unit_id, item_id),
        ).rowcount
        > 0
    )
