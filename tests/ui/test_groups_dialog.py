"""分组管理 window, the import preview and 编辑人员信息's 分组, offscreen with scripted prompts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import insert

from client.app_context import AppContext
from client.domain.ids import identity_check_digit
from client.groups.imports import GROUP_TREE_SPEC, assignment_spec, write_assignment_template
from client.groups.service import GroupService
from client.storage.unit_db import UnitDatabase
from client.storage.unit_models import Employee
from client.ui.context import UiServices
from client.ui.groups.assign import start_assignment_import
from client.ui.groups.dialog import AssignGroupDialog, GroupManagerDialog
from client.ui.import_flow import ImportFlow
from client.ui.prompts import PromptService

pytestmark = pytest.mark.ui


@pytest.fixture
def db(tmp_path: Path) -> Iterator[UnitDatabase]:
    database = UnitDatabase(tmp_path / "unit.sqlite3", tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def ui(prompts: PromptService) -> UiServices:
    # The group windows use only the prompts and the job runner, not the app context.
    return UiServices(cast(AppContext, None), prompts, show_delay_ms=60_000)


@pytest.fixture
def dialog(qtbot: Any, ui: UiServices, db: UnitDatabase) -> GroupManagerDialog:
    window = GroupManagerDialog(ui, db)
    qtbot.addWidget(window)
    return window


def paths(db: UnitDatabase) -> list[str]:
    return [n.path for n in GroupService(db).flat()]


def action_button(dialog: GroupManagerDialog, key: int, name: str) -> QPushButton:
    box = dialog.tree.itemWidget(dialog.items[key], 2)
    found = box.findChild(QPushButton, name)
    assert found is not None
    return found


def key_of(dialog: GroupManagerDialog, path: str) -> int:
    item = dialog.item_by_path(path)
    assert item is not None
    return dialog._key(item)


def build_three_levels(dialog: GroupManagerDialog) -> None:
    top = dialog.add_root("行政部")
    assert top is not None
    second = dialog.add_child(top, "综合科")
    assert second is not None
    assert dialog.add_child(second, "档案组") is not None


def test_build_tree_fourth_level_refused(
    dialog: GroupManagerDialog, prompts: PromptService
) -> None:
    assert dialog.objectName() == "dialog_groups"
    build_three_levels(dialog)
    level3 = key_of(dialog, "行政部/综合科/档案组")
    assert action_button(dialog, level3, "btn_group_add_child").isHidden()
    assert not action_button(
        dialog, key_of(dialog, "行政部/综合科"), "btn_group_add_child"
    ).isHidden()
    assert dialog.add_child(level3, "第四级") is None
    assert prompts.last is not None and "分组最多为3级" in prompts.last.text
    assert dialog.status.text() == prompts.last.text
    assert len(dialog.items) == 3
    assert dialog.items[level3].text(1) == "未保存"


def test_new_group_button_names_and_sibling_duplicates(
    dialog: GroupManagerDialog, prompts: PromptService, db: UnitDatabase
) -> None:
    dialog.btn_new.click()
    dialog.btn_new.click()
    assert [dialog.items[k].text(0) for k in dialog.draft.roots] == ["新建分组", "新建分组2"]
    assert dialog.add_root("新建分组") is None
    assert "相同层级的分组名称不可重复" in prompts.last.text  # type: ignore[union-attr]
    # Renaming in place to a sibling's name, or to nothing, is refused and reverted.
    second = dialog.draft.roots[1]
    assert not dialog.rename(second, "新建分组")
    assert dialog.items[second].text(0) == "新建分组2"
    assert not dialog.rename(second, "  ")
    assert "不能为空" in prompts.last.text  # type: ignore[union-attr]
    assert dialog.rename(second, "生产部")
    assert dialog.items[second].text(0) == "生产部"
    assert paths(db) == []  # nothing saved yet


def test_save_persists_and_shows_saved_time(dialog: GroupManagerDialog, db: UnitDatabase) -> None:
    build_three_levels(dialog)
    dialog.btn_save.click()
    assert paths(db) == ["行政部", "行政部/综合科", "行政部/综合科/档案组"]
    assert dialog.status.text() == "保存成功。"
    saved = dialog.items[key_of(dialog, "行政部")].text(1)
    assert len(saved) == 19 and saved[4] == "-"
    assert not dialog.draft.dirty
    # A rename is shown as changed until saved.
    top = key_of(dialog, "行政部")
    dialog.rename(top, "办公室")
    assert dialog.items[top].text(1) == "已修改，未保存"
    assert dialog.save()
    assert paths(db)[0] == "办公室"


def test_delete_asks_and_cascades(
    dialog: GroupManagerDialog, prompts: PromptService, db: UnitDatabase
) -> None:
    build_three_levels(dialog)
    dialog.add_root("生产部")
    dialog.save()
    service = GroupService(db)
    service.assign([1], service.path_index()["行政部/综合科/档案组"])
    top = key_of(dialog, "行政部")

    prompts.answer(False)
    action_button(dialog, top, "btn_group_delete").click()
    assert prompts.last is not None and prompts.last.kind == "confirm"
    assert "其下的2个子分组也会一并删除" in prompts.last.text
    assert len(dialog.items) == 4  # 否: nothing removed

    prompts.answer(True)
    assert dialog.delete(top) == 3
    assert [dialog.items[k].text(0) for k in dialog.draft.roots] == ["生产部"]
    assert len(paths(db)) == 4  # staged until 保存
    dialog.save()
    assert paths(db) == ["生产部"]
    assert service.group_of(1) is None


def test_close_with_unsaved_edits_asks(dialog: GroupManagerDialog, prompts: PromptService) -> None:
    dialog.show()
    dialog.add_root("行政部")
    prompts.answer(False)
    dialog.btn_close.click()
    assert dialog.isVisible()
    assert "未保存的修改" in prompts.last.text  # type: ignore[union-attr]
    prompts.answer(True)
    dialog.btn_close.click()
    assert not dialog.isVisible()


def fill(path: Path, sheet: str, rows: list[list[Any]]) -> Path:
    wb = load_workbook(path)
    for row in rows:
        wb[sheet].append(row)
    wb.save(path)
    return path


def wait_read(qtbot: Any, flow: ImportFlow[Any] | None) -> ImportFlow[Any]:
    assert flow is not None and flow.read_handle is not None
    qtbot.waitUntil(lambda: flow.read_handle.done, timeout=10_000)  # type: ignore[union-attr]
    return flow


def test_import_preview_applies_only_confirmed_valid_rows(
    qtbot: Any, dialog: GroupManagerDialog, prompts: PromptService, db: UnitDatabase, tmp_path: Path
) -> None:
    template = dialog.download_template(str(tmp_path / "分组模板.xlsx"))
    assert template is not None
    fill(
        Path(template),
        GROUP_TREE_SPEC.sheet_title,
        [["行政部", "综合科"], [None, "二级"], ["生产部"]],
    )

    flow = wait_read(qtbot, dialog.import_file(template))
    preview = flow.preview
    assert preview is not None and preview.isVisible()
    assert preview.summary.text().startswith("共3行，有效2行，错误1行。")
    assert preview.model.rowCount() == 1
    assert preview.model.index(0, 0).data() == "第4行"
    assert preview.model.index(0, 1).data() == "一级分组"
    assert preview.model.index(0, 2).data() == "必填，不能为空。"
    assert preview.btn_confirm.isEnabled()

    errors_file = tmp_path / "错误.xlsx"
    preview.save_path_provider = lambda name: str(errors_file)
    handle = preview.save_errors()
    assert handle is not None
    qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert load_workbook(errors_file)["分组"]["D3"].value == "一级分组：必填，不能为空。"

    preview.btn_cancel.click()
    assert paths(db) == [] and flow.apply_handle is None  # 取消: nothing applied

    flow = wait_read(qtbot, dialog.import_file(template))
    assert flow.preview is not None
    flow.preview.btn_confirm.click()
    qtbot.waitUntil(lambda: flow.apply_handle is not None and flow.apply_handle.done)
    assert paths(db) == ["行政部", "行政部/综合科", "生产部"]
    assert prompts.last.text == "导入成功，新增3个分组。"  # type: ignore[union-attr]
    assert [dialog.items[k].text(0) for k in dialog.draft.roots] == ["行政部", "生产部"]


def test_import_of_a_wrong_file_is_refused_whole(
    qtbot: Any, dialog: GroupManagerDialog, prompts: PromptService, tmp_path: Path, db: UnitDatabase
) -> None:
    other = tmp_path / "职工分组.xlsx"
    write_assignment_template(other)
    flow = wait_read(qtbot, dialog.import_file(str(other)))
    assert flow.preview is None
    assert prompts.last is not None and prompts.last.kind == "error"
    assert "不是《批量导入分组》模板" in prompts.last.text
    text_file = tmp_path / "分组.xlsx"
    text_file.write_text("行政部\n", encoding="utf-8")
    wait_read(qtbot, dialog.import_file(str(text_file)))
    assert "内容不是Excel工作簿" in prompts.last.text
    assert paths(db) == []


def test_import_saves_pending_edits_first(
    qtbot: Any, dialog: GroupManagerDialog, prompts: PromptService, db: UnitDatabase, tmp_path: Path
) -> None:
    dialog.add_root("行政部")
    prompts.answer(False)
    assert dialog.import_file(str(tmp_path / "x.xlsx")) is None
    assert paths(db) == []
    template = dialog.download_template(str(tmp_path / "t.xlsx"))
    fill(Path(template or ""), GROUP_TREE_SPEC.sheet_title, [["行政部", "综合科"]])
    prompts.answer(True)
    flow = wait_read(qtbot, dialog.import_file(template))
    assert paths(db) == ["行政部"]  # saved before reading
    assert flow.preview is not None and flow.preview.import_result.valid_count == 1


# -- 编辑人员信息 / 批量编辑职工分组导入 ---------------------------------------------------------
def add_employee(db: UnitDatabase, record_id: int, name: str, serial: int) -> str:
    first17 = f"11010519900101{serial:03d}"
    number = first17 + identity_check_digit(first17)
    with db.write() as conn:
        conn.execute(
            insert(Employee).values(
                id=record_id, seq=1, name=name, gender="男", id_type="01", id_number=number,
                status="1", updated_at="2026-11-01 08:00:00",
            )
        )  # fmt: skip
    return number


def test_assign_group_dialog(qtbot: Any, ui: UiServices, db: UnitDatabase) -> None:
    service = GroupService(db)
    service.ensure_paths([("行政部", "综合科"), ("生产部",)])
    add_employee(db, 7, "张三", 1)
    dialog = AssignGroupDialog(ui, service, 7)
    qtbot.addWidget(dialog)
    name_label = dialog.findChild(QLabel, "label_assign_name")
    assert name_label is not None and name_label.text() == "张三"
    items = [dialog.combo.itemText(i) for i in range(dialog.combo.count())]
    assert items == ["无分组", "行政部", "行政部/综合科", "生产部"]
    assert dialog.combo.currentText() == "无分组"
    dialog.choose("行政部/综合科")
    dialog.btn_cancel.click()
    assert service.group_of(7) is None  # 取消 keeps nothing

    dialog = AssignGroupDialog(ui, service, 7)
    qtbot.addWidget(dialog)
    dialog.choose("行政部/综合科")
    dialog.btn_ok.click()
    assert dialog.result() == 1
    assert service.group_of(7).path == "行政部/综合科"  # type: ignore[union-attr]

    dialog = AssignGroupDialog(ui, service, 7)
    qtbot.addWidget(dialog)
    assert dialog.combo.currentText() == "行政部/综合科"  # the current group is preselected
    dialog.choose(None)
    dialog.btn_ok.click()
    assert service.group_of(7) is None


def test_assignment_import_flow(
    qtbot: Any, ui: UiServices, prompts: PromptService, db: UnitDatabase, tmp_path: Path
) -> None:
    service = GroupService(db)
    service.ensure_paths([("行政部",)])
    number = add_employee(db, 1, "张三", 1)
    template = tmp_path / "职工分组.xlsx"
    write_assignment_template(template)
    fill(
        template,
        assignment_spec().sheet_title,
        [["张三", None, number, "行政部"], ["李四", None, "X", "行政部"]],
    )
    applied: list[int] = []
    flow = wait_read(
        qtbot, start_assignment_import(ui, None, db, path=str(template), on_applied=applied.append)
    )
    assert flow.preview is not None
    assert flow.preview.summary.text().startswith("共2行，有效1行，错误1行。")
    assert service.group_of(1) is None
    flow.preview.btn_confirm.click()
    qtbot.waitUntil(lambda: bool(applied))
    assert applied == [1]
    assert service.group_of(1).path == "行政部"  # type: ignore[union-attr]
    assert prompts.last.text == "导入成功，已为1名职工设置分组。"  # type: ignore[union-attr]


def test_preview_without_valid_rows_cannot_confirm_and_cancelled_read_shows_nothing(
    qtbot: Any, dialog: GroupManagerDialog, prompts: PromptService, db: UnitDatabase, tmp_path: Path
) -> None:
    template = dialog.download_template(str(tmp_path / "t.xlsx"))
    fill(Path(template or ""), GROUP_TREE_SPEC.sheet_title, [[None, "二级"], ["甲/乙"]])
    flow = wait_read(qtbot, dialog.import_file(template))
    assert flow.preview is not None
    assert flow.preview.summary.text().startswith("共2行，有效0行，错误2行。没有可以导入的数据")
    assert not flow.preview.btn_confirm.isEnabled()
    assert flow.preview.btn_save_errors.isEnabled()
    flow.preview.reject()

    count = len(prompts.history)
    cancelled = dialog.import_file(template)
    assert cancelled is not None and cancelled.read_handle is not None
    cancelled.read_handle.cancel()  # 取消 on the progress dialog
    qtbot.waitUntil(lambda: cancelled.read_handle.done)  # type: ignore[union-attr]
    assert cancelled.read_handle.cancelled and cancelled.preview is None
    assert len(prompts.history) == count  # no error shown for a cancel
    assert paths(db) == []
