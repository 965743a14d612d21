"""单位三方协议管理 page and its dialog (pytest-qt) against the real backend: the list fetched on
opening, 新增 with the cascade (each level resets the next) and the fuzzy 网点 search, the
account number checked before sending, 保存, 验证 with its progress until the bank answers,
验证失败 explained, 撤销 and 作废 after their confirmation, 取消 while waiting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QPushButton

from client.payments.agreement_wire import ENDED, FAILED, UNVERIFIED, VERIFIED, VERIFYING
from client.ui.payments.agreement_dialog import NEW_TITLE, TIPS, AgreementDialog
from client.ui.payments.agreements_page import STOPPED_WAITING, AgreementsPage
from tests.fees.conftest import open_unit
from tests.fees.test_fee_pages import Pages
from tests.payments.agreement_env import (
    BANK,
    REGION,
    a_form,
    bank_delays,
    codes,
    process_bank,
    server_agreements,
)

pytestmark = pytest.mark.ui


@pytest.fixture
def pages(qtbot: Any, backend: Any, tmp_path: Path) -> Iterator[Pages]:
    unit = open_unit(backend, tmp_path / "client", employees=2)
    yield Pages(qtbot, unit)
    unit.app.close()


def open_agreements(p: Pages) -> AgreementsPage:
    page: AgreementsPage = p.open_page("unit_agreements")
    p.wait(page)  # fetched from the 征收子系统 on opening
    page.service.poll_seconds = 0.2
    return page


def open_new(p: Pages, page: AgreementsPage) -> AgreementDialog:
    p.qtbot.mouseClick(page.list.action_widgets["new"], Qt.MouseButton.LeftButton)
    p.qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=30_000)
    assert page.dialog is not None
    return page.dialog


def click(p: Pages, widget: Any) -> None:
    p.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def row_of(page: AgreementsPage, agreement_id: str) -> int:
    return next(i for i, r in enumerate(page.list.rows) if r["agreement_id"] == agreement_id)


def actions_of(page: AgreementsPage, agreement_id: str) -> list[str]:
    return [a.title for a in page.list.model.visible_actions(row_of(page, agreement_id))]


def type_chinese(widget: Any, text: str) -> None:
    """What an input method does: commit the typed characters into the focused field."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def fill(dialog: AgreementDialog, unit: Any, number: int, *, allow: bool = False) -> None:
    form = a_form(unit, number, allow=allow)
    (dialog.radio_allow if allow else dialog.radio_deny).setChecked(True)
    dialog.combo_tax_authority.setCurrentIndex(
        dialog.combo_tax_authority.findData(form.tax_authority)
    )
    dialog.choose(form.region_code, form.bank_code, form.branch_code)
    dialog.edit_account_number.setText(form.account_number)


