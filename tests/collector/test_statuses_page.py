"""城乡居民申报缴费状态查询（自主） page (pytest-qt) against the real backend: nothing before the
first 更新 (the page says so); 更新 asks first (slow, not to be run often), then downloads with
progress; the conditions filter it (the 社区村组 choices follow the 乡镇街道); 导出 writes what
the conditions select; a cancelled 更新 keeps the data and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client.collector.statuses_page import CANCELLED, NEVER, ResidentStatusesPage
from tests.collector.collector_pages import open_page, sheet_rows, wait, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents

PENSION = "102100001"


def test_update_filter_export(qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path) -> None:
    cu = collector_unit
    pension = insured_residents(cu, PENSION)
    declare(cu, [{**p, "levy_category": PENSION, "grade": "02"} for p in pension[:3]], pay=True)
    declare(cu, [{**p, "levy_category": PENSION, "grade": "02"} for p in pension[3:5]])
    page = open_page(qtbot, cu, ResidentStatusesPage)
    prompts = page.prompts
    assert page.list.condition_value("year") == YEAR
    qtbot.waitUntil(lambda: not page.list.loading)
    assert page.list.total == 0 and page.list.empty_text == NEVER.format(year=YEAR)

    prompts.answer(False)  # the warning first: 否 downloads nothing
    assert page.update() is None
    assert "耗时较长，不建议频繁更新" in prompts.last.text
    wait_ok(qtbot, page.update())
    assert prompts.last.text.startswith(f"更新完成，共获取{YEAR}年度")
    qtbot.waitUntil(lambda: page.list.total > 0 and not page.list.loading)
    total = page.list.total
    assert total == page.last_download.count
    summary = dict(page.list.summary_items)
    assert summary["已申报"] == "5条" and summary["已缴费"] == "3条"

    # 申报状态 已申报 + 缴费状态 未缴费: the two to 催收
    page.list.set_condition("levy_item", "10210")
    page.list.set_condition("declare_status", "已申报")
    page.list.set_condition("pay_status", "未缴费")
    page.list.query_clicked()
    qtbot.waitUntil(lambda: not page.list.loading and page.list.total == 2)
    assert {r["resident_id"] for r in page.list.rows} == {p["id"] for p in pension[3:5]}
    out = tmp_path / "催收.xlsx"
    page.list.save_path_provider = lambda _name: str(out)
    page.list.trigger_action("export")
    wait_ok(qtbot, page.list.last_export)
    header, data = sheet_rows(out)
    assert header[:3] == ["姓名", "证件类型", "证件号码"]
    assert sorted(r[2] for r in data) == sorted(p["id_number"] for p in pension[3:5])
    assert {(r[header.index("申报状态")], r[header.index("缴费状态")],
             r[header.index("缴费档次")]) for r in data} == {("已申报", "未缴费", "第二档")}  # fmt: skip

    # 乡镇街道 → its 社区村组 only
    page.list.reset()
    qtbot.waitUntil(lambda: not page.list.loading and page.list.total == total)
    first = pension[0]
    page.list.set_condition("township", first["township"])
    villages = page.list.panel.editor("village")
    shown_villages = {villages.itemText(i) for i in range(1, villages.count())}
    expected = {r["village"] for r in page.service.source().rows({"year": YEAR}, [])
                if r["township"] == first["township"]}  # fmt: skip
    assert shown_villages == expected
    page.list.set_condition("village", first["village"])
    page.list.set_condition("person", first["name"])
    page.list.query_clicked()
    qtbot.waitUntil(lambda: not page.list.loading)
    assert page.list.total >= 1
    assert {r["id_number"] for r in page.list.rows} >= {first["id_number"]}

    # a cancelled 更新 keeps what was there
    before = page.service.downloaded(YEAR)
    handle = page.update()
    handle.cancel()
    wait(qtbot, handle)
    assert handle.cancelled and prompts.last.text == CANCELLED
    assert page.service.downloaded(YEAR) == before
