"""缴费工资申报 pages (pytest-qt) against a real backend: the four variants, every add
method, editing in the table, 批量修改, 删除, 提交申报 → countdown → 申报记录 with the four
states, 查看 and its export, and the working list surviving a restart."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from client.domain.wages import ANNUAL, BY_ITEM, DAILY
from client.employer.module import DESCRIPTOR
from client.employer.wage_records_page import WageRecordsPage
from client.employer.wages_page import AnnualWagePage, DailyWagePage, WageDeclarationPage
from client.groups.service import GroupService
from client.ui.context import UiServices
from client.ui.pages import PageContext
from client.ui.prompts import PromptService
from tests.employer.conftest import EmployerEnv


class Pages:
    def __init__(self, qtbot: Any, env: EmployerEnv) -> None:
        self.qtbot = qtbot
        self.env = env
        self.ui = UiServices(env.app, PromptService.scripted(), show_delay_ms=0)
        self.records: WageRecordsPage | None = None
        self.ctx = PageContext(self.ui, env.session, DESCRIPTOR, self.open_page)

    def open_page(self, key: str) -> Any:
        assert key == "wage_records"
        if self.records is None:
            self.records = WageRecordsPage(self.ctx)
            self.qtbot.addWidget(self.records)
        return self.records

    def page(self, declaration_type: str, mode: str) -> WageDeclarationPage:
        cls = DailyWagePage if declaration_type == DAILY else AnnualWagePage
        page = cls(self.ctx)
        self.qtbot.addWidget(page)
        if page.mode != mode:
            page.btn_switch.click()
        assert page.mode == mode
        return page

    @property
    def prompts(self) -> PromptService:
        return self.ui.prompts

    def wait(self, page: Any, timeout: int = 20_000) -> None:
        self.qtbot.waitUntil(lambda: page.handle is not None and page.handle.done, timeout=timeout)


@pytest.fixture
def pages(qtbot: Any, employer_env: EmployerEnv, monkeypatch: pytest.MonkeyPatch) -> Pages:
    # A real countdown that would outlast the test: the clerk's 立即获取 ends it.
    monkeypatch.setenv("SHEBAOFEI_FEEDBACK_DELAY_SECONDS", "30")
    return Pages(qtbot, employer_env)


VARIANTS = [(DAILY, "by_employee"), (DAILY, BY_ITEM), (ANNUAL, "by_employee"), (ANNUAL, BY_ITEM)]


def rows(page: WageDeclarationPage) -> list[dict[str, Any]]:
    return list(page.list.source.rows({}, []))


def test_switch_button_names_the_other_mode(pages: Pages) -> None:
    page = pages.page(DAILY, "by_employee")
    assert page.btn_switch.text() == "按险种申报缴费工资"
    assert page.title.text() == "日常缴费工资申报-按职工申报缴费工资"
    page.btn_switch.click()
    assert page.btn_switch.text() == "按职工申报缴费工资"
    assert page.title.text() == "日常缴费工资申报-按险种申报缴费工资"
    assert "生效年月" in [c.title for c in page.list.spec.columns]
    annual = pages.page(ANNUAL, "by_employee")
    assert "生效年月" not in [c.title for c in annual.list.spec.columns]


@pytest.mark.parametrize(("declaration_type", "mode"), VARIANTS)
def test_add_methods_in_each_variant(pages: Pages, declaration_type: str, mode: str) -> None:
    page = pages.page(declaration_type, mode)
    # 单个录入
    dialog = page.add_single()
    dialog.name.setEditText("")
    dialog.refresh_candidates()
    candidates = [dialog.name.itemData(i) for i in range(dialog.name.count())]
    info = next(
        page.drafts.employee(c) for c in candidates
        if page.drafts.employee(c).items and page.drafts.employee(c).stop_month is None
    )  # fmt: skip
    dialog.choose(info.employee_id)
    assert dialog.id_number.text() == info.id_number
    assert dialog.old_wage.text() == (info.old_wage or "")
    if mode == BY_ITEM:
        dialog.set_item_wage(0, "6500")
    else:
        dialog.new_wage.setText("6500")
    dialog.btn_ok.click()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.status.text()
    first = rows(page)
    assert len(first) == 1 and first[0]["new_wage"] == "6500.00"
    assert (first[0]["effective_month"] is None) == (declaration_type == ANNUAL)

    # 添加全部正常缴费职工
    page.add_all_paying()
    pages.wait(page)
    assert "已添加" in pages.prompts.last.text and "已在列表中" in pages.prompts.last.text
    everyone = len(rows(page))
    assert everyone > 1

    # 按单位编号添加 (比率) on a fresh list
    page.drafts.delete([r["id"] for r in rows(page)])
    number = info.items[0].unit_number
    adjust = page.add_by_unit_number()
    adjust.set_values(number, "ratio", "120")
    adjust.btn_ok.click()
    pages.wait(page)
    added = rows(page)
    assert added
    for r in added:
        assert Decimal(r["new_wage"]) == (Decimal(r["old_wage"]) * Decimal("1.2")).quantize(
            Decimal("0.01")
        )

    # 按分组添加 (固定金额)
    page.drafts.delete([r["id"] for r in rows(page)])
    groups = GroupService(pages.env.session.db)
    group = next((g for g in groups.flat() if g.name == "测试组"), None) or groups.create("测试组")
    groups.assign([info.employee_id], group.id)
    adjust = page.add_by_group()
    adjust.set_values(group.id, "fixed", "7777")
    adjust.btn_ok.click()
    pages.wait(page)
    grouped = rows(page)
    assert {r["employee_id"] for r in grouped} == {info.employee_id}
    assert {r["new_wage"] for r in grouped} == {"7777.00"}


def stopped_employee(page: Any) -> Any:
    """An insured employee of the list's candidates with a 停止缴费 month."""
    return next(
        page.drafts.employee(c[0]) for c in page.drafts.candidates("", 500)
        if page.drafts.employee(c[0]).items and page.drafts.employee(c[0]).stop_month
    )  # fmt: skip


