"""代收代报（自主） history of the demo 代收单位, so 申报缴费状态 and 同步 of 申报记录 have
something to show: a third of each unit's residents insured in 2026 declared for it through
电子税务局 (their 养老 档次 as registered, 医保 its one 档), half of those paid by 批量扣款.

Made, processed and paid by the same code as at run time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from mock_backend.clock import parse_datetime
from mock_backend.deductions import pay_by_batch
from mock_backend.fee_items import unit_facts
from mock_backend.fee_processing import SUCCEEDED, UNPAID, process
from mock_backend.resident_declarations import Row, create_declarations
from mock_backend.resident_directory import ITEM_IN_FORCE, year_bounds
from mock_backend.resident_grades import load_grades
from mock_backend.seed.payments import BATCH_DELAYS
from mock_backend.seed.rules import RESIDENT_PENSION_CATEGORY
from mock_backend.seed.taxpayers import UnitSpec

YEAR = 2026
CHANNEL = "电子税务局"
# (declared at, paid by 批量扣款 at): the first half of the declared third is paid.
BATCHES = (("2026-03-16 09:30:00", "2026-03-20 03:00:00"), ("2026-06-15 14:10:00", None))


def _rows_of(raw: sqlite3.Connection, unit_id: str, region: str) -> list[list[Row]]:
    """Every third resident insured in YEAR, split into BATCHES, one row per 征收品目."""
    table = load_grades(raw, region)
    last, first = year_bounds(YEAR)
    persons: dict[int, list[tuple[str, ...]]] = {}
    for row in raw.execute(
        "SELECT r.id, r.name, r.id_type, r.id_number, i.levy_item, i.levy_category,"
        " i.levy_subcategory FROM residents r JOIN resident_items i ON i.resident_id = r.id"
        f" WHERE r.unit_id = ? AND r.deleted = 0 AND {ITEM_IN_FORCE} ORDER BY r.id, i.position",
        (unit_id, last, first),
    ):
        persons.setdefault(row[0], []).append(row[1:])
    chosen = list(persons.values())[::3]
    batches: list[list[Row]] = [[] for _ in BATCHES]
    index = [0] * len(BATCHES)
    for number, items in enumerate(chosen):
        batch = number % len(BATCHES)
        for name, id_type, id_number, levy_item, category, sub in dict(
            (item[4], item)
            for item in items  # one row per 征收品目
        ).values():
            code = sub[-2:] if category == RESIDENT_PENSION_CATEGORY else "01"
            grade = table.find(YEAR, category, code)
            if grade is None:
                continue
            batches[batch].append(
                Row(index[batch], name, id_type, id_number.upper(), levy_item, category, YEAR,
                    grade)
            )  # fmt: skip
            index[batch] += 1
    return batches


def seed_resident_declarations(raw: sqlite3.Connection, specs: Iterable[UnitSpec]) -> None:
    """The demo collectors' 自主申报 of YEAR (feed indexes must exist)."""
    for spec in specs:
        if spec.kind != "collector" or spec.records <= 0:
            continue
        unit = unit_facts(raw, spec.unit_id)
        assert unit is not None
        for rows, (declared_at, paid_at) in zip(
            _rows_of(raw, spec.unit_id, unit.region), BATCHES, strict=True
        ):
            if not rows:
                continue
            submitted = parse_datetime(declared_at)
            for declaration in create_declarations(
                raw, unit, rows, submitted, submitted.timestamp(), CHANNEL
            ):
                declaration_id = declaration["declaration_id"]
                process(raw, declaration_id, submitted)
                state = raw.execute(
                    "SELECT status, pay_status FROM fee_declarations WHERE declaration_id = ?",
                    (declaration_id,),
                ).fetchone()
                if paid_at is not None and tuple(state) == (SUCCEEDED, UNPAID):
                    pay_by_batch(raw, spec.unit_id, declaration_id, parse_datetime(paid_at),
                                 BATCH_DELAYS)  # fmt: skip
