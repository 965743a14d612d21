"""Residents of the test 代收单位 and the admin calls of 批扣清册, for the 缴费授权 tests."""

from __future__ import annotations

from typing import Any

from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import insured_residents

PENSION = "102100001"
MEDICAL = ("102110001", "102110002", "102110003")
YEAR = 2026


def pension_residents(cu: CollectorUnit) -> list[dict[str, Any]]:
    people = insured_residents(cu, PENSION, YEAR)
    assert len(people) >= 3, "the 40-resident unit always has 养老 residents"
    return people


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def run_roll(cu: CollectorUnit, **body: Any) -> dict[str, Any]:
    return cu.backend.admin_post(f"units/{cu.unit_id}/authorisation/deduction-rolls/run", body)


def set_state(cu: CollectorUnit, row_id: int, state: str, **extra: Any) -> dict[str, Any]:
    return cu.backend.admin_post(
        f"units/{cu.unit_id}/authorisation/deduction-rolls/{row_id}/state",
        {"state": state, **extra},
    )