def test_effective_month_warning_and_error(pages: Pages) -> None:
    page = pages.page(DAILY, "by_employee")
    stopped = stopped_employee(page)
    dialog = page.add_single()
    dialog.choose(stopped.employee_id)
    dialog.new_wage.setText("6000")
    dialog.month.setText("2099-01")
    dialog.btn_ok.click()
    assert "停止缴费" in dialog.status.text()
    assert pages.prompts.last.title == "生效年月错误"
    assert rows(page) == []

    dialog.month.setText(stopped.stop_month)
    pages.prompts.answer(False)  # 补缴 warning: 否
    dialog.btn_ok.click()
    assert "补缴" in pages.prompts.last.text and rows(page) == []
    pages.prompts.answer(True)
    dialog.btn_ok.click()
    assert rows(page)[0]["effective_month"] == stopped.stop_month


def test_inline_edit_batch_modify_and_delete(pages: Pages) -> None:
    page = pages.page(DAILY, "by_employee")
    page.add_all_paying()
    pages.wait(page)
    row0 = page.list.rows[0]
    assert page.list.edit_cell(0, "new_wage", "8,888")
    assert next(r for r in rows(page) if r["id"] == row0["id"])["new_wage"] == "8888.00"
    assert not page.list.edit_cell(0, "new_wage", "-1")
    assert "大于0" in pages.prompts.last.text
    month = page.list.rows[0]["effective_month"]
    assert not page.list.edit_cell(0, "effective_month", "2026-13")
    assert page.list.rows[0]["effective_month"] == month
    page.list.set_checked(0)
    page.list.set_checked(1)
    dialog = page.batch_modify()
    dialog.set_values(how="ratio", value="110")
    dialog.btn_ok.click()
    ticked = {r["id"]: r for r in rows(page) if r["id"] in page.checked_ids()}
    for r in ticked.values():
        assert Decimal(r["new_wage"]) == (Decimal(r["old_wage"]) * Decimal("1.1")).quantize(
            Decimal("0.01")
        )
    before = len(rows(page))
    page.delete()
    assert len(rows(page)) == before - 2


def test_working_list_survives_a_restart(pages: Pages, employer_env: EmployerEnv) -> None:
    page = pages.page(DAILY, BY_ITEM)
    page.add_all_paying()
    pages.wait(page)
    count = len(rows(page))
    page.close()
    again = pages.page(DAILY, BY_ITEM)
    assert len(rows(again)) == count
    assert pages.page(DAILY, "by_employee").list.total == 0  # a list per variant


def submit_and_feedback(pages: Pages, page: WageDeclarationPage, backend: Any) -> WageRecordsPage:
    if pages.records is not None:
        pages.records.last_feedback = None
    page.submit()
    pages.wait(page)
    assert page.handle.error is None, page.handle.error
    records = pages.records
    assert records is not None and records.countdown is not None
    listed = pages.env.session.api.get_json(f"/mgmt/units/{pages.env.unit_id}/wage-declarations")[
        "declarations"
    ]
    for d in listed:
        backend.admin_post(
            f"units/{pages.env.unit_id}/wage-declarations/{d['declaration_id']}/process"
        )
    fetch_now(pages, records)
    return records


