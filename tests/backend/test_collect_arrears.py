"""Arrears (欠费) of successful declarations: one line per item × part, the flags of 是否顺序缴费
and 可缓缴, the ordering rule, the line checks, and a declaration's pay_status following its
paid lines (部分缴费, 作废 refused, 批量扣款 by the admin)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.backend.collect_unit import CollectUnit, declared_unit, total, unit_agreement
from tests.backend.conftest import error_of
from tests.backend.fee_unit import make_fee_unit
from tests.support.backend import BackendServer

OUT_OF_ORDER = (
    "单位编号{number} 的企业职工基本养老保险费是顺序缴费，须先缴纳（或一并勾选）"
    "费款所属期{periods}的欠费。"
)


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> CollectUnit:
    return declared_unit(backend, http)


def test_lines_are_the_parts_of_declared_items(backend: BackendServer, unit: CollectUnit) -> None:
    special = backend.add_special_fee(unit.unit_id, levy_item="10201", persons=2)
    (special_declaration,) = unit.fee.declare(special)
    declarations = {d["declaration_id"]: d for d in unit.fee.declarations()}
    lines = unit.arrears()
    assert {line["declaration_id"] for line in lines} == set(declarations)
    for declaration_id, declaration in declarations.items():
        mine = [line for line in lines if line["declaration_id"] == declaration_id]
        assert total(mine) == Decimal(declaration["amount"])  # exactly the declaration
        assert {line["voucher_number"] for line in mine} == {declaration["voucher_number"]}
        items = {i["item_id"]: i for i in declaration["items"]}
        for line in mine:
            item = items[line["item_id"]]
            field = "unit_amount" if line["part"] == "单位缴纳" else "personal_amount"
            assert line["amount"] == item[field] and Decimal(line["amount"]) > 0
            assert (line["unit_number"], line["levy_item"], line["levy_category"]) == (
                item["unit_number"], item["levy_item"], item["levy_category"]
            )  # fmt: skip
            assert (line["period_start"], line["period_end"]) == (
                item["period_start"], item["period_end"]
            )  # fmt: skip
            assert line["declared_at"] == declaration["submitted_at"]
            assert line["tax_authority"] == item["tax_authority"]
        # a part of 0.00 has no line: 工伤 and 生育 have no personal share
        parts = {(line["item_id"], line["part"]) for line in mine}
        expected = {(i, p) for i, it in items.items()
                    for p, f in (("单位缴纳", "unit_amount"), ("个人缴纳", "personal_amount"))
                    if Decimal(it[f]) > 0}  # fmt: skip
        assert parts == expected
    assert [line["state"] for line in lines] == ["未缴费"] * len(lines)
    assert {line["reason"] for line in lines} == {None}
    assert {line["bank_voucher_id"] for line in lines} == {None}
    order = [(line["period_start"], line["unit_number"], line["levy_item"],
              line["levy_category"], line["part"], line["line_id"]) for line in lines]  # fmt: skip
    assert order == sorted(order)
    assert len({line["line_id"] for line in lines}) == len(lines)
    assert all(line["line_id"].startswith("QF") and len(line["line_id"]) == 12 for line in lines)

    specials = [line for line in lines if line["declaration_id"] ==
                special_declaration["declaration_id"]]  # fmt: skip
    assert specials and {(s["pay_type"], s["sequential"], s["deferrable"]) for s in specials} == {
        ("特殊缴费", False, False)
    }
    normal = [line for line in lines if line not in specials]
    assert {(n["pay_type"], n["sequential"]) for n in normal} == {("正常", True)}
    deferrable = {(n["levy_item"], n["part"]) for n in normal if n["deferrable"]}
    assert deferrable == {("10203", "单位缴纳"), ("10205", "单位缴纳")}  # 医保缓缴政策
    assert {n["period_start"] for n in normal} == {"2026-10", "2026-11", "2026-12"}


def test_collector_lines_are_never_deferrable(backend: BackendServer, http: httpx.Client) -> None:
    backend.set_processing_delay(0)
    fee = make_fee_unit(backend, http, kind="collector", residents=3, now="2026-12-20 10:00:00")
    ids = [i["item_id"] for i in fee.items(state="初始")]
    assert ids
    fee.declare(ids)
    lines = CollectUnit(fee).arrears()
    assert lines and {line["deferrable"] for line in lines} == {False}
    assert {line["part"] for line in lines} == {"个人缴纳"}


def test_ordering_rule(backend: BackendServer, unit: CollectUnit) -> None:
    funded = unit_agreement(backend, unit)
    agreement = funded["agreement_id"]
    unit.login_payment()
    pension = {m: unit.ids(levy_item="10201", period_start=m) for m in ("2026-10", "2026-11",
                                                                         "2026-12")}  # fmt: skip
    number = unit.lines(levy_item="10201")[0]["unit_number"]

    refused = unit.pay(pension["2026-12"], agreement)
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["code"] == "OUT_OF_ORDER"
    assert error["message"] == OUT_OF_ORDER.format(number=number, periods="2026-10、2026-11")
    assert sorted(error["details"]["missing"]) == sorted(pension["2026-10"] + pension["2026-11"])
    only_half = unit.pay(pension["2026-10"][:1] + pension["2026-11"], agreement)
    assert error_of(only_half)["details"]["missing"] == pension["2026-10"][1:]
    assert error_of(only_half)["message"] == OUT_OF_ORDER.format(number=number, periods="2026-10")

    # Another 征收项目's earlier months do not block; 可缓缴 lines neither need nor block.
    unemployment = unit.ids(levy_item="10202", period_start="2026-10")
    deferred_late = unit.ids(levy_item="10203", part="单位缴纳", period_start="2026-12")
    paid = unit.pay(pension["2026-10"] + unemployment + deferred_late, agreement)
    assert paid.status_code == 202, paid.text
    # 2026-11 needs nothing now: 2026-10 is with the bank (扣费中 lines do not block).
    assert unit.pay(pension["2026-11"], agreement).status_code == 202
    # Failed deductions make the earlier months block again.
    backend.bank_account(funded["account_number"], funded["account_name"], "0.00")
    backend.process_collect(unit.unit_id)
    assert {line["state"] for line in unit.lines(levy_item="10201")
            if line["period_start"] < "2026-12"} == {"扣费失败"}  # fmt: skip
    again = unit.pay(pension["2026-12"], agreement)
    assert sorted(error_of(again)["details"]["missing"]) == sorted(
        pension["2026-10"] + pension["2026-11"]
    )
    nothing = unit.pay([], agreement)
    assert nothing.status_code == 422 and error_of(nothing)["code"] == "NOTHING_SELECTED"
    assert error_of(nothing)["message"] == "请先勾选需要缴纳的欠费。"


def test_line_checks(backend: BackendServer, unit: CollectUnit) -> None:
    agreement = unit_agreement(backend, unit)["agreement_id"]
    unit.login_payment()
    unknown = unit.pay(["QF9999999999"], agreement)
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "LINE_NOT_FOUND"
    assert error_of(unknown)["details"] == {"line_ids": ["QF9999999999"]}
    other = declared_unit(backend, unit.http, months=("2026-12",))
    foreign = other.ids()[0]
    assert error_of(unit.pay([foreign], agreement))["code"] == "LINE_NOT_FOUND"

    first = unit.ids(levy_item="10201", period_start="2026-10")
    assert unit.pay(first, agreement).status_code == 202
    busy = unit.pay(first, agreement)
    assert busy.status_code == 409 and error_of(busy)["code"] == "LINE_IN_PROGRESS"
    assert error_of(busy)["details"] == {"line_ids": first}
    backend.process_collect(unit.unit_id)
    paid = unit.pay(first, agreement)
    assert paid.status_code == 409
    assert error_of(paid) == {"code": "ALREADY_PAID", "message": "所选欠费已缴费，请刷新后再操作。",
                              "details": {"line_ids": first}}  # fmt: skip
    assert not set(first) & set(unit.ids())  # paid lines leave the arrears
    bad = unit.http.post(f"{unit.path}/payments", json={"line_ids": "QF1"}, headers=unit.paying())
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"


def test_pay_status_follows_paid_lines(backend: BackendServer, unit: CollectUnit) -> None:
    agreement = unit_agreement(backend, unit)["agreement_id"]
    unit.login_payment()
    declaration_id = unit.lines(levy_item="10203", period_start="2026-10")[0]["declaration_id"]
    medical = unit.lines(declaration_id=declaration_id)  # 10203 and 10205: one 征集通知流水号
    personal = [m["line_id"] for m in medical if m["part"] == "个人缴纳"]
    assert unit.pay(personal, agreement).status_code == 202  # the 单位缴纳 part deferred
    assert unit.fee.declaration(declaration_id)["pay_status"] == "未缴费"  # still with the bank
    backend.process_collect(unit.unit_id)
    assert unit.fee.declaration(declaration_id)["pay_status"] == "部分缴费"
    void = unit.fee.void(declaration_id)
    assert void.status_code == 409 and error_of(void)["code"] == "ALREADY_PAID"
    assert error_of(void)["message"] == "该申报记录已缴费，不能作废。如需退费，请使用单位退费申请。"

    rest = [m["line_id"] for m in medical if m["part"] == "单位缴纳"]
    assert unit.pay(rest, agreement).status_code == 202
    backend.process_collect(unit.unit_id)
    assert unit.fee.declaration(declaration_id)["pay_status"] == "缴费成功"


def test_void_refused_while_with_the_bank(backend: BackendServer, unit: CollectUnit) -> None:
    agreement = unit_agreement(backend, unit)["agreement_id"]
    unit.login_payment()
    special = backend.add_special_fee(unit.unit_id, levy_item="10202", persons=1)
    (declaration,) = unit.fee.declare(special)
    declaration_id = declaration["declaration_id"]
    lines = unit.ids(declaration_id=declaration_id)
    voucher = unit.issue(lines)
    assert voucher.status_code == 201, voucher.text
    pension = unit.lines(levy_item="10201", period_start="2026-10")[0]["declaration_id"]
    unit.pay(unit.ids(declaration_id=pension), agreement)
    busy = unit.fee.void(pension)
    assert busy.status_code == 409 and error_of(busy)["code"] == "NOT_VOIDABLE"
    # Voiding a declaration voids its unpaid bank-counter voucher at once.
    assert unit.fee.void(declaration_id).status_code == 202
    (voided,) = [v for v in unit.vouchers() if v["voucher_id"] == voucher.json()["voucher_id"]]
    assert (voided["status"], voided["void_reason"]) == ("已作废", "申报记录已作废，凭证同时作废")
    assert not set(lines) & set(unit.ids())  # lines of a voided declaration leave the arrears


def test_admin_pay_is_a_batch_deduction(backend: BackendServer, unit: CollectUnit) -> None:
    funded = unit_agreement(backend, unit)
    lines = unit.lines(levy_item="10202", period_start="2026-11")
    declaration_id = lines[0]["declaration_id"]
    paid = backend.pay_fee_declaration(unit.unit_id, declaration_id)
    assert paid["pay_status"] == "缴费成功"
    assert not {line["line_id"] for line in lines} & set(unit.ids())
    (batch,) = [d for d in unit.deductions() if d["declaration_id"] == declaration_id]
    assert (batch["channel"], batch["status"], batch["agreement_id"]) == (
        "批量扣款", "缴费成功", funded["agreement_id"]
    )  # fmt: skip
    assert batch["amount"] == paid["amount"] == str(total(lines))
    assert sorted(batch["line_ids"]) == sorted(line["line_id"] for line in lines)
    assert batch["finished_at"] == batch["submitted_at"]
    again = backend.pay_fee_declaration(unit.unit_id, declaration_id)
    assert again["pay_status"] == "缴费成功"
    assert len([d for d in unit.deductions() if d["declaration_id"] == declaration_id]) == 1
