"""The 费款缴纳 pages under pytest-qt against the real backend: 缴费 by 三方协议 (缓缴 prompt,
核对, wrong then right 申报密码, 选择缴费方式, 确认缴费) → 缴费记录 shows 缴费成功; 汇总开具 →
人工录入 payer → print preview of the voucher → 缴费凭证打印记录 (查看, 作废, no reprint);
解锁 of a locked deduction in 缴费记录."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from client.payments.rules import LOCKED, PAID
from client.ui.payments.pay_page import FeePaymentPage
from tests.employer.conftest import PASSWORD
from tests.fees.test_fee_pages import Pages, shown


def open_pages(qtbot: Any, pu: Any) -> Pages:
    return Pages(qtbot, pu.unit)


def enter_password(p: Pages, page: Any, password: str = PASSWORD) -> None:
    p.qtbot.waitUntil(lambda: page.auth_dialog is not None and page.auth_dialog.isVisible())
    dialog = page.auth_dialog
    dialog.edit_password.setText(password)
    p.qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)


def test_pay_by_agreement_from_the_page(qtbot: Any, pay_unit: Any) -> None:
    pu = pay_unit()
    pu.verified_agreement("6222020200006666")
    p = open_pages(qtbot, pu)
    page: FeePaymentPage = p.open_page("fee_payment")
    p.wait(page)
    lines = page.service.arrears.lines()
    ticked = set(page.list.checked_keys())
    assert ticked and not any(ln["line_id"] in ticked for ln in lines if ln["deferrable"])
    assert any("缓缴" in t for t in p.prompts.texts())  # the 缓缴 notice after fetching
    # ticking a 可缓缴 unit part asks first; 取消 leaves it unticked
    row = next(i for i, r in enumerate(page.list.rows) if r["deferrable"])
    cell = page.list.model.index(row, 0)
    p.prompts.answer(False)
    page.list.model.setData(cell, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert "按照医保缓缴政策" in p.prompts.last.text
    assert page.list.rows[row]["line_id"] not in page.list.checked_keys()
    # pay the 正常 lines only (特殊缴费 cannot go by agreement)
    keep = [ln["line_id"] for ln in lines if ln["pay_type"] == "正常" and not ln["deferrable"]]
    page.list.model.clear_checks()
    page.list.model.set_keys_checked(keep)
    p.prompts.answer(True)  # 核对险种、金额 → 确定
    page.pay_now()
    assert "请核对缴费的险种、金额" in p.prompts.last.text
    enter_password(p, page, "not-the-password")
    p.qtbot.waitUntil(lambda: "还可以" in page.auth_dialog.error.text(), timeout=20_000)
    enter_password(p, page)
    p.qtbot.waitUntil(lambda: page.method_dialog is not None and page.method_dialog.isVisible(),
                      timeout=20_000)  # fmt: skip
    dialog = page.method_dialog
    assert "缴费金额" in dialog.label_amount.text()
    assert dialog.radio_agreement.isEnabled() and dialog.combo_agreement.count() >= 2
    assert "*****6666" in dialog.combo_agreement.itemText(1)
    dialog.radio_agreement.setChecked(True)
    dialog.combo_agreement.setCurrentIndex(1)
    p.prompts.answer(True)  # 确认缴费
    p.qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    p.wait(page, timeout=60_000)
    assert {d["status"] for d in page.last_result} == {PAID}
    assert "缴费成功" in p.prompts.last.text
    records = p.opened["fee_payment_records"]  # the result opens 缴费记录
    records.list.query()
    statuses = {shown(records, i, "status") for i in range(records.list.total)}
    assert statuses == {PAID}
    # clicking 应征凭证序号 shows the declaration's 申报明细
    records.list.click_cell(0, "voucher_number")
    p.wait(records)
    assert records.dialog.objectName() == "dialog_fee_declaration"
    assert not set(keep) & {ln["line_id"] for ln in page.service.arrears.lines()}


def test_summary_voucher_with_a_typed_payer(qtbot: Any, pay_unit: Any) -> None:
    pu = pay_unit()
    p = open_pages(qtbot, pu)
    page: FeePaymentPage = p.open_page("fee_payment")
    p.wait(page)
    p.prompts.answer(True)
    page.summary_voucher()
    enter_password(p, page)
    p.qtbot.waitUntil(lambda: page.method_dialog is not None and page.method_dialog.isVisible(),
                      timeout=20_000)  # fmt: skip
    dialog = page.method_dialog
    assert not dialog.radio_agreement.isEnabled()  # 汇总开具: bank counter only
    assert dialog.radio_voucher.isChecked()
    payer = dialog.enter_payer()
    payer.edit_name.setText("某某劳务有限公司")
    payer.edit_account.setText("62220A")
    p.qtbot.mouseClick(payer.btn_save, Qt.MouseButton.LeftButton)
    assert "8至32位数字" in payer.error.text() and payer.isVisible()
    payer.edit_account.setText("6222020200007777")
    payer.edit_bank.setText("中国建设银行深圳分行")
    p.qtbot.mouseClick(payer.btn_save, Qt.MouseButton.LeftButton)
    assert "*****7777" in dialog.combo_payer.currentText()
    p.qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    p.wait(page, timeout=60_000)
    issued = page.last_result
    assert page.preview is not None and page.preview.isVisible()
    assert issued.voucher["payer"]["account"] == "6222020200007777"
    page.preview.close()
    vouchers = p.open_page("fee_voucher_records")
    vouchers.list.query()
    assert vouchers.list.total == 1 and shown(vouchers, 0, "status") == "未缴款"
    detail = vouchers.view(vouchers.list.rows[0])
    assert detail.table.rowCount() == len(issued.voucher["rows"])
    p.prompts.answer(True)
    vouchers.void(vouchers.list.rows[0])
    p.wait(vouchers)
    assert shown(vouchers, 0, "status") == "已作废"
    row_actions = [a.key for a in vouchers.list.spec.row_actions
                   if a.visible(vouchers.list.rows[0])]  # fmt: skip
    assert row_actions == ["view"]  # no 重新打印 or 作废 after a void


def test_unlock_from_payment_records(qtbot: Any, pay_unit: Any) -> None:
    pu = pay_unit()
    account = "6222020200008888"
    agreement = pu.verified_agreement(account)
    pu.backend.lose_next_deduction(account, deducted=True)
    pay = pu.payments()
    pay.arrears.refresh()
    chosen = [ln["line_id"] for ln in pay.arrears.lines()
              if ln["pay_type"] == "正常" and not ln["deferrable"]]  # fmt: skip
    pay.wait_for_bank(pay.pay_by_agreement(pay.plan(chosen), agreement, pu.ticket()), timeout=30)
    p = open_pages(qtbot, pu)
    records = p.open_page("fee_payment_records")
    records.list.query()
    row = next(i for i, r in enumerate(records.list.rows) if r["status"] == LOCKED)
    records.list.trigger_row_action(row, "unlock")
    enter_password(p, records)
    p.qtbot.waitUntil(lambda: records.last_result is not None, timeout=30_000)
    assert records.last_result["status"] == PAID
    assert "缴费成功" in p.prompts.last.text
    records.list.query()
    assert LOCKED not in {r["status"] for r in records.list.rows}