def fetch_now(pages: Pages, records: WageRecordsPage) -> None:
    """The 20-second countdown is on screen and counting; 立即获取 fetches at once."""
    countdown = records.countdown
    assert countdown is not None and countdown.isVisible()
    assert records.last_feedback is None  # nothing fetched while it counts
    pages.qtbot.mouseClick(countdown.btn_fetch_now, Qt.MouseButton.LeftButton)
    pages.qtbot.waitUntil(lambda: records.last_feedback is not None, timeout=20_000)


def test_submit_countdown_records_and_states(pages: Pages, backend: Any, tmp_path: Path) -> None:
    page = pages.page(DAILY, "by_employee")
    page.add_all_paying()
    pages.wait(page)
    all_rows = rows(page)
    gone = all_rows[0]["employee_id"]
    backend.admin_delete(f"employees/{gone}")  # this one will fail
    page.list.set_checked(0)  # sorted by id: the first added row
    page.list.set_checked(1)
    records = submit_and_feedback(pages, page, backend)
    status = [r["status"] for r in records.list.source.rows({}, [])]
    assert status == ["部分申报成功"]
    told = pages.prompts.last.text
    assert "1条申报成功，1条申报失败" in told
    assert "【职工参保信息更新】页面点击【更新】" in told  # manual §2.3.3 注意事项 二
    left = rows(page)
    assert len(left) == len(all_rows) - 1  # the success left the list, the failure came back
    failed = next(r for r in left if r["employee_id"] == gone)
    assert failed["state"] == "申报失败" and "不在本单位" in failed["failure_reason"]

    # 查看 and its export
    records.list.trigger_row_action(0, "view")
    pages.qtbot.waitUntil(lambda: records.detail is not None, timeout=20_000)
    detail_rows = list(records.detail.list.source.rows({}, []))
    assert sorted(r["status"] for r in detail_rows) == ["失败", "成功"]
    path = tmp_path / "detail.xlsx"
    records.detail.list.save_path_provider = lambda _s: str(path)
    handle = records.detail.list.export_all()
    pages.qtbot.waitUntil(lambda: handle.done, timeout=20_000)
    sheet = openpyxl.load_workbook(path).active
    exported = list(sheet.iter_rows(values_only=True))
    assert exported[0][:3] == ("姓名", "证件类型", "证件号码")
    assert len(exported) == 3

    # 全部申报成功 and 全部申报失败
    page.list.query()
    ok_index = next(i for i, r in enumerate(page.list.rows) if r["state"] == "未申报")
    page.list.set_checked(ok_index)
    submit_and_feedback(pages, page, backend)
    page.list.query()
    failed_index = next(i for i, r in enumerate(page.list.rows) if r["state"] == "申报失败")
    page.list.set_checked(failed_index)
    submit_and_feedback(pages, page, backend)
    assert "【更新】" not in pages.prompts.last.text  # nothing changed in the roster
    statuses = sorted(r["status"] for r in records.list.source.rows({}, []))
    assert statuses == ["全部申报失败", "全部申报成功", "部分申报成功"]


def test_waiting_declaration_shows_pending(pages: Pages, backend: Any) -> None:
    backend.admin_post("delay", {"seconds": 3600})
    page = pages.page(ANNUAL, "by_employee")
    page.add_all_paying()
    pages.wait(page)
    page.list.set_checked(0)
    page.submit()
    pages.wait(page)
    records = pages.records
    fetch_now(pages, records)
    assert [r["status"] for r in records.list.source.rows({}, [])] == ["待反馈"]
    assert "尚待管理子系统处理" in pages.prompts.last.text
    assert page.list.rows[0]["state"] == "待反馈"
    page.list.set_checked(0)
    page.delete()
    assert "不能删除" in pages.prompts.last.text


def fill_template(path: str, people: list[Any], month: str | None, names: dict[str, str]) -> None:
    """Fill a downloaded template the way a clerk would: find the header row, one row each."""
    book = openpyxl.load_workbook(path)
    sheet = next(ws for ws in book.worksheets if ws.sheet_state == "visible")
    header_row = next(
        r for r in range(1, 6) if str(sheet.cell(r, 1).value or "").startswith("姓名")
    )
    headers = [str(c.value or "") for c in sheet[header_row]]
    for n, person in enumerate(people, start=header_row + 1):
        for col, header in enumerate(headers, start=1):
            value: Any = None
            if header.startswith("姓名"):
                value = person.name
            elif header.startswith("证件号码"):
                value = person.id_number
            elif header.startswith("生效年月"):
                value = month
            elif header.startswith("新缴费工资"):
                value = "6800"
            elif "-新缴费工资" in header:  # 按险种: only the items the person has
                held = {names.get(i.levy_item) for i in person.items}
                value = "6800" if header.split("-")[0] in held else None
            sheet.cell(n, col, value)
    book.save(path)


