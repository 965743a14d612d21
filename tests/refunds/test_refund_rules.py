"""The rules of 新增退费申请 without Qt or a server: the typed 退费金额, the rows of step 2 (at
least one, positive, two decimals, not above what is refundable, of the chosen 退费方式), the
退费账户 of step 3 (name, bank of the table, 8–32 digits, 退费原因, 理由 of 1–200 characters) in
the server's order and with its sentences, the exact 合计, and the wire checks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from client.refunds import wire
from client.refunds.rules import (
    BAD_AMOUNT,
    BY_PERSON,
    BY_TICKET,
    NOTHING_SELECTED,
    RefundAccount,
    RefundCodes,
    RefundDraft,
    RefundLine,
    RefundRuleError,
    body_total,
    can_refund,
    checked_body,
    parse_amount,
)
from client.sync.errors import MalformedResponseError

CODES = RefundCodes(
    reasons=[{"code": "01", "name": "误收退库"}, {"code": "02", "name": "多缴退库"}],
    kinds=[{"code": "1", "name": "汇算清缴退费"}, {"code": "3", "name": "多缴退费"}],
    banks=[{"code": "102", "name": "中国工商银行"}, {"code": "105", "name": "中国建设银行"}],
)
ACCOUNT = RefundAccount(
    "深圳市某某有限公司", "102", "4000023409200156700", "01", "重复缴纳，申请退还。"
)


def draft(*lines: tuple[str, str, str], **kw: Any) -> RefundDraft:
    return RefundDraft(
        kw.pop("method", BY_TICKET),
        kw.pop("refund_kind", None),
        [RefundLine(*line) for line in lines],
        kw.pop("account", ACCOUNT),
    )


def refused(d: RefundDraft) -> RefundRuleError:
    with pytest.raises(RefundRuleError) as caught:
        checked_body(d, CODES)
    return caught.value


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("20", "20.00"), ("20.5", "20.50"), (" 1,234.56 ", "1234.56"), ("０.０１", "0.01"),
     (".5", "0.50"), ("0", None), ("0.00", None), ("-1", None), ("1.234", None), ("", None),
     ("abc", None), ("1e3", None), ("12.", None)],
)  # fmt: skip
def test_a_typed_amount_is_positive_with_at_most_two_decimals(
    typed: str, amount: str | None
) -> None:
    assert parse_amount(typed) == (None if amount is None else Decimal(amount))


def test_the_body_of_a_ticket_refund_and_its_exact_total() -> None:
    body = checked_body(
        draft(("T-QF1", "0.10", "192000.00"), ("T-QF2", "0.20", "0.20"), ("T-QF3", "1", "5.00")),
        CODES,
    )
    assert body == {
        "method": BY_TICKET,
        "refund_kind": None,
        "rows": [{"row_id": "T-QF1", "amount": "0.10"}, {"row_id": "T-QF2", "amount": "0.20"},
                 {"row_id": "T-QF3", "amount": "1.00"}],
        "account": {"account_name": "深圳市某某有限公司", "bank_code": "102",
                    "account_number": "4000023409200156700"},
        "reason_code": "01",
        "statement": "重复缴纳，申请退还。",
    }  # fmt: skip
    assert body_total(body) == Decimal("1.30")  # 0.1 + 0.2 exactly, not 0.30000000000000004


def test_rows_are_checked_in_order_with_the_servers_sentences() -> None:
    assert refused(draft()).message == NOTHING_SELECTED
    error = refused(draft(("T-QF1", "10", "20.00"), ("T-QF2", "0", "20.00")))
    assert (error.message, error.row_id, error.field) == (BAD_AMOUNT, "T-QF2", "amount")
    error = refused(draft(("T-QF1", "20.01", "20.00")))
    assert error.message == "退费金额不能超过该明细已缴纳且未退的金额20.00元。"
    assert error.row_id == "T-QF1"
    assert checked_body(draft(("T-QF1", "20.00", "20.00")), CODES)["rows"][0]["amount"] == "20.00"
    # a malformed amount is reported before an amount above what is refundable
    error = refused(draft(("T-QF1", "99", "20.00"), ("T-QF2", "x", "20.00")))
    assert (error.message, error.row_id) == (BAD_AMOUNT, "T-QF2")
    # rows of the other 退费方式, or a row twice
    assert refused(draft(("P-QF1-1", "1", "5.00"))).message == (
        "税票退费只能勾选税票明细，请重新勾选后提交。"
    )
    twice = refused(draft(("T-QF1", "1", "5.00"), ("T-QF1", "1", "5.00")))
    assert twice.message == "明细T-QF1被重复勾选，请重新勾选后提交。"


def test_person_rows_need_a_refund_kind_of_the_table() -> None:
    lines = (("P-QF1-1", "3.00", "3.00"),)
    assert refused(draft(*lines, method=BY_PERSON)).field == "refund_kind"
    assert refused(draft(*lines, method=BY_PERSON, refund_kind="退着玩")).field == "refund_kind"
    body = checked_body(draft(*lines, method=BY_PERSON, refund_kind="汇算清缴退费"), CODES)
    assert (body["method"], body["refund_kind"]) == (BY_PERSON, "汇算清缴退费")
    # a ticket refund never carries a refund kind
    body = checked_body(draft(("T-QF1", "1", "5"), refund_kind="汇算清缴退费"), CODES)
    assert body["refund_kind"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"account_name": "  "}, "account_name", "请填写退费银行账户名称。"),
        ({"bank_code": ""}, "bank_code", "请从银行行别代码表中选择退费银行。"),
        ({"bank_code": "999"}, "bank_code", "请从银行行别代码表中选择退费银行。"),
        ({"account_number": ""}, "account_number", "退费银行账户应为8至32位数字。"),
        ({"account_number": "1234567"}, "account_number", "退费银行账户应为8至32位数字。"),
        ({"account_number": "1" * 33}, "account_number", "退费银行账户应为8至32位数字。"),
        ({"account_number": "1234abcd5678"}, "account_number", "退费银行账户应为8至32位数字。"),
        ({"account_number": "１２３４５６７８"}, "account_number", ""),  # fine: full-width
        ({"reason_code": ""}, "reason_code", "请从退费原因代码表中选择退费原因。"),
        ({"reason_code": "09"}, "reason_code", "请从退费原因代码表中选择退费原因。"),
        ({"statement": "   "}, "statement", "退费申请理由应为1至200个字。"),
        ({"statement": "退" * 201}, "statement", "退费申请理由应为1至200个字。"),
    ],
)
def test_the_account_step_is_checked_field_by_field(change: dict[str, str], field: str,
                                                    message: str) -> None:  # fmt: skip
    d = draft(("T-QF1", "1", "5"), account=replace(ACCOUNT, **change))
    if not message:
        assert checked_body(d, CODES)["account"]["account_number"] == "12345678"
        return
    error = refused(d)
    assert (error.field, error.message) == (field, message)


def test_the_account_is_checked_after_the_rows_and_cleaned() -> None:
    # rows first: a bad amount is reported even when the account is empty too
    assert refused(draft(("T-QF1", "0", "5"), account=RefundAccount())).field == "amount"
    spaced = replace(ACCOUNT, account_number="４０００ ０２３４ ０９２０", statement=" 理由 ",
                     account_name=" 深圳市某某有限公司 ")  # fmt: skip
    body = checked_body(draft(("T-QF1", "1", "5"), account=spaced), CODES)
    assert body["account"]["account_number"] == "400002340920"
    assert (body["statement"], body["account"]["account_name"]) == ("理由", "深圳市某某有限公司")
    assert checked_body(draft(("T-QF1", "1", "5"),
                              account=replace(ACCOUNT, statement="退" * 200)), CODES)  # fmt: skip


def test_only_rows_with_something_refundable_can_be_ticked() -> None:
    assert can_refund({"refundable": "0.01"})
    assert not can_refund({"refundable": "0.00"})


def test_code_tables_are_read_from_the_rule_files() -> None:
    files = {
        "refund_reasons": {"entries": [{"code": "01", "name": "误收退库"}, {"code": "02"}]},
        "refund_kinds": {"entries": [{"code": "1", "name": "汇算清缴退费"}]},
        "banks": {"entries": [{"code": "105", "name": "中国建设银行"},
                              {"code": "102", "name": "中国工商银行"}]},
    }  # fmt: skip

    class Rules:
        def rule_file(self, code: str) -> dict[str, Any] | None:
            return files.get(code)

    codes = RefundCodes.load(Rules())
    assert codes.complete
    assert [r["code"] for r in codes.reasons] == ["01"]  # an entry without a name is skipped
    assert [b["code"] for b in codes.banks] == ["102", "105"]
    assert codes.kind_names() == ["汇算清缴退费"]
    files.pop("refund_kinds")
    assert not RefundCodes.load(Rules()).complete


# -- wire ------------------------------------------------------------------------------------
TICKET_ROW = {
    "row_id": "T-QF1", "line_id": "QF1", "original_voucher": "1001", "tax_kind": "养老",
    "item_name": "养老(单位缴纳)", "period_start": "2026-11-01", "period_end": "2026-11-30",
    "stored_on": "2026-12-04", "amount": "100.00", "refundable": "80.00", "declared": "100.00",
    "check": "一致",
}  # fmt: skip
TICKET = {"ticket_id": "WS1", "e_ticket_number": "344030261200000001", "status": "未开具",
          "tax_authority_name": "国家税务总局深圳市宝安区税务局", "rows": [TICKET_ROW]}  # fmt: skip


def test_ticket_rows_are_flattened_with_their_ticket() -> None:
    (row,) = wire.ticket_rows({"tickets": [TICKET]})
    assert row["e_ticket_number"] == "344030261200000001" and row["refundable"] == "80.00"
    assert row["ticket_status"] == "未开具" and row["row_id"] == "T-QF1"


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"tickets": [{**TICKET, "rows": [{**TICKET_ROW, "refundable": 80}]}]},
        {"tickets": [{**TICKET, "rows": [{**TICKET_ROW, "row_id": "P-QF1-1"}]}]},
        {"tickets": [{**TICKET, "rows": [TICKET_ROW, TICKET_ROW]}]},
        {"tickets": [{k: v for k, v in TICKET.items() if k != "rows"}]},
    ],
)
def test_a_malformed_ticket_answer_is_refused(bad: Any) -> None:
    with pytest.raises(MalformedResponseError):
        wire.ticket_rows(bad)


def test_person_rows_need_the_contracts_layout() -> None:
    good = {
        "fields": wire.PERSON_FIELDS,
        "records": [
            ["P-QF1-1", "张三", "01", "4403", "养老", "养老(个人缴纳)", "2026-11", "80.00", "80.00"]
        ],
    }
    assert wire.person_rows(good)[0]["name"] == "张三"
    with pytest.raises(MalformedResponseError):
        wire.person_rows({**good, "fields": wire.PERSON_FIELDS[::-1]})
    with pytest.raises(MalformedResponseError):
        wire.person_rows({**good, "records": [good["records"][0][:-1]]})  # fmt: skip


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "NaN", "1E+30", "1" * 40 + ".00"])
def test_an_amount_that_is_not_a_finite_one_to_the_fen_is_a_malformed_answer(amount: str) -> None:
    assert wire.ticket_rows({"tickets": [TICKET]})  # the same answer with "80.00" is read
    with pytest.raises(MalformedResponseError):
        wire.ticket_rows({"tickets": [{**TICKET, "rows": [{**TICKET_ROW, "refundable": amount}]}]})
