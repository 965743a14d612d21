"""证明打印 checks that need no server: periods, 查验 fields, save locations, the wire layout,
and the in-memory list source the query pages show their answers through."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from client.certificates import wire
from client.certificates.proofs import EMPLOYEE, UNIT, ProofQuery, check_person
from client.certificates.rules import (
    FOLDER_DENIED,
    CertificateError,
    check_period,
    check_save_path,
    ticket_file_name,
    verify_body,
)
from client.storage.listing import RowsSource
from client.sync.errors import MalformedResponseError


def _ticket(**changes: object) -> dict:
    ticket = {
        "ticket_id": "WS0000000001", "e_ticket_number": "344030261200000001",
        "ticket_kind": "税收完税证明（非印刷）", "ticket_word": "(2026)粤税证",
        "ticket_number": "0000000001", "taxpayer_id": "91440300MA5F00000X",
        "taxpayer_name": "深圳市某某有限公司", "tax_authority_code": "14403060000",
        "tax_authority_name": "国家税务总局深圳市宝安区税务局", "region_code": "440306",
        "treasury_name": "国家金库深圳市宝安区支库", "stored_on": "2026-12-04",
        "period_start": "2026-11", "period_end": "2026-11", "amount": "300.10",
        "amount_in_words": "叁佰元壹角", "status": "未开具", "issued_on": None, "issuer": None,
        "print_count": 0, "check_code": "7Q2K-9D4M-X8PA-3C6T", "remark": "",
        "voided_by": None, "voided_on": None, "void_reason": None,
        "rows": [
            {"line_id": "QF1", "original_voucher": "1001", "tax_kind": "养老", "item_name": "单位",
             "period_start": "2026-11-01", "period_end": "2026-11-30",
             "stored_on": "2026-12-04", "amount": "200.05"},
            {"line_id": "QF2", "original_voucher": "1001", "tax_kind": "养老", "item_name": "个人",
             "period_start": "2026-11-01", "period_end": "2026-11-30",
             "stored_on": "2026-12-04", "amount": "100.05"},
        ],
    }  # fmt: skip
    ticket.update(changes)
    return ticket


def test_period_is_required_and_ordered() -> None:
    assert check_period("2026-01", "2026-12") == ("2026-01", "2026-12")
    with pytest.raises(CertificateError, match="请输入费款所属期起止"):
        check_period(None, "2026-12")
    with pytest.raises(CertificateError, match="请输入费款所属期起止"):
        check_period("2026-13", "2026-12")
    with pytest.raises(CertificateError, match="不能晚于"):
        check_period("2026-12", "2026-01")


def test_verify_names_the_first_empty_required_field() -> None:
    form = {"taxpayer_id": "9144", "taxpayer_name": "某公司", "ticket_kind": "税收完税证明（非印刷）",
            "e_ticket_number": "3440", "region_code": "", "amount": "10"}  # fmt: skip
    with pytest.raises(CertificateError) as caught:
        verify_body(form)
    assert caught.value.message == "请填写行政区划。" and caught.value.field == "region_code"
    body = verify_body(form | {"region_code": "440306", "amount": "3,533.3", "ticket_word": " "})
    assert body["amount"] == "3533.30" and body["ticket_word"] is None
    assert body["check_code"] is None
    for bad in ("abc", "1.234", "-5"):
        with pytest.raises(CertificateError, match="金额合计应为数字"):
            verify_body(form | {"region_code": "440306", "amount": bad})


def test_save_path_must_take_a_file(tmp_path: Path) -> None:
    assert check_save_path(tmp_path / "a.pdf") == tmp_path / "a.pdf"
    with pytest.raises(CertificateError) as caught:
        check_save_path(tmp_path / "missing" / "a.pdf")
    assert caught.value.message == FOLDER_DENIED
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(CertificateError):
            check_save_path(locked / "a.pdf")
    assert not list(tmp_path.glob(".~*"))  # the probe file is gone


def test_ticket_layout_and_totals_are_checked() -> None:
    assert wire.ticket(_ticket())["amount"] == "300.10"
    with pytest.raises(MalformedResponseError):
        wire.ticket(_ticket(amount="300.11"))  # rows do not add up
    with pytest.raises(MalformedResponseError):
        wire.ticket(_ticket(status="已打印"))
    with pytest.raises(MalformedResponseError):
        wire.ticket({k: v for k, v in _ticket().items() if k != "check_code"})
    assert ticket_file_name(_ticket()) == "税收完税证明_344030261200000001.pdf"
    assert ticket_file_name(_ticket(print_count=1), reissue=True).endswith("_第2次打印.pdf")


def test_payment_list_layout_and_empty_reason() -> None:
    payload = {"fields": wire.UNIT_LIST_FIELDS, "records": [], "empty_reason":
               {"code": "NOT_STORED", "message": "尚未入库。"}}  # fmt: skip
    rows, reason = wire.payment_list(payload, wire.UNIT_LIST_FIELDS)
    assert rows == [] and reason == {"code": "NOT_STORED", "message": "尚未入库。"}
    with pytest.raises(MalformedResponseError):
        wire.payment_list(payload, wire.PERSON_LIST_FIELDS)
    found = ProofQuery(UNIT, [], "NOT_STORED", "尚未入库。")
    text = found.explanation()
    assert text.startswith("尚未入库。") and "2. 缴纳的费款未入库。" in text
    assert ProofQuery(UNIT, [{"amount": "0.10"}, {"amount": "0.20"}]).total == Decimal("0.30")


def test_person_checks_identity_numbers() -> None:
    with pytest.raises(CertificateError, match="请填写姓名"):
        check_person("", "01", "11010519491231002X")
    with pytest.raises(CertificateError, match="校验位"):
        check_person("张三", "01", "110105194912310021")
    assert check_person(" 张三 ", "01", "11010519491231002x")["id_number"] == "11010519491231002X"
    assert check_person("JOHN", "08", "E1234567")["id_type"] == "08"
    assert EMPLOYEE.person and not UNIT.person


def test_rows_source_filters_sorts_and_pages() -> None:
    rows = [{"k": n, "month": f"2026-{n:02d}", "amount": n * 10} for n in (3, 1, 2, 5, 4)]
    src = RowsSource(
        "k", rows, filters={"min": lambda r, v: r["amount"] >= v}, default_sort=[("month", True)]
    )
    assert [r["k"] for r in src.page({}, [], 0, 10)] == [1, 2, 3, 4, 5]
    assert [r["k"] for r in src.page({}, [("amount", False)], 1, 2)] == [4, 3]
    assert src.count({"min": 30}) == 3 and src.count({"min": None, "other": 1}) == 5
    assert [r["_key"] for r in src.rows({}, [], keys=[5, 1])] == [1, 5]
    src.set_rows(rows[:1])
    assert src.count({}) == 1
