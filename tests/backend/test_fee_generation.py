"""Lazy generation of fee items: 01 monthly for 税务自主 items, 03 征集信息 by the batch 核定 on
the 15th, 城乡居民 yearly, 工程项目, catching up, once only, and 01 made again after a
缴费工资申报 or by the admin API."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.fee_unit import (
    INJURY,
    MEDICAL,
    MEDICAL_LEVIES,
    PENSION,
    PENSION_MIGRANT,
    SOCIAL_LEVIES,
    UNEMPLOYMENT,
    Expected,
    FeeUnit,
    make_fee_unit,
)
from tests.support.backend import BackendError, BackendServer

ALL_LEVIES = SOCIAL_LEVIES + MEDICAL_LEVIES


def _summary(items: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {
        (i["data_source"], i["period_start"], i["unit_number"], i["levy_category"], i["headcount"])
        for i in items
    }


def test_self_collected_unit_gets_01_monthly_and_03_from_the_15th(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit = make_fee_unit(backend, http, now="2026-12-14 09:00:00")
    unit.employee("王桂淑", ALL_LEVIES)
    unit.employee("李强", (PENSION_MIGRANT, UNEMPLOYMENT, INJURY, MEDICAL))
    unit.employee("吴刚", ALL_LEVIES, end="2026-10")  # stopped before both months
    unit.employee("赵敏", ALL_LEVIES, start="2027-01")  # not yet paying
    items = unit.items()
    social, medical = unit.social, unit.medical
    assert _summary(items) == {
        ("01", "2026-12", social, "102010001", 1), ("01", "2026-12", social, "102010002", 1),
        ("01", "2026-12", social, "102020001", 2), ("01", "2026-12", social, "102040001", 2),
        # before the 15th the latest batch 核定 is last month's (FAQ Q26)
        ("03", "2026-11", medical, "102030001", 2), ("03", "2026-11", medical, "102050001", 1),
    }  # fmt: skip
    for item in items:
        assert item["category"] == "daily" and item["state"] == "初始"
        assert item["declaration_id"] is None and item["reason"] is None
        assert item["agency"] and item["tax_authority"].startswith("国家税务总局深圳市")
        assert item["period_end"] == item["period_start"] and item["special_type"] is None
        assert item["project_number"] is None and item["created_at"].startswith("2026-12-14 ")
        if item["data_source"] == "01":
            assert item["collection_serial"] is None and item["valid_until"] is None
        else:
            assert re.fullmatch(r"20261214\d{10}", item["collection_serial"])
            assert item["valid_until"] == "2027-01-31"
    serials = {i["collection_serial"] for i in items if i["data_source"] == "03"}
    assert len(serials) == 1  # one 征集通知流水号 per 单位编号 and month
    ordered = [(i["period_start"], i["unit_number"], i["levy_item"], i["levy_category"])
               for i in items]  # fmt: skip
    assert ordered == sorted(ordered)
    assert unit.items() == items  # made once: reading again changes nothing

    backend.set_clock("2026-12-15 08:00:00")
    later = unit.items()
    assert [i for i in later if i["item_id"] in {j["item_id"] for j in items}] == items
    new = [i for i in later if i["item_id"] not in {j["item_id"] for j in items}]
    assert _summary(new) == {("03", "2026-12", medical, "102030001", 2),
                             ("03", "2026-12", medical, "102050001", 1)}  # fmt: skip
    assert {i["collection_serial"] for i in new} != serials
    assert unit.fetch_items().json()["generated_at"].startswith("2026-12-15 08:0")


def test_collected_for_others_region_has_only_03(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit = make_fee_unit(backend, http, region="330100", now="2026-12-20 10:00:00")
    unit.employee("陈建国", ALL_LEVIES)
    unit.employee("黄丽", (PENSION, MEDICAL))
    items = unit.items()
    assert _summary(items) == {
        ("03", "2026-12", unit.social, "102010001", 2), ("03", "2026-12", unit.social, "102020001", 1),
        ("03", "2026-12", unit.social, "102040001", 1), ("03", "2026-12", unit.medical, "102030001", 2),
        ("03", "2026-12", unit.medical, "102050001", 1),
    }  # fmt: skip
    serials = {i["unit_number"]: i["collection_serial"] for i in items}
    assert len(set(serials.values())) == 2  # one per 单位编号
    assert all(i["collection_serial"] == serials[i["unit_number"]] for i in items)
    assert unit.items(category="special") == [] and unit.items(category="project") == []


def test_idle_units_catch_up_at_most_three_months_back(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit = make_fee_unit(backend, http, now="2026-01-20 10:00:00")
    unit.employee("王桂淑", ALL_LEVIES, start="2025-01")
    assert {(i["data_source"], i["period_start"]) for i in unit.items()} == {
        ("01", "2026-01"), ("03", "2026-01")
    }  # fmt: skip
    backend.set_clock("2026-12-20 10:00:00")
    unit.relogin()
    months = {"2026-01", "2026-09", "2026-10", "2026-11", "2026-12"}
    made = {(i["data_source"], i["period_start"]) for i in unit.items()}
    assert made == {(source, m) for source in ("01", "03") for m in months}


def test_collector_gets_yearly_03_by_payment_tier(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit = make_fee_unit(backend, http, kind="collector", residents=40, now="2026-12-20 10:00:00")
    items = unit.items()
    expected = Expected(unit)
    records = unit.records()
    assert items and {i["category"] for i in items} == {"daily"}
    assert {(i["data_source"], i["period_start"], i["period_end"]) for i in items} == {
        ("03", "2026-01", "2026-12")
    }
    assert len({i["levy_category"] for i in items}) == len(items)  # one item per 征收品目
    for item in items:
        assert item["unit_number"] == unit.numbers[0] and item["collection_serial"]
        wanted = {}
        for record in records:
            for it in record["items"]:
                paying = it["start_month"] <= "2026-12" and (
                    it["end_month"] is None or it["end_month"] >= "2026-01"
                )
                if paying and it["levy_category"] == item["levy_category"]:
                    amount = (expected.tiers[it["levy_subcategory"]] if it["levy_item"] == "10210"
                              else expected.resident_amounts[it["levy_category"]])  # fmt: skip
                    wanted[record["id"]] = amount
        lines = unit.lines(item["item_id"])
        assert {line["person_id"]: Decimal(line["amount"]) for line in lines} == wanted
        assert all(line["period"] == "2026-01" and line["personal_rate"] == "1.0000"
                   and line["unit_rate"] == "0.0000" and line["base"] == line["amount"]
                   for line in lines)  # fmt: skip
        assert Decimal(item["amount"]) == sum(wanted.values()) == Decimal(item["personal_amount"])
    backend.set_clock("2027-01-10 10:00:00")  # the batch month is still 2026-12
    unit.relogin()
    assert unit.items() == items
    backend.set_clock("2027-01-15 10:00:00")
    unit.relogin()
    assert {i["period_start"] for i in unit.items()} == {"2026-01", "2027-01"}


def test_projects_in_construction_get_items(backend: BackendServer, http: httpx.Client) -> None:
    unit = make_fee_unit(backend, http)
    number = backend.add_project(
        unit.unit_id, "星海大厦主体工程", contract_amount="12500000.00",
        start_date="2026-03-01", end_date="2027-08-31",
    )  # fmt: skip
    backend.add_project(unit.unit_id, "停工的工程", contract_amount="100000.00", status="停工")
    (item,) = unit.items(category="project")
    assert item | {"item_id": None, "collection_serial": None, "agency": None} == item | {
        "item_id": None, "category": "project", "data_source": "03", "unit_number": unit.social,
        "project_number": number, "collection_serial": None, "agency": None,
        "valid_until": "2027-01-31", "period_start": "2026-03", "period_end": "2027-08",
        "levy_item": "10204", "levy_category": "102040001", "headcount": 0,
        "wage_total": "0.00", "base_total": "12500000.00", "unit_rate": "0.0015",
        "personal_rate": "0.0000", "unit_amount": "18750.00", "personal_amount": "0.00",
        "amount": "18750.00", "state": "初始",
    }  # fmt: skip
    page = unit.details(item["item_id"]).json()
    assert page["total"] == 0 and page["records"] == [] and page["next_after"] is None
    another = backend.add_project(unit.unit_id, "二期工程", contract_amount="0.00")
    assert {i["project_number"] for i in unit.items(category="project")} == {number, another}


def _declare_wage(unit: FeeUnit, employee_id: int, wage: str, month: str) -> str:
    record = next(r for r in unit.records() if r["id"] == employee_id)
    items = [{"unit_number": it["unit_number"], "levy_item": it["levy_item"],
              "levy_category": it["levy_category"], "old_wage": it["base"], "new_wage": wage}
             for it in record["items"]]  # fmt: skip
    body = {"declaration_type": "daily", "mode": "by_employee",
            "tax_authority": "国家税务总局深圳市南山区税务局",
            "rows": [{"employee_id": employee_id, "id_number": record["id_number"],
                      "effective_month": month, "items": items}]}  # fmt: skip
    response = unit.http.post(
        f"{unit.path}/wage-declarations",
        json=body,
        headers={**unit.headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 202, response.text
    declaration_id = str(response.json()["declaration_id"])
    assert unit.backend.process_wage_declaration(unit.unit_id, declaration_id)["succeeded"] == 1
    return declaration_id


def test_wage_declaration_makes_01_items_again(backend: BackendServer, http: httpx.Client) -> None:
    unit = make_fee_unit(backend, http)
    declared = unit.employee("王桂淑", ALL_LEVIES)
    other = unit.employee("李强", ALL_LEVIES)
    before = {i["item_id"]: i for i in unit.items()}
    injury = next(i for i in before.values() if i["levy_item"] == "10204")
    unit.declare([injury["item_id"]])  # a declared box is not changed behind the clerk
    november = unit.employee("赵敏", ALL_LEVIES)  # joins after the 2026-12 items were made
    _declare_wage(unit, declared, "99999.00", "2026-11")

    after = {i["item_id"]: i for i in unit.items()}
    assert after[injury["item_id"]]["state"] == "申报成功"
    assert after[injury["item_id"]]["base_total"] == injury["base_total"]
    kept_03 = {k for k, i in before.items() if i["data_source"] == "03"}
    assert kept_03 <= set(after)
    remade = [i for k, i in after.items() if k not in before]
    # 2026-12 (pension, unemployment) again, and 2026-11 made for the touched boxes
    assert {(i["period_start"], i["levy_item"]) for i in remade} == {
        ("2026-12", "10201"), ("2026-12", "10202"), ("2026-11", "10201"), ("2026-11", "10202"),
        ("2026-11", "10204"),
    }  # fmt: skip
    upper = Expected(unit).limits[2026]["upper"]
    for item in remade:
        lines = {line["person_id"]: line for line in unit.lines(item["item_id"])}
        assert set(lines) == {declared, other, november}
        assert (lines[declared]["wage"], lines[declared]["base"]) == ("99999.00", upper)
        assert lines[other]["wage"] == lines[other]["base"] == "5000.00"
        assert Decimal(item["wage_total"]) - Decimal(item["base_total"]) == Decimal(
            "99999.00"
        ) - Decimal(upper)
    assert not any(k in after for k, i in before.items() if i["data_source"] == "01"
                   and i["levy_item"] != "10204")  # fmt: skip


def test_admin_generate_replaces_initial_items_and_keeps_declared_boxes(
    backend: BackendServer, http: httpx.Client
) -> None:
    unit = make_fee_unit(backend, http)
    unit.employee("王桂淑", ALL_LEVIES)
    first = {i["item_id"]: i for i in unit.items()}
    pension = next(i for i in first.values() if i["levy_item"] == "10201")
    unit.declare([pension["item_id"]])
    unit.employee("李强", ALL_LEVIES)
    made = backend.generate_fee_items(unit.unit_id)
    items = {i["item_id"]: i for i in unit.items()}
    assert set(made) == set(items) - set(first)
    assert items[pension["item_id"]]["headcount"] == 1  # declared: kept as it was
    assert {i["levy_item"] for i in map(items.get, made)} == {"10202", "10204", "10203", "10205"}
    assert all(items[i]["headcount"] == 2 for i in made)
    serial = next(i["collection_serial"] for i in first.values() if i["data_source"] == "03")
    assert {items[i]["collection_serial"] for i in made if items[i]["data_source"] == "03"} == {
        serial
    }  # a new 核定 of the same box keeps its 征集通知流水号
    june = backend.generate_fee_items(unit.unit_id, "2026-06")
    assert june and {i["period_start"] for i in unit.items() if i["item_id"] in june} == {"2026-06"}
    with pytest.raises(BackendError, match="VALIDATION_ERROR"):
        backend.generate_fee_items(unit.unit_id, "2026-13")
    with pytest.raises(BackendError, match="UNIT_NOT_FOUND"):
        backend.generate_fee_items("U999999")


def test_item_filters_and_bad_filters(backend: BackendServer, http: httpx.Client) -> None:
    unit = make_fee_unit(backend, http)
    unit.employee("王桂淑", ALL_LEVIES)
    special = backend.add_special_fee(unit.unit_id, persons=1)
    everything = unit.items()
    assert {i["item_id"] for i in unit.items(category="special")} == set(special)
    both = unit.items(category=["special", "daily"], state="初始")
    assert len(both) == len(everything)
    assert unit.items(state="申报成功") == []
    for params in ({"category": "weekly"}, {"state": "已缴费"}):
        response = unit.fetch_items(**params)
        assert response.status_code == 422 and error_of(response)["code"] == "VALIDATION_ERROR"
