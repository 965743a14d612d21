"""缴费清单 behind 缴费证明: one person's 入库 parts (person × month; 城乡居民 × year) with the
amounts of their fee lines, the unit's 入库 lines, the reason an empty list is empty, and the
person query going through indexes (a 100,000-employee unit answers as fast as a small one)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_backend.db import Database
from mock_backend.payment_lists import PERSON_ROWS
from tests.backend.collect_unit import NOW, CollectUnit, declared_unit
from tests.backend.conftest import error_of
from tests.backend.fee_unit import make_fee_unit
from tests.support.backend import BackendServer

YEAR = {"period_from": "2026-01", "period_to": "2026-12"}
PERSON_EMPTY = {
    "NOT_REGISTERED": "未查询到该人员的参保登记信息，请核对姓名、证件类型和证件号码。",
    "NOT_PAID": "该人员在所选费款所属期内没有已缴纳的社保费。",
    "NOT_STORED": "该人员在所选费款所属期内缴纳的社保费尚未入库，请入库后再打印。",
}
UNIT_EMPTY = {
    "NOT_PAID": "本单位在所选费款所属期内没有已缴纳的社保费。",
    "NOT_STORED": "本单位在所选费款所属期内缴纳的社保费尚未入库，请入库后再打印。",
}


def fetch(unit: CollectUnit, which: str, **params: str) -> httpx.Response:
    return unit.http.get(
        f"/mgmt/units/{unit.unit_id}/payment-list/{which}", params=params, headers=unit.headers
    )


def listed(unit: CollectUnit, which: str, **params: str) -> tuple[list[dict[str, Any]], Any]:
    response = fetch(unit, which, **params)
    assert response.status_code == 200, response.text
    body = response.json()
    rows = [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]
    return rows, body["empty_reason"]


def empty(unit: CollectUnit, which: str, **params: str) -> str:
    rows, reason = listed(unit, which, **params)
    assert rows == [] and reason is not None
    messages = PERSON_EMPTY if which == "persons" else UNIT_EMPTY
    assert reason["message"] == messages[reason["code"]]
    return str(reason["code"])


def person_form(record: dict[str, Any], **period: str) -> dict[str, str]:
    return {"name": record["name"], "id_type": record["id_type"],
            "id_number": record["id_number"], **(period or YEAR)}  # fmt: skip


def pay_months(backend: BackendServer, unit: CollectUnit, months: set[str]) -> list[dict[str, Any]]:
    """The declarations of `months` paid by 批量扣款; their lines."""
    lines = [line for line in unit.arrears() if line["period_start"] in months]
    for declaration_id in sorted({line["declaration_id"] for line in lines}):
        backend.pay_fee_declaration(unit.unit_id, declaration_id)
    return lines


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> CollectUnit:
    unit = declared_unit(backend, http, months=("2026-11", "2026-12"))
    backend.bank_settings(store_delay_seconds=60, arrive_delay_seconds=120)
    backend.set_clock(NOW)
    return unit


def test_person_list(backend: BackendServer, unit: CollectUnit) -> None:
    people = {record["name"]: record for record in unit.fee.records()}
    person = people["李强"]
    assert empty(unit, "persons", **person_form(person)) == "NOT_PAID"
    paid = pay_months(backend, unit, {"2026-11"})
    assert empty(unit, "persons", **person_form(person)) == "NOT_STORED"
    backend.process_arrivals(unit.unit_id)
    rows, reason = listed(unit, "persons", **person_form(person))
    assert reason is None and rows

    # Expected: every part of 李强's fee lines in the paid items, recomputed from the details.
    expected = set()
    for line in paid:
        for detail in unit.fee.lines(line["item_id"]):
            if detail["id_number"] != person["id_number"]:
                continue
            amount = detail["unit_amount" if line["part"] == "单位缴纳" else "personal_amount"]
            if Decimal(amount):
                expected.add((detail["period"], line["unit_number"], line["levy_item"],
                              line["part"], detail["base"], amount))  # fmt: skip
    got = {(r["period"], r["unit_number"], r["levy_item"], r["part"], r["base"], r["amount"])
           for r in rows}  # fmt: skip
    assert got == expected and len(rows) == len(expected)
    assert {r["base"] for r in rows} == {"8000.00"}
    assert {(r["name"], r["id_type"], r["id_number"]) for r in rows} == {
        (person["name"], person["id_type"], person["id_number"])
    }
    assert {(r["stored_on"], r["channel"]) for r in rows} == {("2026-12-20", "批量扣款")}
    assert all(r["levy_category_name"].endswith(f"({r['part']})") for r in rows)
    assert all(r["agency"] and r["tax_authority"] and r["levy_item_name"] for r in rows)
    order = [(r["period"], r["unit_number"], r["levy_item"], r["part"]) for r in rows]
    assert order == sorted(order)

    # The two people's parts add up to each 入库 line of the unit list.
    unit_rows, _ = listed(unit, "unit", **YEAR)
    both: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for record in people.values():
        for r in listed(unit, "persons", **person_form(record))[0]:
            key = (r["period"], r["unit_number"], r["levy_item"], r["levy_category_name"])
            both[key] += Decimal(r["amount"])
    by_line = {(r["period_start"][:7], r["unit_number"], r["levy_item"],
                r["levy_category_name"]): Decimal(r["amount"]) for r in unit_rows}  # fmt: skip
    assert by_line == dict(both)

    assert empty(unit, "persons", **person_form(person, period_from="2026-12",
                                                period_to="2026-12")) == "NOT_PAID"  # fmt: skip
    for wrong in ({"name": "王强"}, {"id_number": "E000000000000"}, {"id_type": "01"}):
        assert empty(unit, "persons", **{**person_form(person), **wrong}) == "NOT_REGISTERED"


def test_person_list_needs_every_field(unit: CollectUnit) -> None:
    person = unit.fee.records()[0]
    form = person_form(person)
    for field in ("name", "id_type", "id_number", "period_from", "period_to"):
        for value in (None, " "):
            params = {k: v for k, v in form.items() if k != field}
            if value is not None:
                params[field] = value
            response = fetch(unit, "persons", **params)
            assert response.status_code == 422, (field, value)
            assert error_of(response)["details"] == {"field": field}
    # With several missing, the first in the form's order is named.
    response = fetch(unit, "persons", period_from="2026-01")
    assert error_of(response) == {"code": "VALIDATION_ERROR", "message": "请填写姓名。",
                                  "details": {"field": "name"}}  # fmt: skip
    bad = fetch(unit, "persons", **{**form, "period_to": "2026/12"})
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"


def test_unit_list(backend: BackendServer, unit: CollectUnit) -> None:
    arrears = unit.arrears()
    assert empty(unit, "unit", **YEAR) == "NOT_PAID"
    paid = pay_months(backend, unit, {"2026-11"})
    assert empty(unit, "unit", **YEAR) == "NOT_STORED"
    backend.set_clock("2026-12-20 10:01:01")  # past the 60 s store delay
    unit.fee.relogin()
    rows, reason = listed(unit, "unit", **YEAR)
    assert reason is None
    order = [line["line_id"] for line in arrears if line in paid]
    assert [r["line_id"] for r in rows] == order  # the arrears order, only 入库 lines
    by_id = {line["line_id"]: line for line in paid}
    for r in rows:
        line = by_id[r["line_id"]]
        assert (r["unit_number"], r["levy_item"], r["amount"], r["tax_authority"]) == (
            line["unit_number"], line["levy_item"], line["amount"], line["tax_authority"]
        )  # fmt: skip
        assert (r["period_start"], r["period_end"], r["stored_on"]) == (
            "2026-11-01", "2026-11-30", "2026-12-20"
        )  # fmt: skip
        assert r["sub_item"] == "" and r["agency"] and r["levy_category_name"].endswith(")")
    assert sum(Decimal(r["amount"]) for r in rows) == sum(Decimal(x["amount"]) for x in paid)
    assert empty(unit, "unit", period_from="2026-12", period_to="2026-12") == "NOT_PAID"
    assert empty(unit, "unit", period_from="2025-01", period_to="2025-12") == "NOT_PAID"
    missing = fetch(unit, "unit", period_from="2026-01")
    assert missing.status_code == 422
    assert error_of(missing)["message"] == "请输入费款所属期起止。"


def test_resident_list_is_by_year(backend: BackendServer, http: httpx.Client) -> None:
    backend.set_processing_delay(0)
    fee = make_fee_unit(backend, http, kind="collector", residents=3, now=NOW)
    fee.declare([i["item_id"] for i in fee.items(state="初始")])
    unit = CollectUnit(fee)
    resident = fee.records()[0]
    assert empty(unit, "persons", **person_form(resident)) == "NOT_PAID"
    paid = pay_months(backend, unit, {line["period_start"] for line in unit.arrears()})
    backend.process_arrivals(unit.unit_id)
    rows, reason = listed(unit, "persons", **person_form(resident))
    assert reason is None and rows
    expected = sorted(
        (detail["period"][:4], line["levy_item"], detail["personal_amount"])
        for line in paid
        for detail in fee.lines(line["item_id"])
        if detail["id_number"] == resident["id_number"] and Decimal(detail["personal_amount"])
    )
    assert sorted((r["period"], r["levy_item"], r["amount"]) for r in rows) == expected
    assert {r["part"] for r in rows} == {"个人缴纳"}
    unit_rows, _ = listed(unit, "unit", **YEAR)
    assert {r["line_id"] for r in unit_rows} == {line["line_id"] for line in paid}
    assert empty(unit, "persons", **person_form(resident, period_from="2025-01",
                                                period_to="2025-12")) == "NOT_PAID"  # fmt: skip


def test_person_query_uses_indexes(tmp_path: Path) -> None:
    """One person's lines over years are read through indexes, never by scanning a table."""
    db = Database(tmp_path / "plan.sqlite3")
    db.create_schema()
    db.dispose()
    raw = sqlite3.connect(tmp_path / "plan.sqlite3")
    plan = " | ".join(
        str(row[3])
        for row in raw.execute(
            f"EXPLAIN QUERY PLAN {PERSON_ROWS}",
            ("单位缴纳", 0.0, "U000001", 1, "已缴费", "2016-01", "2026-12"),
        )
    )
    assert "ix_fee_item_lines_person" in plan and "ix_collect_lines_item" in plan, plan
    assert "SCAN" not in plan, plan
    person = " | ".join(
        str(row[3])
        for row in raw.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM employees WHERE unit_id = ? AND id_number = ?",
            ("U000001", "x"),
        )
    )
    assert "ix_employees_identity" in person, person
    raw.close()
