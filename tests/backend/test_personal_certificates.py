"""个人税收完税证明（非印刷） of a 代收单位's residents (manual §3.25, §3.26), and the 代收单位's own
税收完税证明 (§3.13, §3.14): what a resident paid themself (城乡居民个人缴费), once 入库, is on their
personal tickets with the resident as 纳税人, what the agent paid on the agent's tickets — never
both; 开具 once, 补开 counting prints, a voided ticket's rows ticketed again, 查验 of a personal
ticket, and the refusals (no such resident, neither 姓名 nor 证件号码, an employer)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.fee_unit import make_fee_unit
from tests.backend.resident_unit import ADULT, ResidentUnit, make_resident_unit, person, row
from tests.support.backend import BackendServer

YEAR = {"period_from": "2026-01", "period_to": "2026-12"}
PERSONAL = "personal-tax-certificates"


def pay_self(unit: ResidentUnit, who: dict[str, Any]) -> Decimal:
    """The resident pays every pending 自主 row themself (城乡居民个人缴费: an order, then the
    payer confirms on the page its QR code opens); the amount paid."""
    params = {"mode": "self", **person(who)}
    pending = unit.http.get(
        f"{collect(unit)}/personal-payments/pending", params=params, headers=unit.headers
    )
    assert pending.status_code == 200, pending.text
    rows = pending.json()["rows"]
    assert rows
    order = unit.http.post(
        f"{collect(unit)}/personal-orders",
        json={**params, "method": "微信", "row_ids": [r["row_id"] for r in rows]},
        headers={**unit.headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert order.status_code == 201, order.text
    with httpx.Client(trust_env=False, timeout=30) as phone:
        paid = phone.post(f"{order.json()['pay_url']}/confirm", data={"result": "success"})
    assert paid.status_code == 200 and "支付成功" in paid.text
    return sum((Decimal(r["amount"]) for r in rows), Decimal("0.00"))


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    """A 代收单位 whose two residents' 2026 养老 and 医疗 fees are declared; 王芳 pays hers
    herself, the agent pays the rest (批量扣款); all 入库."""
    backend.set_processing_delay(0)
    unit = make_resident_unit(backend, http)
    a, b = unit.resident("王芳"), unit.resident("李明")
    made = unit.declare_rows([row(a), row(b), row(a, ADULT, "01"), row(b, ADULT, "01")])
    declared = Decimal("0.00")
    for declaration in made:
        done = backend.process_fee_declaration(unit.unit_id, declaration["declaration_id"])
        assert done["status"] == "申报成功", done
        declared += Decimal(done["amount"])
    self_paid = pay_self(unit, a)
    for declaration in made:
        backend.pay_fee_declaration(unit.unit_id, declaration["declaration_id"])
    assert backend.process_arrivals(unit.unit_id) > 0
    unit.extra = {"a": a, "b": b, "declared": declared, "self_paid": self_paid}  # type: ignore[attr-defined]
    return unit


def collect(unit: ResidentUnit) -> str:
    return f"/collect/units/{unit.unit_id}"


def get(unit: ResidentUnit, what: str, **params: Any) -> httpx.Response:
    return unit.http.get(f"{collect(unit)}/{what}", params=params, headers=unit.headers)


def listed(unit: ResidentUnit, what: str, **params: Any) -> list[dict[str, Any]]:
    response = get(unit, what, **{**YEAR, **params})
    assert response.status_code == 200, response.text
    return list(response.json()["tickets"])


def act(unit: ResidentUnit, what: str, ticket_id: str, action: str) -> httpx.Response:
    return unit.http.post(
        f"{collect(unit)}/{what}/{ticket_id}/{action}",
        json={},
        headers={**unit.headers, "Idempotency-Key": str(uuid.uuid4())},
    )


def money(tickets: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(t["amount"]) for t in tickets), Decimal("0.00"))


def adds_up(ticket: dict[str, Any]) -> bool:
    rows = sum((Decimal(r["amount"]) for r in ticket["rows"]), Decimal("0.00"))
    return rows == Decimal(ticket["amount"]) and 0 < len(ticket["rows"]) <= 10


def test_collector_unit_tickets_hold_what_the_agent_paid(unit: ResidentUnit) -> None:
    found = listed(unit, "tax-certificates", mode="issue")
    assert found and all(adds_up(t) for t in found)
    extra = unit.extra  # type: ignore[attr-defined]
    assert money(found) == extra["declared"] - extra["self_paid"]  # not 王芳's own payment
    info = unit.http.get(f"{unit.path}/info", headers=unit.headers).json()
    assert {t["taxpayer_id"] for t in found} == {info["taxpayer_id"]}
    first = found[0]
    issued = act(unit, "tax-certificates", first["ticket_id"], "issue")
    assert issued.status_code == 200 and issued.json()["print_count"] == 1
    again = act(unit, "tax-certificates", first["ticket_id"], "reissue")
    assert again.status_code == 200 and again.json()["print_count"] == 2


def test_personal_tickets_issue_reissue_and_void(
    backend: BackendServer, unit: ResidentUnit
) -> None:
    a, b = unit.extra["a"], unit.extra["b"]  # type: ignore[attr-defined]
    mine = listed(unit, PERSONAL, mode="issue", id_number=a["id_number"])
    assert mine and all(adds_up(t) for t in mine)
    assert money(mine) == unit.extra["self_paid"]  # type: ignore[attr-defined]
    assert {(t["taxpayer_id"], t["taxpayer_name"], t["id_type"]) for t in mine} == {
        (a["id_number"], "王芳", "01")
    }
    assert all(t["status"] == "未开具" and t["ticket_id"].startswith("GR") for t in mine)
    assert {r["tax_kind"] for t in mine for r in t["rows"]} == {
        "城乡居民基本养老保险费",
        "城乡居民基本医疗保险费",
    }
    # a name alone finds the person too; 李明 paid nothing himself (the agent paid for him)
    assert listed(unit, PERSONAL, mode="issue", name="王芳") == mine
    assert listed(unit, PERSONAL, mode="issue", name="李明", id_number=b["id_number"]) == []
    # asking again makes nothing new
    assert [t["ticket_id"] for t in listed(unit, PERSONAL, mode="issue",
                                           id_number=a["id_number"])] == [
        t["ticket_id"] for t in mine
    ]  # fmt: skip

    ticket = mine[0]
    not_yet = act(unit, PERSONAL, ticket["ticket_id"], "reissue")
    assert not_yet.status_code == 409
    assert error_of(not_yet)["message"] == (
        "该完税证明尚未开具，请先在【个人税收完税证明（非印刷）开具】中开具。"
    )
    issued = act(unit, PERSONAL, ticket["ticket_id"], "issue")
    assert issued.status_code == 200, issued.text
    assert issued.json()["print_count"] == 1 and issued.json()["status"] == "已开具"
    twice = act(unit, PERSONAL, ticket["ticket_id"], "issue")
    assert twice.status_code == 409 and error_of(twice)["message"] == (
        "该完税证明已开具，如需再次打印请使用【个人税收完税证明（非印刷）补开】。"
    )
    assert act(unit, PERSONAL, ticket["ticket_id"], "reissue").json()["print_count"] == 2
    reissuable = listed(unit, PERSONAL, mode="reissue", id_number=a["id_number"])
    assert [(t["ticket_id"], t["print_count"]) for t in reissuable] == [(ticket["ticket_id"], 2)]
    assert ticket["ticket_id"] not in {
        t["ticket_id"] for t in listed(unit, PERSONAL, mode="issue", id_number=a["id_number"])
    }

    voided = backend.admin_post(
        f"units/{unit.unit_id}/{PERSONAL}/{ticket['ticket_id']}/void",
        {"voided_by": "王五", "reason": "票证信息有误"},
    )
    assert voided["status"] == "已作废" and voided["voided_by"] == "王五"
    after = listed(unit, PERSONAL, mode="reissue", id_number=a["id_number"])
    assert [(t["status"], t["void_reason"]) for t in after] == [("已作废", "票证信息有误")]
    refused = act(unit, PERSONAL, ticket["ticket_id"], "reissue")
    assert refused.status_code == 409 and error_of(refused)["code"] == "CERTIFICATE_VOIDED"
    # the voided ticket's parts are on a new 未开具 ticket with the same amount
    fresh = [t for t in listed(unit, PERSONAL, mode="issue", id_number=a["id_number"])
             if t["ticket_id"] not in {m["ticket_id"] for m in mine}]  # fmt: skip
    assert len(fresh) == 1 and fresh[0]["amount"] == ticket["amount"]
    assert fresh[0]["e_ticket_number"] != ticket["e_ticket_number"]


def test_verify_finds_a_personal_ticket(unit: ResidentUnit) -> None:
    a = unit.extra["a"]  # type: ignore[attr-defined]
    ticket = listed(unit, PERSONAL, mode="issue", id_number=a["id_number"])[0]
    form = {k: ticket[k] for k in ("taxpayer_id", "taxpayer_name", "e_ticket_number",
                                   "region_code", "amount")}  # fmt: skip
    form["ticket_kind"] = "税收完税证明（非印刷）"
    found = unit.http.post("/collect/tax-certificates/verify", json=form, headers=unit.headers)
    assert found.status_code == 200 and found.json()["match"], found.text
    result = found.json()["result"]
    assert result["ticket_id"] == ticket["ticket_id"] and result["id_type"] == "01"
    changed = {**form, "amount": str(Decimal(ticket["amount"]) + Decimal("0.01"))}
    missed = unit.http.post("/collect/tax-certificates/verify", json=changed, headers=unit.headers)
    assert missed.status_code == 200 and not missed.json()["match"]


def test_personal_refusals(backend: BackendServer, unit: ResidentUnit, http: httpx.Client) -> None:
    neither = get(unit, PERSONAL, mode="issue", **YEAR)
    assert neither.status_code == 422 and error_of(neither)["message"] == "请输入姓名或证件号码。"
    stranger = get(unit, PERSONAL, mode="issue", name="不存在的人", **YEAR)
    assert stranger.status_code == 404
    assert error_of(stranger)["message"] == (
        "未查询到本代收单位的该城乡居民，请核对姓名、证件类型和证件号码。"
    )
    a = unit.extra["a"]  # type: ignore[attr-defined]
    wrong_name = get(unit, PERSONAL, mode="issue", name="李明", id_number=a["id_number"], **YEAR)
    assert wrong_name.status_code == 404
    no_period = get(unit, PERSONAL, mode="issue", id_number=a["id_number"])
    assert no_period.status_code == 422
    assert listed(unit, PERSONAL, mode="issue", id_number=a["id_number"],
                  period_from="2025-01", period_to="2025-12") == []  # fmt: skip
    employer = make_fee_unit(backend, http)
    refused = employer.http.get(
        f"/collect/units/{employer.unit_id}/{PERSONAL}",
        params={"mode": "issue", "name": "王芳", **YEAR},
        headers=employer.headers,
    )
    assert refused.status_code == 409 and error_of(refused)["code"] == "NOT_COLLECTOR"
