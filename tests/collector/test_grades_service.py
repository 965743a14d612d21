"""城乡居民缴费档次查询 against the real backend: the 档次 of each 征收品目 a resident is insured
for, the declared one marked 当前档次, and every refusal as one sentence (checked here before
anything is sent, or the server's)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from client.collector.grades import CURRENT_MARK, ResidentGrades, grade_years
from client.collector.persons import PersonError
from client.sync.errors import ClientRequestError, NotFoundError
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents

PENSION = "102100001"


def test_grades_of_a_resident_and_the_declared_one(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    service = ResidentGrades(cu.session.api, cu.unit_id)
    person = insured_residents(cu, PENSION)[0]
    found = service.query(person["name"], "01", person["id_number"].lower(), str(YEAR))
    assert found.person["id_number"] == person["id_number"] and found.year == YEAR
    pension = [r for r in found.rows if r["levy_category"] == PENSION]
    table = [e for e in cu.app.app_db.rule_file("resident_grades")["entries"]
             if e["year"] == YEAR and e["levy_category"] == PENSION]  # fmt: skip
    assert [(r["grade"], r["name"], r["amount"]) for r in pension] == [
        (e["grade"], e["name"], e["amount"]) for e in table
    ]
    assert not any(r["current"] for r in found.rows)
    assert [r["row_key"] for r in found.rows] == list(range(len(found.rows)))

    chosen = pension[2]
    declare(cu, [{**person, "levy_category": PENSION, "grade": chosen["grade"]}])
    again = service.query(person["name"], "01", person["id_number"], YEAR)
    marked = [(r["levy_category"], r["grade"], r["current_mark"]) for r in again.current]
    assert marked == [(PENSION, chosen["grade"], CURRENT_MARK)]
    assert Decimal(again.current[0]["amount"]) == Decimal(chosen["amount"])


def test_refusals(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    service = ResidentGrades(cu.session.api, cu.unit_id)
    person = insured_residents(cu, PENSION)[0]
    calls: list[Any] = []
    get = service.api.get_json
    service.api.get_json = lambda *a, **k: calls.append(a) or get(*a, **k)  # type: ignore[method-assign]
    for args, message, field in (
        (("", "01", person["id_number"], YEAR), "请填写姓名。", "name"),
        ((person["name"], "", person["id_number"], YEAR), "请选择证件类型。", "id_type"),
        ((person["name"], "01", " ", YEAR), "请填写证件号码。", "id_number"),
        ((person["name"], "01", person["id_number"][:-1] + "Z", YEAR),
         "居民身份证号码前17位应为数字，最后一位为数字或X。", "id_number"),
        ((person["name"], "01", person["id_number"], None), "请选择缴费年度。", "year"),
    ):  # fmt: skip
        with pytest.raises(PersonError) as refused:
            service.query(*args)
        assert (refused.value.message, refused.value.field) == (message, field)
    assert calls == []  # nothing was sent for those
    with pytest.raises(NotFoundError) as missing:
        service.query(person["name"] + "某", "01", person["id_number"], YEAR)
    assert missing.value.message == (
        "未在本代收单位查询到该人员，请核对姓名、证件类型和证件号码，"
        "或先通过“外部参保城乡居民导入”添加。"
    )
    with pytest.raises(ClientRequestError, match="缴费年度2019没有缴费档次"):
        service.query(person["name"], "01", person["id_number"], 2019)


def test_years_come_from_the_rule_file(collector_unit: CollectorUnit) -> None:
    content = collector_unit.app.app_db.rule_file("resident_grades")
    years = sorted({e["year"] for e in content["entries"]}, reverse=True)
    assert grade_years(content, collector_unit.app.today) == years
    assert grade_years(None, collector_unit.app.today)[0] == collector_unit.app.today.year
