"""城乡居民参保信息更新 page (pytest-qt) against a real backend: the menu entry, 更新 全量 then
增量 with 更新数据明细 and 更新数据导出, 统计 against SQL counts, 查看, 编辑, 信息维护 with its
preview, and 导出 按查询结果 read back."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from client.collector.module import DESCRIPTOR
from client.collector.resident_roster_page import ResidentRosterPage
from client.domain.pinyin import name_initials
from client.modules import MenuEntry
from client.roster.residents import MEDICAL, PENSION
from client.ui.context import UiServices
from client.ui.pages import PageContext
from client.ui.prompts import PromptService
from tests.collector.conftest import CollectorUnit


def open_page(qtbot: Any, env: CollectorUnit) -> ResidentRosterPage:
    ui = UiServices(env.app, PromptService.scripted(), show_delay_ms=0)
    widget = ResidentRosterPage(PageContext(ui, env.session, DESCRIPTOR, lambda key: None))
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def page(qtbot: Any, collector_unit: CollectorUnit) -> ResidentRosterPage:
    return open_page(qtbot, collector_unit)


def summary(page: ResidentRosterPage) -> dict[str, str]:
    return dict(page.list.summary_items)


def wait_update(qtbot: Any, page: ResidentRosterPage) -> None:
    qtbot.waitUntil(
        lambda: page.update_handle is not None and page.update_handle.done, timeout=20_000
    )
    assert page.update_handle.error is None, page.update_handle.error


def sheet_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    sheet = openpyxl.load_workbook(path).active
    header, *data = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    return header, data


def assert_sheet_matches_table(path: Path, lst: Any) -> None:
    """Every row of the (one-page) table and every column it shows, as the table shows it."""
    model = lst.model
    header, data = sheet_rows(path)
    assert len(data) == model.rowCount() == lst.total
    compared = 0
    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if title not in header:
            continue  # 操作 and tick columns are not exported
        at = header.index(title)
        for row, out in enumerate(data):
            shown = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
            assert out[at] == ("" if shown is None else str(shown)), (title, row)
        compared += 1
    assert compared >= 10, header


def sql_count(env: CollectorUnit, sql: str) -> int:
    with env.session.db.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_the_menu_opens_the_page_first() -> None:
    entry = DESCRIPTOR.menu[0]
    assert isinstance(entry, MenuEntry)
    assert (entry.key, entry.title) == ("residents", "城乡居民参保信息更新")
    module, name = entry.page.split(":")
    assert getattr(importlib.import_module(module), name) is ResidentRosterPage
    assert DESCRIPTOR.quick_buttons[0] == "residents"


def test_statistics_equal_the_sql_counts(
    page: ResidentRosterPage, collector_unit: CollectorUnit
) -> None:
    env = collector_unit

    def insured(item: str, where: str = "1") -> int:
        return sql_count(
            env,
            "SELECT count(*) FROM residents r WHERE " + where + " AND EXISTS (SELECT 1 FROM"
            f" resident_items i WHERE i.resident_id = r.id AND i.levy_item = '{item}')",
        )

    total = sql_count(env, "SELECT count(*) FROM residents")
    assert page.list.total == total == 40
    assert summary(page) == {
        "参保总数": f"{total}人",
        "医疗": f"{insured(MEDICAL)}人",
        "养老": f"{insured(PENSION)}人",
    }
    assert insured(PENSION) < total  # not everyone: the counts can tell 养老 from the total
    page.list.set_condition("insurance", PENSION)
    page.list.set_condition("status", "1")
    page.list.query()
    pension = insured(PENSION, "r.status = '1'")
    both = insured(MEDICAL, "r.status = '1' AND " + _has(PENSION))
    assert page.list.total == pension
    assert summary(page) == {
        "参保总数": f"{pension}人",
        "医疗": f"{both}人",
        "养老": f"{pension}人",
    }


def _has(item: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM resident_items j WHERE j.resident_id = r.id"
        f" AND j.levy_item = '{item}')"
    )


def test_pinyin_initials_in_the_name_box(page: ResidentRosterPage) -> None:
    everyone = list(page.list.source.rows({}, []))
    target = everyone[7]
    initials = name_initials(target["name"]).strip("|").split("|")[0]
    expected = {r["id"] for r in everyone if f"|{initials}" in name_initials(r["name"])}
    page.list.set_condition("name", initials.upper())  # typed in capitals: same result
    page.list.query()
    assert {r["id"] for r in page.list.rows} == expected
    assert target["id"] in expected
    assert summary(page)["参保总数"] == f"{len(expected)}人"


def test_full_then_incremental_update_with_the_change_details(
    qtbot: Any, page: ResidentRosterPage, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    env = collector_unit
    prompts = page.ctx.ui.prompts
    env.backend.mutate(env.unit_id, "residents", change=3, seed=5)
    prompts.answer(False)  # 否: just close
    page.list.trigger_action("update_full")
    wait_update(qtbot, page)
    assert page.last_result is not None and page.last_result.mode == "full"
    assert page.last_result.counts.changed == 3
    assert "本次共变更了3条城乡居民信息" in prompts.history[-1].text
    assert page.changes_dialog is None

    mutated = env.backend.mutate(env.unit_id, "residents", add=2, change=2, remove=1, seed=6)
    prompts.answer(True)  # 是: show 更新数据明细
    page.list.trigger_action("update_incremental")
    wait_update(qtbot, page)
    assert page.last_result.mode == "incremental"
    changed = len(set(mutated["changed"]) - set(mutated["removed"]))
    expected = len(mutated["added"]) + changed + len(mutated["removed"])
    assert f"本次共变更了{expected}条城乡居民信息" in prompts.history[-1].text
    dialog = page.changes_dialog
    assert dialog is not None
    shown = list(dialog.list.source.rows({}, []))
    assert {r["kind"] for r in shown} == {"added", "changed", "removed"}
    assert {r["record_id"] for r in shown if r["kind"] == "added"} == set(mutated["added"])
    assert page.list.total == env.session.db.count("residents") == 40 + 2 - 1

    # 更新数据明细 → 导出: the same records, one row each.
    path = tmp_path / "changes.xlsx"
    dialog.list.save_path_provider = lambda _s: str(path)
    handle = dialog.list.export_all()
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    assert handle.error is None, handle.error
    header, rows = sheet_rows(path)
    assert header[:3] == ["变更类型", "姓名", "证件号码"]
    assert sorted(r[2] for r in rows) == sorted(r["id_number"] for r in shown)

    # 更新数据导出 after a later update without changes: still that update's details.
    page.list.trigger_action("update_incremental")
    wait_update(qtbot, page)
    assert prompts.history[-1].text == "更新完成，本次没有城乡居民信息变更。"
    dialog.close()
    page.list.trigger_action("update_export")
    assert page.changes_dialog is not None and page.changes_dialog is not dialog
    assert page.changes_dialog.changes.run_id == dialog.changes.run_id


def test_update_export_before_any_change_says_so(qtbot: Any, make_collector: Any) -> None:
    env = make_collector(residents=5, sync=False)
    page = open_page(qtbot, env)
    assert page.list.total == 0
    assert page.list.empty_text == (
        "尚未下载城乡居民参保信息，请点击【更新】中的【全量更新】从管理子系统获取。"
    )
    page.list.trigger_action("update_export")
    assert page.ctx.ui.prompts.history[-1].text == (
        "还没有更新过城乡居民参保信息，请先点击【更新】。"
    )
    page.ctx.ui.prompts.answer(False)
    page.list.trigger_action("update_full")
    wait_update(qtbot, page)
    assert page.list.total == 5
    assert page.list.empty_text == "没有符合条件的城乡居民，请修改查询条件后再查询。"


def test_view_shows_everything_read_only(
    page: ResidentRosterPage, collector_unit: CollectorUnit
) -> None:
    records = collector_unit.backend.dump(collector_unit.unit_id, "residents")["records"]
    record = max(records, key=lambda r: (len(r[-1]), r[0]))  # the most 险种 (医疗、养老)
    index = next(i for i, r in enumerate(page.list.rows) if r["id"] == record[0])
    row = page.list.rows[index]
    page.list.trigger_row_action(index, "view")
    dialog = page.detail_dialog
    assert dialog is not None and dialog.objectName() == "dialog_resident_detail"
    assert dialog.windowTitle() == "城乡居民参保明细"
    assert dialog.field_text("姓名") == row["name"]
    assert dialog.field_text("乡镇街道") == row["township"]
    assert dialog.field_text("社区村组") == row["village"]
    levy_items = {item[1] for item in record[-1]}  # item_fields: person_number, levy_item…
    insured = [name for code, name in ((MEDICAL, "医疗"), (PENSION, "养老")) if code in levy_items]
    assert dialog.field_text("险种") == row["insurance"] == "、".join(insured)
    tables = dialog.visible_tables()
    assert len(dialog.table_texts(tables[0])) == len(record[-1])


def test_edit_saves_phone_group_and_remark(qtbot: Any, page: ResidentRosterPage) -> None:
    page.service.groups.ensure_paths([("二组", "老人")])
    page.refresh()
    row = page.list.rows[3]
    page.list.trigger_row_action(3, "edit")
    dialog = page.edit_dialog
    assert dialog is not None
    dialog.edit_phone.setText("1381234")  # too short: refused, the dialog stays
    dialog.btn_ok.click()
    assert "手机号码应为以1开头的11位数字" in page.ctx.ui.prompts.history[-1].text
    assert dialog.result() == 0 and page.fields.get(row["id"]).phone == (row["phone"] or "")
    dialog.edit_phone.setText("13812345678")
    dialog.choose_group("二组/老人")
    dialog.edit_remark.setText("每年三月上门")
    dialog.btn_ok.click()
    shown = next(r for r in page.list.rows if r["id"] == row["id"])
    assert (shown["phone"], shown["group_name"], shown["remark"]) == (
        "13812345678",
        "老人",
        "每年三月上门",
    )
    # 取消 keeps nothing.
    page.edit(row["id"])
    page.edit_dialog.edit_remark.setText("不保存")
    page.edit_dialog.btn_cancel.click()
    assert page.fields.get(row["id"]).remark == "每年三月上门"
    # The 分组 condition finds the resident through the parent group.
    parent = next(g for g in page.service.groups.flat() if g.path == "二组")
    page.list.set_condition("group", parent.id)
    page.list.query()
    assert [r["id"] for r in page.list.rows] == [row["id"]]


def test_info_maintenance_import_with_preview(
    qtbot: Any, page: ResidentRosterPage, tmp_path: Path
) -> None:
    page.service.groups.ensure_paths([("三组",)])
    page.refresh()
    page.list.set_condition("insurance", MEDICAL)
    page.list.query()
    path = tmp_path / "info.xlsx"
    handle = page.download_template(str(path))
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    assert handle.error is None, handle.error
    assert handle.result == page.list.total
    book = openpyxl.load_workbook(path)
    sheet = book.active
    targets = page.list.rows[:2]
    numbers = {t["id_number"]: t for t in targets}
    for excel_row in sheet.iter_rows(min_row=3):
        if excel_row[0].value in numbers:
            excel_row[2].value, excel_row[3].value = "三组", "15900001111"
            excel_row[4].value = "信息维护导入"
    sheet.append(["ABC", None, "三组", None, None])  # nobody of this unit
    book.save(path)

    flow = page.import_info(str(path))
    assert flow is not None
    qtbot.waitUntil(lambda: flow.read_handle.done, timeout=20_000)
    preview = flow.preview
    assert preview is not None
    assert preview.import_result.error_count == 1
    assert preview.import_result.valid_count == page.list.total
    assert "错误1行" in preview.summary.text()
    assert page.fields.get(targets[0]["id"]).remark == ""  # nothing before 确认
    preview.btn_confirm.click()
    qtbot.waitUntil(lambda: flow.apply_handle is not None and flow.apply_handle.done)
    assert flow.applied == page.list.total
    for target in targets:
        shown = next(r for r in page.list.rows if r["id"] == target["id"])
        assert (shown["group_name"], shown["phone"], shown["remark"]) == (
            "三组",
            "15900001111",
            "信息维护导入",
        )


def test_export_by_query_result(qtbot: Any, page: ResidentRosterPage, tmp_path: Path) -> None:
    assert [a.key for a in page.list.spec.find_action("export").children] == [
        "export_query",
        "export_template",  # 按申报模板: tests/collector/test_self_declare_page.py
    ]
    page.list.set_condition("insurance", PENSION)
    page.list.query()
    assert 0 < page.list.total < 40
    path = tmp_path / "query.xlsx"
    page.list.save_path_provider = lambda _s: str(path)
    page.list.trigger_action("export_query")
    handle = page.list.last_export
    assert handle is not None
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    assert handle.error is None, handle.error
    header, rows = sheet_rows(path)
    assert header[:4] == ["姓名", "性别", "证件类型", "证件号码"]
    assert "险种" in header and "手机号码" in header and "备注" in header
    assert all("养老" in r[header.index("险种")] for r in rows)
    assert_sheet_matches_table(path, page.list)
