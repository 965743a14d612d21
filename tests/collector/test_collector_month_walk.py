"""A village agent's month in one walk (issue 12's "Done when"), pytest-qt against the real
backend, on one 代收单位 and one local database: 城乡居民参保信息更新 (增量更新 after the
管理子系统 changed residents, then 导出), 外部参保城乡居民导入 (template import, the registered
person 正常参保), 社保费代收代报（自主） by import, by 单个添加 and by 按分组添加 and 提交申报,
社保费申报记录 (获取反馈, 同步, 查看 with 缴费人数 downloading the persons, 导出, 作废 and its
feedback) and 社保费申报明细查询 导出."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from client.collector.external import template_spec
from client.collector.external_page import ExternalResidentsPage
from client.collector.module import DESCRIPTOR
from client.collector.resident_roster_page import ResidentRosterPage
from client.collector.self_declare_page import SelfDeclarePage
from client.collector.self_template import SHEET_TITLE
from client.groups.service import GroupService
from client.ui.fees.query_pages import ResidentLinesQueryPage
from client.ui.fees.records_page import ResidentFeeRecordsPage
from tests.collector.collector_pages import open_page, sheet_rows, shown, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, insured_residents
from tests.collector.external_people import PENSION, registered


def test_an_agents_month(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SHEBAOFEI_FEEDBACK_DELAY_SECONDS", "0")
    cu = collector_unit
    keys = {e.key for e, _ in DESCRIPTOR.entries()}
    assert {"residents", "external_residents", "self_declare", "fee_records",
            "fee_lines_query"} <= keys  # fmt: skip

    # 城乡居民参保信息更新: 更新 (增量) brings the residents the 管理子系统 added, then 导出
    roster = open_page(qtbot, cu, ResidentRosterPage)
    before = cu.session.db.count("residents")
    added = cu.backend.mutate(cu.unit_id, "residents", add=3, seed=11)["added"]
    roster.ctx.ui.prompts.answer(False)
    roster.list.trigger_action("update_incremental")
    qtbot.waitUntil(lambda: roster.update_handle is not None and roster.update_handle.done,
                    timeout=30_000)  # fmt: skip
    assert roster.update_handle.error is None, roster.update_handle.error
    assert cu.session.db.count("residents") == before + len(added) == roster.list.total
    out = tmp_path / "居民.xlsx"
    roster.list.save_path_provider = lambda _name: str(out)
    roster.list.trigger_action("export_query")
    wait_ok(qtbot, roster.list.last_export)
    assert len(sheet_rows(out)[1]) == roster.list.total

    # 外部参保城乡居民导入: a registered person through the template is 正常参保
    external = open_page(qtbot, cu, ExternalResidentsPage)
    person = registered(cu.backend, "林秀英")
    template = external.download_template(str(tmp_path / "外部模板.xlsx"))
    wb = load_workbook(template)
    wb[template_spec().sheet_title].append([person["name"], "居民身份证", person["id_number"]])
    wb.save(template)
    flow = external.import_file(template)
    wait_ok(qtbot, flow.read_handle)
    flow.preview.btn_confirm.click()
    wait_ok(qtbot, flow.apply_handle)
    qtbot.waitUntil(lambda: external.list.total == 1)
    assert shown(external, 0, "status") == "正常参保"

    # 社保费代收代报（自主）: 导入 one row, 单个添加 one, 按分组添加 two, then 提交申报 of all four
    pension = insured_residents(cu, PENSION)
    first, second, *rest = pension
    declare = open_page(qtbot, cu, SelfDeclarePage)
    prompts = declare.prompts
    template = declare.download_template(str(tmp_path / "代收代报模板.xlsx"))
    wb = load_workbook(template)
    wb[SHEET_TITLE].append([first["name"], "居民身份证", first["id_number"],
                            "城乡居民基本养老保险费", None, YEAR, "第三档"])  # fmt: skip
    wb.save(template)
    flow = declare.import_file(template)
    wait_ok(qtbot, flow.read_handle)
    flow.preview.btn_confirm.click()
    wait_ok(qtbot, flow.apply_handle)
    qtbot.waitUntil(lambda: declare.list.total == 1)

    dialog = declare.add_single()
    dialog.fill(second["name"], "01", second["id_number"], YEAR)
    assert dialog.next_step()
    for category in [i.levy_category for i in dialog.choices.items if i.levy_category != PENSION]:
        dialog.set_ticked(category, False)
    dialog.set_grade(PENSION, "02")
    assert dialog.save(False) == 1
    qtbot.waitUntil(lambda: declare.list.total == 2)

    groups = GroupService(cu.session.db)
    group = groups.create("月度组")
    groups.assign([r["id"] for r in rest[:2]], group.id)
    dialog = declare.add_by_group()
    dialog.choose(group.id, "10210", YEAR, "01")
    wait_ok(qtbot, dialog.submit())
    qtbot.waitUntil(lambda: declare.list.total == 4)

    for row in range(4):
        declare.list.set_checked(row)
    opened: list[str] = []
    declare.ctx.open_page = lambda key: opened.append(key)  # type: ignore[assignment,func-returns-value]
    prompts.answer(True, True)
    declare.list.trigger_action("submit")
    qtbot.waitUntil(lambda: declare.last_result is not None, timeout=30_000)
    (made,) = declare.last_result.declarations
    declaration_id = made["declaration_id"]
    qtbot.waitUntil(lambda: declare.list.total == 0)
    qtbot.waitUntil(lambda: opened == ["fee_records"])

    # 社保费申报记录: 获取反馈 once the 征收子系统 processed it
    assert cu.backend.process_fee_declaration(cu.unit_id, declaration_id)["status"] == "申报成功"
    records = open_page(qtbot, cu, ResidentFeeRecordsPage)
    handle = records.fetch_feedback(explicit=True)
    if handle is None:  # the countdown after 提交申报 already brought the answer
        assert "没有需要获取反馈" in records.prompts.last.text
    else:
        wait_ok(qtbot, handle)

    def row_of() -> int:
        return next(
            i for i, r in enumerate(records.list.rows) if r["declaration_id"] == declaration_id
        )

    qtbot.waitUntil(lambda: shown(records, row_of(), "status") == "申报成功")
    assert shown(records, row_of(), "category") == "自主申报"

    # 同步 of this year brings the declarations of other channels beside it
    today = cu.app.local_today()
    wait_ok(qtbot, records.sync_range(date(today.year, 1, 1), today))
    assert shown(records, row_of(), "status") == "申报成功"

    # 查看: opens at once; clicking 缴费人数 downloads the four persons
    records.view(records.list.rows[row_of()])
    detail = records.detail
    assert detail is not None and detail.isVisible()
    items = detail.items_list
    row = next(i for i, r in enumerate(items.rows) if int(r["headcount"]))
    records.prompts.answer(True)
    items.click_cell(row, "headcount")
    wait_ok(qtbot, detail.handle)
    assert detail.lines_list is not None
    qtbot.waitUntil(lambda: detail.lines_list.total == 4)
    wanted = {first["id_number"], second["id_number"], *(r["id_number"] for r in rest[:2])}
    assert {r["id_number"] for r in detail.lines_list.rows} == wanted
    assert detail.tabs.currentWidget() is detail.lines_list
    items.click_cell(row, "headcount")  # a second click shows them without asking
    detail.close()

    # 导出 of the records list
    out = tmp_path / "申报记录.xlsx"
    records.list.save_path_provider = lambda _name: str(out)
    wait_ok(qtbot, records.list.export_all())
    header, data = sheet_rows(out)
    assert len(data) == records.list.total and "申报状态" in header

    # 社保费申报明细查询: the persons of successful declarations by 缴费年度, exported
    lines = open_page(qtbot, cu, ResidentLinesQueryPage)
    ids = lines.service.records.declarations_missing_lines(lines.CATEGORIES)
    if ids:
        wait_ok(qtbot, lines.download(ids))
    lines.list.set_condition("year", str(YEAR))
    lines.list.query()
    qtbot.waitUntil(lambda: lines.list.total > 0, timeout=20_000)
    out = tmp_path / "明细.xlsx"
    lines.list.save_path_provider = lambda _name: str(out)
    wait_ok(qtbot, lines.list.export_all())
    assert len(sheet_rows(out)[1]) == lines.list.total

    # 作废 of the unpaid 自主申报, then its feedback
    records.prompts.answer(True)
    wait_ok(qtbot, records.void(records.list.rows[row_of()]))
    if records.countdown is not None:
        records.countdown.close()
    cu.backend.process_fee_declaration(cu.unit_id, declaration_id)
    wait_ok(qtbot, records.fetch_feedback(explicit=True))
    qtbot.waitUntil(lambda: shown(records, row_of(), "status") == "已作废")
    assert [a.key for a in records.list.model.visible_actions(row_of())] == ["view"]
