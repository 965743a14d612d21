"""税收完税证明（非印刷） as data: the contract's ticket read into `TaxCertificate` (and refused
when malformed) and the 查验 QR payload (round trip, escapes, garbage)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from client.documents.tax_certificate import (
    QR_FIELDS,
    TaxCertificate,
    parse_qr_payload,
    qr_payload,
)

ROW = {
    "line_id": "QF0000000001",
    "original_voucher": "10014403000123456789",
    "tax_kind": "企业职工基本养老保险费",
    "item_name": "企业职工基本养老保险（城镇职工）(单位缴纳)",
    "period_start": "2026-11-01",
    "period_end": "2026-11-30",
    "stored_on": "2026-12-04",
    "amount": "177.78",
}
# The contract's ticket with the rows of the manual's 纸质票面信息 (177.78 + 2,177.78 + 1,177.78).
TICKET: dict[str, Any] = {
    "ticket_id": "WS0000000001",
    "e_ticket_number": "344030261200000001",
    "ticket_kind": "税收完税证明（非印刷）",
    "ticket_word": "(2026)粤税证",
    "ticket_number": "0000000001",
    "taxpayer_id": "91440300MA5G7XKQ3R",
    "taxpayer_name": "深圳市前海示例科技有限公司",
    "tax_authority_code": "14403060000",
    "tax_authority_name": "国家税务总局深圳市宝安区税务局",
    "region_code": "440306",
    "treasury_name": "国家金库深圳市宝安区支库",
    "stored_on": "2026-12-04",
    "period_start": "2026-11",
    "period_end": "2026-11",
    "amount": "3533.34",
    "amount_in_words": "叁仟伍佰叁拾叁元叁角肆分",
    "status": "已开具",
    "issued_on": "2026-12-04",
    "issuer": "单位社保费管理客户端",
    "print_count": 4,
    "check_code": "7Q2K-9D4M-X8PA-3C6T",
    "remark": "正常申报 主管税务所(科、分局): 国家税务总局深圳市宝安区税务局",
    "voided_by": None,
    "voided_on": None,
    "void_reason": None,
    "rows": [
        {**ROW, "line_id": "QF0000000001", "original_voucher": "463016100004",
         "period_start": "2026-07-01", "period_end": "2026-07-31", "amount": "177.78"},
        {**ROW, "line_id": "QF0000000002", "original_voucher": "463016100005",
         "tax_kind": "失业保险费", "item_name": "失业保险(单位缴纳)", "amount": "2177.78"},
        {**ROW, "line_id": "QF0000000003", "original_voucher": "463016100006",
         "period_start": "2026-04-01", "period_end": "2026-04-30", "amount": "1177.78"},
    ],
}  # fmt: skip


def ticket(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(TICKET), **changes}


def test_from_wire_reads_the_contract_ticket() -> None:
    cert = TaxCertificate.from_wire(TICKET)
    assert cert.e_ticket_number == "344030261200000001"
    assert (cert.ticket_word, cert.ticket_number) == ("(2026)粤税证", "0000000001")
    assert cert.issued_on == date(2026, 12, 4) and cert.print_count == 4
    assert cert.amount == Decimal("3533.34") == cert.rows_total
    assert [r.amount for r in cert.rows] == [
        Decimal("177.78"),
        Decimal("2177.78"),
        Decimal("1177.78"),
    ]
    assert cert.rows[0].period_start == date(2026, 7, 1)
    assert cert.rows[1].tax_kind == "失业保险费"
    unissued = TaxCertificate.from_wire(ticket(issued_on=None, print_count=0, status="未开具"))
    assert unissued.issued_on is None and unissued.print_count == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"e_ticket_number": ""}, "e_ticket_number"),
        ({"taxpayer_id": None}, "taxpayer_id"),
        ({"amount": "3,533.34"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"issued_on": "2026-13-01"}, "issued_on"),
        ({"print_count": "4"}, "print_count"),
        ({"rows": None}, "rows"),
        ({"rows": [{**ROW, "stored_on": "2026/12/04"}]}, "stored_on"),
        ({"rows": [{**ROW, "amount": 177.78}]}, "amount"),
    ],
)
def test_from_wire_refuses_malformed_tickets(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match="完税证明的数据不完整") as caught:
        TaxCertificate.from_wire(ticket(**changes))
    assert field in str(caught.value)


def test_qr_payload_round_trip() -> None:
    cert = TaxCertificate.from_wire(TICKET)
    payload = qr_payload(cert)
    assert payload.startswith("SBFWSZM|v1|91440300MA5G7XKQ3R|深圳市前海示例科技有限公司|")
    fields = parse_qr_payload(payload)
    assert list(fields) == list(QR_FIELDS)
    assert fields == {
        "taxpayer_id": "91440300MA5G7XKQ3R",
        "taxpayer_name": "深圳市前海示例科技有限公司",
        "ticket_kind": "税收完税证明（非印刷）",
        "e_ticket_number": "344030261200000001",
        "region_code": "440306",
        "amount": "3533.34",
        "ticket_word": "(2026)粤税证",
        "ticket_number": "0000000001",
        "check_code": "7Q2K-9D4M-X8PA-3C6T",
    }
    assert parse_qr_payload(payload + "\n") == fields  # a scanner's line end


def test_qr_payload_escapes_separators_inside_fields() -> None:
    name = "深圳|某某%7C公司\n（筹）"
    cert = TaxCertificate.from_wire(ticket(taxpayer_name=name, check_code="", amount="3533.34"))
    payload = qr_payload(cert)
    assert payload.count("|") == 2 + len(QR_FIELDS) - 1 and "\n" not in payload
    fields = parse_qr_payload(payload)
    assert fields["taxpayer_name"] == name.strip() and fields["check_code"] == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "https://example.invalid/verify?no=1",
        "SBFWSZM|v2|a|b|c|1|2|3.00|||",
        "SBFWSZM|v1|a|b|c|1|2",  # fields missing
        "SBFWSZM|v1|a|b|c|1|2|3.00||||extra",
        "SBFWSZM|v1||b|c|1|2|3.00|||",  # 纳税人识别号 empty
        "SBFWSZM|v1|a|b|c|1|2|三千|||",  # not an amount
        "SBFWSZM|v1|a|b|c|1|2|3.001|||",
        "SBFWSZM|v1|a|b|c|ABC|2|3.00|||",  # 电子税票号码 not digits
        "SBFWSZM|v1|a|b%ZZ|c|1|2|3.00|||",  # a broken escape
        "SBFWSZM|v1|a|b%7|c|1|2|3.00|||",
    ],
)
def test_parse_qr_payload_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_qr_payload(text)
    assert str(caught.value).startswith("二维码不是税收完税证明的查验信息")
