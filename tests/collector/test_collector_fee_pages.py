"""The 代收单位's 社保费申报 pages that share the employer's machinery, against the real backend:
社保费代收代报（核定） declares the 核定信息 (03) items; 社保费申报记录 syncs them as 核定申报 beside
自主申报 ones (the persons a 自主申报 left out shown as 失败原因); 社保费申报明细查询 finds the
persons by 乡镇街道 and 缴费年度; 首页 待办 points at the collector's own pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from client.collector.module import DESCRIPTOR
from client.collector.reminders import resident_alerts, resident_todos
from client.collector.self_declare import SelfDrafts
from client.fees.reminders import fee_todos
from client.fees.rules import INITIAL, SUCCEEDED
from client.ui.fees.declare_page import ResidentVerifiedFeePage
from client.ui.fees.query_pages import ResidentLinesQueryPage
from client.ui.fees.records_page import ResidentFeeRecordsPage
from tests.collector.collector_pages import open_page, shown, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, insured_residents

PENSION = "102100001"


def test_verified_records_and_lines(qtbot: Any, collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    assert DESCRIPTOR.entry("fee_verified") and DESCRIPTOR.entry("fee_records")
    # 社保费代收代报（核定）: the 核定信息 on opening, then 提交申报 of every box
    verified = open_page(qtbot, cu, ResidentVerifiedFeePage)
    wait_ok(qtbot, verified.handle)
    assert verified.list.spec.title == "社保费代收代报（核定）"
    assert verified.list.total > 0
    todos = [t.text for t in fee_todos(cu.session)]
    assert any("核定信息待申报" in t for t in todos)
    assert all(DESCRIPTOR.entry(t.entry_key) for t in fee_todos(cu.session))
    # first a 自主申报 (the 核定 declaration would make the person 该年度已申报): one good row and one outsider (not this agent's resident)
    person = insured_residents(cu, PENSION)[0]
    grade = next(e["grade"] for e in cu.app.app_db.rule_file("resident_grades")["entries"]
                 if e["year"] == YEAR and e["levy_category"] == PENSION)  # fmt: skip
    rows = [{"name": person["name"], "id_type": "01", "id_number": person["id_number"],
             "levy_item": "10210", "levy_category": PENSION, "year": YEAR, "grade": grade},
            {"name": "外来人", "id_type": "01", "id_number": "11010519491231002X",
             "levy_item": "10210", "levy_category": PENSION, "year": YEAR, "grade": grade}]  # fmt: skip
    made = cu.session.api.post_json(f"/mgmt/units/{cu.unit_id}/resident-declarations",
                                    {"rows": rows})  # fmt: skip
    self_id = made["declarations"][0]["declaration_id"]
    cu.backend.process_fee_declaration(cu.unit_id, self_id)

    with cu.session.db.engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT item_id FROM fee_items WHERE state = ? AND category = 'daily'", (INITIAL,))]  # fmt: skip
    service = verified.scope.declarations
    result = service.submit(service.plan(verified.page, ids))
    for d in result.declarations:
        assert cu.backend.process_fee_declaration(cu.unit_id, d["declaration_id"])["status"] == (
            SUCCEEDED
        )
    # 社保费申报记录: 同步 brings both kinds with the collector's 申报类型
    records = open_page(qtbot, cu, ResidentFeeRecordsPage)
    today = cu.app.local_today()
    wait_ok(qtbot, records.sync_range(date(today.year, 1, 1), today))
    kinds = {shown(records, i, "category") for i in range(records.list.total)}
    assert {"核定申报", "自主申报"} <= kinds
    row = next(i for i, r in enumerate(records.list.rows) if r["declaration_id"] == self_id)
    assert shown(records, row, "status") == "申报成功"
    reason = shown(records, row, "reason")
    assert "11010519491231002X" in reason and "不在本代收单位管辖范围内" in reason

    # 首页 异常提醒: the 自主申报 that left a person out
    alerts = resident_alerts(cu.session)
    assert [a.entry_key for a in alerts] == ["fee_records"] and "未通过校验" in alerts[0].text
    # 首页 待办: unsubmitted 代收代报（自主） rows
    assert resident_todos(cu.session) == []
    drafts = SelfDrafts(cu.app.app_db, cu.session.db, cu.app.local_today())
    second = insured_residents(cu, PENSION)[1]
    drafts.add_single(drafts.choices(second["name"], "01", second["id_number"], YEAR),
                      {PENSION: grade})  # fmt: skip
    (todo,) = resident_todos(cu.session)
    assert todo.entry_key == "self_declare" and "1条数据尚未提交申报" in todo.text

    # 获取反馈 with nothing waiting says so; 作废 of the unpaid 自主申报, then its feedback
    assert records.fetch_feedback(explicit=True) is None
    assert "没有需要获取反馈" in records.prompts.last.text
    records.prompts.answer(True)
    wait_ok(qtbot, records.void(records.list.rows[row]))
    records.countdown.close()
    cu.backend.process_fee_declaration(cu.unit_id, self_id)
    wait_ok(qtbot, records.fetch_feedback(explicit=True))
    row = next(i for i, r in enumerate(records.list.rows) if r["declaration_id"] == self_id)
    assert shown(records, row, "status") == "已作废"
    assert "1笔作废成功" in records.prompts.last.text

    # 社保费申报明细查询: download the persons, then find them by 乡镇街道 and 缴费年度
    lines = open_page(qtbot, cu, ResidentLinesQueryPage)
    ids = lines.service.records.declarations_missing_lines(lines.CATEGORIES)
    assert ids and self_id not in ids  # the voided 自主申报 is no longer a successful one
    wait_ok(qtbot, lines.download(ids))
    lines.list.set_condition("township", person["township"])
    lines.list.set_condition("year", str(YEAR))
    lines.list.query()
    qtbot.waitUntil(lambda: lines.list.total > 0, timeout=20_000)
    found = list(lines.list.source.rows(lines.list.filters, []))
    assert found and all(r["township"] == person["township"] for r in found)
    assert person["id_number"] in {r["id_number"] for r in found}
    assert all(r["period"].startswith(str(YEAR)) for r in found)


def test_unit_insurance_of_the_agent(qtbot: Any, collector_unit: CollectorUnit) -> None:
    """查询统计-单位参保信息查询 (§3.16): 更新 brings the agent's own 参保登记."""
    from client.employer.insurance_page import UnitInsurancePage

    cu = collector_unit
    assert DESCRIPTOR.entry("unit_insurance") is not None
    page = open_page(qtbot, cu, UnitInsurancePage)
    page.update_data()
    wait_ok(qtbot, page.update_handle)
    qtbot.waitUntil(lambda: page.list_page.total == 4, timeout=20_000)
    categories = sorted(r["levy_category"] for r in page.list_page.rows)
    assert categories == ["102100001", "102110001", "102110002", "102110003"]
