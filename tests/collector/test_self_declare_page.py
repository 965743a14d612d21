"""社保费代收代报（自主） page (pytest-qt) against the real backend, as a clerk walks it: an empty
list, 模板下载 and 导入文件 (a file with a bad row adds nothing, its error file; the corrected
file added), 单个添加 (基本信息 → 下一步 → 参保信息 with the 档次 → 保存并继续 → 保存), 按分组添加,
删除, 提交申报 (the question, the checks, the confirmation, the countdown) taking the rows away,
and the list there again when the page is opened anew."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from client.collector.self_declare_page import EMPTY, SelfDeclarePage
from client.collector.self_template import SHEET_TITLE
from client.groups.service import GroupService
from tests.collector.collector_pages import open_page, sheet_rows, shown, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.declaring import YEAR, insured_residents
from tests.collector.external_people import PENSION


def test_import_add_delete_submit(qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path,
                                  monkeypatch: Any) -> None:  # fmt: skip
    monkeypatch.setenv("SHEBAOFEI_FEEDBACK_DELAY_SECONDS", "0")
    cu = collector_unit
    page = open_page(qtbot, cu, SelfDeclarePage)
    prompts = page.prompts
    assert page.list.total == 0 and page.list.empty_text == EMPTY
    toolbar = {a.key: [c.key for c in a.children] for a in page.list.spec.actions}
    assert toolbar == {"import": ["import_template", "import_file"],
                       "add": ["add_single", "add_group"], "submit": [], "delete": []}  # fmt: skip
    pension = insured_residents(cu, PENSION)
    first, second, third = pension[:3]

    # 导入: 模板下载, a file with one bad row adds nothing, the corrected one is added
    template = page.download_template(str(tmp_path / "模板.xlsx"))
    assert template and "导入模板已下载" in prompts.last.text
    wb = load_workbook(template)
    wb[SHEET_TITLE].append([first["name"], "居民身份证", first["id_number"],
                            "城乡居民基本养老保险费", None, YEAR, "第三档"])  # fmt: skip
    wb[SHEET_TITLE].append([second["name"], "居民身份证", second["id_number"],
                            "城乡居民基本养老保险费", None, YEAR, "第十三档"])  # fmt: skip
    wb.save(template)
    flow = page.import_file(template)
    wait_ok(qtbot, flow.read_handle)
    preview = flow.preview
    assert preview.isVisible() and not preview.btn_confirm.isEnabled()
    assert "本次未导入任何数据" in preview.summary.text()
    errors = tmp_path / "错误.xlsx"
    preview.save_path_provider = lambda _name: str(errors)
    wait_ok(qtbot, preview.save_errors())
    _notes, (header, *bad) = sheet_rows(errors)
    assert header[-1] == "错误原因" and len(bad) == 1 and "第十三档" in bad[0][-1]
    preview.reject()
    assert page.drafts.count() == 0
    wb = load_workbook(errors)
    wb[SHEET_TITLE]["G3"] = "第二档"
    wb.save(errors)
    flow = page.import_file(str(errors))
    wait_ok(qtbot, flow.read_handle)
    assert flow.preview.btn_confirm.isEnabled()
    flow.preview.btn_confirm.click()
    wait_ok(qtbot, flow.apply_handle)
    assert prompts.last.text == "导入成功，已添加1条代收代报信息。"
    qtbot.waitUntil(lambda: page.list.total == 1)
    assert shown(page, 0, "name") == second["name"] and shown(page, 0, "grade_name") == "第二档"

    # 单个添加: 基本信息 → 下一步 → 参保信息 → 保存并继续, then 保存
    dialog = page.add_single()
    assert not dialog.btn_next.isEnabled()
    dialog.fill("别人", "01", first["id_number"], YEAR)
    assert not dialog.next_step() and "不一致" in dialog.label_error.text()
    dialog.fill(first["name"], "01", first["id_number"], YEAR)
    assert dialog.next_step() and dialog.steps.currentIndex() == 1
    assert first["name"] in dialog.label_person.text()
    categories = [i.levy_category for i in dialog.choices.items]
    for category in categories:
        if category != PENSION:
            dialog.set_ticked(category, False)
    dialog.set_grade(PENSION, None)
    assert dialog.save(True) == 0 and dialog.label_error.text().startswith("请为勾选的")
    dialog.set_grade(PENSION, "04")
    amount = next(g.amount for g in dialog.choices.items[categories.index(PENSION)].grades
                  if g.code == "04")  # fmt: skip
    headers = [dialog.table.horizontalHeaderItem(n).text() for n in range(7)]
    assert headers == ["", "征收项目", "征收品目", "征收子目", "缴费档次", "人员编号", "金额(元)"]
    assert dialog.table.item(categories.index(PENSION), 6).text() == f"{float(amount):,.2f}"
    assert dialog.save(True) == 1
    assert dialog.isVisible() and dialog.steps.currentIndex() == 0
    assert "请继续添加下一位居民" in dialog.label_error.text()
    dialog.fill(third["name"], "01", third["id_number"], YEAR)
    assert dialog.next_step()
    for category in [i.levy_category for i in dialog.choices.items if i.levy_category != PENSION]:
        dialog.set_ticked(category, False)
    assert dialog.save(False) == 1 and not dialog.isVisible()
    assert prompts.last.text == f"已添加{third['name']}的1条代收代报信息。"
    qtbot.waitUntil(lambda: page.list.total == 3)

    # 按分组添加
    groups = GroupService(cu.session.db)
    group = groups.create("三组")
    groups.assign([r["id"] for r in pension[3:6]], group.id)
    dialog = page.add_by_group()
    dialog.choose(group.id, "10210", YEAR, "01")
    wait_ok(qtbot, dialog.submit())
    assert not dialog.isVisible() and prompts.last.text.startswith("已添加3条数据")
    qtbot.waitUntil(lambda: page.list.total == 6)
    summary = dict(page.list.summary_items)
    assert summary["条数"] == "6"

    # 删除 the ticked row of the group
    page.list.set_checked(5)
    prompts.answer(True)
    page.list.trigger_action("delete")
    assert prompts.last.text == "已删除1条数据。"
    qtbot.waitUntil(lambda: page.list.total == 5)

    # 提交申报 of the first three rows: question, checks, confirmation, countdown
    for row in range(3):
        page.list.set_checked(row)
    ticked = page.checked_ids()
    opened: list[str] = []
    page.ctx.open_page = lambda key: opened.append(key)  # type: ignore[assignment,func-returns-value]
    prompts.answer(True, True)
    page.list.trigger_action("submit")
    qtbot.waitUntil(lambda: page.last_result is not None, timeout=30_000)
    assert [p.title for p in prompts.history[-2:]] == ["提交申报", "提交申报"]
    assert "共3条数据（3人）" in prompts.history[-1].text
    made = {d["declaration_id"] for d in page.last_result.declarations}
    on_server = cu.session.api.get_json(f"/mgmt/units/{cu.unit_id}/fee-declarations",
                                        category="self")["declarations"]  # fmt: skip
    assert made <= {d["declaration_id"] for d in on_server} and len(made) == 1
    qtbot.waitUntil(lambda: page.list.total == 2)
    assert not set(ticked) & {r["id"] for r in page.list.rows}
    qtbot.waitUntil(lambda: opened == ["fee_records"])  # the countdown (0 s here) leads there

    # nothing ticked, then the list is there when the page is opened again
    page.list.trigger_action("submit")
    assert prompts.last.text == "请先勾选需要提交申报的数据。"
    again = open_page(qtbot, cu, SelfDeclarePage)
    assert again.list.total == 2


def test_roster_export_as_template_imports_here(qtbot: Any, collector_unit: CollectorUnit,
                                                tmp_path: Path) -> None:  # fmt: skip
    """城乡居民参保信息更新 导出 按申报模板: the query's residents, a row per 征收品目 insured this
    year, imported on this page as they are."""
    from client.collector.resident_roster_page import ResidentRosterPage

    cu = collector_unit
    roster = open_page(qtbot, cu, ResidentRosterPage)
    qtbot.waitUntil(lambda: roster.list.total > 0)
    out = tmp_path / "按申报模板.xlsx"
    wait_ok(qtbot, roster.export_template(str(out)))
    assert roster.prompts.last.text.startswith("导出成功")
    with cu.session.db.engine.connect() as conn:
        expected = conn.exec_driver_sql(
            "SELECT count(DISTINCT resident_id || '/' || levy_category) FROM resident_items"
            " WHERE levy_item IN ('10210', '10211') AND (start_month IS NULL OR start_month <= ?)"
            " AND (end_month IS NULL OR end_month >= ?)", (f"{YEAR}-12", f"{YEAR}-01"),
        ).scalar_one()  # fmt: skip
    _notes, (header, *rows) = sheet_rows(out)
    assert header[:3] == ["姓名*", "证件类型*", "证件号码*"] and len(rows) == expected > 0
    page = open_page(qtbot, cu, SelfDeclarePage)
    flow = page.import_file(str(out))
    wait_ok(qtbot, flow.read_handle)
    result = flow.result
    blank = sum(1 for r in rows if not r[6])  # 档次 not clear from the registration
    assert (result.valid_count, result.error_count) == (len(rows) - blank, blank)
    assert {e.column for e in result.errors} <= {"缴费档次"}
    if result.importable:
        flow.preview.btn_confirm.click()
        wait_ok(qtbot, flow.apply_handle)
        qtbot.waitUntil(lambda: page.list.total == len(rows))


def test_the_menu_lists_the_page_after_the_status_query() -> None:
    from client.collector.module import DESCRIPTOR
    from client.modules import import_object

    keys = [getattr(e, "key", None) for e in DESCRIPTOR.menu]
    assert keys[keys.index("resident_statuses") + 1] == "self_declare"
    entry = DESCRIPTOR.entry("self_declare")
    assert entry is not None and entry.title == "社保费代收代报（自主）"
    assert import_object(entry.page) is SelfDeclarePage
    assert DESCRIPTOR.entry("fee_records") is not None  # where 提交申报's countdown leads
