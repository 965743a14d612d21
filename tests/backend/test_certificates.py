"""税收完税证明（非印刷） tickets: made once lines are 入库, one per payment event × 税务机关 in
chunks of at most 10 rows, 开具 once, 补开 counting prints (a replay counting once), refused
when voided, 查验 of a ticket's face, and the tickets of the demo seed."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from mock_backend.amount_words import amount_in_words
from tests.backend.collect_unit import NOW, CollectUnit, declared_unit, total, unit_agreement
from tests.backend.conftest import error_of, login
from tests.backend.fee_unit import make_fee_unit
from tests.support.backend import BackendServer

MONTHS = ("2026-11", "2026-12")
YEAR = {"period_from": "2026-01", "period_to": "2026-12"}
ALREADY_ISSUED = "该完税证明已开具，如需再次打印请使用【税收完税证明（非印刷）补开】。"
NOT_ISSUED = "该完税证明尚未开具，请先在【税收完税证明（非印刷）开具】中开具。"
VOIDED = "该税收票证已作废，无法开具或补开，如有疑问请向主管税务机关核实。"
NO_MATCH = "未查询到与录入信息一致的税收票证，请核对票面信息后重试。"


def tickets(unit: CollectUnit, mode: str, **period: str) -> list[dict[str, Any]]:
    response = list_tickets(unit, mode=mode, **(period or YEAR))
    assert response.status_code == 200, response.text
    return list(response.json()["tickets"])


def list_tickets(unit: CollectUnit, **params: str) -> httpx.Response:
    return unit.http.get(f"{unit.path}/tax-certificates", params=params, headers=unit.headers)


def act(unit: CollectUnit, ticket_id: str, action: str, key: str | None = None) -> httpx.Response:
    headers = {**unit.headers, "Idempotency-Key": key or str(uuid.uuid4())}
    return unit.http.post(
        f"{unit.path}/tax-certificates/{ticket_id}/{action}", json={}, headers=headers
    )


def pay_all_by_batch(backend: BackendServer, unit: CollectUnit) -> list[dict[str, Any]]:
    """Every declaration's lines paid by 批量扣款; the lines as they were in the arrears."""
    lines = unit.arrears()
    for declaration_id in sorted({line["declaration_id"] for line in lines}):
        backend.pay_fee_declaration(unit.unit_id, declaration_id)
    return lines


def check_ticket(ticket: dict[str, Any]) -> None:
    """A ticket's own arithmetic and numbers."""
    rows = ticket["rows"]
    assert 1 <= len(rows) <= 10
    cents = sum(int(Decimal(row["amount"]) * 100) for row in rows)
    assert Decimal(ticket["amount"]) * 100 == cents
    assert ticket["amount_in_words"] == amount_in_words(cents)
    assert ticket["period_start"] == min(row["period_start"][:7] for row in rows)
    assert ticket["period_end"] == max(row["period_end"][:7] for row in rows)
    number = ticket["e_ticket_number"]
    assert len(number) == 18 and number.isdigit() and number[0] == "3"
    assert number[1:7] == ticket["region_code"]
    assert number[7:11] == ticket["stored_on"][2:4] + ticket["stored_on"][5:7]
    province = {"44": "粤", "33": "浙", "51": "川"}[ticket["region_code"][:2]]
    assert ticket["ticket_word"] == f"({ticket['stored_on'][:4]}){province}税证"
    assert len(ticket["ticket_number"]) == 10 and ticket["ticket_number"].isdigit()
    code = ticket["check_code"].split("-")
    assert [len(part) for part in code] == [4, 4, 4, 4]
    assert ticket["treasury_name"].startswith("国家金库") and ticket["treasury_name"].endswith(
        "支库"
    )
    assert ticket["tax_authority_code"] == f"1{ticket['region_code']}0000"
    assert ticket["ticket_kind"] == "税收完税证明（非印刷）"
    assert "amount_fen" not in ticket and all("amount_fen" not in row for row in rows)


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> CollectUnit:
    return declared_unit(backend, http, months=MONTHS)


