"""信息维护 of 外部参保城乡居民 (manual §3.3 五), the roster's template and preview: 下载导入模板
holds the 正常参保 people of the query, edited with openpyxl and imported with the preview; an
unlisted or 未参保 person is an error row (the error workbook says why) and nothing changes
before 确认; a list changed between the check and 确认 is refused whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from client.collector.external import (
    INFO_CHANGED,
    INFO_NOT_LISTED,
    INFO_UNREGISTERED,
    ExternalError,
    ExternalInfoPeople,
    ExternalResidents,
)
from client.collector.external_page import NO_REGISTERED_TO_MAINTAIN, ExternalResidentsPage
from client.collector.persons import Person
from client.roster.resident_import import (
    INFO_SPEC,
    apply_info,
    read_info_file,
    write_info_template,
)
from tests.collector.collector_pages import open_page, sheet_rows, wait_ok
from tests.collector.conftest import CollectorUnit
from tests.collector.external_people import new_id_number, registered, unregistered


def _person(p: dict[str, Any]) -> Person:
    return Person(p["name"], p["id_type"], p["id_number"])


def _stored(cu: CollectorUnit) -> dict[str, tuple[Any, ...]]:
    with cu.session.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, phone, group_id, remark FROM external_residents"
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_template_edit_import_with_preview(
    qtbot: Any, collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    page = open_page(qtbot, cu, ExternalResidentsPage)
    prompts = page.prompts
    first, second = registered(cu.backend, "赵一"), registered(cu.backend, "钱二")
    later = unregistered("孙三")
    page.service.add([_person(p) for p in (first, second, later)])
    page.service.groups.ensure_paths([("三组",)])
    group_id = page.service.groups.path_index()["三组"]
    page.refresh()
    qtbot.waitUntil(lambda: page.list.total == 3)
    assert [a.key for a in page.list.spec.find_action("maintain").children] == [
        "maintain_template",
        "maintain_import",
    ]

    # 未参保 only: nothing to maintain
    page.list.set_condition("status", "未参保")
    page.list.query_clicked()
    assert page.download_info_template(str(tmp_path / "none.xlsx")) is None
    assert prompts.last.text == NO_REGISTERED_TO_MAINTAIN
    page.list.reset()
    qtbot.waitUntil(lambda: page.list.total == 3)

    # 下载导入模板: the 正常参保 people, with what the client has of them
    path = tmp_path / "信息维护.xlsx"
    handle = page.download_info_template(str(path))
    wait_ok(qtbot, handle)
    assert handle.result == 2 and "2名正常参保的城乡居民" in prompts.last.text
    book = load_workbook(path)
    sheet = book[INFO_SPEC.sheet_title]
    header, *rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert header == ("证件号码*", "姓名", "分组", "手机号码", "备注")
    assert {r[0]: r[1] for r in rows} == {
        first["id_number"]: first["name"],
        second["id_number"]: second["name"],
    }

    # edit two rows, add an unlisted and a 未参保 one
    for excel_row in sheet.iter_rows(min_row=3):
        if excel_row[0].value == first["id_number"]:
            excel_row[2].value, excel_row[3].value = "三组", "15900001111"
            excel_row[4].value = "信息维护导入"
        elif excel_row[0].value == second["id_number"]:
            excel_row[4].value = "已电话通知"
    stranger = new_id_number()
    sheet.append([stranger, None, None, None, None])
    sheet.append([later["id_number"], later["name"], "三组", None, None])
    book.save(path)

    flow = page.import_info(str(path))
    wait_ok(qtbot, flow.read_handle)
    preview = flow.preview
    assert preview is not None and preview.isVisible()
    assert preview.summary.text().startswith("共4行，有效2行，错误2行。")
    errors = tmp_path / "错误.xlsx"
    preview.save_path_provider = lambda _name: str(errors)
    wait_ok(qtbot, preview.save_errors())
    _notes, (error_header, *bad) = sheet_rows(errors)
    assert error_header[-1] == "错误原因"
    assert sorted((r[0], r[-1]) for r in bad) == sorted(
        [
            (stranger, f"证件号码：{INFO_NOT_LISTED}"),
            (later["id_number"], f"证件号码：{INFO_UNREGISTERED}"),
        ]
    )
    assert _stored(cu)[first["name"]][2] is None  # nothing before 确认
    preview.btn_confirm.click()
    wait_ok(qtbot, flow.apply_handle)
    assert flow.applied == 2
    assert prompts.last.text == "导入成功，已更新2名城乡居民的分组、手机号码和备注。"
    qtbot.waitUntil(
        lambda: any(r["remark"] == "信息维护导入" for r in page.list.rows), timeout=10_000
    )
    shown = {r["name"]: (r["group_name"], r["phone"], r["remark"]) for r in page.list.rows}
    assert shown[first["name"]] == ("三组", "15900001111", "信息维护导入")
    assert shown[second["name"]][2] == "已电话通知"
    stored = _stored(cu)
    assert stored[first["name"]] == ("15900001111", group_id, "信息维护导入")
    assert stored[later["name"]] == (None, None, None)  # the 未参保 row changed nothing


def test_a_list_changed_before_confirm_changes_nothing(
    collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    page_people = ExternalInfoPeople(cu.session.db)
    first, second = registered(cu.backend, "李四"), registered(cu.backend, "周五")
    svc = ExternalResidents(cu.session.api, cu.session.db, cu.session.unit.unit_id)
    svc.add([_person(first), _person(second)])
    before = _stored(cu)
    book_path = tmp_path / "info.xlsx"
    assert write_info_template(page_people, book_path, svc.source(), {}) == 2
    book = load_workbook(book_path)
    sheet = book[INFO_SPEC.sheet_title]
    for excel_row in sheet.iter_rows(min_row=3):
        excel_row[3].value, excel_row[4].value = "13800001111", "改过"
    book.save(book_path)
    result = read_info_file(page_people, book_path)
    assert (result.valid_count, result.error_count) == (2, 0)

    # 周五 is 未参保 again before 确认: the whole import is refused
    with cu.session.db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE external_residents SET status = '未参保' WHERE id_number = ?",
            (second["id_number"],),
        )
    with pytest.raises(ExternalError) as refused:
        apply_info(page_people, result.valid)
    assert refused.value.message == INFO_CHANGED
    assert _stored(cu) == before
