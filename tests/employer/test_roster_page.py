"""职工参保信息更新 page (pytest-qt) against a real backend: filters, statistics, updates,
the change details, exports and the 查看 dialog."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from client.domain.pinyin import name_initials
from client.employer.module import DESCRIPTOR
from client.employer.roster_page import RosterPage
from client.ui.context import UiServices
from client.ui.pages import PageContext
from client.ui.prompts import PromptService
from tests.employer.conftest import EmployerEnv


@pytest.fixture
def page(qtbot: Any, employer_env: EmployerEnv) -> RosterPage:
    ui = UiServices(employer_env.app, PromptService.scripted(), show_delay_ms=0)
    ctx = PageContext(ui, employer_env.session, DESCRIPTOR, lambda key: None)
    widget = RosterPage(ctx)
    qtbot.addWidget(widget)
    return widget


def summary(page: RosterPage) -> dict[str, str]:
    return dict(page.list.summary_items)


def assert_sheet_matches_table(path: Path, lst: Any, only: list[int] | None = None) -> None:
    """The exported sheet holds the table's rows in the table's order (all on one page
    here), and every column the table shows has the same text in the sheet."""
    model = lst.model
    sheet = openpyxl.load_workbook(path).active
    header, *data = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    rows = only if only is not None else list(range(model.rowCount()))
    assert len(data) == len(rows) == (len(only) if only is not None else lst.total)
    compared = 0
    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if title not in header:
            continue  # 操作 and tick columns are not exported
        at = header.index(title)
        for out, row in zip(data, rows, strict=True):
            shown = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
            assert out[at] == ("" if shown is None else str(shown)), (title, row)
        compared += 1
    assert compared >= 3, header


def test_first_view_and_filters(page: RosterPage, employer_env: EmployerEnv) -> None:
    total = employer_env.session.db.count("employees")
    assert page.list.total == total
    assert summary(page)["职工总数"] == f"{total}人"
    first = page.list.rows[0]
    page.list.set_condition("id_number", first["id_number"])
    page.list.query()
    assert page.list.total == 1
    assert summary(page)["职工总数"] == "1人"
    assert page.list.rows[0]["name"] == first["name"]
    page.list.reset()
    assert page.list.total == total


def test_pinyin_initials_and_update_time_filters_on_the_page(
    backend: Any, page: RosterPage, employer_env: EmployerEnv
) -> None:
    everyone = list(page.list.source.rows({}, []))
    target = everyone[5]
    initials = name_initials(target["name"]).strip("|").split("|")[0]
    expected = {r["id"] for r in everyone if f"|{initials}" in name_initials(r["name"])}
    page.list.set_condition("name", initials.upper())  # typed in capitals: same result
    page.list.query()
    shown = {r["id"] for r in page.list.source.rows(page.list.filters, [])}
    assert target["id"] in shown and shown == expected
    assert summary(page)["职工总数"] == f"{len(expected)}人"

    # 更新时间: an employee changed on the server today is the only one in today's range
    # once 更新 has brought the change.
    page.list.reset()
    backend.mutate(employer_env.unit_id, "employees", change=1, seed=21)
    page.list.trigger_action("update")
    page.ctx.ui.prompts.answer(False)
    handle = page.update_handle
    assert handle is not None
    while not handle.done:
        QApplication.processEvents()
    changed = max(page.list.source.rows({}, []), key=lambda r: r["updated_at"])
    day = date.fromisoformat(str(changed["updated_at"])[:10])
    page.list.set_condition("updated", (day, day))
    page.list.query()
    in_range = list(page.list.source.rows(page.list.filters, []))
    assert changed["id"] in {r["id"] for r in in_range}
    assert all(str(r["updated_at"])[:10] == day.isoformat() for r in in_range)
    assert page.list.total == len(in_range) < len(everyone)


def test_update_shows_exactly_the_changed_employees(
    qtbot: Any, backend: Any, page: RosterPage, employer_env: EmployerEnv, tmp_path: Path
) -> None:
    mutated = backend.mutate(employer_env.unit_id, "employees", add=3, change=2, remove=2, seed=3)
    page.ctx.ui.prompts.answer(True)  # 是: show 更新数据明细
    page.list.trigger_action("update")
    qtbot.waitUntil(
        lambda: page.update_handle is not None and page.update_handle.done, timeout=20_000
    )
    assert page.last_result is not None and page.last_result.mode == "incremental"
    changed = len(set(mutated["changed"]) - set(mutated["removed"]))
    expected = len(mutated["added"]) + changed + len(mutated["removed"])
    assert f"本次共变更了{expected}条职工信息" in page.ctx.ui.prompts.history[-1].text
    dialog = page.changes_dialog
    assert dialog is not None
    shown = {(r["kind"], r["name"]) for r in dialog.list.source.rows({}, [])}
    assert len(shown) == expected
    assert {k for k, _ in shown} == {"added", "changed", "removed"}
    assert page.list.total == employer_env.session.db.count("employees")

    # 更新数据明细 → 导出: the same records, one row each.
    path = tmp_path / "changes.xlsx"
    dialog.list.save_path_provider = lambda _s: str(path)
    handle = dialog.list.export_all()
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    assert handle.error is None, handle.error
    assert_sheet_matches_table(path, dialog.list)


def test_update_without_changes_says_so(qtbot: Any, page: RosterPage) -> None:
    page.list.trigger_action("update")
    qtbot.waitUntil(
        lambda: page.update_handle is not None and page.update_handle.done, timeout=20_000
    )
    assert page.ctx.ui.prompts.history[-1].text == "更新完成，本次没有职工信息变更。"
    assert page.changes_dialog is None


def test_full_update(qtbot: Any, backend: Any, page: RosterPage, employer_env: EmployerEnv) -> None:
    backend.mutate(employer_env.unit_id, "employees", change=4, seed=11)
    page.ctx.ui.prompts.answer(False)  # 否: just close
    page.list.trigger_action("full_update")
    qtbot.waitUntil(
        lambda: page.update_handle is not None and page.update_handle.done, timeout=20_000
    )
    assert page.last_result.mode == "full"
    assert page.last_result.counts.changed == 4
    assert page.changes_dialog is None


def test_exports_match_the_table(qtbot: Any, page: RosterPage, tmp_path: Path) -> None:
    page.list.set_checked(0)
    page.list.set_checked(2)
    ticked = page.list.checked_rows()
    path = tmp_path / "selected.xlsx"
    page.list.save_path_provider = lambda _s: str(path)
    handle = page.list.export_selected()
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "性别", "证件类型", "证件号码")
    assert [r[3] for r in rows[1:]] == [t["id_number"] for t in ticked]
    assert_sheet_matches_table(path, page.list, only=[0, 2])

    path_all = tmp_path / "all.xlsx"
    page.list.save_path_provider = lambda _s: str(path_all)
    handle = page.list.export_all()
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    sheet = openpyxl.load_workbook(path_all).active
    all_rows = list(sheet.iter_rows(values_only=True))[1:]
    assert len(all_rows) == page.list.total
    first = page.list.rows[0]
    assert all_rows[0][0] == first["name"]
    assert all_rows[0][2] == page.service.id_type_name(first["id_type"])  # as shown
    assert_sheet_matches_table(path_all, page.list)  # every row and shown column


def test_view_dialog(qtbot: Any, backend: Any, page: RosterPage, employer_env: EmployerEnv) -> None:
    row = page.list.rows[0]
    page.list.trigger_row_action(0, "view")
    dialog = page.detail_dialog
    assert dialog is not None
    assert dialog.field_text("姓名") == row["name"]
    assert dialog.field_text("证件号码") == row["id_number"]
    tables = dialog.visible_tables()
    assert tables, "参保险种 table missing"
    record = next(
        r for r in backend.dump(employer_env.unit_id, "employees")["records"] if r[0] == row["id"]
    )
    numbers = {it[0] for it in record[-1]}
    first_number = sorted(numbers, key=lambda n: [it[0] for it in record[-1]].index(n))[0]
    shown = dialog.table_texts(tables[0])
    assert len(shown) == sum(1 for it in record[-1] if it[0] == first_number)


def test_edit_puts_an_employee_into_a_group_and_the_filter_finds_it(
    qtbot: Any, page: RosterPage
) -> None:
    service = page.service.groups
    service.ensure_paths([("行政部", "综合科"), ("生产部",)])
    page.refresh()  # the 分组 condition re-reads its options
    row = page.list.rows[1]
    dialog = page.edit(row["id"])
    dialog.choose("行政部/综合科")
    dialog.btn_ok.click()
    assert service.group_of(row["id"]).path == "行政部/综合科"
    parent = next(g for g in service.flat() if g.path == "行政部")
    page.list.set_condition("group", parent.id)  # a parent group includes its sub-groups
    page.list.query()
    assert [r["id"] for r in page.list.rows] == [row["id"]]
    assert page.list.rows[0]["group_name"] == "综合科"
    assert dict(page.list.summary_items)["职工总数"] == "1人"


def test_group_template_round_trip_from_the_roster(
    qtbot: Any, page: RosterPage, tmp_path: Path
) -> None:
    page.service.groups.ensure_paths([("生产部", "一车间")])
    template = page.download_group_template(str(tmp_path / "职工分组.xlsx"))
    assert template is not None
    book = openpyxl.load_workbook(template)
    sheet = next(ws for ws in book.worksheets if ws.sheet_state == "visible")
    people = page.list.rows[:3]
    for person in people:
        sheet.append([person["name"], None, person["id_number"], "生产部/一车间"])
    sheet.append(["不存在", None, "11010519491231002X", "生产部/一车间"])
    book.save(template)
    flow = page.import_groups(template)
    qtbot.waitUntil(lambda: flow.read_handle.done, timeout=20_000)
    assert flow.preview is not None
    assert flow.preview.import_result.valid_count == 3
    assert flow.preview.import_result.error_count == 1
    assert page.service.groups.group_of(people[0]["id"]) is None  # nothing before 确认
    flow.preview.btn_confirm.click()
    qtbot.waitUntil(lambda: page.service.groups.group_of(people[2]["id"]) is not None)
    assert all(page.service.groups.group_of(p["id"]).path == "生产部/一车间" for p in people)
