"""Processing a 缴费工资申报 (the 管理子系统's feedback), in one write transaction.

Each row (employee) succeeds or fails as a whole. A successful row sets the 缴费基数 of the
employee's declared 税务自主 items (the wage clamped to the year's base limits), which is a
change in the employees feed (new seq and updated_at), and makes 社保费预处理信息 for every
month from the 生效年月 to the current month; the 01 fee items of those months are made
again (from the new bases) at the next read of the unit's fee items.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Connection

from mock_backend import due
from mock_backend.clock import ServerClock, format_datetime
from mock_backend.db import Database, driver, take_sequence
from mock_backend.fee_items import mark_stale
from mock_backend.feed_spec import EMPLOYEES
from mock_backend.records import load_records, write_records
from mock_backend.region_rules import CENT, WageRules, load_wage_rules
from mock_backend.seed.people import month_text, parse_month

PENDING = "待反馈"
ROW_OK = "成功"
ROW_FAILED = "失败"
ALL_OK = "全部申报成功"
ALL_FAILED = "全部申报失败"
PARTLY_OK = "部分申报成功"
MAX_MONTHS_AHEAD = 12

NOT_IN_UNIT = "该职工不在本单位的参保登记信息中。"
ID_MISMATCH = "证件号码与职工信息不一致。"
WAGE_NOT_POSITIVE = "缴费工资必须大于0。"
NOTHING_SELF_COLLECTED = "该职工没有需要申报缴费工资的税务自主险种。"

_ITEM = {name: i for i, name in enumerate(EMPLOYEES.item_columns)}
_UPDATED_AT = EMPLOYEES.core_columns.index("updated_at")
_PREPROCESSING_SQL = (
    "INSERT OR REPLACE INTO fee_preprocessing (unit_id, employee_id, unit_number, levy_item,"
    " levy_category, period, base, wage, declaration_id, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

Item = list[Any]  # an employee item in EMPLOYEES.item_columns order (mutable)


def stopped_reason(stop_month: str) -> str:
    return f"该职工已于{stop_month}停止缴费，生效年月不能晚于停止缴费月份。"


def too_early_reason(month: str, first: str) -> str:
    return f"生效年月{month}早于本地区允许申报缴费工资的最早年月{first}，请重新选择生效年月。"


def too_late_reason(month: str, current: str, ahead: int = MAX_MONTHS_AHEAD) -> str:
    return f"生效年月{month}晚于当前年月{current}超过{ahead}个月，请重新选择生效年月。"


@dataclass(slots=True)
class _Row:
    position: int
    employee_id: int
    id_number: str
    month: str
    items: list[tuple[str, str, str, str]]  # unit_number, levy_item, levy_category, new_wage


@dataclass(slots=True)
class _Target:
    """A declared 税务自主 item and the employee's items it matches."""

    key: tuple[str, str, str]  # unit_number, levy_item, levy_category
    wage: Decimal
    items: list[Item]
    stop: str | None  # latest 终止缴费月份 of the matched items; None while one is open


def _load_rows(raw: sqlite3.Connection, declaration_id: str) -> list[_Row]:
    rows = [
        _Row(position, employee_id, id_number, month, [])
        for position, employee_id, id_number, month in raw.execute(
            "SELECT position, employee_id, id_number, effective_month FROM wage_declaration_rows"
            " WHERE declaration_id = ? ORDER BY position",
            (declaration_id,),
        )
    ]
    for row_position, unit_number, levy_item, category, wage in raw.execute(
        "SELECT row_position, unit_number, levy_item, levy_category, new_wage"
        " FROM wage_declaration_items WHERE declaration_id = ? ORDER BY row_position, position",
        (declaration_id,),
    ):
        rows[row_position].items.append((unit_number, levy_item, category, wage))
    return rows


def _same_id(a: str, b: str) -> bool:
    return a.strip().upper() == b.strip().upper()


