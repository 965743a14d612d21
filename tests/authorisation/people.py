"""Residents of the test 代收单位 and the admin calls of 批扣清册, for the 缴费授权 tests."""

from __future__ import annotations

from typing import Any

from tests.backend.resident_unit import new_id_number
from tests.collector.conftest import CollectorUnit

PENSION = "102100001"
MEDICAL = ("102110001", "102110002", "102110003")
YEAR = 2026


NAMES = ("林晓燕", "何建国", "罗美玲")


def pension_residents(cu: CollectorUnit) -> list[dict[str, Any]]:
    """Three new residents of the unit's feed, insured in 养老 and 成年居民医保 since 2020
    (made through the admin API, so the test never depends on the random demo data)."""
    made = []
    for name in NAMES:
        number = new_id_number()
        items = [
            {"person_number": "5101234567", "levy_item": "10210", "levy_category": PENSION,
             "levy_subcategory": f"{PENSION}03", "start_month": "2020-01", "end_month": None},
            {"person_number": "5101234567", "levy_item": "10211", "levy_category": MEDICAL[0],
             "levy_subcategory": "10211000101", "start_month": "2020-01", "end_month": None},
        ]  # fmt: skip
        record = {"name": name, "id_type": "01", "id_number": number, "status": "1",
                  "township": "金牛街道", "village": "营门口社区第1组", "items": items}  # fmt: skip
        record_id = cu.backend.add_record(cu.unit_id, "residents", record)
        made.append({"id": record_id, "name": name, "id_type": "01", "id_number": number,
                     "township": "金牛街道", "village": "营门口社区第1组"})  # fmt: skip
    return made


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def run_roll(cu: CollectorUnit, **body: Any) -> dict[str, Any]:
    return cu.backend.admin_post(f"units/{cu.unit_id}/authorisation/deduction-rolls/run", body)


def set_state(cu: CollectorUnit, row_id: int, state: str, **extra: Any) -> dict[str, Any]:
    return cu.backend.admin_post(
        f"units/{cu.unit_id}/authorisation/deduction-rolls/{row_id}/state",
        {"state": state, **extra},
    )
