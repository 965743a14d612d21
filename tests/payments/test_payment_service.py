"""费款缴纳 services against the real backend: arrears, 安全认证 and its lock, 三方协议缴费 sent
once (also across a dropped connection), 锁定 → 解锁 to both outcomes, vouchers (PDF, Q28,
作废, counter payment), and the records 同步 brings in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from client.payments.auth import PaymentAuthError, authenticate
from client.payments.rules import (
    FAILED,
    LOCKED,
    PAID,
    PAY_FAILED,
    PayerAccountInput,
    PaymentRuleError,
    summary_selection,
    ticked_by_default,
    total,
)
from client.sync.errors import ApiError
from client.sync.submissions import SubmissionUncertainError
from tests.employer.conftest import PASSWORD
from tests.support.pdf import pdf_text


def normal_selection(pay: Any) -> list[str]:
    """What the page ticks by default, minus 特殊缴费 (agreement payments refuse those)."""
    return [ln["line_id"] for ln in pay.arrears.lines()
            if ticked_by_default(ln) and ln["pay_type"] == "正常"]  # fmt: skip


def test_arrears_come_from_successful_declarations(pay_unit: Any) -> None:
    pu = pay_unit()
    pay = pu.payments()
    assert pay.arrears.refresh() > 0
    lines = pay.arrears.lines()
    assert {ln["declaration_id"] for ln in lines} == set(pu.declarations)
    assert {ln["part"] for ln in lines} <= {"单位缴纳", "个人缴纳"}
    assert any(ln["deferrable"] for ln in lines)  # 医保 unit parts 可缓缴
    assert all(ln["part"] == "单位缴纳" for ln in lines if ln["deferrable"])
    assert any(ln["pay_type"] == "特殊缴费" and not ln["sequential"] for ln in lines)
    # every declaration's lines add up to its amount, to the 分
    declared = pu.api.get_json(f"/mgmt/units/{pu.unit_id}/fee-declarations")["declarations"]
    for d in declared:
        if d["declaration_id"] in pu.declarations:
            mine = [ln["amount"] for ln in lines if ln["declaration_id"] == d["declaration_id"]]
            assert total(mine) == Decimal(d["amount"])


def test_wrong_password_three_times_locks_payment_for_three_minutes(pay_unit: Any) -> None:
    pu = pay_unit()
    with pytest.raises(PaymentAuthError) as first:
        authenticate(pu.api, pu.unit_id, "wrong-1")
    assert first.value.remaining == 2 and "2次" in first.value.message
    with pytest.raises(PaymentAuthError):
        authenticate(pu.api, pu.unit_id, "wrong-2")
    with pytest.raises(PaymentAuthError) as third:
        authenticate(pu.api, pu.unit_id, "wrong-3")
    assert third.value.locked and "锁定" in third.value.message
    with pytest.raises(PaymentAuthError) as still:  # the right one is refused while locked
        authenticate(pu.api, pu.unit_id, PASSWORD)
    assert still.value.locked
    try:
        pu.backend.set_clock(offset_seconds=181)
        assert authenticate(pu.api, pu.unit_id, PASSWORD).ticket
    finally:
        pu.backend.reset_clock()


def test_agreement_payment_succeeds_once_and_reaches_arrival(pay_unit: Any) -> None:
    pu = pay_unit()
    agreement = pu.verified_agreement("6222020200001111")
    pay = pu.payments()
    pay.arrears.refresh()
    chosen = normal_selection(pay)
    plan = pay.plan(chosen)
    assert plan.agreement_refusal is None
    submitted = pay.pay_by_agreement(plan, agreement, pu.ticket())
    assert total(d["amount"] for d in submitted.deductions) == plan.amount
    final = pay.wait_for_bank(submitted, timeout=30)
    assert {d["status"] for d in final} == {PAID}
    left = {ln["line_id"] for ln in pay.arrears.lines()}
    assert not left & set(chosen)
    balance = Decimal(pu.backend.get_bank_account("6222020200001111")["balance"])
    assert balance == Decimal("10000000.00") - plan.amount
    # 缴费记录 keeps them; the journal has the request and its outcome
    assert all(pay.deductions.deduction(d["deduction_id"])["status"] == PAID for d in final)
    actions = [(e.action, e.result) for e in pay.journal.entries()]
    assert ("三方协议缴费", "已受理") in actions and ("申报结果", PAID) in actions
    # 到账 after the delays
    pu.backend.process_arrivals(pu.unit_id)
    arrived = pu.api.get_json(f"/mgmt/units/{pu.unit_id}/arrivals")["records"]
    assert {r[0] for r in arrived} >= set(chosen)


def test_special_payments_and_out_of_order_lines_are_refused_before_sending(pay_unit: Any) -> None:
    pu = pay_unit()
    pay = pu.payments()
    pay.arrears.refresh()
    lines = pay.arrears.lines()
    special = [ln["line_id"] for ln in lines if ln["pay_type"] == "特殊缴费"]
    plan = pay.plan(special)
    assert plan.agreement_refusal and "特殊缴费" in plan.agreement_refusal
    with pytest.raises(PaymentRuleError) as refused:
        pay.pay_by_agreement(plan, {"agreement_id": "XY"}, pu.ticket())
    assert refused.value.code == "SPECIAL_NOT_BY_AGREEMENT"
    # the server refuses the same, in case a client skips the check
    with pytest.raises(ApiError) as server:
        pu.api.post_json(f"/collect/units/{pu.unit_id}/payments",
                         {"line_ids": special, "agreement_id": "XY0000000000"},
                         headers=pu.ticket().headers)  # fmt: skip
    assert server.value.code in ("SPECIAL_NOT_BY_AGREEMENT", "AGREEMENT_NOT_FOUND")


def test_a_dropped_connection_after_paying_does_not_pay_twice(pay_unit: Any) -> None:
    pu = pay_unit()
    account = "6222020200002222"
    agreement = pu.verified_agreement(account)
    pay = pu.payments()
    pay.api.retries = 0  # no silent retry: the outcome must stay unknown
    pay.arrears.refresh()
    plan = pay.plan(normal_selection(pay))
    pu.backend.add_fault("drop", path_prefix=f"/api/v1/collect/units/{pu.unit_id}/payments",
                         method="POST", count=1, after_bytes=0)  # fmt: skip
    try:
        with pytest.raises(SubmissionUncertainError):
            pay.pay_by_agreement(plan, agreement, pu.ticket())
    finally:
        pu.backend.clear_faults()
    assert pay.submitter.pending("fee_payment")
    (again,) = pay.resend_pending_payments(pu.ticket())
    assert again.resent and not pay.submitter.pending("fee_payment")
    pu.backend.process_collect(pu.unit_id)
    balance = Decimal(pu.backend.get_bank_account(account)["balance"])
    assert balance == Decimal("10000000.00") - plan.amount  # deducted once
    pay.deductions.sync("2024-01", "2026-12")
    mine = [d for d in _all_deductions(pay) if d["channel"] == "客户端"]
    assert len(mine) == len(again.deductions)


def _all_deductions(pay: Any) -> list[dict[str, Any]]:
    return list(pay.deductions.source().rows({}, []))


@pytest.mark.parametrize(("deducted", "outcome"), [(True, PAID), (False, PAY_FAILED)])
def test_a_locked_payment_is_unlocked_to_its_outcome(pay_unit: Any, deducted: bool,
                                                      outcome: str) -> None:  # fmt: skip
    pu = pay_unit()
    account = f"622202020000{3333 if deducted else 4444}"
    agreement = pu.verified_agreement(account)
    pu.backend.lose_next_deduction(account, deducted=deducted)
    pay = pu.payments()
    pay.arrears.refresh()
    plan = pay.plan(normal_selection(pay))
    final = pay.wait_for_bank(pay.pay_by_agreement(plan, agreement, pu.ticket()), timeout=30)
    assert LOCKED in {d["status"] for d in final}
    locked = next(d for d in final if d["status"] == LOCKED)
    assert all(ln["state"] == LOCKED for ln in pay.arrears.rows(locked["line_ids"]))
    with pytest.raises(PaymentRuleError) as refused:  # a locked line cannot be paid
        pay.plan(locked["line_ids"])
    assert refused.value.code == "LINE_LOCKED"
    result = pay.deductions.unlock(locked["deduction_id"], pu.ticket())
    assert result["status"] == outcome
    still = pay.arrears.rows(locked["line_ids"])
    if deducted:
        assert still == []
    else:
        assert still and all(ln["state"] == FAILED for ln in still)
        assert "银行确认未扣款" in (result["reason"] or "")


def test_insufficient_balance_fails_with_the_reason(pay_unit: Any) -> None:
    pu = pay_unit()
    agreement = pu.verified_agreement("6222020200005555", balance="1.00")
    pay = pu.payments()
    pay.arrears.refresh()
    plan = pay.plan(normal_selection(pay))
    final = pay.wait_for_bank(pay.pay_by_agreement(plan, agreement, pu.ticket()), timeout=30)
    assert {d["status"] for d in final} == {PAY_FAILED}
    assert all("余额不足" in d["reason"] for d in final)
    assert all(ln["state"] == FAILED for ln in pay.arrears.rows(plan.line_ids))


def test_voucher_is_printed_once_reprinted_as_saved_and_voided(pay_unit: Any) -> None:
    pu = pay_unit()
    pay = pu.payments()
    pay.arrears.refresh()
    lines = pay.arrears.lines()
    first_only = [ln["line_id"] for ln in lines if ln["sequential"] and not ln["deferrable"]][:1]
    with pytest.raises(PaymentRuleError) as partial:  # 顺序缴费 lines: 汇总开具 only
        pay.issue_voucher(pay.plan(first_only), None, pu.ticket())
    assert partial.value.code in ("SUMMARY_REQUIRED", "OUT_OF_ORDER")
    chosen = summary_selection(lines)
    plan = pay.plan(chosen)
    payer = PayerAccountInput("某某劳务有限公司", "6222020200009999", "中国工商银行深圳分行")
    bad = PayerAccountInput("某某劳务有限公司", "12AB", "中国工商银行")
    with pytest.raises(PaymentRuleError) as refused:
        pay.issue_voucher(plan, bad, pu.ticket())
    assert refused.value.code == "BAD_PAYER"
    issued = pay.issue_voucher(plan, payer, pu.ticket())
    text = pdf_text(issued.pdf)
    assert issued.voucher["serial"] in text
    assert "某某劳务有限公司" in text and "6222020200009999" in text
    assert f"{plan.amount:,.2f}" in text or f"{plan.amount:.2f}" in text
    assert "金额合计(大写)" in text.replace("（", "(").replace("）", ")")
    assert issued.voucher["summary"] is True
    # 重新打印 shows the saved file, not a new one
    stamp = issued.pdf.stat().st_mtime_ns
    assert pay.vouchers.pdf(issued.voucher["voucher_id"]) == issued.pdf
    assert issued.pdf.stat().st_mtime_ns == stamp
    # printing again for the same lines voids the first voucher (Q28)
    second = pay.issue_voucher(pay.plan(chosen), None, pu.ticket())
    assert second.voided_serials == [issued.voucher["serial"]]
    old = pay.vouchers.voucher(issued.voucher["voucher_id"])
    assert old["status"] == "已作废"
    with pytest.raises(PaymentRuleError) as reprint:
        pay.vouchers.pdf(issued.voucher["voucher_id"])
    assert reprint.value.code == "VOUCHER_VOIDED"
    assert pay.payers.all()[0]["account"] == "6222020200009999"  # kept for next time
    # the counter pays the second one; 同步 shows it paid and the lines leave the arrears
    pu.backend.pay_bank_voucher(pu.unit_id, second.voucher["voucher_id"])
    pay.vouchers.sync("2024-01", "2026-12")
    assert pay.vouchers.voucher(second.voucher["voucher_id"])["status"] == "已缴款"
    pay.arrears.refresh()
    assert not {ln["line_id"] for ln in pay.arrears.lines()} & set(chosen)
    with pytest.raises(PaymentRuleError):
        pay.vouchers.void(second.voucher["voucher_id"])  # paid: not voidable


def test_an_unpaid_voucher_can_be_voided(pay_unit: Any) -> None:
    pu = pay_unit()
    pay = pu.payments()
    pay.arrears.refresh()
    special = [ln["line_id"] for ln in pay.arrears.lines() if ln["pay_type"] == "特殊缴费"]
    issued = pay.issue_voucher(pay.plan(special), None, pu.ticket())
    assert "付款人名称" in pdf_text(issued.pdf)
    voided = pay.vouchers.void(issued.voucher["voucher_id"])
    assert voided["status"] == "已作废"
    with pytest.raises(PaymentRuleError) as again:
        pay.vouchers.void(issued.voucher["voucher_id"])
    assert again.value.code == "VOUCHER_VOIDED"


def test_home_reminders_name_arrears_failures_and_late_vouchers(pay_unit: Any) -> None:
    from datetime import date, timedelta

    from client.payments.reminders import payment_alerts, payment_todos

    pu = pay_unit()
    session = pu.unit.session
    agreement = pu.verified_agreement("6222020200005656", balance="1.00")
    pay = pu.payments()
    pay.arrears.refresh()
    todo = payment_todos(session)
    assert todo and "欠费待缴纳" in todo[0].text and todo[0].entry_key == "fee_payment"
    plan = pay.plan(normal_selection(pay))
    pay.wait_for_bank(pay.pay_by_agreement(plan, agreement, pu.ticket()), timeout=30)
    special = [ln["line_id"] for ln in pay.arrears.lines() if ln["pay_type"] == "特殊缴费"]
    issued = pay.issue_voucher(pay.plan(special), None, pu.ticket())
    alerts: dict[str, str] = {}  # several alerts may open the same page (缴费期限 too)
    for a in payment_alerts(session):
        alerts[a.entry_key] = alerts.get(a.entry_key, "") + a.text
    assert "余额不足" in alerts["fee_payment"] and "存入" in alerts["fee_payment"]
    assert "fee_voucher_records" not in alerts
    later = date.fromisoformat(issued.voucher["deadline"]) + timedelta(days=1)
    late = {a.entry_key: a.text for a in payment_alerts(session, today=later)}
    assert "已过税款缴款日期" in late["fee_voucher_records"]