def test_tickets_follow_storage_and_payment_events(
    backend: BackendServer, unit: CollectUnit
) -> None:
    backend.set_clock(NOW)
    agreement = unit_agreement(backend, unit)["agreement_id"]
    unit.login_payment()
    november = [line for line in unit.arrears() if line["period_start"] == "2026-11"]
    assert unit.pay([line["line_id"] for line in november], agreement).status_code == 202
    backend.process_collect(unit.unit_id)
    assert tickets(unit, "issue") == []  # paid, not 入库 yet
    backend.set_clock("2026-12-20 10:05:00")  # past the 60 s store delay
    unit.fee.relogin()
    made = tickets(unit, "issue")
    assert made and {t["status"] for t in made} == {"未开具"}
    for ticket in made:
        check_ticket(ticket)
        assert ticket["print_count"] == 0 and ticket["issued_on"] is None
    rows = [row for ticket in made for row in ticket["rows"]]
    assert sorted(row["line_id"] for row in rows) == sorted(line["line_id"] for line in november)
    by_id = {line["line_id"]: line for line in november}
    for row in rows:
        line = by_id[row["line_id"]]
        assert row["original_voucher"] == line["voucher_number"]
        assert (row["period_start"], row["period_end"]) == ("2026-11-01", "2026-11-30")
        assert row["amount"] == line["amount"] and row["stored_on"] == "2026-12-20"
        assert row["item_name"].endswith(f"({line['part']})")
    # One ticket (or chunks) per deduction: a ticket's rows are all one deduction's lines.
    deductions = {d["deduction_id"]: set(d["line_ids"]) for d in unit.deductions()}
    for ticket in made:
        ids = {row["line_id"] for row in ticket["rows"]}
        assert any(ids <= held for held in deductions.values())
    assert len(made) >= len(deductions)
    assert [(t["stored_on"], t["e_ticket_number"]) for t in made] == sorted(
        (t["stored_on"], t["e_ticket_number"]) for t in made
    )
    assert tickets(unit, "issue") == made  # idempotent: nothing new is made on a second read
    assert tickets(unit, "issue", period_from="2026-12", period_to="2026-12") == []


def test_a_large_payment_is_cut_into_tickets_of_ten(
    backend: BackendServer, unit: CollectUnit
) -> None:
    backend.set_clock(NOW)
    unit.login_payment()
    lines = unit.arrears()
    assert len(lines) > 10
    voucher = unit.issue([line["line_id"] for line in lines])
    assert voucher.status_code == 201, voucher.text
    backend.pay_bank_voucher(unit.unit_id, voucher.json()["voucher_id"])
    backend.process_arrivals(unit.unit_id)
    made = tickets(unit, "issue")
    authorities = {line["tax_authority"] for line in lines}
    sizes = [len(ticket["rows"]) for ticket in made]
    assert sum(sizes) == len(lines) and max(sizes) == 10
    for authority in authorities:
        mine = [len(t["rows"]) for t in made if t["tax_authority_name"] == authority]
        count = sum(1 for line in lines if line["tax_authority"] == authority)
        assert sorted(mine, reverse=True) == [10] * (count // 10) + (
            [count % 10] if count % 10 else []
        )
    for ticket in made:
        check_ticket(ticket)
    assert sum(Decimal(t["amount"]) for t in made) == total(lines)
    assert sum(Decimal(t["amount"]) for t in made) == Decimal(voucher.json()["amount"])
    # Rows follow the arrears order across the chunks of one 税务机关.
    order = [line["line_id"] for line in lines]
    for authority in authorities:
        chunked = [row["line_id"] for t in sorted(made, key=lambda t: t["ticket_id"])
                   if t["tax_authority_name"] == authority for row in t["rows"]]  # fmt: skip
        assert chunked == [i for i in order if i in set(chunked)]