def test_new_agreement_cascade_search_save_verify_revoke(pages: Any) -> None:
    p: Pages = pages
    unit = p.unit
    page = open_agreements(p)
    assert page.objectName() == "page_unit_agreements"
    assert page.list.total == len(server_agreements(unit))
    dialog = open_new(p, page)
    assert dialog.objectName() == "dlg_agreement" and dialog.windowTitle() == NEW_TITLE
    assert dialog.findChild(type(dialog.label_error), "label_tip_1").text() == TIPS[0]
    assert dialog.edit_account_name.text() == unit.session.unit.taxpayer_name
    assert not dialog.btn_verify.isEnabled()  # 验证 once saved
    assert not dialog.combo_bank.isEnabled()  # 行政区划 first

    # 行政区划: fuzzy search offers 宝安区 for "宝安" and for "深宝" (characters in order)
    assert dialog.search_regions("宝安")[0] == "宝安区"
    assert "宝安区" in dialog.search_regions("深宝")
    dialog.pick_region_name("宝安区")
    assert dialog.region_code == REGION and dialog.combo_bank.isEnabled()
    banks = [dialog.combo_bank.itemData(i) for i in range(1, dialog.combo_bank.count())]
    assert banks == [b["code"] for b in codes(unit).banks_in(REGION)]
    dialog.choose(bank=BANK)
    all_branches = dialog.branch_names
    assert len(all_branches) > 3 and all("工商银行" in n for n in all_branches)

    # fuzzy search narrows the 网点 list (typed, searched after a short pause)
    type_chinese(dialog.edit_branch_search, all_branches[2][-6:])
    p.qtbot.waitUntil(lambda: len(dialog.branch_names) < len(all_branches), timeout=5_000)
    assert all_branches[2] in dialog.branch_names
    dialog.combo_branch.setCurrentIndex(dialog.combo_branch.findText(all_branches[2]))
    chosen = dialog.combo_branch.currentData()
    assert chosen

    # each level resets the next
    other_bank = next(b for b in banks if b != BANK)
    dialog.choose(bank=other_bank)
    assert dialog.combo_branch.currentData() is None and dialog.edit_branch_search.text() == ""
    dialog.choose(region="440303")
    assert dialog.bank_code == "" and dialog.combo_branch.currentData() is None
    assert dialog.branch_names == []

    # a 网点 found by name with nothing chosen sets its 行政区划 and 银行行别
    dialog.combo_region.lineEdit().clear()
    dialog.search_regions("")  # the clerk emptied 行政区划
    assert dialog.region_code == "" and not dialog.combo_bank.isEnabled()
    dialog.set_branch_query(codes(unit).branch(chosen)["name"])
    dialog.combo_branch.setCurrentIndex(dialog.combo_branch.findData(chosen))
    assert (dialog.region_code, dialog.bank_code) == (REGION, BANK)
    assert dialog.combo_branch.currentData() == chosen

    # a bad account number is refused before anything is sent
    before = set(server_agreements(unit))
    dialog.radio_deny.setChecked(True)
    dialog.edit_account_number.setText("62220212x")
    click(p, dialog.btn_save)
    assert "缴费账号应为8至32位数字" in dialog.label_error.text()
    assert set(server_agreements(unit)) == before

    # 保存: 未验证, 验证 enabled, the title becomes 修改, the list shows it
    fill(dialog, unit, 21)
    click(p, dialog.btn_save)
    p.wait(page)
    saved = dialog.saved
    assert saved is not None and saved["status"] == UNVERIFIED, dialog.label_error.text()
    assert dialog.btn_verify.isEnabled() and dialog.windowTitle() == "修改单位三方协议"
    assert "未验证" in dialog.label_status.text()
    p.qtbot.waitUntil(lambda: any(r["agreement_id"] == saved["agreement_id"]
                                  for r in page.list.rows))  # fmt: skip
    assert actions_of(page, saved["agreement_id"]) == ["修改", "验证", "作废"]

    # 验证: progress while the bank checks, then the answer
    with bank_delays(unit, verify_delay_seconds=1):
        click(p, dialog.btn_verify)
        handle = page.handle
        assert handle is not None and handle.dialog is not None  # the progress, with 取消
        p.wait(page)
    assert handle.last_progress is not None and handle.last_progress.phase == "waiting"
    assert p.prompts.last.text == "协议验证通过，可用于三方协议缴费。"
    assert dialog.saved["status"] == VERIFIED and "验证通过" in dialog.label_status.text()
    assert not dialog.btn_verify.isEnabled()
    click(p, dialog.btn_cancel)
    assert not dialog.isVisible()
    row = row_of(page, saved["agreement_id"])
    assert page.list.rows[row]["status"] == VERIFIED and page.list.rows[row]["verified_on"]
    shown = page.list.model.index(row, page.list.model.column_index("status")).data()
    assert shown == VERIFIED
    assert actions_of(page, saved["agreement_id"]) == ["修改", "撤销"]

    # 撤销 asks first; 取消 changes nothing
    p.prompts.answer(False)
    page.list.trigger_row_action(row, "revoke")
    assert p.prompts.last.text == "是否确定撤销该协议？"
    assert server_agreements(unit)[saved["agreement_id"]]["status"] == VERIFIED
    p.prompts.answer(True)
    page.list.trigger_row_action(row, "revoke")
    p.wait(page)
    assert server_agreements(unit)[saved["agreement_id"]]["status"] == ENDED
    row = row_of(page, saved["agreement_id"])
    assert page.list.rows[row]["status"] == ENDED and actions_of(page, saved["agreement_id"]) == []


