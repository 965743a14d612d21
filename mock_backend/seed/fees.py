"""Fee history of the demo employer units, so 同步 of the 社保费申报记录 has records to bring in.

Every demo employer unit has the 01/03 items of 2026-09 and 2026-10 declared through
电子税务局 (2026-09 paid by 批量扣款, 2026-10 not), made and processed by the same code as at run time
(a box whose 单位参保信息 is suspended fails, as it would). Every other unit has 特殊缴费:
one application, or two of which the second is past its 征集有效日期. Later months, and the
items of 在建 工程项目, are made by the lazy generation when the items are first read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from mock_backend.clock import CST, parse_datetime
from mock_backend.deductions import pay_by_batch
from mock_backend.fee_declare import boxes_of, create_declarations
from mock_backend.fee_generation import make_01, make_03
from mock_backend.fee_items import ASSESSED, FROM_TAX, mark_generated, unit_facts
from mock_backend.fee_processing import SUCCEEDED, UNPAID, process
from mock_backend.fee_rules import load_fee_rules
from mock_backend.fee_special import add_special
from mock_backend.seed.payments import BATCH_DELAYS
from mock_backend.seed.people import parse_month
from mock_backend.seed.taxpayers import UnitSpec

# (month, declared through 电子税务局 at, paid by 批量扣款 at)
HISTORY = (
    ("2026-09", "2026-09-20 10:12:00", "2026-09-25 03:00:00"),
    ("2026-10", "2026-10-21 15:40:00", None),
)
CHANNEL = "电子税务局"
SPECIAL_MADE_AT = "2026-10-12 09:30:00"
# (特殊缴费类型, 征收项目 choices, period, persons, 征集有效日期)
SPECIALS = (
    ("补缴", ("10201", "10212"), ("2025-03", "2025-05"), 3, "2027-06-30"),
    ("政策性补缴", ("10202", "10204"), ("2024-11", "2024-12"), 2, "2026-10-31"),
)


def _at(text: str) -> datetime:
    return parse_datetime(text)


def _declare_month(
    raw: sqlite3.Connection, unit_id: str, month: str, declared_at: str, paid_at: str | None
) -> None:
    unit = unit_facts(raw, unit_id)
    assert unit is not None
    rules = load_fee_rules(raw, unit.region)
    index = parse_month(month)
    year, number = divmod(index, 12)
    made = make_01(raw, unit, rules, index, datetime(year, number + 1, 1, 2, 0, tzinfo=CST))
    made += make_03(raw, unit, rules, index, datetime(year, number + 1, 15, 2, 0, tzinfo=CST))
    made_at = _at(f"{month}-01 02:00:00")
    if rules.self_collected:
        mark_generated(raw, unit_id, FROM_TAX, [month], made_at)
    if rules.collected_for_others:
        mark_generated(raw, unit_id, ASSESSED, [month], made_at)
    if not made:
        return
    submitted = _at(declared_at)
    boxes = boxes_of(raw, unit_id, made, rules)
    for declaration in create_declarations(
        raw, unit_id, boxes, submitted, submitted.timestamp(), CHANNEL
    ):
        process(raw, declaration["declaration_id"], submitted)
        if paid_at is not None:
            status = raw.execute(
                "SELECT status, pay_status FROM fee_declarations WHERE declaration_id = ?",
                (declaration["declaration_id"],),
            ).fetchone()
            if status == (SUCCEEDED, UNPAID):
                pay_by_batch(raw, unit_id, declaration["declaration_id"], _at(paid_at),
                             BATCH_DELAYS)  # fmt: skip


def _specials(raw: sqlite3.Connection, unit_id: str, count: int) -> None:
    unit = unit_facts(raw, unit_id)
    assert unit is not None
    rules = load_fee_rules(raw, unit.region)
    levies = {
        levy
        for (levy,) in raw.execute(
            "SELECT DISTINCT i.levy_item FROM employees e JOIN employee_items i"
            " ON i.employee_id = e.id WHERE e.unit_id = ? AND e.deleted = 0",
            (unit_id,),
        )
    }
    for special_type, choices, (start, end), persons, valid_until in SPECIALS[:count]:
        levy = next((c for c in choices if c in levies), None)
        if levy is None:
            continue
        add_special(
            raw,
            unit,
            rules,
            special_type=special_type,
            levy_item=levy,
            period_start=start,
            period_end=end,
            persons=persons,
            valid_until=valid_until,
            now=_at(SPECIAL_MADE_AT),
        )


def special_applications(specs: Iterable[UnitSpec]) -> dict[str, int]:
    """How many 特殊缴费 applications each demo employer unit gets (every other one: 1 or 2)."""
    employers = [spec for spec in specs if spec.kind == "employer" and spec.records > 0]
    return {
        spec.unit_id: (2 if position % 4 == 0 else 1) if position % 2 == 0 else 0
        for position, spec in enumerate(employers)
    }


def seed_fee_history(raw: sqlite3.Connection, specs: Iterable[UnitSpec]) -> None:
    """History for the demo employer units (feed indexes must exist: the queries use them)."""
    for unit_id, applications in special_applications(specs).items():
        for month, declared_at, paid_at in HISTORY:
            _declare_month(raw, unit_id, month, declared_at, paid_at)
        if applications:
            _specials(raw, unit_id, applications)
