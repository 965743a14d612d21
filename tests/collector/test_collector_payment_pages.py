"""费款缴纳 of the 代收单位 (manual §3.9–§3.11) under pytest-qt against the real backend: the
欠费 of 代收代报 declarations paid by 三方协议 from the 缴费 page; a deduction the bank lost ends
锁定, a locked 欠费 may be ticked but 立即缴费 refuses it in one sentence, 解除锁定 on the 缴费
page resolves it; the rest paid by 银行端凭证 (print preview); 缴费凭证打印记录 and
三方协议缴费记录 show what was paid; a connection dropped after 立即缴费 never pays twice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from client.collector.module import DESCRIPTOR
from client.guide.texts import guide_text
from client.payments.auth import authenticate
from client.payments.reminders import payment_alerts, payment_todos
from client.payments.rules import FAILED, LOCKED, PAID, PAY_FAILED, PaymentRuleError, total
from client.sync.errors import ApiError
from client.ui.payments.pay_page import FeePaymentPage
from client.ui.payments.records_pages import PaymentRecordsPage, VoucherRecordsPage
from tests.collector.collector_pages import open_page, shown, wait_ok
from tests.collector.conftest import PASSWORD, CollectorUnit
from tests.collector.declaring import YEAR, declare, insured_residents
from tests.support.pdf import compact, needs_poppler, pdf_text

MEDICAL = "102110001"  # 城乡居民医保 of adults: most of the 40 residents have it
BALANCE = Decimal("1000000.00")


def declared_collector(cu: CollectorUnit, persons: int = 4) -> list[str]:
    """`persons` residents declared by 代收代报（自主）, one declaration each (so one 欠费 each)."""
    cu.backend.bank_settings(deduct_delay_seconds=0, verify_delay_seconds=0)
    grade = next(e["grade"] for e in cu.app.app_db.rule_file("resident_grades")["entries"]
                 if e["year"] == YEAR and e["levy_category"] == MEDICAL)  # fmt: skip
    people = insured_residents(cu, MEDICAL)[:persons]
    assert len(people) == persons
    return [i for p in people for i in declare(cu, [dict(p, levy_category=MEDICAL, grade=grade)])]


def verified_agreement(cu: CollectorUnit, account: str) -> dict[str, Any]:
    """The collector's own 三方协议 on a funded account, through the contract (signed outside
    this client: the 代收单位 menu has no 单位三方协议管理)."""
    api, unit = cu.session.api, cu.session.unit
    cu.backend.bank_account(account, unit.taxpayer_name, str(BALANCE), "正常")
    branch = cu.app.app_db.rule_file("bank_branches")["entries"][0]
    made = api.post_json(f"/collect/units/{cu.unit_id}/agreements", {
        "allow_deduction": False, "tax_authority": unit.tax_authority,
        "region_code": branch["region_code"], "bank_code": branch["bank_code"],
        "branch_code": branch["code"], "account_name": unit.taxpayer_name,
        "account_number": account,
    })  # fmt: skip
    api.post_json(f"/collect/units/{cu.unit_id}/agreements/{made['agreement_id']}/verify", {})
    cu.backend.process_collect(cu.unit_id)
    found = api.get_json(f"/collect/units/{cu.unit_id}/agreements")["agreements"]
    (mine,) = [a for a in found if a["agreement_id"] == made["agreement_id"]]
    assert mine["status"] == "验证通过", mine
    return mine


def balance(cu: CollectorUnit, account: str) -> Decimal:
    return Decimal(cu.backend.get_bank_account(account)["balance"])


def enter_password(qtbot: Any, page: Any) -> None:
    qtbot.waitUntil(lambda: page.auth_dialog is not None and page.auth_dialog.isVisible(),
                    timeout=20_000)  # fmt: skip
    page.auth_dialog.edit_password.setText(PASSWORD)
    qtbot.mouseClick(page.auth_dialog.btn_ok, Qt.MouseButton.LeftButton)


def choose_method(qtbot: Any, page: FeePaymentPage, agreement: dict[str, Any] | None) -> None:
    """安全认证, then 选择缴费方式: the agreement (confirmed) or, with None, 银行端凭证."""
    enter_password(qtbot, page)
    qtbot.waitUntil(lambda: page.method_dialog is not None and page.method_dialog.isVisible(),
                    timeout=20_000)  # fmt: skip
    dialog = page.method_dialog
    if agreement is not None:
        dialog.radio_agreement.setChecked(True)
        index = next(i for i in range(dialog.combo_agreement.count())
                     if (dialog.combo_agreement.itemData(i) or {}).get("agreement_id")
                     == agreement["agreement_id"])  # fmt: skip
        dialog.combo_agreement.setCurrentIndex(index)
        page.prompts.answer(True)  # 确认缴费
    else:
        assert dialog.radio_voucher.isEnabled()
        dialog.radio_voucher.setChecked(True)
    page.last_result = None
    qtbot.mouseClick(dialog.btn_ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.handle is not None and page.handle.done, timeout=60_000)


def pay_ticked(
    qtbot: Any, page: FeePaymentPage, line_ids: list[str], agreement: dict[str, Any] | None
) -> None:
    page.list.model.clear_checks()
    page.list.model.set_keys_checked(line_ids)
    page.prompts.answer(True)  # 核对险种、金额 → 确定
    page.pay_now()
    assert "请核对缴费的险种、金额" in page.prompts.history[-1].text
    choose_method(qtbot, page, agreement)


def row_of(page: FeePaymentPage, line_id: str) -> int:
    return next(i for i, r in enumerate(page.list.rows) if r["line_id"] == line_id)


def test_collector_menu_and_guide() -> None:
    group = next(n for n in DESCRIPTOR.menu if getattr(n, "title", "") == "费款缴纳")
    assert [(e.key, e.title) for e in group.children] == [
        ("fee_payment", "缴费"),
        ("fee_voucher_records", "缴费凭证打印记录"),
        ("fee_payment_records", "三方协议缴费记录"),
    ]
    assert DESCRIPTOR.entry("proof_resident") is not None
    for key in ("fee_payment", "fee_voucher_records", "fee_payment_records"):
        assert guide_text("collector", key) != guide_text("employer", key)
    assert "解除锁定" in (guide_text("collector", "fee_payment") or "")


@needs_poppler
def test_collector_pays_unlocks_and_prints_a_voucher(
    qtbot: Any, collector_unit: CollectorUnit
) -> None:
    cu = collector_unit
    declared_collector(cu, persons=4)
    account = "6222020200016666"
    agreement = verified_agreement(cu, account)
    page = open_page(qtbot, cu, FeePaymentPage)
    wait_ok(qtbot, page.handle)
    assert [a.key for a in page.list.spec.actions if a.key == "unlock"] == ["unlock"]
    lines = page.service.arrears.lines()
    assert len(lines) == 4 and {ln["state"] for ln in lines} == {"未缴费"}
    assert set(page.list.checked_keys()) == {ln["line_id"] for ln in lines}  # none 可缓缴
    a, b, c, d = (ln["line_id"] for ln in lines)
    amount = {ln["line_id"]: Decimal(ln["amount"]) for ln in lines}

    # 三方协议缴费 of one 欠费 → 缴费成功, deducted once
    pay_ticked(qtbot, page, [a], agreement)
    assert [x["status"] for x in page.last_result] == [PAID]
    assert "缴费成功1笔" in page.prompts.last.text
    assert balance(cu, account) == BALANCE - amount[a]
    assert a not in {r["line_id"] for r in page.list.rows}

    # the bank loses the next deduction: 锁定, and the result says how to unlock here
    cu.backend.lose_next_deduction(account, deducted=False)
    pay_ticked(qtbot, page, [b], agreement)
    assert [x["status"] for x in page.last_result] == [LOCKED]
    assert "【解除锁定】" in page.prompts.last.text
    assert page.list.rows[row_of(page, b)]["state"] == LOCKED
    assert b not in page.list.checked_keys()  # never ticked by default
    # 首页 异常提醒 words it for the collector and opens the 缴费 page (解除锁定 is there)
    (alert,) = [r for r in payment_alerts(cu.session) if "锁定" in r.text]
    assert "【解除锁定】" in alert.text and alert.entry_key == "fee_payment"
    (todo,) = payment_todos(cu.session)
    assert "2条社保费欠费待缴纳" in todo.text and DESCRIPTOR.entry(todo.entry_key)

    # a locked 欠费 may be ticked (for 解除锁定) but 立即缴费 refuses it in one sentence
    cell = page.list.model.index(row_of(page, b), 0)
    page.list.model.setData(cell, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert b in page.list.checked_keys()
    asked = len(page.prompts.history)
    page.pay_now()
    refusal = page.prompts.last
    assert refusal.kind == "error" and len(page.prompts.history) == asked + 1
    assert "锁定" in refusal.text and "【解除锁定】" in refusal.text
    assert refusal.text.count("。") == 1 and "缴费记录】中" not in refusal.text
    assert page.auth_dialog is None or not page.auth_dialog.isVisible()  # nothing asked
    with pytest.raises(PaymentRuleError) as refused:  # the service refuses the same
        page.service.plan([b])
    assert refused.value.code == "LINE_LOCKED"
    with pytest.raises(ApiError) as server:  # and so does the 征收子系统, for a collector too
        cu.session.api.post_json(
            f"/collect/units/{cu.unit_id}/payments",
            {"line_ids": [b], "agreement_id": agreement["agreement_id"]},
            headers=authenticate(cu.session.api, cu.unit_id, PASSWORD).headers,
        )
    assert server.value.code == "LINE_LOCKED"

    # 解除锁定: 安全认证 → result 扣费失败 → the 欠费 payable again
    page.list.model.clear_checks()
    page.list.model.set_keys_checked([b])
    page.unlock_ticked()
    enter_password(qtbot, page)
    qtbot.waitUntil(lambda: page.last_result and page.last_result[0].get("status") != LOCKED,
                    timeout=30_000)  # fmt: skip
    assert [x["status"] for x in page.last_result] == [PAY_FAILED]
    assert "扣费失败" in page.prompts.last.text
    assert page.list.rows[row_of(page, b)]["state"] == FAILED
    assert balance(cu, account) == BALANCE - amount[a]  # the lost deduction took nothing

    # 银行端凭证缴费 of what is left (the 扣费失败 one with it) → print preview of the voucher
    rest = [b, c, d]
    pay_ticked(qtbot, page, rest, None)
    issued = page.last_result
    assert page.preview is not None and page.preview.isVisible()
    assert total(r["amount"] for r in issued.voucher["rows"]) == sum(amount[i] for i in rest)
    text = compact(pdf_text(issued.pdf))
    assert issued.voucher["serial"] in text and f"{sum(amount[i] for i in rest):,.2f}" in text
    page.preview.close()

    # 缴费凭证打印记录: the voucher, 查看 its rows; the bank counter pays it, 同步 shows it
    vouchers = open_page(qtbot, cu, VoucherRecordsPage)
    assert vouchers.list.total == 1 and shown(vouchers, 0, "status") == "未缴款"
    assert vouchers.view(vouchers.list.rows[0]).table.rowCount() == len(rest)
    vouchers.dialog.close()
    cu.backend.pay_bank_voucher(cu.unit_id, issued.voucher["voucher_id"])
    wait_ok(qtbot, vouchers.sync_range(f"{YEAR}-01", f"{YEAR}-12"))
    assert shown(vouchers, 0, "status") == "已缴款"
    wait_ok(qtbot, page.fetch())
    assert page.list.total == 0  # every 欠费 paid

    # 三方协议缴费记录: the collector's name for 缴费记录, with both agreement payments
    records = open_page(qtbot, cu, PaymentRecordsPage)
    assert records.list.spec.title == "三方协议缴费记录"
    records.list.query()
    statuses = sorted(shown(records, i, "status") for i in range(records.list.total))
    assert statuses == sorted([PAID, PAY_FAILED])
    failed = next(r for r in records.list.rows if r["status"] == PAY_FAILED)
    records.show_reason(failed)
    assert "银行确认未扣款" in records.prompts.last.text


def test_unlock_finds_a_deduction_made_on_another_computer(
    qtbot: Any, collector_unit: CollectorUnit
) -> None:
    """解除锁定 when this computer has no record of the locked deduction: 同步 finds it."""
    cu = collector_unit
    declared_collector(cu, persons=1)
    account = "6222020200017777"
    agreement = verified_agreement(cu, account)
    cu.backend.lose_next_deduction(account, deducted=True)
    page = open_page(qtbot, cu, FeePaymentPage)
    wait_ok(qtbot, page.handle)
    (line,) = page.service.arrears.lines()
    # paid on the wire (another computer's client), so no local 缴费记录
    cu.session.api.post_json(
        f"/collect/units/{cu.unit_id}/payments",
        {"line_ids": [line["line_id"]], "agreement_id": agreement["agreement_id"]},
        headers=authenticate(cu.session.api, cu.unit_id, PASSWORD).headers,
    )
    cu.backend.process_collect(cu.unit_id)
    wait_ok(qtbot, page.fetch())
    assert page.list.rows[0]["state"] == LOCKED and page.service.deductions.locked() == []
    page.list.model.set_keys_checked([line["line_id"]])
    page.unlock_ticked()
    enter_password(qtbot, page)
    qtbot.waitUntil(lambda: bool(page.last_result), timeout=30_000)
    assert [x["status"] for x in page.last_result] == [PAID]
    assert "无需再次缴费" in page.prompts.last.text
    assert page.list.total == 0
    assert balance(cu, account) == BALANCE - Decimal(line["amount"])


def test_a_dropped_connection_after_paying_never_pays_twice(
    qtbot: Any, collector_unit: CollectorUnit
) -> None:
    cu = collector_unit
    declared_collector(cu, persons=2)
    account = "6222020200018888"
    agreement = verified_agreement(cu, account)
    cu.session.api.retries = 0  # no silent retry: the outcome must stay unknown
    page = open_page(qtbot, cu, FeePaymentPage)
    wait_ok(qtbot, page.handle)
    lines = page.service.arrears.lines()
    chosen = [ln["line_id"] for ln in lines]
    amount = total(ln["amount"] for ln in lines)
    cu.backend.add_fault("drop", path_prefix=f"/api/v1/collect/units/{cu.unit_id}/payments",
                         method="POST", count=1, after_bytes=0)  # fmt: skip
    try:
        pay_ticked(qtbot, page, chosen, agreement)
    finally:
        cu.backend.clear_faults()
    qtbot.waitUntil(lambda: page.handle.done, timeout=30_000)  # the 欠费 fetched again
    errors = [x for x in page.prompts.history if x.kind == "error"]
    assert len(errors) == 1 and errors[0].title == "缴费", errors
    assert "连接中断" in errors[0].text and "再次点击【立即缴费】" in errors[0].text
    assert page.service.submitter.pending("fee_payment")
    # 立即缴费 again (nothing to tick: the 征收子系统 took the payment): after 安全认证 the
    # stored request is resent with its first key and answered with the first result
    page.list.model.clear_checks()
    page.pay_now()
    assert "确认上次的缴费结果" in page.prompts.last.text
    enter_password(qtbot, page)
    qtbot.waitUntil(lambda: "没有重复缴费" in page.prompts.last.text, timeout=30_000)
    assert "【三方协议缴费记录】" in page.prompts.last.text
    assert not page.service.submitter.pending("fee_payment")
    cu.backend.process_collect(cu.unit_id)
    assert balance(cu, account) == BALANCE - amount  # deducted once
    page.service.deductions.sync(f"{YEAR}-01", f"{YEAR}-12")
    mine = list(page.service.deductions.source().rows({}, []))
    assert len({d["payment_id"] for d in mine}) == 1  # one payment, one deduction per 欠费
    assert len(mine) == len(lines) and total(d["amount"] for d in mine) == amount
    assert {d["status"] for d in mine} == {PAID}
