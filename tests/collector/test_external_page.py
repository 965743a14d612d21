"""外部参保城乡居民导入 page (pytest-qt) against the real backend: empty on a new unit, 模板下载,
文件导入 with its preview and error file then the lookup, 添加 (确定 only when complete),
查看/编辑 for 正常参保 rows only, 更新参保状态 of a ticked 未参保 row after the registry gains
the person, 导出 按申报模板 (the 代收代报 template) and 按查询结果 read back, 删除 after
confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from client.collector.external import NOTHING_TICKED, template_spec
from client.collector.external_page import (
    EMPTY,
    NO_REGISTERED_TO_EXPORT,
    ExternalResidentsPage,
)
from client.collector.self_template import SHEET_TITLE as SELF_SHEET
from tests.collector.collector_pages import open_page, sheet_rows, shown, wait, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.external_people import MEDICAL, PENSION, registered, unregistered


def row_of(page: ExternalResidentsPage, name: str) -> int:
    return next(i for i, r in enumerate(page.list.rows) if r["name"] == name)


def test_import_add_view_edit_update_export_delete(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, ExternalResidentsPage)
    prompts = page.prompts
    assert page.list.total == 0 and page.list.empty_text == EMPTY

    # 导入 → 模板下载, filled as a clerk would, → 文件导入
    template = page.download_template(str(tmp_path / "模板.xlsx"))
    assert template and "导入模板已下载" in prompts.last.text
    known = registered(cu.backend, "黄桂兰")
    later = unregistered("马晓东")
    wb = load_workbook(template)
    sheet = wb[template_spec().sheet_title]
    for values in ([known["name"], "居民身份证", known["id_number"]],
                   [later["name"], "居民身份证", later["id_number"]],
                   ["错号", "居民身份证", "51010419800101001"]):  # fmt: skip
        sheet.append(values)
    wb.save(template)
    flow = page.import_file(template)
    wait_ok(qtbot, flow.read_handle)
    preview = flow.preview
    assert preview is not None and preview.isVisible()
    assert preview.summary.text().startswith("共3行，有效2行，错误1行。")
    errors = tmp_path / "错误.xlsx"
    preview.save_path_provider = lambda _name: str(errors)
    wait_ok(qtbot, preview.save_errors())
    _notes, (header, *bad) = sheet_rows(errors)
    assert header == ["姓名*", "证件类型*", "证件号码*", "错误原因"]
    assert bad == [["错号", "居民身份证", "51010419800101001",
                    "证件号码：居民身份证号码应为18位，当前为17位。"]]  # fmt: skip
    assert page.list.total == 0  # nothing until confirmed
    preview.btn_confirm.click()
    wait_ok(qtbot, flow.apply_handle)
    assert prompts.last.text.startswith("已添加2人，其中正常参保1人，未参保1人。")
    qtbot.waitUntil(lambda: page.list.total == 2)
    assert dict(page.list.summary_items) == {"人数": "2人", "正常参保": "1人", "未参保": "1人"}
    known_row = row_of(page, known["name"])
    assert shown(page, known_row, "status") == "正常参保"
    assert shown(page, known_row, "township") == "金牛街道"
    assert shown(page, row_of(page, later["name"]), "status") == "未参保"

    # 查看 and 编辑 only where 正常参保
    visible = {a.key for a in page.list.model.visible_actions(row_of(page, later["name"]))}
    assert visible == set()
    page.list.trigger_row_action(known_row, "view")
    detail = page.dialog
    assert detail.field_text("证件号码") == known["id_number"]
    assert detail.field_text("登记状态") == "正常参保"
    names = cu.app.app_db.code_table("levy_categories")
    items = detail.table_texts(detail.visible_tables()[0])
    assert sorted(r[2] for r in items) == sorted(names[c] for c in (PENSION, MEDICAL))
    detail.close()
    page.list.trigger_row_action(known_row, "edit")
    edit = page.dialog
    edit.edit_phone.setText("1391234567")
    edit.btn_ok.click()
    assert edit.isVisible() and edit.label_error.text().startswith("手机号码应为以1开头的11位数字")
    edit.edit_phone.setText("13912345678")
    edit.edit_remark.setPlainText("村委会代缴")
    edit.btn_ok.click()
    assert not edit.isVisible()
    qtbot.waitUntil(lambda: shown(page, row_of(page, known["name"]), "phone") == "13912345678")
    assert shown(page, row_of(page, known["name"]), "remark") == "村委会代缴"

    # 添加: 确定 lights up only when every starred field is filled
    dialog = page.add()
    assert not dialog.btn_ok.isEnabled()
    third = registered(cu.backend, "杨志刚", (PENSION,))
    dialog.edit_name.setText(third["name"])
    assert not dialog.btn_ok.isEnabled()
    dialog.edit_id_number.setText(third["id_number"][:-1])
    assert dialog.btn_ok.isEnabled()
    wait(qtbot, dialog.submit())
    assert dialog.isVisible() and "18位" in dialog.label_error.text()
    dialog.edit_id_number.setText(third["id_number"])
    wait_ok(qtbot, dialog.submit())
    assert not dialog.isVisible() and "正常参保1人" in prompts.last.text
    qtbot.waitUntil(lambda: page.list.total == 3)

    # 更新参保状态: nothing ticked, then the 未参保 one after the registry gains them
    page.list.trigger_action("update_status")
    assert prompts.last.text == NOTHING_TICKED
    cu.backend.add_external_registry("510100", [{**later, "levy_categories": [PENSION]}])
    page.list.set_checked(row_of(page, later["name"]))
    page.list.trigger_action("update_status")
    wait_ok(qtbot, page.handle)
    assert prompts.last.text.startswith("已更新1人的参保状态：1人为正常参保（马晓东）")
    qtbot.waitUntil(lambda: shown(page, row_of(page, later["name"]), "status") == "正常参保")

    # 导出 → 按申报模板: the 正常参保 ones of the query, a row per 征收品目 of the year
    page.list.set_condition("status", "未参保")
    page.list.query_clicked()
    qtbot.waitUntil(lambda: page.list.total == 0)
    assert page.export_template() is None and prompts.last.text == NO_REGISTERED_TO_EXPORT
    page.list.reset()
    qtbot.waitUntil(lambda: page.list.total == 3)
    page.list.save_path_provider = lambda _name: str(tmp_path / "按申报模板")
    wait_ok(qtbot, page.export_template())
    assert prompts.last.text.startswith("导出成功，共3位正常参保的城乡居民，4行")
    names = cu.app.app_db.code_table("levy_categories")
    items = cu.app.app_db.code_table("levy_items")
    sheet = load_workbook(tmp_path / "按申报模板.xlsx")[SELF_SHEET]
    assert sorted(tuple(c.value for c in r) for r in sheet.iter_rows(min_row=3)) == sorted(
        (p["name"], "居民身份证", p["id_number"], items[category[:5]], names[category],
         "2026", "第一档")
        for p, category in ((known, PENSION), (known, MEDICAL), (later, PENSION),
                            (third, PENSION))
    )  # fmt: skip

    # 导出 → 按查询结果, with a condition
    page.list.set_condition("name", "黄")
    page.list.query_clicked()
    qtbot.waitUntil(lambda: page.list.total == 1)
    out = tmp_path / "导出.xlsx"
    page.list.save_path_provider = lambda _name: str(out)
    page.list.trigger_action("export_query")
    wait_ok(qtbot, page.list.last_export)
    header, data = sheet_rows(out)
    assert header[:5] == ["姓名", "性别", "证件类型", "证件号码", "登记状态"]
    assert [(r[0], r[3], r[4], r[header.index("手机号码")]) for r in data] == [
        (known["name"], known["id_number"], "正常参保", "13912345678")
    ]

    # 删除 the ticked ones, after the question
    page.list.reset()
    qtbot.waitUntil(lambda: page.list.total == 3)
    page.list.set_checked(row_of(page, third["name"]))
    prompts.answer(False)
    page.delete()
    assert "确定删除勾选的1位城乡居民吗" in prompts.last.text and page.list.total == 3
    page.delete()
    wait_ok(qtbot, page.handle)
    assert prompts.last.text == "删除成功，共删除1人。"
    qtbot.waitUntil(lambda: page.list.total == 2)
    assert third["name"] not in {r["name"] for r in page.list.rows}


def test_the_three_pages_follow_the_roster_in_the_menu() -> None:
    from client.collector.grades_page import ResidentGradesPage
    from client.collector.module import DESCRIPTOR
    from client.collector.statuses_page import ResidentStatusesPage
    from client.modules import import_object

    keys = [getattr(e, "key", None) for e in DESCRIPTOR.menu]
    mine = ["external_residents", "resident_grades", "resident_statuses"]
    start = keys.index("external_residents")
    assert keys[start - 1 : start + 3] == ["residents", *mine]
    pages = [import_object(DESCRIPTOR.entry(k).page) for k in mine]  # type: ignore[union-attr]
    assert pages == [ExternalResidentsPage, ResidentGradesPage, ResidentStatusesPage]
    assert [DESCRIPTOR.entry(k).title for k in mine] == [  # type: ignore[union-attr]
        "外部参保城乡居民导入", "城乡居民缴费档次查询", "城乡居民申报缴费状态查询（自主）",
    ]  # fmt: skip