def test_issue_reissue_and_void(backend: BackendServer, unit: CollectUnit) -> None:
    backend.set_clock(NOW)
    pay_all_by_batch(backend, unit)
    backend.process_arrivals(unit.unit_id)
    before = tickets(unit, "issue")
    first, second = before[:2]

    no_key = unit.http.post(f"{unit.path}/tax-certificates/{first['ticket_id']}/issue",
                            json={}, headers=unit.headers)  # fmt: skip
    assert no_key.status_code == 400
    issued = act(unit, first["ticket_id"], "issue")
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert (body["status"], body["print_count"], body["issued_on"], body["issuer"]) == (
        "已开具",
        1,
        "2026-12-20",
        "单位社保费管理客户端",
    )
    assert {k: v for k, v in body.items() if k not in ("status", "print_count", "issued_on",
            "issuer")} == {k: v for k, v in first.items() if k not in ("status", "print_count",
            "issued_on", "issuer")}  # fmt: skip
    again = act(unit, first["ticket_id"], "issue")
    assert again.status_code == 409
    assert error_of(again)["code"] == "ALREADY_ISSUED"
    assert error_of(again)["message"] == ALREADY_ISSUED
    assert first["ticket_id"] not in {t["ticket_id"] for t in tickets(unit, "issue")}
    assert [t["ticket_id"] for t in tickets(unit, "reissue")] == [first["ticket_id"]]

    not_yet = act(unit, second["ticket_id"], "reissue")
    assert not_yet.status_code == 409
    assert (error_of(not_yet)["code"], error_of(not_yet)["message"]) == ("NOT_ISSUED", NOT_ISSUED)
    replay_key = str(uuid.uuid4())
    reissued = act(unit, first["ticket_id"], "reissue", replay_key)
    assert reissued.status_code == 200 and reissued.json()["print_count"] == 2
    replay = act(unit, first["ticket_id"], "reissue", replay_key)
    assert replay.status_code == 200 and replay.json() == reissued.json()
    assert tickets(unit, "reissue")[0]["print_count"] == 2  # the replay printed nothing
    assert act(unit, first["ticket_id"], "reissue").json()["print_count"] == 3

    voided = backend.void_tax_certificate(unit.unit_id, first["ticket_id"], "张三", "票证信息有误")
    assert (voided["status"], voided["voided_by"], voided["voided_on"], voided["void_reason"]) == (
        "已作废",
        "张三",
        "2026-12-20",
        "票证信息有误",
    )
    details = {"voided_by": "张三", "voided_on": "2026-12-20", "void_reason": "票证信息有误"}
    for action in ("issue", "reissue"):
        refused = act(unit, first["ticket_id"], action)
        assert refused.status_code == 409
        assert error_of(refused) == {"code": "CERTIFICATE_VOIDED", "message": VOIDED,
                                     "details": details}  # fmt: skip
    listed = tickets(unit, "reissue")
    assert [(t["ticket_id"], t["status"]) for t in listed] == [(first["ticket_id"], "已作废")]
    # The voided ticket's lines are proven again by a new ticket to 开具.
    known = {t["ticket_id"] for t in before}
    fresh = [t for t in tickets(unit, "issue") if t["ticket_id"] not in known]
    assert [[r["line_id"] for r in t["rows"]] for t in fresh] == [
        [r["line_id"] for r in first["rows"]]
    ]
    assert fresh[0]["e_ticket_number"] != first["e_ticket_number"]

    missing = act(unit, "WS9999999999", "issue")
    assert missing.status_code == 404 and error_of(missing)["code"] == "CERTIFICATE_NOT_FOUND"


def test_list_needs_mode_and_period(unit: CollectUnit) -> None:
    cases = [
        ({"period_from": "2026-01", "period_to": "2026-12"}, "mode"),
        ({"mode": "print", "period_from": "2026-01", "period_to": "2026-12"}, "mode"),
        ({"mode": "issue", "period_to": "2026-12"}, "period_from"),
        ({"mode": "issue", "period_from": "2026-01"}, "period_to"),
    ]
    for params, field in cases:
        response = list_tickets(unit, **params)
        assert response.status_code == 422, params
        assert error_of(response)["code"] == "VALIDATION_ERROR"
        assert error_of(response)["details"]["field"] == field
    assert error_of(list_tickets(unit, mode="issue"))["message"] == "请输入费款所属期起止。"
    bad = list_tickets(unit, mode="reissue", period_from="2026-13", period_to="2026-12")
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"
    other = unit.http.get("/collect/units/U000001/tax-certificates",
                          params={"mode": "issue", **YEAR}, headers=unit.headers)  # fmt: skip
    assert other.status_code == 403


def verify(http: httpx.Client, headers: dict[str, str], **form: Any) -> httpx.Response:
    return http.post("/collect/tax-certificates/verify", json=form, headers=headers)