def test_failed_verification_void_and_cancelled_wait(pages: Any) -> None:
    p: Pages = pages
    unit = p.unit
    page = open_agreements(p)
    dialog = open_new(p, page)
    fill(dialog, unit, 22)
    dialog.edit_account_name.setText("深圳市别家贸易有限公司")
    click(p, dialog.btn_save)
    p.wait(page)
    made = dialog.saved
    assert made is not None
    dialog.edit_account_number.setText("6222999988887777")  # changed, not saved
    click(p, dialog.btn_verify)
    assert "请先点击【保存】" in dialog.label_error.text()
    click(p, dialog.btn_cancel)

    # 验证 from the list; the bank refuses the name (FAQ Q19): reason and what to do
    with bank_delays(unit, verify_delay_seconds=0):
        page.list.trigger_row_action(row_of(page, made["agreement_id"]), "verify")
        p.wait(page)
    warning = p.prompts.last
    assert warning.kind == "warning" and "账户名称与纳税人名称不一致" in warning.text
    assert "柜面" in warning.text
    row = row_of(page, made["agreement_id"])
    assert page.list.rows[row]["status"] == FAILED
    page.list.click_cell(row, "reason")  # the 失败原因 cell explains itself
    assert "柜面" in p.prompts.last.text
    assert actions_of(page, made["agreement_id"]) == ["修改", "验证", "作废"]

    # 作废 after its confirmation
    page.list.trigger_row_action(row, "void")
    assert "是否确定作废该协议？" in p.prompts.texts()
    p.wait(page)
    assert server_agreements(unit)[made["agreement_id"]]["status"] == ENDED

    # 取消 while waiting for the bank: still 验证中, nothing to click until it answers
    dialog = open_new(p, page)
    fill(dialog, unit, 23)
    click(p, dialog.btn_save)
    p.wait(page)
    waiting = dialog.saved
    with bank_delays(unit, verify_delay_seconds=3600):
        click(p, dialog.btn_verify)
        handle = page.handle
        p.qtbot.waitUntil(lambda: handle.last_progress is not None
                          and handle.last_progress.phase == "waiting", timeout=10_000)  # fmt: skip
        cancel = handle.dialog.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "取消"
        click(p, cancel)  # 取消 on the progress dialog
        p.qtbot.waitUntil(lambda: handle.done, timeout=10_000)
    assert handle.cancelled and p.prompts.last.text == STOPPED_WAITING
    assert dialog.saved["status"] == VERIFYING and not dialog.btn_verify.isEnabled()
    click(p, dialog.btn_cancel)
    assert actions_of(page, waiting["agreement_id"]) == []
    process_bank(unit)
    click(p, page.list.action_widgets["refresh"])
    p.wait(page)
    assert page.list.rows[row_of(page, waiting["agreement_id"])]["status"] == VERIFIED


def test_server_refusal_is_explained(pages: Any) -> None:
    p: Pages = pages
    unit = p.unit
    page = open_agreements(p)
    dialog = open_new(p, page)
    fill(dialog, unit, 24)
    click(p, dialog.btn_save)
    p.wait(page)
    click(p, dialog.btn_cancel)
    # the same account again while the first is live: the server refuses, the clerk is told
    dialog = open_new(p, page)
    fill(dialog, unit, 24)
    click(p, dialog.btn_save)
    p.qtbot.waitUntil(lambda: page.handle.done, timeout=10_000)
    error = p.prompts.last
    assert error.kind == "error" and "请直接使用或修改已有协议" in error.text
    assert dialog.saved is None and dialog.label_error.text()
