"""社保费申报 pages (pytest-qt) against the real backend: the walks of the issue — 缴费工资申报
→ 预处理信息 → 日常申报 → 申报记录 (→ 作废) for a 税务自主 unit, 征集信息 → 日常申报 for a
税务代征 unit, 特殊缴费, 核定 and 工程项目 — with the merged tick boxes, 缴费人数, the
countdown, 查看, the printed 申报表 (read back and compared with the screen), 同步 and the
queries."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt

from client.account.login import LoginService
from client.domain.wages import BY_EMPLOYEE, DAILY
from client.employer.module import DESCRIPTOR
from client.fees.rules import INITIAL, SUCCEEDED, VOIDED, format_amount
from client.jobs import JobContext
from client.modules import import_object
from client.ui.context import UiServices
from client.ui.fees.declare_page import FeeDeclarePage
from client.ui.fees.records_page import DeclarationDetailDialog, FeeRecordsPage
from client.ui.pages import PageContext
from client.ui.prompts import PromptService
from client.wages.declare import WageDeclarations
from client.wages.drafts import WageDrafts
from tests.fees.conftest import FeeUnit, insured_normally, with_both_pension_categories

pytestmark = pytest.mark.ui


class Pages:
    """The main window's part: open pages by menu key, answer prompts, wait for jobs."""

    def __init__(self, qtbot: Any, unit: FeeUnit) -> None:
        self.qtbot = qtbot
        self.unit = unit
        self.ui = UiServices(unit.app, PromptService.scripted(), show_delay_ms=0)
        self.ctx = PageContext(self.ui, unit.session, DESCRIPTOR, self.open_page)
        self.opened: dict[str, Any] = {}

    def open_page(self, key: str) -> Any:
        if key not in self.opened:
            entry = DESCRIPTOR.entry(key)
            assert entry is not None, key
            page = import_object(entry.page)(self.ctx)
            self.qtbot.addWidget(page)
            self.opened[key] = page
        return self.opened[key]

    @property
    def prompts(self) -> PromptService:
        return self.ui.prompts

    def wait(self, page: Any, timeout: int = 30_000) -> None:
        self.qtbot.waitUntil(lambda: page.handle is not None and page.handle.done, timeout=timeout)
        assert page.handle.error is None, page.handle.error

    def declare_page(self, key: str) -> FeeDeclarePage:
        page = self.open_page(key)
        self.wait(page)  # the items are fetched on opening
        return page