def test_verify_a_ticket(backend: BackendServer, http: httpx.Client, unit: CollectUnit) -> None:
    backend.set_clock(NOW)
    pay_all_by_batch(backend, unit)
    backend.process_arrivals(unit.unit_id)
    ticket = tickets(unit, "issue")[0]
    face = {k: ticket[k] for k in ("taxpayer_id", "taxpayer_name", "ticket_kind",
                                   "e_ticket_number", "region_code", "amount")}  # fmt: skip
    # 查验 is not per unit: another unit's clerk checks the ticket.
    other = make_fee_unit(backend, http, now=NOW)
    found = verify(http, other.headers, **face)
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["match"] is True and set(body) == {"match", "result"}
    result = body["result"]
    assert result["ticket_kind_name"] == "税收完税证明"
    assert result["ticket_word_name"] == ticket["ticket_word"]
    assert {k: result[k] for k in ticket} == ticket  # a 未开具 ticket matches, 状态 says so
    assert result["status"] == "未开具"

    short = ticket["amount"].rstrip("0").rstrip(".")
    padded = {**face, "amount": short, "taxpayer_name": f"  {ticket['taxpayer_name']} "}
    assert verify(http, other.headers, **padded).json()["match"] is True
    other_region = next(code for code in ("440304", "440309") if code != ticket["region_code"])
    one_cent_more = str(Decimal(ticket["amount"]) + Decimal("0.01"))
    assert verify(http, other.headers, **{**face, "amount": one_cent_more}).json() == {
        "match": False, "message": NO_MATCH
    }  # fmt: skip
    for field, wrong in (("taxpayer_name", "别的公司"), ("region_code", other_region),
                         ("e_ticket_number", "3" + "0" * 17)):  # fmt: skip
        assert verify(http, other.headers, **{**face, field: wrong}).json()["match"] is False
    with_code = {**face, "check_code": ticket["check_code"], "ticket_word": ticket["ticket_word"],
                 "ticket_number": ticket["ticket_number"],
                 "tax_authority_name": ticket["tax_authority_name"]}  # fmt: skip
    assert verify(http, other.headers, **with_code).json()["match"] is True
    lower = {**face, "check_code": ticket["check_code"].lower()}
    assert verify(http, other.headers, **lower).json()["match"] is True
    code = ticket["check_code"]
    wrong_code = ("3" if code[0] != "3" else "4") + code[1:]
    assert (
        verify(http, other.headers, **{**face, "check_code": wrong_code}).json()["match"] is False
    )
    assert (
        verify(http, other.headers, **{**face, "ticket_number": "0000000000"}).json()["match"]
        is False
    )
    assert verify(http, other.headers, **{**face, "check_code": None}).json()["match"] is True

    labels = {"taxpayer_id": "纳税人识别号", "taxpayer_name": "纳税人名称",
              "ticket_kind": "税收票证种类", "e_ticket_number": "电子税票号码",
              "region_code": "行政区划", "amount": "金额合计"}  # fmt: skip
    for field, label in labels.items():
        for value in (None, "", "  "):
            form = (
                {**face, field: value}
                if value is not None
                else {k: v for k, v in face.items() if k != field}
            )
            refused = verify(http, other.headers, **form)
            assert refused.status_code == 422, (field, value)
            assert error_of(refused) == {"code": "VALIDATION_ERROR", "message": f"请填写{label}。",
                                         "details": {"field": field}}  # fmt: skip
    for amount in ("abc", "12.345", "-1.00", "1e3"):
        refused = verify(http, other.headers, **{**face, "amount": amount})
        assert refused.status_code == 422 and error_of(refused)["details"] == {"field": "amount"}
    assert http.post("/collect/tax-certificates/verify", json=face).status_code == 401


def test_demo_seed_has_tickets(backend: BackendServer, http: httpx.Client) -> None:
    backend.set_clock("2026-11-20 10:00:00")
    employers = [u for u in backend.admin_get("units", kind="employer")
                 if u["unit_id"] <= "U000016"]  # fmt: skip
    assert employers
    states = []
    for unit in employers:
        headers = login(http, unit["unit_id"], unit["initial_password"])
        path = f"/collect/units/{unit['unit_id']}/tax-certificates"
        issue = http.get(path, params={"mode": "issue", **YEAR}, headers=headers).json()["tickets"]
        again = http.get(path, params={"mode": "reissue", **YEAR}, headers=headers).json()
        assert issue, unit["unit_id"]
        every = issue + again["tickets"]
        assert {t["period_start"] for t in every} == {"2026-09"}
        assert {t["stored_on"] for t in every} == {"2026-09-26"}
        for ticket in every:
            check_ticket(ticket)
        live = [t for t in every if t["status"] != "已作废"]
        proven = sorted(row["line_id"] for t in live for row in t["rows"])
        assert len(proven) == len(set(proven))  # a line is on one live ticket
        states.append(sorted((t["status"], t["print_count"]) for t in again["tickets"]))
        for ticket in again["tickets"]:
            if ticket["status"] == "已作废":
                assert (ticket["voided_by"], ticket["void_reason"]) == (
                    "系统管理员",
                    "票证信息有误，重新开具",
                )
    assert ([] in states) and any(("已开具", 1) in s for s in states)
    assert any(any(status == "已作废" for status, _ in s) for s in states)
