"""城乡居民缴费档次: the `resident_grades` rule file agrees with the amounts 核定 items are
made with, and the §3.4 query answers the 档次 open to one resident with `current`."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest

from tests.backend.conftest import error_of, login
from tests.backend.resident_unit import (
    ADULT,
    MINOR,
    PENSION,
    ResidentUnit,
    make_resident_unit,
    new_id_number,
    person,
    row,
)
from tests.support.backend import BackendServer

NOT_FOUND = (
    "未在本代收单位查询到该人员，请核对姓名、证件类型和证件号码，"
    "或先通过“外部参保城乡居民导入”添加。"
)


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


@pytest.mark.parametrize("region", ["440300", "510100"])
def test_rule_file_agrees_with_the_items(
    backend: BackendServer, http: httpx.Client, region: str
) -> None:
    (unit,) = backend.admin_get("units", kind="collector", region=region)[:1]
    headers = login(http, unit["unit_id"], unit["initial_password"])

    def content(code: str) -> dict:
        return http.get(f"/mgmt/rules/{code}", headers=headers).json()["content"]

    entries = content("resident_grades")["entries"]
    tiers = {
        e["code"][-2:]: Decimal(re.search(r"（(\d+)元）", e["name"]).group(1))  # type: ignore[union-attr]
        for e in content("levy_subcategories")["entries"]
        if e["parent"] == PENSION
    }
    medical = {e["levy_category"]: Decimal(e["amount"])
               for e in content("fee_rates")["resident_amounts"]}  # fmt: skip
    assert {e["year"] for e in entries} == set(range(2022, 2027))
    for year in range(2022, 2027):
        pension = [e for e in entries if e["year"] == year and e["levy_category"] == PENSION]
        assert {e["grade"]: Decimal(e["amount"]) for e in pension} == tiers
        assert {e["levy_item"] for e in pension} == {"10210"}
        assert pension[4]["name"] == "第五档"
        others = [e for e in entries if e["year"] == year and e["levy_category"] != PENSION]
        assert {e["levy_category"]: Decimal(e["amount"]) for e in others} == medical
        assert {(e["levy_item"], e["grade"]) for e in others} == {("10211", "01")}


def test_grades_of_a_resident_with_current(unit: ResidentUnit) -> None:
    a = unit.resident("王芳", (PENSION, ADULT))
    before = unit.grade_rows(a)
    amounts = {(e["levy_category"], e["grade"]): e["amount"]
               for e in unit.rule("resident_grades")["entries"] if e["year"] == 2026}  # fmt: skip
    assert [(r["levy_category"], r["grade"]) for r in before] == sorted(
        key for key in amounts if key[0] in (PENSION, ADULT)
    )
    assert all(r["amount"] == amounts[(r["levy_category"], r["grade"])] for r in before)
    assert not any(r["current"] for r in before)

    unit.declare_rows([row(a, PENSION, "05")])
    assert unit.declarations(category="self")[0]["status"] == "申报成功"
    after = unit.grade_rows(a)
    assert [(r["levy_category"], r["grade"]) for r in after if r["current"]] == [(PENSION, "05")]
    assert not any(r["current"] for r in unit.grade_rows(a, 2025))

    response = unit.grades(**person(a), year=2026)
    assert response.json()["person"] == {
        "name": "王芳", "id_type": "01", "id_number": a["id_number"],
        "person_number": "4401234567", "township": "福永街道", "village": "凤凰社区第1组",
    }  # fmt: skip
    # only the 征收品目 insured that year: a minor from 2027 has none in 2026
    later = unit.resident("李小明", (MINOR,), start="2027-01")
    assert unit.grade_rows(later) == []


def test_grades_refusals(unit: ResidentUnit) -> None:
    a = unit.resident("王芳")
    full = {**person(a), "year": "2026"}
    for missing, label in (("name", "姓名"), ("id_type", "证件类型"), ("id_number", "证件号码"),
                           ("year", "缴费年度")):  # fmt: skip
        response = unit.grades(**{k: v for k, v in full.items() if k != missing})
        assert response.status_code == 422
        assert error_of(response) == {"code": "VALIDATION_ERROR", "message": f"请填写{label}。",
                                      "details": {"field": missing}}  # fmt: skip
    # with two missing, the first is named
    assert error_of(unit.grades(year=2026, id_number=a["id_number"]))["details"] == {
        "field": "name"
    }
    early = unit.grades(**{**full, "year": "2019"})
    assert early.status_code == 422 and error_of(early)["details"]["field"] == "year"
    assert error_of(early)["message"] == (
        "缴费年度2019没有缴费档次，可查询的缴费年度为2022至2026年。"
    )
    for params in (
        {**full, "name": "王方"},  # another name
        {**full, "id_number": new_id_number()},  # nobody
        {**full, "id_type": "06"},  # another 证件类型 with the same number
    ):
        response = unit.grades(**params)
        assert response.status_code == 404, params
        assert error_of(response)["code"] == "PERSON_NOT_FOUND"
        assert error_of(response)["message"] == NOT_FOUND
