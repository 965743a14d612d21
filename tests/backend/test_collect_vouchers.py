"""银行端查询缴税凭证: 汇总开具 of 顺序缴费 arrears, the payer fields, reprinting voids the earlier
voucher (FAQ Q28), 作废, paying at the counter (and past the 税款缴款日期), and a line paid
by agreement voiding its voucher."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
import pytest

from tests.backend.collect_unit import NOW, CollectUnit, declared_unit, total, unit_agreement
from tests.backend.conftest import error_of
from tests.support.backend import BackendError, BackendServer

SUMMARY = "是否顺序缴费为“是”的欠费到银行柜台缴纳时只能汇总开具一张凭证，请使用【汇总开具】。"
PAYER = {"name": "深圳市测试有限公司", "account": "4000023409200156700", "bank_name": "中国工商银行深圳宝安支行"}  # fmt: skip


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> CollectUnit:
    unit = declared_unit(backend, http, months=("2026-11", "2026-12"))
    unit.login_payment()
    return unit


def _ordered(unit: CollectUnit) -> list[str]:
    """Every 顺序缴费, not 可缓缴 line: what one 汇总开具 voucher must hold."""
    return [line["line_id"] for line in unit.arrears() if line["sequential"]
            and not line["deferrable"]]  # fmt: skip


def test_summary_voucher(backend: BackendServer, unit: CollectUnit) -> None:
    ids = _ordered(unit) + unit.ids(levy_item="10203", part="单位缴纳", period_start="2026-12")
    backend.set_clock(NOW)
    response = unit.issue(ids, PAYER)
    assert response.status_code == 201, response.text
    voucher = response.json()
    assert voucher["voucher_id"].startswith("PZ") and re.fullmatch(r"\d{19}", voucher["serial"])
    assert (voucher["channel"], voucher["issued_at"], voucher["deadline"]) == (
        "客户端", "2026-12-20 10:00:00", "2026-12-27"
    )  # fmt: skip
    info = unit.http.get(f"/mgmt/units/{unit.unit_id}/info", headers=unit.headers).json()
    assert (voucher["taxpayer_id"], voucher["taxpayer_name"]) == (
        info["taxpayer_id"], info["unit_name"]
    )  # fmt: skip
    assert voucher["tax_authority_name"] == info["tax_authority"]
    assert re.fullmatch(r"1\d{6}0000", voucher["tax_authority_code"])
    assert voucher["payer"] == PAYER and voucher["summary"] is True
    assert (voucher["status"], voucher["void_reason"], voucher["paid_at"], voucher["expired"]) == (
        "未缴款", None, None, False
    )  # fmt: skip
    assert voucher["voided_serials"] == []
    rows = voucher["rows"]
    assert sorted(r["line_id"] for r in rows) == sorted(ids)
    assert Decimal(voucher["amount"]) == sum(Decimal(r["amount"]) for r in rows)
    lines = {line["line_id"]: line for line in unit.arrears()}
    assert Decimal(voucher["amount"]) == total([lines[i] for i in ids])
    pension = next(r for r in rows if r["levy_item"] == "10201" and "单位缴纳" in
                   r["levy_category_name"] and "城镇职工" in r["levy_category_name"])  # fmt: skip
    assert pension["levy_item_name"] == "企业职工基本养老保险费"
    assert pension["levy_category_name"] == "企业职工基本养老保险（城镇职工）(单位缴纳)"
    assert {(lines[i]["state"], lines[i]["bank_voucher_id"]) for i in ids} == {
        ("未缴费", voucher["voucher_id"])
    }
    assert unit.voucher(voucher["voucher_id"]).json() == voucher
    assert [v["voucher_id"] for v in unit.vouchers()] == [voucher["voucher_id"]]


def test_summary_required(backend: BackendServer, unit: CollectUnit) -> None:
    november = unit.ids(period_start="2026-11", levy_item="10201")
    refused = unit.issue(november)
    assert refused.status_code == 422
    error = error_of(refused)
    assert (error["code"], error["message"]) == ("SUMMARY_REQUIRED", SUMMARY)
    assert sorted(error["details"]["missing"]) == sorted(set(_ordered(unit)) - set(november))
    # The ordering rule is checked first.
    assert error_of(unit.issue(unit.ids(period_start="2026-12")))["code"] == "OUT_OF_ORDER"
    # 特殊缴费 arrears (是否顺序缴费 = 否) go on a voucher of their own.
    special = backend.add_special_fee(unit.unit_id, levy_item="10202", persons=2)
    (declaration,) = unit.fee.declare(special)
    lines = unit.ids(declaration_id=declaration["declaration_id"])
    alone = unit.issue(lines, None)
    assert alone.status_code == 201, alone.text
    assert (alone.json()["summary"], alone.json()["payer"]) == (False, None)


def test_payer_fields(unit: CollectUnit) -> None:
    special = unit.fee.backend.add_special_fee(unit.unit_id, levy_item="10202", persons=1)
    (declaration,) = unit.fee.declare(special)
    lines = unit.ids(declaration_id=declaration["declaration_id"])
    for payer in ({**PAYER, "account": "1234567"}, {**PAYER, "account": "12345678a"},
                  {**PAYER, "account": "1" * 33}):  # fmt: skip
        bad = unit.issue(lines, payer)
        assert bad.status_code == 422
        assert error_of(bad)["code"] == "BAD_PAYER"
        assert error_of(bad)["message"] == "付款人账号应为8至32位数字，请核对。"
    for payer in ({**PAYER, "name": ""}, {**PAYER, "bank_name": " "}, {"name": "某公司"}):
        bad = unit.issue(lines, payer)
        assert bad.status_code == 422 and error_of(bad)["code"] == "BAD_PAYER"
    ok = unit.issue(lines, {**PAYER, "account": "1" * 32})
    assert ok.status_code == 201 and ok.json()["payer"]["account"] == "1" * 32


def test_reprint_voids_the_earlier_voucher(backend: BackendServer, unit: CollectUnit) -> None:
    ids = _ordered(unit)
    first = unit.issue(ids).json()
    second = unit.issue(ids, PAYER).json()
    assert second["voided_serials"] == [first["serial"]]
    old = unit.voucher(first["voucher_id"]).json()
    assert (old["status"], old["void_reason"]) == ("已作废", "重新开具凭证，原凭证已作废")
    assert {line["bank_voucher_id"] for line in unit.lines() if line["line_id"] in ids} == {
        second["voucher_id"]
    }
    with pytest.raises(BackendError, match="VOUCHER_VOIDED"):  # the bank: 无数据 (FAQ Q28)
        backend.pay_bank_voucher(unit.unit_id, first["voucher_id"])
    listed = [v["voucher_id"] for v in unit.vouchers()]
    assert listed == [second["voucher_id"], first["voucher_id"]]  # newest first


def test_void_by_payer(backend: BackendServer, unit: CollectUnit) -> None:
    ids = _ordered(unit)
    voucher = unit.issue(ids).json()
    voided = unit.void_voucher(voucher["voucher_id"])
    assert voided.status_code == 200
    assert (voided.json()["status"], voided.json()["void_reason"]) == ("已作废", "缴费人作废")
    assert {line["bank_voucher_id"] for line in unit.lines() if line["line_id"] in ids} == {None}
    again = unit.void_voucher(voucher["voucher_id"])
    assert again.status_code == 409
    assert (error_of(again)["code"], error_of(again)["message"]) == (
        "VOUCHER_VOIDED", "该凭证已作废。"
    )  # fmt: skip
    paid = unit.issue(ids).json()
    backend.pay_bank_voucher(unit.unit_id, paid["voucher_id"])
    refused = unit.void_voucher(paid["voucher_id"])
    assert refused.status_code == 409
    assert (error_of(refused)["code"], error_of(refused)["message"]) == (
        "VOUCHER_PAID", "该凭证已缴款，不能作废。"
    )  # fmt: skip
    missing = unit.voucher("PZ9999999999")
    assert missing.status_code == 404 and error_of(missing)["code"] == "VOUCHER_NOT_FOUND"


def test_paid_at_the_counter(backend: BackendServer, unit: CollectUnit) -> None:
    ids = _ordered(unit)
    deferring = {line["declaration_id"] for line in unit.arrears() if line["deferrable"]}
    voucher = unit.issue(ids).json()
    backend.set_clock("2026-12-27 16:00:00")  # the 税款缴款日期 itself is still in time
    unit.fee.relogin()
    paid = backend.pay_bank_voucher(unit.unit_id, voucher["voucher_id"])
    assert (paid["status"], paid["paid_at"], paid["expired"]) == (
        "已缴款", "2026-12-27 16:00:00", False
    )  # fmt: skip
    assert not set(ids) & set(unit.ids())
    statuses = {d["declaration_id"]: d["pay_status"] for d in unit.fee.declarations()}
    assert deferring and {statuses[d] for d in deferring} == {"部分缴费"}  # 可缓缴 parts left
    assert {s for d, s in statuses.items() if d not in deferring} == {"缴费成功"}
    with pytest.raises(BackendError, match="VOUCHER_PAID"):
        backend.pay_bank_voucher(unit.unit_id, voucher["voucher_id"])
    unit.login_payment()  # a week later: the ticket has expired
    assert error_of(unit.issue(ids))["code"] == "ALREADY_PAID"


def test_expired_voucher(backend: BackendServer, unit: CollectUnit) -> None:
    voucher = unit.issue(_ordered(unit)).json()
    backend.set_clock("2026-12-28 08:00:00")
    unit.fee.relogin()
    assert unit.voucher(voucher["voucher_id"]).json()["expired"] is True
    with pytest.raises(BackendError, match="VOUCHER_EXPIRED") as refused:
        backend.pay_bank_voucher(unit.unit_id, voucher["voucher_id"])
    assert "凭证已过税款缴款日期，请重新打印后缴款。" in str(refused.value)
    unit.login_payment()
    reprinted = unit.issue(_ordered(unit)).json()  # reprint and pay
    assert reprinted["voided_serials"] == [voucher["serial"]]
    assert backend.pay_bank_voucher(unit.unit_id, reprinted["voucher_id"])["status"] == "已缴款"


def test_agreement_payment_voids_the_voucher(backend: BackendServer, unit: CollectUnit) -> None:
    agreement = unit_agreement(backend, unit)["agreement_id"]
    unit.login_payment()
    voucher = unit.issue(_ordered(unit)).json()
    november = unit.ids(levy_item="10201", period_start="2026-11")
    assert unit.pay(november, agreement).status_code == 202
    voided = unit.voucher(voucher["voucher_id"]).json()
    assert (voided["status"], voided["void_reason"]) == ("已作废", "欠费已通过其他方式缴纳")
    assert {line["bank_voucher_id"] for line in unit.arrears()} == {None}


def test_voucher_list_by_period(unit: CollectUnit) -> None:
    special = unit.fee.backend.add_special_fee(unit.unit_id, levy_item="10202", persons=1,
                                               period_start="2025-01", period_end="2025-03")  # fmt: skip
    (declaration,) = unit.fee.declare(special)
    old = unit.issue(unit.ids(declaration_id=declaration["declaration_id"])).json()
    recent = unit.issue(_ordered(unit)).json()
    assert [v["voucher_id"] for v in unit.vouchers(period_to="2025-02")] == [old["voucher_id"]]
    assert [v["voucher_id"] for v in unit.vouchers(period_from="2025-03", period_to="2025-03")] == [
        old["voucher_id"]
    ]
    assert [v["voucher_id"] for v in unit.vouchers(period_from="2026-12")] == [recent["voucher_id"]]
    bad = unit.http.get(f"{unit.path}/bank-vouchers", params={"period_to": "2026-1"},
                        headers=unit.headers)  # fmt: skip
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"
