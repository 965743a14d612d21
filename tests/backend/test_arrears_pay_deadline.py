"""缴费期限 (`pay_deadline`) of every arrears line: the last day of the month after the line's
费款所属期止, derived when the lines are read (docs/http-contract.md, Arrears)."""

from __future__ import annotations

import calendar
import sqlite3
from datetime import date

import httpx
import pytest

from mock_backend.arrears import ARREARS_FIELDS, PAY_DEADLINE
from tests.backend.collect_unit import declared_unit
from tests.support.backend import BackendServer


def expected(period_end: str) -> str:
    year, month = (int(p) for p in period_end[:7].split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


@pytest.mark.parametrize(
    ("period_end", "deadline"),
    [
        ("2026-10", "2026-11-30"),
        ("2026-12", "2027-01-31"),  # a 城乡居民 year line
        ("2027-01", "2027-02-28"),
        ("2028-01", "2028-02-29"),
        ("2026-07", "2026-08-31"),
    ],
)
def test_the_rule(period_end: str, deadline: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE lines (period_end TEXT)")
    conn.execute("INSERT INTO lines VALUES (?)", (period_end,))
    (value,) = conn.execute(f"SELECT {PAY_DEADLINE} FROM lines AS l").fetchone()
    assert value == deadline == expected(period_end)


def test_every_line_has_its_pay_deadline(backend: BackendServer, http: httpx.Client) -> None:
    unit = declared_unit(backend, http)
    response = http.get(f"/collect/units/{unit.unit_id}/arrears", headers=unit.headers)
    assert response.json()["fields"] == ARREARS_FIELDS
    assert ARREARS_FIELDS[-1] == "pay_deadline"
    lines = unit.arrears()
    assert lines
    for line in lines:
        assert line["pay_deadline"] == expected(line["period_end"])