@pytest.mark.parametrize(("declaration_type", "mode"), VARIANTS)
def test_template_round_trip_in_each_variant(
    pages: Pages, tmp_path: Path, declaration_type: str, mode: str
) -> None:
    page = pages.page(declaration_type, mode)
    template = page.download_template(str(tmp_path / "模板.xlsx"))
    assert template is not None
    people = [
        page.drafts.employee(c[0]) for c in page.drafts.candidates("", 500)
        if page.drafts.employee(c[0]).items and page.drafts.employee(c[0]).stop_month is None
    ][:3]  # fmt: skip
    names = pages.env.app.app_db.code_table("levy_items")
    fill_template(template, people, page.drafts.default_month(), names)
    flow = page.import_file(template)
    pages.qtbot.waitUntil(lambda: flow.read_handle.done, timeout=30_000)
    assert flow.read_handle.error is None, flow.read_handle.error
    assert flow.preview is not None
    assert flow.preview.import_result.valid_count == 3, flow.preview.import_result.errors
    assert rows(page) == []  # nothing added before 确认
    flow.preview.btn_confirm.click()
    pages.qtbot.waitUntil(lambda: flow.applied is not None, timeout=30_000)
    added = rows(page)
    assert {r["employee_id"] for r in added} == {p.employee_id for p in people}
    assert {r["new_wage"] for r in added} == {"6800.00"}
    if mode == BY_ITEM:
        assert len(added) == sum(len({i.levy_item for i in p.items}) for p in people)


def test_wrong_variant_template_is_refused(pages: Pages, tmp_path: Path) -> None:
    annual = pages.page(ANNUAL, BY_ITEM)
    template = annual.download_template(str(tmp_path / "年度.xlsx"))
    daily = pages.page(DAILY, "by_employee")
    flow = daily.import_file(template)
    pages.qtbot.waitUntil(lambda: flow.read_handle.done, timeout=30_000)
    assert flow.preview is None
    assert "年度缴费工资申报" in pages.prompts.last.text
    assert rows(daily) == []


def spy_confirm(prompts: PromptService, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The (title, yes, no) of each confirmation asked."""
    asked: list[tuple[str, ...]] = []
    real = prompts.confirm

    def confirm(parent: Any, text: str, title: str = "确认", yes: str = "是", no: str = "否"):
        asked.append((title, yes, no))
        return real(parent, text, title, yes, no)

    monkeypatch.setattr(prompts, "confirm", confirm)
    return asked


def test_add_methods_and_the_month_prompt_use_the_manuals_words(
    pages: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    """§2.3.2 二: 单个录入、外部文件导入、添加全部正常缴费职工、按单位编号添加缴费职工、按分组添加缴费
    职工; 二(一)5: the 补缴 prompt is accepted with 【确定】."""
    page = pages.page(DAILY, "by_employee")
    add = next(a for a in page.list.spec.actions if a.key == "add")
    titles = [a.title for a in add.children]
    for title in ("单个录入", "外部文件导入", "添加全部正常缴费职工", "按单位编号添加缴费职工",
                  "按分组添加缴费职工"):  # fmt: skip
        assert title in titles
    asked = spy_confirm(pages.prompts, monkeypatch)
    stopped = stopped_employee(page)
    dialog = page.add_single()
    dialog.choose(stopped.employee_id)
    dialog.new_wage.setText("6000")
    dialog.month.setText(stopped.stop_month)
    pages.prompts.answer(False)
    dialog.btn_ok.click()
    assert asked == [("生效年月提示", "确定", "取消")]


def test_records_columns_keep_the_figures_order(pages: Pages) -> None:
    """图 缴费工资申报记录主界面 (§2.7.1): 申报时间, 申报类型, 主管税务机关, 职工总数, 状态 side
    by side in its order (申报方式, which it does not show, comes after)."""
    records = pages.open_page("wage_records")
    titles = [c.title for c in records.list.spec.columns]
    assert titles[:5] == ["申报时间", "申报类型", "主管税务机关", "职工总数", "状态"]
    assert [a.title for a in records.list.spec.row_actions] == ["查看"]
