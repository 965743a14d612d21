"""When fee items are made: lazily, reading a unit's items first makes what is due.

- 01 for the current month of the server clock and, for a unit that has 01 items, every month
  after its latest one (at most three months back);
- 03 for the month of the latest batch 核定 (the 15th, FAQ Q26), caught up the same way; a
  代收单位's for the year of that month;
- the items of 在建 工程项目 not made yet;
- 01 boxes marked stale by a processed 缴费工资申报 or a 作废.
Each (unit, source, period) is made once (`fee_generations`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from mock_backend.clock import ServerClock
from mock_backend.db import Database, driver
from mock_backend.fee_generation import Box, make_01, make_03, make_projects
from mock_backend.fee_items import (
    ASSESSED,
    FROM_TAX,
    PROJECT,
    UnitFacts,
    mark_generated,
    unit_facts,
)
from mock_backend.fee_rules import FeeRules, load_fee_rules
from mock_backend.seed.people import month_text, parse_month

MAX_MONTHS_BACK = 3  # an idle unit's 01/03 items are caught up at most this far back
BATCH_DAY = 15  # FAQ Q26: the 社保/医保 departments 核定 in bulk on the 15th


def month_of(now: datetime) -> int:
    return now.year * 12 + now.month - 1


def batch_month(now: datetime) -> int:
    """The month of the latest batch 核定: this month from the 15th on, else the last one."""
    return month_of(now) - (0 if now.day >= BATCH_DAY else 1)


@dataclass
class Plan:
    months_01: list[int] = field(default_factory=list)
    months_03: list[int] = field(default_factory=list)
    projects: set[str] = field(default_factory=set)
    stale: dict[int, set[Box]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.months_01 or self.months_03 or self.projects or self.stale)


def _months_due(made: dict[str, set[str]], source: str, target: int) -> list[int]:
    periods = made.get(source, set())
    months = {target}
    if periods:
        latest = max(parse_month(p) for p in periods)
        months.update(range(max(latest + 1, target - MAX_MONTHS_BACK), target + 1))
    return sorted(m for m in months if month_text(m) not in periods)


def plan(raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, now: datetime) -> Plan:
    made: dict[str, set[str]] = {}
    for source, period in raw.execute(
        "SELECT source, period FROM fee_generations WHERE unit_id = ?", (unit.unit_id,)
    ):
        made.setdefault(source, set()).add(period)
    result = Plan()
    if unit.kind == "employer":
        if rules.self_collected:
            result.months_01 = _months_due(made, FROM_TAX, month_of(now))
        if rules.collected_for_others:
            result.months_03 = _months_due(made, ASSESSED, batch_month(now))
        result.projects = {
            number
            for (number,) in raw.execute(
                "SELECT project_number FROM projects WHERE unit_id = ? AND status = '在建'",
                (unit.unit_id,),
            )
        } - made.get(PROJECT, set())
    else:
        month = batch_month(now)
        if f"{month // 12:04d}-01" not in made.get(ASSESSED, set()):
            result.months_03 = [month]
    for number, levy, period in raw.execute(
        "SELECT unit_number, levy_item, period FROM fee_stale_boxes WHERE unit_id = ?",
        (unit.unit_id,),
    ):
        result.stale.setdefault(parse_month(period), set()).add((number, levy))
    return result


def carry_out(
    raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, todo: Plan, now: datetime
) -> list[str]:
    """Make what the plan lists, in the caller's write transaction; returns the new item ids."""
    made: list[str] = []
    for month in todo.months_01:
        made += make_01(raw, unit, rules, month, now)
    mark_generated(raw, unit.unit_id, FROM_TAX, map(month_text, todo.months_01), now)
    for month in todo.months_03:
        made += make_03(raw, unit, rules, month, now)
    yearly = unit.kind != "employer"
    periods = [f"{m // 12:04d}-01" if yearly else month_text(m) for m in todo.months_03]
    mark_generated(raw, unit.unit_id, ASSESSED, periods, now)
    if todo.projects:
        made += make_projects(raw, unit, rules, now, todo.projects)
        mark_generated(raw, unit.unit_id, PROJECT, todo.projects, now)
    for month, boxes in sorted(todo.stale.items()):
        if month not in todo.months_01:  # a month made just now is already up to date
            made += make_01(raw, unit, rules, month, now, boxes)
    raw.execute("DELETE FROM fee_stale_boxes WHERE unit_id = ?", (unit.unit_id,))
    return made


def ensure_generated(db: Database, clock: ServerClock, unit_id: str) -> None:
    """Make the unit's due items (a read only, when nothing is due)."""
    now = clock.now()
    with db.read() as conn:
        raw = driver(conn)
        unit = unit_facts(raw, unit_id)
        if unit is None or plan(raw, unit, load_fee_rules(raw, unit.region), now).empty:
            return
    with db.write() as conn:
        raw = driver(conn)
        rules = load_fee_rules(raw, unit.region)
        carry_out(raw, unit, rules, plan(raw, unit, rules, now), now)


def regenerate_period(
    raw: sqlite3.Connection, unit: UnitFacts, rules: FeeRules, month: int, now: datetime
) -> list[str]:
    """Admin: make a period's 01, 03 and project items again (declared boxes are kept)."""
    made = make_01(raw, unit, rules, month, now)
    if unit.kind == "employer" and rules.self_collected:
        mark_generated(raw, unit.unit_id, FROM_TAX, [month_text(month)], now)
    if unit.kind != "employer" or rules.collected_for_others:
        made += make_03(raw, unit, rules, month, now)
        period = f"{month // 12:04d}-01" if unit.kind != "employer" else month_text(month)
        mark_generated(raw, unit.unit_id, ASSESSED, [period], now)
    if unit.kind == "employer":
        projects = make_projects(raw, unit, rules, now)
        made += projects
        numbers = raw.execute(
            "SELECT project_number FROM projects WHERE unit_id = ? AND status = '在建'",
            (unit.unit_id,),
        ).fetchall()
        mark_generated(raw, unit.unit_id, PROJECT, [n for (n,) in numbers], now)
    return made
