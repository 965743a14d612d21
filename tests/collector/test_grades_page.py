"""城乡居民缴费档次查询 page (pytest-qt) against the real backend: nothing on open; a missing
condition named; 查询 shows each 征收品目's 档次 with the declared one marked; a person who is
not a resident of the unit answered with the server's sentence and an empty list."""

from __future__ import annotations

from typing import Any

from client.collector.grades_page import EMPTY, ResidentGradesPage
from tests.collector.collector_pages import open_page, shown, wait
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents

PENSION = "102100001"


def ask(page: ResidentGradesPage, person: dict[str, Any], year: int = YEAR) -> None:
    for key in ("name", "id_type", "id_number"):
        page.list.set_condition(key, person[key])
    page.list.set_condition("year", year)
    page.list.query_clicked()


def test_query_grades_from_the_page(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, ResidentGradesPage)
    prompts = page.prompts
    assert page.list.total == 0 and page.list.empty_text == EMPTY and page.handle is None
    assert page.list.condition_value("year") == max(page.years)

    person = insured_residents(cu, PENSION)[0]
    ask(page, {**person, "name": ""})
    wait(qtbot, page.handle)
    assert prompts.last.text == "请填写姓名。" and page.list.total == 0

    declare(cu, [{**person, "levy_category": PENSION, "grade": "04"}])
    ask(page, person)
    wait(qtbot, page.handle)
    qtbot.waitUntil(lambda: page.list.total > 0)
    names = cu.app.app_db.code_table("levy_categories")
    pension = [i for i, r in enumerate(page.list.rows) if r["levy_category"] == PENSION]
    table = [e for e in cu.app.app_db.rule_file("resident_grades")["entries"]
             if e["year"] == YEAR and e["levy_category"] == PENSION]  # fmt: skip
    assert [shown(page, i, "name") for i in pension] == [e["name"] for e in table]
    assert shown(page, pension[0], "levy_category") == names[PENSION]
    assert shown(page, pension[0], "amount") == f"{float(table[0]['amount']):,.2f}"
    marked = [shown(page, i, "grade") for i in range(page.list.total)
              if shown(page, i, "current_mark") == "当前档次"]  # fmt: skip
    assert marked == ["04"]
    summary = dict(page.list.summary_items)
    assert summary["姓名"] == person["name"] and summary["缴费年度"] == str(YEAR)

    ask(page, {**person, "name": person["name"] + "某"})
    wait(qtbot, page.handle)
    assert prompts.last.text.startswith("未在本代收单位查询到该人员")
    qtbot.waitUntil(lambda: page.list.total == 0)
    assert page.list.summary_items == []
