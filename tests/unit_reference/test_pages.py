"""单位参保信息查询, 工程项目参保信息查询 and 单位信息 pages against the real mock backend."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton  # noqa: E402

from client.app_context import AppContext, UnitSession  # noqa: E402
from client.employer.insurance_page import UnitInsurancePage  # noqa: E402
from client.employer.module import DESCRIPTOR  # noqa: E402
from client.employer.projects_page import ProjectsPage  # noqa: E402
from client.jobs import JobContext  # noqa: E402
from client.storage.app_db import RegionChoice  # noqa: E402
from client.sync.reference import sync_rule_files  # noqa: E402
from client.ui.context import UiServices  # noqa: E402
from client.ui.listpage import format_amount  # noqa: E402
from client.ui.pages import PageContext  # noqa: E402
from client.ui.prompts import PromptService  # noqa: E402
from client.unit_reference import service  # noqa: E402
from client.unit_reference.pages import ReferenceListPage  # noqa: E402
from client.unit_reference.service import LevyNames  # noqa: E402
from client.unit_reference.unit_info_page import FORM_ROWS, UnitInfoPage  # noqa: E402

pytestmark = pytest.mark.ui
MGMT = "/mgmt/units"
JOB_TIMEOUT = 20_000

MakeCtx = Callable[..., PageContext]


@pytest.fixture
def make_ctx(qtbot: Any, backend: Any, tmp_path: Path) -> Iterator[MakeCtx]:
    """A logged-in employer unit of its own, as the main window would hand it to a page."""
    opened: list[AppContext] = []

    def make(projects: int = 4, rules: bool = True) -> PageContext:
        created = backend.admin_post(
            "taxpayers",
            {"kind": "employer", "region": "440300", "units": 1, "employees_per_unit": 3,
             "projects_per_unit": projects},
        )  # fmt: skip
        unit = created["units"][0]
        app = AppContext.open(str(tmp_path / f"client{len(opened)}"), backend.url)
        opened.append(app)
        region = app.app_db.choose_region(RegionChoice("440300", "深圳市", "税务自主", True, True))
        api = app.api()
        login = api.login(unit["unit_id"], unit["initial_password"])
        registered = app.app_db.add_unit(
            kind="employer",
            unit_id=unit["unit_id"],
            taxpayer_id=created["taxpayer_id"],
            taxpayer_name=login.unit.taxpayer_name,
            tax_authority=login.unit.tax_authority,
            tax_section=login.unit.tax_section,
        )
        if rules:
            sync_rule_files(api, app.app_db, JobContext())
        app.session = UnitSession(registered, api, app.app_db.open_unit_db(registered), region)
        ui = UiServices(app, PromptService.scripted(), show_delay_ms=0)
        return PageContext(ui, app.session, DESCRIPTOR, lambda key: None)

    yield make
    for app in opened:
        app.close()


def server(ctx: PageContext, path: str) -> Any:
    return ctx.session.api.get_json(f"{MGMT}/{ctx.session.unit.unit_id}/{path}")


def show(qtbot: Any, page: Any) -> Any:
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


def click_update(qtbot: Any, page: Any, name: str = "btn_update") -> None:
    button = page.findChild(QPushButton, name)
    assert button is not None and button.text() == "更新"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.update_handle is not None and page.update_handle.done, timeout=JOB_TIMEOUT
    )
    assert page.update_handle.error is None


def table(page: ReferenceListPage) -> list[list[str]]:
    model = page.list_page.model
    return [
        [model.index(row, col).data() for col in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def column(page: ReferenceListPage, key: str) -> list[str]:
    model = page.list_page.model
    return [model.index(r, model.column_index(key)).data() for r in range(model.rowCount())]


def query(page: ReferenceListPage, **conditions: Any) -> None:
    page.list_page.reset()
    for key, value in conditions.items():
        page.list_page.set_condition(key, value)
    page.list_page.query()


def export(qtbot: Any, page: ReferenceListPage, target: Path) -> list[list[Any]]:
    page.list_page.save_path_provider = lambda suggested: str(target)
    page.list_page.trigger_action("export")
    handle = page.list_page.last_export
    assert handle is not None
    qtbot.waitUntil(lambda: handle.done, timeout=JOB_TIMEOUT)
    assert handle.error is None
    workbook = load_workbook(target, read_only=True)
    rows = [
        ["" if v is None else v for v in r] for r in workbook.active.iter_rows(values_only=True)
    ]
    workbook.close()
    return rows


def test_insurance_page_update_filters_and_export(
    qtbot: Any, make_ctx: MakeCtx, tmp_path: Path
) -> None:
    ctx = make_ctx()
    page = show(qtbot, UnitInsurancePage(ctx))
    assert page.objectName() == "page_unit_insurance"
    assert page.list_page.total == 0 and page.list_page.placeholder_visible
    assert page.list_page.empty_text == "尚未下载单位参保信息，请点击【更新】从管理子系统获取。"
    assert [a.title for a in page.list_page.spec.actions] == ["更新", "导出"]
    assert [c.title for c in page.list_page.spec.columns] == [
        "单位编号", "社保经办机构", "征收项目", "征收品目", "征收子目", "参保日期", "终止日期",
        "参保状态", "单位费率", "个人费率", "主管税务机关",
    ]  # fmt: skip

    click_update(qtbot, page)
    records = server(ctx, "insurance")["records"]
    assert page.list_page.total == len(records) > 0
    assert ctx.ui.prompts.last.text == f"单位参保信息更新完成，共获取{len(records)}条记录。"
    names = LevyNames(ctx.ui.app.app_db)
    first = page.list_page.rows[0]
    shown = dict(zip(page.list_page.model.keys, table(page)[0], strict=True))
    assert shown["levy_item"] == names.levy_item(first["levy_item"]) != ""
    assert shown["levy_category"] == names.levy_category(first["levy_category"]) != ""
    assert shown["unit_rate"] == service.format_rate(first["unit_rate"])
    assert shown["unit_rate"].endswith("%")
    assert not page.hint.isVisible()

    query(page, status="正常")
    expected = sum(1 for r in records if r[7] == "正常")
    assert page.list_page.total == expected and set(column(page, "status")) <= {"正常"}
    item = records[0][2]
    query(page, levy_item=item)
    assert page.list_page.total == sum(1 for r in records if r[2] == item)
    assert set(column(page, "levy_item")) == {names.levy_item(item)}
    query(page, unit_number="no-such-number")
    assert page.list_page.total == 0 and page.list_page.placeholder_visible
    assert page.list_page.empty_text == "没有符合查询条件的单位参保信息。"

    query(page)
    rows = export(qtbot, page, tmp_path / "insurance.xlsx")
    assert rows[0] == [c.title for c in page.list_page.spec.columns]
    assert rows[1:] == table(page)


def test_insurance_page_loads_the_local_copy_and_hints_at_rule_files(
    qtbot: Any, make_ctx: MakeCtx
) -> None:
    ctx = make_ctx(rules=False)
    session = ctx.session
    service.sync_unit_reference(session.api, session.db, session.unit.unit_id, JobContext())
    page = show(qtbot, UnitInsurancePage(ctx))
    assert page.list_page.total == len(server(ctx, "insurance")["records"])  # no 更新 needed
    assert page.hint.isVisible() and "规则文件不正确" in page.hint.text()
    assert set(column(page, "levy_category")) == {""}  # 征收品目不显示
    sync_rule_files(session.api, ctx.ui.app.app_db, JobContext())
    page.refresh()  # the tab is shown again after 规则文件更新
    assert not page.hint.isVisible() and "" not in column(page, "levy_category")


def test_projects_page_update_filters_export_and_widths(
    qtbot: Any, make_ctx: MakeCtx, tmp_path: Path
) -> None:
    ctx = make_ctx(projects=4)
    page = show(qtbot, ProjectsPage(ctx))
    assert page.objectName() == "page_projects"
    assert page.list_page.empty_text == "尚未下载工程项目参保信息，请点击【更新】从管理子系统获取。"
    assert [c.title for c in page.list_page.spec.columns] == [
        "工程项目编号", "工程项目名称", "项目地址", "工程合同价(元)", "开工日期", "竣工日期",
        "单位编号", "社保经办机构", "征收项目", "项目状态", "登记日期",
    ]  # fmt: skip
    click_update(qtbot, page)
    records = server(ctx, "projects")["records"]
    assert page.list_page.total == len(records) == 4
    assert ctx.ui.prompts.last.text == "工程项目参保信息更新完成，共获取4条记录。"
    by_number = {r[0]: r for r in records}
    for row in page.list_page.rows:
        assert [row[k] for k in service.PROJECTS_LAYOUT.field_names] == by_number[row["_key"]]
    amounts = column(page, "contract_amount")
    assert amounts == [format_amount(r["contract_amount"]) for r in page.list_page.rows]

    target = records[0]
    query(page, project_number=target[0])
    assert column(page, "project_number") == [target[0]]
    fragment = target[1][1:4]
    query(page, project_name=fragment)
    assert set(column(page, "project_number")) == {r[0] for r in records if fragment in r[1]}
    query(page, status=target[9])
    assert set(column(page, "project_number")) == {r[0] for r in records if r[9] == target[9]}

    query(page)
    rows = export(qtbot, page, tmp_path / "projects.xlsx")
    assert rows[0] == [c.title for c in page.list_page.spec.columns]
    amount_at = page.list_page.model.column_index("contract_amount")
    exported = [
        [format_amount(v) if i == amount_at else v for i, v in enumerate(r)] for r in rows[1:]
    ]
    assert exported == table(page)

    header = page.list_page.table.horizontalHeader()
    header.resizeSection(page.list_page.model.column_index("project_name"), 333)
    page.list_page.save_column_widths()
    again = show(qtbot, ProjectsPage(ctx))
    assert again.list_page.column_width("project_name") == 333


def test_projects_period_filter(qtbot: Any, make_ctx: MakeCtx) -> None:
    ctx = make_ctx(projects=4)
    page = show(qtbot, ProjectsPage(ctx))
    click_update(qtbot, page)
    records = server(ctx, "projects")["records"]
    start = min(r[4] for r in records if r[4])
    day = date.fromisoformat(start)
    query(page, period=(day, day))
    expected = {r[0] for r in records if (r[4] or "") <= start <= (r[5] or "9999")}
    assert set(column(page, "project_number")) == expected and expected


def test_projects_page_explains_nothing_registered(qtbot: Any, make_ctx: MakeCtx) -> None:
    ctx = make_ctx(projects=0)
    page = show(qtbot, ProjectsPage(ctx))
    click_update(qtbot, page)
    assert page.list_page.total == 0 and page.list_page.placeholder_visible
    reason = "管理子系统中没有本单位的工程项目参保登记信息。"
    assert page.list_page.empty_text == reason
    assert page.list_page.table.empty_label.text() == reason
    assert ctx.ui.prompts.last.text == f"更新完成。{reason}"
    page.list_page.save_path_provider = lambda suggested: pytest.fail("nothing to export")
    page.list_page.trigger_action("export")
    assert ctx.ui.prompts.last.text == "当前查询结果没有数据，无需导出。"


def test_unit_info_page(qtbot: Any, backend: Any, make_ctx: MakeCtx) -> None:
    ctx = make_ctx()
    page = show(qtbot, UnitInfoPage(ctx))
    assert page.objectName() == "page_unit_info"
    captions = [
        page.findChild(QLabel, f"label_{key}").text() for row in FORM_ROWS for key, _ in row
    ]
    assert captions == [
        "纳税人识别号：", "单位名称：", "主管税务机关：", "财务负责人：",
        "法定代表人（或单位负责人）：", "行业：", "企业类型：", "地址：", "邮政编码：",
        "联系电话：", "电子邮箱：", "上市公司：",
    ]  # fmt: skip
    assert all(f.isReadOnly() for f in page.findChildren(QLineEdit))
    assert page.value("unit_name") == ""
    assert page.fetched_label.text() == "数据更新时间：尚未下载"
    assert page.reason_label.text() == "尚未下载单位信息，请点击【更新】从管理子系统获取。"

    click_update(qtbot, page, "btn_unit_info_update")
    info = server(ctx, "info")
    for key in page.fields:
        value = info[key]
        expected = ("是" if value else "否") if key == "listed" else (value or "")
        assert page.value(key) == expected, key
    assert page.fetched_label.text().startswith("数据更新时间：20")
    assert not page.reason_label.isVisible()
    assert ctx.ui.prompts.last.text == "单位信息更新完成。"

    unit_id = ctx.session.unit.unit_id
    backend.admin_patch(f"units/{unit_id}/info", {"unit_name": "新名称有限公司", "listed": True})
    click_update(qtbot, page, "btn_unit_info_update")
    assert page.value("unit_name") == "新名称有限公司" and page.value("listed") == "是"
