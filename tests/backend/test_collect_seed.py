"""The demo seed's 费款缴纳 history: two agreements per unit (a funded 验证通过 费批扣 one and an
未验证 所有非批扣 one), 2026-09 paid by 批量扣款 and arrived, 电子税务局 vouchers of 2026-10."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.backend.conftest import login
from tests.support.backend import BackendServer


def test_demo_units_have_payment_history(backend: BackendServer, http: httpx.Client) -> None:
    backend.set_clock("2026-11-20 10:00:00")
    units = [u for u in backend.admin_get("units") if u["unit_id"] <= "U000016"]
    assert len(units) == 16
    with_voucher = employers = 0
    for unit in units:
        headers = login(http, unit["unit_id"], unit["initial_password"])
        path = f"/collect/units/{unit['unit_id']}"
        agreements = http.get(f"{path}/agreements", headers=headers).json()["agreements"]
        assert [(a["status"], a["deduction_flag"]) for a in agreements] == [
            ("未验证", "所有非批扣"), ("验证通过", "费批扣")
        ]  # fmt: skip
        paying = agreements[1]
        assert paying["account_name"] == unit["taxpayer_name"] and paying["verified_on"]
        account = backend.get_bank_account(paying["account_number"])
        assert account["status"] == "正常" and Decimal(account["balance"]) >= 1_000_000
        if unit["kind"] != "employer":
            continue
        employers += 1
        deductions = http.get(f"{path}/deductions", headers=headers).json()["deductions"]
        declarations = http.get(f"/mgmt/units/{unit['unit_id']}/fee-declarations",
                                params={"to": "2026-10-31"}, headers=headers).json()  # fmt: skip
        september = [d for d in declarations["declarations"]
                     if d["period_start"] == "2026-09" and d["status"] == "申报成功"]  # fmt: skip
        assert september
        assert {d["declaration_id"] for d in deductions} == {d["declaration_id"] for d in september}
        assert {(d["channel"], d["status"], d["agreement_id"]) for d in deductions} == {
            ("批量扣款", "缴费成功", paying["agreement_id"])
        }
        arrivals = http.get(f"/mgmt/units/{unit['unit_id']}/arrivals", headers=headers).json()
        states = {(r[9], r[13], r[6]) for r in arrivals["records"]}
        assert states == {("批量扣款", "已到账", "2026-09")}
        body = http.get(f"{path}/arrears", headers=headers).json()
        lines = [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]
        assert {line["period_start"] for line in lines} == {"2026-10"}
        vouchers = http.get(f"{path}/bank-vouchers", headers=headers).json()["vouchers"]
        if vouchers:
            with_voucher += 1
            (voucher,) = vouchers
            assert (voucher["channel"], voucher["status"], voucher["summary"]) == (
                "电子税务局", "未缴款", True
            )  # fmt: skip
            assert voucher["expired"] is True  # its 税款缴款日期 has passed
            assert {line["bank_voucher_id"] for line in lines} == {voucher["voucher_id"]}
            assert sorted(r["line_id"] for r in voucher["rows"]) == sorted(
                line["line_id"] for line in lines
            )
        else:
            assert {line["bank_voucher_id"] for line in lines} == {None}
    assert employers >= 8 and employers / 3 <= with_voucher <= employers * 2 / 3
