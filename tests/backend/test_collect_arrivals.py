"""社保费到账: a paid line is 入库 after the bank's store delay and 到账 after the arrive delay,
by the server clock; the admin call makes everything arrive now; channels and ordering."""

from __future__ import annotations

import httpx

from tests.backend.collect_unit import NOW, declared_unit, unit_agreement
from tests.backend.conftest import error_of
from tests.support.backend import BackendServer


def test_arrival_follows_the_delays(backend: BackendServer, http: httpx.Client) -> None:
    unit = declared_unit(backend, http, months=("2026-11", "2026-12"))
    agreement = unit_agreement(backend, unit)["agreement_id"]
    backend.bank_settings(deduct_delay_seconds=10, store_delay_seconds=3600,
                          arrive_delay_seconds=86400)  # fmt: skip
    unit.login_payment()
    backend.set_clock(NOW)
    by_agreement = unit.lines(levy_item="10201", period_start="2026-11")
    unit.pay([line["line_id"] for line in by_agreement], agreement)
    assert unit.arrivals() == []  # with the bank
    backend.set_clock("2026-12-20 10:30:00")
    assert unit.arrivals() == []  # paid at 10:00:10, not yet 入库
    backend.set_clock("2026-12-20 11:00:10")
    stored = unit.arrivals()
    assert [(a["line_id"], a["state"], a["stored_on"], a["arrived_on"]) for a in stored] == [
        (line["line_id"], "已入库", "2026-12-20", None) for line in by_agreement
    ]
    assert {(a["channel"], a["paid_at"]) for a in stored} == {
        ("三方协议缴费", "2026-12-20 10:00:10")
    }
    same = ("line_id", "voucher_number", "unit_number", "levy_item", "levy_category", "part",
            "period_start", "period_end", "amount")  # fmt: skip
    assert [{k: a[k] for k in same} for a in stored] == [
        {k: line[k] for k in same} for line in by_agreement
    ]
    backend.set_clock("2026-12-21 11:00:10")
    unit.fee.relogin()
    assert {(a["state"], a["arrived_on"]) for a in unit.arrivals()} == {("已到账", "2026-12-21")}

    unit.login_payment()
    by_voucher = unit.lines(levy_item="10201", period_start="2026-12")
    voucher = unit.issue([line["line_id"] for line in by_voucher])
    assert voucher.status_code == 422  # 汇总开具 needs every 顺序缴费 line …
    ordered = [line["line_id"] for line in unit.arrears() if line["sequential"]
               and not line["deferrable"]]  # fmt: skip
    voucher = unit.issue(ordered)
    backend.pay_bank_voucher(unit.unit_id, voucher.json()["voucher_id"])
    batch = unit.lines(levy_item="10205")[0]["declaration_id"]
    backend.pay_fee_declaration(unit.unit_id, batch)
    assert len(unit.arrivals()) == len(by_agreement)  # the others are not 入库 yet
    moved = backend.process_arrivals(unit.unit_id)
    arrivals = unit.arrivals()
    assert moved == len(arrivals) - len(by_agreement)
    assert {a["state"] for a in arrivals} == {"已到账"}
    assert {a["channel"] for a in arrivals} == {"三方协议缴费", "银行端凭证缴费", "批量扣款"}
    assert {a["arrived_on"] for a in arrivals if a["channel"] != "三方协议缴费"} == {"2026-12-21"}
    order = [(a["period_start"], a["unit_number"], a["levy_item"], a["levy_category"], a["part"])
             for a in arrivals]  # fmt: skip
    assert order == sorted(order)
    assert {a["period_start"] for a in unit.arrivals(period_from="2026-12")} == {"2026-12"}
    assert {a["period_start"] for a in unit.arrivals(period_to="2026-11")} == {"2026-11"}
    bad = unit.http.get(f"/mgmt/units/{unit.unit_id}/arrivals", params={"period_from": "202612"},
                        headers=unit.headers)  # fmt: skip
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"
