"""The rules of 费款缴纳 the client checks before sending (seed 001, FAQ Q12/Q20), and the
table of failure reasons with their next step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.payments.reasons import TABLE, explain
from client.payments.rules import (
    FAILED,
    IN_PROGRESS,
    LOCKED,
    UNPAID,
    PayerAccountInput,
    PaymentRuleError,
    agreement_refusal,
    check_selection,
    missing_earlier,
    summary_missing,
    summary_selection,
    ticked_by_default,
    total,
    voucher_refusal,
)


def line(line_id: str, period: str, *, levy: str = "10201", part: str = "单位缴纳",
         pay_type: str = "正常", deferrable: bool = False, state: str = UNPAID,
         amount: str = "100.00", unit: str = "U1") -> dict:  # fmt: skip
    return {
        "line_id": line_id, "unit_number": unit, "levy_item": levy, "part": part,
        "period_start": period, "period_end": period, "pay_type": pay_type,
        "sequential": pay_type == "正常", "deferrable": deferrable, "state": state,
        "amount": amount,
    }  # fmt: skip


LINES = [
    line("a", "2026-09"),
    line("b", "2026-10"),
    line("c", "2026-11"),
    line("m", "2026-09", levy="10203", deferrable=True),
    line("n", "2026-10", levy="10203"),
    line("s", "2026-08", pay_type="特殊缴费", amount="55.55"),
]


def test_deferrable_unit_parts_are_not_ticked_by_default() -> None:
    assert [ln["line_id"] for ln in LINES if ticked_by_default(ln)] == ["a", "b", "c", "n", "s"]
    assert not ticked_by_default(line("x", "2026-09", state=LOCKED))
    assert not ticked_by_default(line("x", "2026-09", state=IN_PROGRESS))
    assert ticked_by_default(line("x", "2026-09", state=FAILED))


def test_sequential_lines_are_paid_oldest_first() -> None:
    assert missing_earlier(LINES, ["a", "b"]) == {}
    gaps = missing_earlier(LINES, ["c"])
    assert [g["line_id"] for g in gaps["c"]] == ["a", "b"]
    with pytest.raises(PaymentRuleError) as refused:
        check_selection(LINES, ["b"], lambda code: {"10201": "企业职工基本养老保险费"}[code])
    assert refused.value.code == "OUT_OF_ORDER"
    assert refused.value.line_ids == ["a"]
    assert "2026-09" in refused.value.message and "企业职工基本养老保险费" in refused.value.message


def test_deferrable_lines_neither_need_nor_block() -> None:
    # n (10203, 2026-10) needs nothing: the only earlier 10203 line is the deferrable m.
    assert missing_earlier(LINES, ["n"]) == {}
    assert missing_earlier(LINES, ["m"]) == {}
    assert [r["line_id"] for r in check_selection(LINES, ["n", "m"])] == ["n", "m"]


def test_order_is_per_unit_number_and_levy_item() -> None:
    lines = [line("x", "2026-09", unit="U1"), line("y", "2026-10", unit="U2")]
    assert missing_earlier(lines, ["y"]) == {}


def test_locked_or_busy_lines_and_empty_selection_are_refused() -> None:
    lines = [line("a", "2026-09", state=LOCKED), line("b", "2026-09", levy="10202")]
    with pytest.raises(PaymentRuleError) as locked:
        check_selection(lines, ["a", "b"])
    assert locked.value.code == "LINE_LOCKED" and "解锁" in locked.value.message
    busy = [line("a", "2026-09", state=IN_PROGRESS)]
    with pytest.raises(PaymentRuleError) as in_progress:
        check_selection(busy, ["a"])
    assert in_progress.value.code == "LINE_IN_PROGRESS"
    with pytest.raises(PaymentRuleError) as nothing:
        check_selection(LINES, [])
    assert nothing.value.code == "NOTHING_SELECTED"


def test_special_payments_cannot_go_by_agreement() -> None:
    assert agreement_refusal([LINES[0]]) is None
    text = agreement_refusal([LINES[0], LINES[5]])
    assert text is not None and "特殊缴费" in text and "银行端凭证缴费" in text


def test_bank_counter_needs_one_summary_voucher_for_sequential_lines() -> None:
    assert summary_missing(LINES, ["s"]) == []  # a 特殊缴费 line alone: fine
    assert voucher_refusal(LINES, ["s"]) is None
    missing = [m["line_id"] for m in summary_missing(LINES, ["a"])]
    assert missing == ["b", "c", "n"]
    assert "汇总开具" in (voucher_refusal(LINES, ["a"]) or "")
    everything = summary_selection(LINES)
    assert everything == ["a", "b", "c", "n"]
    assert voucher_refusal(LINES, everything) is None
    assert voucher_refusal(LINES, [*everything, "m", "s"]) is None


def test_totals_are_exact_sums() -> None:
    amounts = ["0.10", "0.20", "1005.00", "3533.34", "0.01"]
    assert total(amounts) == Decimal("4538.65")
    assert str(total([])) == "0.00"


@pytest.mark.parametrize(
    ("payer", "problem"),
    [
        (PayerAccountInput("", "6222020200001234", "工商银行"), "付款人名称"),
        (PayerAccountInput("某公司", "", "工商银行"), "付款人账号"),
        (PayerAccountInput("某公司", "62220-2020", "工商银行"), "8至32位数字"),
        (PayerAccountInput("某公司", "1234567", "工商银行"), "8至32位数字"),
        (PayerAccountInput("某公司", "6222020200001234", " "), "开户银行名称"),
    ],
)
def test_manual_payer_account_is_checked(payer: PayerAccountInput, problem: str) -> None:
    assert problem in (payer.problem() or "")


def test_manual_payer_account_is_cleaned() -> None:
    payer = PayerAccountInput(" 某公司 ", "6222 0202 0000 1234", " 工商银行 ")
    assert payer.problem() is None
    assert payer.cleaned() == PayerAccountInput("某公司", "6222020200001234", "工商银行")


def test_every_reason_has_a_meaning_and_a_next_step() -> None:
    for key in TABLE:
        e = explain(key)
        assert e.meaning and e.next_step, key
    found = explain("银行返回：账户余额不足（错误码51）")
    assert "存入" in found.next_step and found.page == "fee_payment"
    q19 = explain("账户名称与纳税人名称不一致")
    assert "柜面" in q19.next_step and q19.page == "unit_agreements"
    unknown = explain("银行系统维护")
    assert unknown.meaning == "银行系统维护。" and "主管税务机关" in unknown.next_step