@pytest.fixture
def pages(qtbot: Any, fee_unit: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SHEBAOFEI_FEEDBACK_DELAY_SECONDS", "30")  # the clerk clicks 立即获取

    def make(**kw: Any) -> Pages:
        return Pages(qtbot, fee_unit(**kw))

    return make


def shown(page: Any, row: int, key: str) -> str:
    return page.list.model.index(row, page.list.model.column_index(key)).data()


def tick_first_box(page: FeeDeclarePage, **where: str) -> list[str]:
    row = next(i for i, r in enumerate(page.list.rows) if all(r[k] == v for k, v in where.items()))
    page.list.set_checked(row)
    return [str(k) for k in page.list.checked_keys()]


def submit_through_dialogs(pages: Pages, page: FeeDeclarePage) -> FeeRecordsPage:
    """提交申报 → 核对提示 (是) → the confirmation page → 立即提交 → countdown → 立即获取."""
    page.submit()
    pages.wait(page)
    dialog = page.confirm_dialog
    assert dialog is not None and dialog.isVisible()
    pages.qtbot.mouseClick(dialog.btn_submit, Qt.MouseButton.LeftButton)
    pages.qtbot.waitUntil(lambda: page.countdown is not None, timeout=30_000)
    countdown = page.countdown
    assert countdown.isVisible() and countdown.counting
    records = pages.opened.get(page.RECORDS)
    pages.qtbot.mouseClick(countdown.btn_fetch_now, Qt.MouseButton.LeftButton)
    records = pages.opened[page.RECORDS]
    pages.wait(records)
    return records


def record_row(records: FeeRecordsPage, declaration_id: str) -> int:
    return next(i for i, r in enumerate(records.list.rows) if r["declaration_id"] == declaration_id)


def test_menu_follows_the_collection_mode() -> None:
    def titles(mode: str) -> set[str]:
        return {entry.title for entry, _ in DESCRIPTOR.entries(mode)}

    for mode in ("税务自主", "税务代征"):
        assert {"日常申报", "特殊缴费申报", "申报记录", "社保费申报（核定）", "工程项目社保费申报",
                "工程项目社保费申报记录", "社保费申报明细查询", "社保费应缴信息查询"} <= titles(mode)  # fmt: skip


def test_self_collected_walk_wages_to_declaration_to_void(pages: Any, tmp_path: Path) -> None:
    p: Pages = pages(employees=10)
    unit = p.unit
    session = unit.session
    number = with_both_pension_categories(unit)
    LoginService(unit.app).data_update_job(session).run(JobContext())  # the roster has them
    # 缴费工资申报: 外来甲 gets a new wage from this month on
    drafts = WageDrafts(unit.app.app_db, session.db, session.unit.tax_authority,
                        unit.app.local_today(), DAILY, BY_EMPLOYEE)  # fmt: skip
    drafts.add_many("paying")
    first = next(r for r in drafts.source().rows({}, []) if r["name"] == "外来甲")
    drafts.set_new_wage(first["id"], "12345.67")
    wages = WageDeclarations(session.api, session.db, session.unit.unit_id)
    wages.submit(drafts, [first["id"]])
    assert wages.fetch_feedback().succeeded_rows == 1

    # 预处理信息 → 日常申报: the page fetches them on opening
    page = p.declare_page("fee_daily")
    assert page.objectName() == "page_fee_daily" and page.list.total > 0
    ids = tick_first_box(page, levy_item="10201", unit_number=number)
    box_rows = [r for r in page.list.rows if r["item_id"] in ids]
    assert len(box_rows) == 2  # 城镇职工 and 外来从业人员: one tick box
    assert {r["period_start"] for r in box_rows} == {unit.app.local_today().strftime("%Y-%m")}
    # 缴费人数 downloads the 预处理明细 once and shows it; the new wage is there
    row = next(
        i
        for i, r in enumerate(page.list.rows)
        if r["item_id"] in ids and r["levy_category"] == "102010002"
    )
    page.list.click_cell(row, "headcount")
    pages_wait = p.qtbot.waitUntil
    pages_wait(lambda: page.lines_dialog is not None, timeout=30_000)
    lines = page.lines_dialog.list
    assert lines.total == page.list.rows[row]["headcount"]
    names = {r["name"]: r for r in lines.source.rows({}, [])}
    assert Decimal(names["外来甲"]["base"]) == Decimal("12345.67")  # the declared wage
    page.lines_dialog.close()
    asked = len(p.prompts.history)
    page.list.click_cell(row, "headcount")  # offline now: shown without asking or downloading
    assert len(p.prompts.history) == asked and page.lines_dialog.isVisible()

    records = submit_through_dialogs(p, page)
    assert page.confirm_dialog.plan.amount == sum(Decimal(r["amount"]) for r in box_rows)
    assert records.objectName() == "page_fee_records"
    assert "1笔申报成功" in p.prompts.last.text
    assert not set(ids) & {str(k) for k in (r["item_id"] for r in page.list.rows)}
    [made] = page.last_result.declarations
    i = record_row(records, made["declaration_id"])
    assert shown(records, i, "status") == SUCCEEDED
    assert shown(records, i, "amount") == format_amount(page.confirm_dialog.plan.amount)

    # 查看 → 打印 社会保险费申报表: a real PDF whose 合计 is the screen's
    records.view(records.list.rows[i])
    p.qtbot.waitUntil(lambda: records.detail is not None, timeout=30_000)
    detail = records.detail
    detail.print_form()
    p.qtbot.waitUntil(lambda: detail.preview is not None, timeout=60_000)
    assert detail.preview.objectName() == "dialog_print_preview"
    pdf = Path(detail.form_path)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        assert session.unit.taxpayer_name in text and session.unit.taxpayer_id in text
        assert shown(records, i, "amount") in text  # 合计 equals the screen's
        assert "申报人声明" in text
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert " yes " in fonts.splitlines()[-1] or "yes yes" in fonts
    detail.print_form()  # a reprint reuses the saved file
    p.qtbot.waitUntil(lambda: detail.handle.done, timeout=30_000)
    assert Path(detail.form_path) == pdf

    # 作废 → countdown → 获取反馈: voided, only viewable
    records.void(records.list.rows[i])
    p.wait(records)
    p.qtbot.waitUntil(lambda: records.countdown is not None, timeout=30_000)
    p.qtbot.mouseClick(records.countdown.btn_fetch_now, Qt.MouseButton.LeftButton)
    p.qtbot.waitUntil(lambda: records.last_feedback is not None, timeout=30_000)
    p.wait(records)
    assert records.last_feedback.voided == 1
    i = record_row(records, made["declaration_id"])
    assert shown(records, i, "status") == VOIDED
    assert [a.key for a in records.list.model.visible_actions(i)] == ["view"]


def test_collected_unit_declares_its_collection_info(pages: Any, tmp_path: Path) -> None:
    p: Pages = pages(region="330100", employees=6)
    page = p.declare_page("fee_daily")
    assert page.list.total > 0
    assert {r["data_source"] for r in page.list.rows} == {"03"}
    titles = [c.title for c in page.list.spec.columns]
    assert "征集通知流水号" in titles and "征集有效日期" in titles
    ids = tick_first_box(page)
    insured_normally(p.unit, [r for r in page.list.rows if r["item_id"] in ids])
    serials = {r["collection_serial"] for r in page.list.rows if r["item_id"] in ids}
    assert len(serials) == 1
    records = submit_through_dialogs(p, page)
    [made] = page.last_result.declarations
    assert shown(records, record_row(records, made["declaration_id"]), "status") == SUCCEEDED

    # 申报日志: the submission and its result, exported
    journal = p.open_page("fee_journal")
    assert journal.list.total == 2
    assert {journal.list.rows[0]["result"], journal.list.rows[1]["result"]} == {"已受理", SUCCEEDED}
    target = tmp_path / "journal.xlsx"
    journal.list.save_path_provider = lambda _name: str(target)
    handle = journal.list.export_all()
    p.qtbot.waitUntil(lambda: handle.done, timeout=30_000)
    sheet = openpyxl.load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(made["declaration_id"] in str(v) for row in values for v in row)


def test_declared_elsewhere_meanwhile_is_said_and_the_list_refetched(pages: Any) -> None:
    p: Pages = pages(employees=5)
    page = p.declare_page("fee_daily")
    ids = tick_first_box(page)
    p.unit.backend.declare_fee_items_elsewhere(p.unit.unit_id, ids)
    page.submit()
    p.wait(page)
    p.qtbot.mouseClick(page.confirm_dialog.btn_submit, Qt.MouseButton.LeftButton)
    p.qtbot.waitUntil(
        lambda: p.prompts.last is not None and p.prompts.last.kind == "error", timeout=30_000
    )
    assert p.prompts.last.kind == "error" and "刷新" in p.prompts.last.text
    p.wait(page)  # the items are fetched again
    assert not set(ids) & {r["item_id"] for r in page.list.rows}
    assert page.countdown is None


def test_special_verified_and_project_pages_declare(pages: Any) -> None:
    p: Pages = pages(employees=6, projects_per_unit=2)
    unit = p.unit
    special = p.declare_page("fee_special")
    assert special.list.total == 0
    assert "未查询到特殊缴费的预处理信息" in special.list.empty_text
    assert "未查询到特殊缴费的预处理信息" in p.prompts.last.text  # and a 提示 says so
    unit.backend.add_special_fee(unit.unit_id, "退休补收", "10201", "2024-01", "2024-02",
                                 persons=2)  # fmt: skip
    special.refresh_items()
    p.wait(special)
    assert special.list.total >= 1
    assert {r["special_type"] for r in special.list.rows} == {"退休补收"}
    tick_first_box(special)
    submit_through_dialogs(p, special)
    assert special.last_result is not None

    verified = p.declare_page("fee_verified")
    assert {r["data_source"] for r in verified.list.rows} <= {"02", "03"}
    ticked = tick_first_box(verified)
    insured_normally(unit, [r for r in verified.list.rows if r["item_id"] in ticked])
    submit_through_dialogs(p, verified)
    assert verified.last_result is not None

    unit.backend.add_project(unit.unit_id, "南山区科技园B座装修工程", status="在建",
                             contract_amount="12500000.00", start_date="2026-01-01",
                             end_date="2027-06-30")  # fmt: skip
    unit.backend.generate_fee_items(unit.unit_id)
    project = p.declare_page("project_fee")
    assert project.list.total >= 1
    assert all(r["levy_item"] == "10204" for r in project.list.rows)
    tick_first_box(project)
    records = submit_through_dialogs(p, project)
    assert records.objectName() == "page_project_fee_records"
    [made] = project.last_result.declarations
    assert shown(records, record_row(records, made["declaration_id"]), "status") == SUCCEEDED


def test_sync_asks_to_pay_and_queries_show_the_data(pages: Any) -> None:
    p: Pages = pages(employees=8)
    unit = p.unit
    today = unit.app.local_today()
    page = p.declare_page("fee_daily")
    ids = tick_first_box(page, levy_item="10204")
    unit.backend.declare_fee_items_elsewhere(
        unit.unit_id, ids, submitted_at=f"{today - timedelta(days=20):%Y-%m-%d} 09:30:00"
    )
    records = p.open_page("fee_records")
    dialog = records.sync()
    assert dialog.objectName() == "dialog_sync_range"
    dialog.set_range(today - timedelta(days=30), today)
    p.prompts.answer(False)  # 是否立即缴费 → 取消
    p.qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    p.wait(records)
    assert records.last_sync is not None and records.last_sync.declarations == 1
    assert "是否立即缴费" in p.prompts.last.text
    assert records.list.total == 1 and shown(records, 0, "channel") == "电子税务局"
    records.go_pay()  # 确定 opens 缴费 (§2.11), which fetches the arrears
    assert "fee_payment" in p.opened
    payment = p.opened["fee_payment"]
    p.wait(payment)
    assert payment.list.total == len(payment.service.arrears.lines()) > 0

    # 社保费应缴信息查询: every item with its state, fetched on opening
    dues = p.open_page("fee_dues")
    p.wait(dues)
    states = {r["state"] for r in dues.list.source.rows({}, [])}
    assert {INITIAL, SUCCEEDED} <= states
    dues.list.set_condition("state", SUCCEEDED)
    dues.list.query()
    assert dues.list.total == len(ids)

    # 社保费申报明细查询: offers the missing lines of the synced declaration, downloads them
    lines = p.open_page("fee_lines_query")
    dialog = lines.download_dialog
    assert dialog is not None and dialog.list.total == 1
    p.qtbot.waitUntil(lambda: len(dialog.list.checked_keys()) == 1)
    p.qtbot.mouseClick(dialog.btn_download, Qt.MouseButton.LeftButton)
    p.wait(lines)
    lines.list.query()
    p.qtbot.waitUntil(lambda: not lines.list.loading)
    assert lines.list.total > 0

    # 申报日志 lists nothing: the declaration came from another channel
    journal = p.open_page("fee_journal")
    assert journal.list.total == 0


def test_nothing_ticked_says_so(pages: Any) -> None:
    p: Pages = pages(employees=4)
    page = p.declare_page("fee_daily")
    page.list.trigger_action("submit")
    assert p.prompts.last.text == "请先勾选需要申报的数据。"
    assert page.confirm_dialog is None


def test_check_prompt_and_void_are_answered_with_confirm(
    pages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """§2.8.2 三(二) and §2.10.2 四(二): the 核对 prompt of 提交申报 and the 作废 prompt are
    answered with 【确定】 (or 取消), not 是/否."""
    p: Pages = pages(employees=4)
    asked: list[tuple[str, str, str, str]] = []
    real = p.prompts.confirm

    def confirm(parent: Any, text: str, title: str = "确认", yes: str = "是", no: str = "否"):
        asked.append((title, text, yes, no))
        return real(parent, text, title, yes, no)

    monkeypatch.setattr(p.prompts, "confirm", confirm)
    page = p.declare_page("fee_daily")
    p.prompts.answer(False)
    assert page.submit() is None
    title, text, yes, no = asked[-1]
    assert (title, yes, no) == ("提交申报", "确定", "取消") and "【确定】" in text
    records = p.open_page("fee_records")
    p.prompts.answer(False)
    assert records.void({"declaration_id": "D-NOT-SENT", "amount": "10.00"}) is None
    assert asked[-1][0] == "作废" and asked[-1][2:] == ("确定", "取消")


def test_dues_columns_keep_the_figures_order(pages: Any) -> None:
    """§2.21.1 图 社保费应缴信息查询主界面: 申报生成日期 … 应缴所属期止 side by side in its order;
    the columns the figure does not have come after them."""
    p: Pages = pages(employees=4)
    dues = p.open_page("fee_dues")
    p.wait(dues)
    titles = [c.title for c in dues.list.spec.columns]
    figure = ["申报生成日期", "申报处理状态", "数据来源", "申报类型", "申报人数", "申报工资合计（元）",
              "缴费基数合计（元）", "费率", "应缴金额（元）", "应缴所属期起", "应缴所属期止"]  # fmt: skip
    assert titles[: len(figure)] == figure


def test_view_lists_items_in_the_figures_order(pages: Any) -> None:
    """§2.10.2 三, 图 查看申报记录明细页面: 缴费人数, 缴费基数, 费率, 应缴金额, 征收项目, 征收子目
    (征收品目), 缴费所属期起, 缴费所属期止 first and in this order."""
    p: Pages = pages(employees=4)
    records = p.open_page("fee_records")
    detail = DeclarationDetailDialog(records, "D-NOT-HERE")
    p.qtbot.addWidget(detail)
    keys = [c.key for c in detail.items_list.spec.columns]
    assert keys[:8] == ["headcount", "base_total", "rate", "amount", "levy_item",
                        "levy_category", "period_start", "period_end"]  # fmt: skip
    assert "reason" not in keys and "unit_number" in keys
