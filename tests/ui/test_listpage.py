"""The shared list page over 25,000 generated rows, driven through its widgets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from sqlalchemy import Engine

from client.storage.listing import ROW_KEY
from client.storage.settings import AppSettings
from client.ui.listpage import (
    FUZZY_PLACEHOLDER,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPage,
    ListPageSpec,
    PageServices,
    RowAction,
    TextCondition,
    export_action,
)
from client.ui.prompts import PromptService
from tests.storage.test_listing import ROWS, people_source, person

pytestmark = pytest.mark.ui
EVERYONE = [person(i) for i in range(1, ROWS + 1)]
WANG = [p for p in EVERYONE if "王" in p["name"]]


class Clicks:
    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def handler(self, key: str) -> Any:
        return lambda page, row: self.seen.append((key, row))


def demo_spec(clicks: Clicks | None = None, source: Any = None, **kw: Any) -> ListPageSpec:
    clicks = clicks or Clicks()

    def summary(filters: Mapping[str, Any]) -> list[tuple[str, str]]:
        total = source.count(filters) if source else 0
        normal = source.count({**filters, "status": "正常缴费"}) if source else 0
        return [("职工总数", f"{total}人"), ("正常缴费", f"{normal}人")]

    return ListPageSpec(
        page_key="demo_people",
        title="职工参保信息更新",
        columns=[
            Column("name", "姓名"),
            Column("gender", "性别", width=60),
            Column("id_number", "证件号码", width=180),
            Column("status", "参保状态"),
            Column("base", "缴费基数（元）", kind="amount"),
            Column("start_month", "开始缴费月份", kind="month"),
            Column("updated_at", "更新时间", width=160, kind="datetime"),
        ],
        conditions=[
            TextCondition("name", "姓名"),
            TextCondition("id_number", "证件号码", placeholder=FUZZY_PLACEHOLDER),
            ComboCondition("status", "参保状态", ["正常缴费", "停止缴费"]),
            DateRangeCondition("updated", "更新时间"),
        ],
        actions=[export_action()],
        row_actions=[
            RowAction("view", "查看", clicks.handler("view")),
            RowAction(
                "edit", "编辑", clicks.handler("edit"), visible=lambda r: r["status"] == "正常缴费"
            ),
        ],
        summary=summary,
        **kw,
    )


@pytest.fixture
def make_page(qtbot: Any, services: PageServices, people_engine: Engine) -> Iterator[Any]:
    def make(clicks: Clicks | None = None, **kw: Any) -> ListPage:
        source = people_source(people_engine)
        page = ListPage(demo_spec(clicks, source, **kw), source, services)
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        qtbot.waitExposed(page)
        return page

    yield make


def shown(page: ListPage, row: int, key: str) -> str:
    return page.model.index(row, page.model.column_index(key)).data()


def text_of(page: ListPage, name: str) -> str:
    return page.findChild(QLabel, name).text()


def click(qtbot: Any, page: ListPage, name: str) -> None:
    button = page.findChild(QPushButton, name)
    assert button is not None and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_header(qtbot: Any, page: ListPage, key: str) -> None:
    header = page.table.horizontalHeader()
    index = page.model.column_index(key)
    x = header.sectionViewportPosition(index) + header.sectionSize(index) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_first_page_and_formats(make_page: Any) -> None:
    page = make_page()
    assert page.objectName() == "page_demo_people"
    assert page.model.rowCount() == 1000
    assert text_of(page, "label_total") == "共 25,000 条"
    assert text_of(page, "label_page") == "第 1/25 页"
    first = person(1)
    assert shown(page, 0, "name") == first["name"]
    assert shown(page, 0, "base") == f"{first['base']:,.2f}"
    assert shown(page, 0, "updated_at") == first["updated_at"]
    assert text_of(page, "label_summary") == "职工总数：25000人    正常缴费：16667人"
    assert not page.findChild(QPushButton, "pager_prev").isEnabled()


def test_next_last_first_page(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    click(qtbot, page, "pager_next")
    assert page.rows[0][ROW_KEY] == 1001
    assert text_of(page, "label_page") == "第 2/25 页"
    assert page.model.headerData(0, Qt.Orientation.Vertical) == "1001"
    click(qtbot, page, "pager_last")
    assert page.rows[0][ROW_KEY] == 24_001 and len(page.rows) == 1000
    assert not page.findChild(QPushButton, "pager_next").isEnabled()
    click(qtbot, page, "pager_prev")
    assert page.rows[0][ROW_KEY] == 23_001
    click(qtbot, page, "pager_first")
    assert page.rows[0][ROW_KEY] == 1


def test_page_size_is_one_saved_setting(make_page: Any, settings: AppSettings) -> None:
    page = make_page()
    combo = page.findChild(QComboBox, "combo_page_size")
    assert combo.currentData() == 1000
    combo.setCurrentIndex(combo.findData(5000))
    assert page.model.rowCount() == 5000
    assert text_of(page, "label_page") == "第 1/5 页"
    assert settings.page_size() == 5000
    again = make_page()
    assert again.findChild(QComboBox, "combo_page_size").currentData() == 5000
    assert again.model.rowCount() == 5000


def test_header_click_sorts_on_the_server(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    click_header(qtbot, page, "base")
    lowest = min(EVERYONE, key=lambda p: (p["base"], p["id"]))
    assert page.rows[0][ROW_KEY] == lowest["id"]
    click_header(qtbot, page, "base")
    highest = min(EVERYONE, key=lambda p: (-p["base"], p["id"]))
    assert page.rows[0][ROW_KEY] == highest["id"]
    assert page.sort == [("base", False)]
    click_header(qtbot, page, "_actions")  # not sortable: nothing changes
    assert page.sort == [("base", False)]
    assert page.rows[0][ROW_KEY] == highest["id"]


def test_ticks_survive_sorting(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    page.set_condition("name", "芳001")
    click(qtbot, page, "btn_query")
    assert 2 < page.total < 50
    for row in (0, 2):
        page.model.setData(
            page.model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
    ticked = {page.rows[0][ROW_KEY], page.rows[2][ROW_KEY]}
    click_header(qtbot, page, "base")
    click_header(qtbot, page, "base")
    now_checked = {r[ROW_KEY] for i, r in enumerate(page.rows) if page.model.is_checked(i)}
    assert now_checked == ticked
    assert page.rows[0][ROW_KEY] not in ticked or page.rows[2][ROW_KEY] not in ticked
    assert text_of(page, "label_checked") == "已勾选 2 条"
    assert {r[ROW_KEY] for r in page.checked_rows()} == ticked
    click(qtbot, page, "btn_query")  # a new query starts a new selection
    assert page.checked_keys() == []


def test_select_whole_page(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    qtbot.mouseClick(page.check_all, Qt.MouseButton.LeftButton)
    assert len(page.checked_keys()) == 1000
    assert text_of(page, "label_checked") == "已勾选 1,000 条"
    click(qtbot, page, "pager_next")
    assert page.check_all.checkState() == Qt.CheckState.Unchecked
    click_header(qtbot, page, "_check")  # the header's tick column selects the page too
    assert len(page.checked_keys()) == 2000


def test_query_filters_and_summary_then_reset(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    page.set_condition("name", "王")
    click(qtbot, page, "pager_next")  # not yet queried: paging keeps the old filters
    assert page.total == ROWS
    click(qtbot, page, "btn_query")
    assert page.total == len(WANG)
    assert text_of(page, "label_total") == f"共 {len(WANG):,} 条"
    assert all("王" in r["name"] for r in page.rows)
    normal = sum(p["status"] == "正常缴费" for p in WANG)
    assert page.summary_items == [("职工总数", f"{len(WANG)}人"), ("正常缴费", f"{normal}人")]
    assert page.page_index == 0
    click(qtbot, page, "btn_reset")
    assert page.condition_value("name") == ""
    assert page.total == ROWS
    assert page.summary_items[0] == ("职工总数", f"{ROWS}人")


def test_combo_and_date_conditions(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    combo = page.findChild(QComboBox, "cond_status")
    assert combo.currentText() == "全部"
    combo.setCurrentIndex(combo.findText("停止缴费"))
    page.set_condition("updated", ("2023-02-01", "2023-02-28"))
    click(qtbot, page, "btn_query")
    expected = [
        p for p in EVERYONE if p["status"] == "停止缴费" and p["updated_at"][:7] == "2023-02"
    ]
    assert page.total == len(expected) > 0
    click(qtbot, page, "btn_reset")
    assert page.condition_value("updated") == (None, None)
    assert page.condition_value("status") is None


def test_conditions_collapse_and_expand(qtbot: Any, make_page: Any) -> None:
    page = make_page()
    toggle = page.findChild(QPushButton, "btn_toggle_conditions")
    assert page.panel.isVisible() and toggle.text() == "收起查询条件"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not page.panel.isVisible() and toggle.text() == "展开查询条件"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert page.panel.isVisible() and toggle.text() == "收起查询条件"


def test_column_widths_survive_a_new_page(
    qtbot: Any, make_page: Any, settings: AppSettings
) -> None:
    page = make_page()
    assert page.column_width("id_number") == 180  # the spec's width at first
    header = page.table.horizontalHeader()
    header.resizeSection(page.model.column_index("name"), 217)
    header.resizeSection(page.model.column_index("gender"), 0)
    qtbot.waitUntil(lambda: settings.column_widths("demo_people").get("name") == 217)
    page.close()
    page.deleteLater()
    again = make_page()
    assert again.column_width("name") == 217
    assert again.column_width("gender") >= 30


def test_a_zero_width_in_settings_is_never_restored(make_page: Any, app_db: Any) -> None:
    app_db.set_setting("column_widths.demo_people", {"name": 0, "status": -10})
    page = make_page()
    assert page.column_width("name") >= 30
    assert page.column_width("status") >= 30


def test_row_actions_receive_their_row(qtbot: Any, make_page: Any) -> None:
    clicks = Clicks()
    page = make_page(clicks)
    page.trigger_row_action(5, "view")
    assert clicks.seen[-1] == ("view", page.rows[5])
    rect = page.row_action_rect(3, "edit")
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicks.seen[-1][0] == "edit" and clicks.seen[-1][1][ROW_KEY] == page.rows[3][ROW_KEY]
    assert shown(page, 2, "_actions") == "查看"  # id 3 stopped paying: no 编辑
    with pytest.raises(ValueError):
        page.trigger_row_action(2, "edit")
    assert len(clicks.seen) == 2


def excel_rows(path: Path) -> list[tuple[Any, ...]]:
    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.active.iter_rows(values_only=True))
    finally:
        wb.close()


def test_export_selected_rows(qtbot: Any, make_page: Any, tmp_path: Path) -> None:
    page = make_page()
    click_header(qtbot, page, "base")
    for row in (7, 0, 3):
        page.set_checked(row)
    target = tmp_path / "选中"
    asked: list[str] = []
    page.save_path_provider = lambda suggested: asked.append(suggested) or str(target)
    page.findChild(QAction, "action_export_selected").trigger()
    handle = page.last_export
    qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    assert handle.error is None and handle.result == 3
    assert asked[0].startswith("职工参保信息更新_选中_") and asked[0].endswith(".xlsx")
    rows = excel_rows(tmp_path / "选中.xlsx")
    assert list(rows[0]) == [c.title for c in page.spec.columns]
    for got, row in zip(rows[1:], (0, 3, 7), strict=True):  # in the table's order
        keys = [c.key for c in page.spec.columns]
        expected = [shown(page, row, k) for k in keys]
        assert [f"{v:,.2f}" if isinstance(v, float) else v for v in got] == expected
        assert isinstance(got[keys.index("id_number")], str)
    assert page.services.prompts.last.text == "导出成功，共导出 3 条数据。"


def test_export_all_rows_of_the_query(qtbot: Any, make_page: Any, tmp_path: Path) -> None:
    page = make_page()
    page.save_path_provider = lambda suggested: str(tmp_path / "all.xlsx")
    handle = page.export_all()
    qtbot.waitUntil(lambda: handle.done, timeout=60_000)
    assert handle.result == ROWS
    rows = excel_rows(tmp_path / "all.xlsx")
    assert len(rows) == ROWS + 1
    assert [r[2] for r in rows[1:]] == [p["id_number"] for p in EVERYONE]
    assert rows[1][4] == float(EVERYONE[0]["base"])

    page.set_condition("name", "王")
    page.query()
    page.save_path_provider = lambda suggested: str(tmp_path / "wang.xlsx")
    handle = page.export_all()
    qtbot.waitUntil(lambda: handle.done, timeout=60_000)
    wang = excel_rows(tmp_path / "wang.xlsx")
    assert [r[0] for r in wang[1:]] == [p["name"] for p in WANG]


def test_export_with_nothing_ticked_prompts(make_page: Any, prompts: PromptService) -> None:
    page = make_page()
    page.save_path_provider = lambda suggested: pytest.fail("must not ask for a file")
    page.trigger_action("export_selected")
    assert prompts.last is not None and prompts.last.text == "请先勾选需要导出的数据"
    assert page.export_selected() is None
    assert page.last_export is None


def test_cancelling_the_file_dialog_exports_nothing(make_page: Any, tmp_path: Path) -> None:
    page = make_page()
    page.save_path_provider = lambda suggested: None
    assert page.export_all() is None
    assert list(tmp_path.glob("*.xlsx")) == []


def test_empty_result_shows_the_placeholder(qtbot: Any, make_page: Any) -> None:
    page = make_page(empty_text="没有符合条件的职工")
    assert not page.placeholder_visible
    page.set_condition("name", "不存在的人")
    click(qtbot, page, "btn_query")
    assert page.model.rowCount() == 0 and page.total == 0
    assert page.placeholder_visible
    assert text_of(page, "label_empty") == "没有符合条件的职工"
    assert text_of(page, "label_total") == "共 0 条"
    click(qtbot, page, "btn_reset")
    assert not page.placeholder_visible


def test_async_queries_arrive_on_the_ui_thread(qtbot: Any, make_page: Any) -> None:
    page = make_page(async_queries=True)
    qtbot.waitUntil(lambda: page.total == ROWS, timeout=10_000)
    assert page.model.rowCount() == 1000
    with qtbot.waitSignal(page.query_finished, timeout=10_000):
        page.set_condition("name", "王")
        page.query()
    assert page.total == len(WANG)


def test_a_failing_source_shows_one_clear_error(
    qtbot: Any, services: PageServices, prompts: PromptService
) -> None:
    class Broken:
        def count(self, filters: Any) -> int:
            raise PermissionError("locked")

        def page(self, *args: Any) -> list[dict[str, Any]]:
            return []

        def rows(self, *args: Any) -> Iterator[dict[str, Any]]:
            return iter(())

    page = ListPage(demo_spec(), Broken(), services)
    qtbot.addWidget(page)
    assert prompts.last is not None and prompts.last.kind == "error"
    assert "权限" in prompts.last.text
    assert page.total == 0