class _Processor:
    def __init__(self, rules: WageRules, now: datetime) -> None:
        self.rules = rules
        self.current = parse_month(f"{now:%Y-%m}")
        self.first = parse_month(rules.declaration_start_month)

    def evaluate(
        self, row: _Row, id_number: str | None, record: list[Any] | None
    ) -> tuple[str | None, list[_Target]]:
        """(failure reason, targets): the reason is None when the row succeeds."""
        if record is None or id_number is None:
            return NOT_IN_UNIT, []
        if not _same_id(row.id_number, id_number):
            return ID_MISMATCH, []
        wages = [Decimal(item[3]) for item in row.items]
        if any(wage <= 0 for wage in wages):
            return WAGE_NOT_POSITIVE, []
        month = parse_month(row.month)
        if month < self.first:
            return too_early_reason(row.month, self.rules.declaration_start_month), []
        if month > self.current + self.rules.max_months_ahead:
            ahead = self.rules.max_months_ahead
            return too_late_reason(row.month, month_text(self.current), ahead), []
        by_key: dict[tuple[str, str, str], list[Item]] = {}
        for it in record[-1]:
            key = (it[_ITEM["unit_number"]], it[_ITEM["levy_item"]], it[_ITEM["levy_category"]])
            by_key.setdefault(key, []).append(it)
        targets = []
        for (unit_number, levy_item, category, _), wage in zip(row.items, wages, strict=True):
            key = (unit_number, levy_item, category)
            matched = by_key.get(key)
            if levy_item not in self.rules.self_collected or not matched:
                continue  # 税务代征 or not one of the employee's items: left out
            ends = [it[_ITEM["end_month"]] for it in matched]
            stop = None if None in ends else max(ends)
            targets.append(_Target(key, wage, matched, stop))
        if not targets:
            return NOTHING_SELF_COLLECTED, []
        stops = [t.stop for t in targets]
        if None not in stops:
            stop = max(s for s in stops if s is not None)
            if row.month > stop:
                return stopped_reason(stop), []
        return None, targets

    def apply(self, row: _Row, targets: list[_Target]) -> list[tuple[str, str, str, str, str, str]]:
        """Set the matched items' base; the (key..., period, base, wage) 预处理信息 of the row."""
        month = parse_month(row.month)
        periods = []
        for target in targets:
            base = str(self.rules.base_of(target.wage, month // 12))
            wage = str(target.wage.quantize(CENT))
            for it in target.items:
                end = it[_ITEM["end_month"]]
                if end is None or end >= row.month:
                    it[_ITEM["base"]] = base
            last = (
                self.current if target.stop is None else min(self.current, parse_month(target.stop))
            )
            periods.extend((*target.key, month_text(m), base, wage) for m in range(month, last + 1))
        return periods


def process(conn: Connection, declaration_id: str, now: datetime) -> bool:
    """Process a pending declaration in the caller's write transaction (False if not pending)."""
    raw = driver(conn)
    head = raw.execute(
        "SELECT d.unit_id, d.status, u.region FROM wage_declarations d"
        " JOIN units u ON u.unit_id = d.unit_id WHERE d.declaration_id = ?",
        (declaration_id,),
    ).fetchone()
    if head is None or head[1] != PENDING:
        return False
    unit_id, _, region = head
    now_text = format_datetime(now)
    processor = _Processor(load_wage_rules(raw, region), now)
    rows = _load_rows(raw, declaration_id)
    id_list = orjson.dumps(sorted({row.employee_id for row in rows})).decode()
    members: dict[int, str] = dict(
        raw.execute(
            "SELECT id, id_number FROM employees WHERE unit_id = ? AND deleted = 0"
            " AND id IN (SELECT value FROM json_each(?))",
            (unit_id, id_list),
        ).fetchall()
    )
    records = load_records(raw, EMPLOYEES, sorted(members))
    changed: set[int] = set()
    outcomes = []
    preprocessing = []
    for row in rows:
        reason, targets = processor.evaluate(
            row, members.get(row.employee_id), records.get(row.employee_id)
        )
        if reason is None:
            changed.add(row.employee_id)
            preprocessing.extend(
                (unit_id, row.employee_id, *period, declaration_id, now_text)
                for period in processor.apply(row, targets)
            )
        outcomes.append((ROW_FAILED if reason else ROW_OK, reason, declaration_id, row.position))
    if changed:
        for employee_id in changed:
            records[employee_id][_UPDATED_AT] = now_text
        updated = {employee_id: records[employee_id] for employee_id in changed}
        write_records(raw, EMPLOYEES, updated, take_sequence(conn, len(updated)))
    raw.executemany(_PREPROCESSING_SQL, preprocessing)
    # The 01 fee items of the months touched are made again at the next read of the items.
    mark_stale(raw, unit_id, {(p[2], p[3], p[5]) for p in preprocessing})
    raw.executemany(
        "UPDATE wage_declaration_rows SET status = ?, reason = ?"
        " WHERE declaration_id = ? AND position = ?",
        outcomes,
    )
    succeeded = sum(1 for outcome in outcomes if outcome[1] is None)
    failed = len(outcomes) - succeeded
    status = ALL_OK if not failed else ALL_FAILED if not succeeded else PARTLY_OK
    raw.execute(
        "UPDATE wage_declarations SET status = ?, succeeded = ?, failed = ?, processed_at = ?"
        " WHERE declaration_id = ?",
        (status, succeeded, failed, now_text, declaration_id),
    )
    return True


def process_due(
    db: Database, clock: ServerClock, unit_id: str, declaration_id: str | None = None
) -> int:
    """Process the unit's pending declarations whose delay has passed (or just one of them)."""
    return due.process_due(
        db, clock, "wage_declarations", (PENDING,), unit_id,
        lambda conn, one: process(conn, one, clock.now()), declaration_id,
    )  # fmt: skip
