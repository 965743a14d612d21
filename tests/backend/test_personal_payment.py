"""城乡居民个人缴费 (manual §3.21–§3.23) against the real server: pending rows of 代收代报（自主）
declarations and of 征集信息, rows of one 征集通知流水号 paid together, orders paid through the
page their QR code opens, what paying settles (arrears split, 部分缴费 → 缴费成功, 征集信息 moved
to a declaration of its own), replaced/expired/cancelled orders, rows changed before the
payer confirms, and the refusals."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.backend.collect_unit import CollectUnit
from tests.backend.conftest import error_of
from tests.backend.fee_unit import make_fee_unit
from tests.backend.resident_unit import (
    ADULT,
    PENSION,
    ResidentUnit,
    make_resident_unit,
    person,
    row,
)
from tests.support.backend import BackendServer

STATE_CHANGED = "订单状态已变更，不能继续支付。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def _path(unit: ResidentUnit) -> str:
    return f"/collect/units/{unit.unit_id}"


def pending(unit: ResidentUnit, who: dict[str, Any], mode: str, **params: Any) -> httpx.Response:
    return unit.http.get(
        f"{_path(unit)}/personal-payments/pending",
        params={"mode": mode, **person(who), **params}, headers=unit.headers,
    )  # fmt: skip


def rows_of(unit: ResidentUnit, who: dict[str, Any], mode: str, **params: Any) -> list[dict]:
    response = pending(unit, who, mode, **params)
    assert response.status_code == 200, response.text
    return list(response.json()["rows"])


def order(
    unit: ResidentUnit,
    who: dict[str, Any],
    mode: str,
    row_ids: list[str],
    method: str = "微信",
    key: str | None = None,
) -> httpx.Response:
    return unit.http.post(
        f"{_path(unit)}/personal-orders",
        json={"mode": mode, **person(who), "method": method, "row_ids": row_ids},
        headers={**unit.headers, "Idempotency-Key": key or str(uuid.uuid4())},
    )


def made(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


def confirm(unit: ResidentUnit, url: str, result: str = "success") -> httpx.Response:
    """What the payer's phone does: open the QR code's page, then press a button."""
    with httpx.Client(trust_env=False, timeout=30) as phone:
        page = phone.get(url)
        assert page.status_code == 200 and "确认支付" in page.text, page.text
        return phone.post(f"{url}/confirm", data={"result": result})


def detail(unit: ResidentUnit, order_id: str) -> dict[str, Any]:
    response = unit.http.get(f"{_path(unit)}/personal-orders/{order_id}", headers=unit.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def arrears(unit: ResidentUnit) -> list[dict[str, Any]]:
    return CollectUnit(unit).arrears()


def _declared_pair(unit: ResidentUnit) -> tuple[dict, dict, str]:
    a = unit.resident("王芳", (PENSION,))
    b = unit.resident("李明", (PENSION,))
    (declaration,) = unit.declare_rows([row(a, grade="05"), row(b, grade="02")])
    done = unit.backend.process_fee_declaration(unit.unit_id, declaration["declaration_id"])
    assert done["status"] == "申报成功"
    return a, b, declaration["declaration_id"]


def test_self_rows_paid_one_person_at_a_time(unit: ResidentUnit) -> None:
    a, b, declaration_id = _declared_pair(unit)
    grades = {(e["year"], e["levy_category"], e["grade"]): Decimal(e["amount"])
              for e in unit.rule("resident_grades")["entries"]}  # fmt: skip
    (first,) = rows_of(unit, a, "self")
    assert first["kind"] == "declared" and first["declaration_id"] == declaration_id
    assert first["collection_serial"] is None and first["year"] == 2026
    assert Decimal(first["amount"]) == grades[(2026, PENSION, "05")]
    assert rows_of(unit, a, "verified") == []  # not a 核定 row
    assert rows_of(unit, a, "self", levy_item="10211") == []
    assert rows_of(unit, a, "self", year=2025) == []
    # by 证件号码 alone
    alone = unit.http.get(
        f"{_path(unit)}/personal-payments/pending",
        params={"mode": "self", "id_type": "01", "id_number": a["id_number"].lower()},
        headers=unit.headers,
    )
    assert alone.status_code == 200 and alone.json()["person"]["name"] == "王芳"

    key = str(uuid.uuid4())
    created = made(order(unit, a, "self", [first["row_id"]], "支付宝", key))
    assert created["state"] == "待支付" and created["method"] == "支付宝"
    assert Decimal(created["amount"]) == grades[(2026, PENSION, "05")]
    assert f"/pay/{created['order_id']}/" in created["pay_url"]  # and the link's token
    replay = made(order(unit, a, "self", [first["row_id"]], "支付宝", key))
    assert replay["order_id"] == created["order_id"]
    waiting = detail(unit, created["order_id"])
    assert waiting["state"] == "待支付" and [r["row_id"] for r in waiting["rows"]] == [
        first["row_id"]
    ]

    answer = confirm(unit, created["pay_url"])
    assert answer.status_code == 200 and "支付成功" in answer.text
    paid = detail(unit, created["order_id"])
    assert paid["state"] == "支付成功" and paid["pay_url"] is None and paid["finished_at"]
    assert rows_of(unit, a, "self") == []
    assert len(rows_of(unit, b, "self")) == 1
    assert unit.declaration(declaration_id)["pay_status"] == "部分缴费"
    left = [x for x in arrears(unit) if x["declaration_id"] == declaration_id]
    assert [Decimal(x["amount"]) for x in left] == [grades[(2026, PENSION, "02")]]
    # 申报缴费状态 (§3.5): the payer is 已缴费 although the declaration is only partly paid
    states = {r["id_number"]: r["pay_status"] for r in unit.status_rows()
              if r["levy_category"] == PENSION}  # fmt: skip
    assert (states[a["id_number"]], states[b["id_number"]]) == ("已缴费", "未缴费")

    again = unit.http.get(
        f"{_path(unit)}/personal-orders/{created['order_id']}/payment", headers=unit.headers
    )
    assert again.status_code == 409
    assert error_of(again) == {
        "code": "ORDER_STATE_CHANGED", "message": STATE_CHANGED,
        "details": {"order_id": created["order_id"], "state": "支付成功"},
    }  # fmt: skip

    (second,) = rows_of(unit, b, "self")
    other = made(order(unit, b, "self", [second["row_id"]], "政融支付"))
    assert confirm(unit, other["pay_url"]).status_code == 200
    assert unit.declaration(declaration_id)["pay_status"] == "缴费成功"
    assert [x for x in arrears(unit) if x["declaration_id"] == declaration_id] == []

    # 缴费证明 (§3.12): each payer's own line once, not the other's split line as well
    unit.backend.process_arrivals(unit.unit_id)
    for who, grade in ((a, "05"), (b, "02")):
        proof = unit.http.get(
            f"/mgmt/units/{unit.unit_id}/payment-list/persons",
            params={**person(who), "period_from": "2026-01", "period_to": "2026-12"},
            headers=unit.headers,
        )
        assert proof.status_code == 200, proof.text
        body = proof.json()
        amounts = [Decimal(r[body["fields"].index("amount")]) for r in body["records"]]
        assert amounts == [grades[(2026, PENSION, grade)]], body

    listed = unit.http.get(f"{_path(unit)}/personal-orders", headers=unit.headers).json()
    assert [o["order_id"] for o in listed["orders"]] == [other["order_id"], created["order_id"]]
    assert {o["state"] for o in listed["orders"]} == {"支付成功"}
    mine = unit.http.get(
        f"{_path(unit)}/personal-orders", params=person(a), headers=unit.headers
    ).json()["orders"]
    assert [(o["order_id"], o["levy_items"], o["years"]) for o in mine] == [
        (created["order_id"], ["10210"], [2026])
    ]

    def by_period(period_from: str | None, period_to: str | None) -> list[str]:
        params = {k: v for k, v in (("period_from", period_from), ("period_to", period_to)) if v}
        answer = unit.http.get(f"{_path(unit)}/personal-orders", params=params,
                               headers=unit.headers)  # fmt: skip
        assert answer.status_code == 200, answer.text
        return [o["order_id"] for o in answer.json()["orders"]]

    # 费款所属期起止 keeps the orders paying a 缴费年度 the months touch
    both = [other["order_id"], created["order_id"]]
    assert by_period("2026-10", "2026-10") == both
    assert by_period("2025-01", "2026-01") == both
    assert by_period(None, "2026-03") == both
    assert by_period("2027-01", None) == []
    assert by_period("2024-01", "2025-12") == []
    wrong = unit.http.get(f"{_path(unit)}/personal-orders", params={"period_from": "2026-1"},
                          headers=unit.headers)  # fmt: skip
    assert wrong.status_code == 422
    assert error_of(wrong)["message"] == "费款所属期起“2026-1”格式不正确，应为YYYY-MM。"


def test_verified_rows_of_one_serial_paid_together(unit: ResidentUnit) -> None:
    c = unit.resident("赵敏", (PENSION, ADULT))
    d = unit.resident("钱进", (PENSION, ADULT))
    rows = rows_of(unit, c, "verified")
    assert {r["levy_category"] for r in rows} == {PENSION, ADULT}
    assert all(r["kind"] == "assessed" and r["collection_serial"] for r in rows)
    by_serial: dict[str, list[dict]] = {}
    for r in rows:
        by_serial.setdefault(r["collection_serial"], []).append(r)
    # a 代收单位 has one 单位编号 for 社保 and 医保: one 征集通知流水号 for both rows
    assert unit.social == unit.medical and len(by_serial) == 1
    ((serial, group),) = by_serial.items()
    split = order(unit, c, "verified", [group[0]["row_id"]])
    assert split.status_code == 422
    assert error_of(split)["code"] == "SERIAL_SPLIT"
    assert error_of(split)["message"] == (
        f"征集通知流水号{serial}的缴费信息需一起缴费，请同时勾选该流水号下的全部缴费信息后再缴费。"
    )
    assert error_of(split)["details"]["row_ids"] == [group[1]["row_id"]]
    # a filter never hides part of a group
    assert rows_of(unit, c, "verified", levy_item="10210") == rows

    items_before = {i["item_id"]: i for i in unit.items(category="daily")}
    created = made(order(unit, c, "verified", [r["row_id"] for r in rows]))
    assert Decimal(created["amount"]) == sum(Decimal(r["amount"]) for r in rows)
    assert confirm(unit, created["pay_url"]).status_code == 200
    assert detail(unit, created["order_id"])["state"] == "支付成功"
    assert rows_of(unit, c, "verified") == []
    assert len(rows_of(unit, d, "verified")) == len(rows)  # the other resident still owes
    # the agent's 征集信息 lost c's lines; c's are declared and paid through 个人缴费
    for item_id in {r["item_id"] for r in rows}:
        before = items_before[item_id]
        after = unit.item(item_id)
        assert after["headcount"] == before["headcount"] - 1
        assert Decimal(after["amount"]) < Decimal(before["amount"])
        assert [x["id_number"] for x in unit.lines(item_id)].count(c["id_number"]) == 0
    paid_items = {r["item_id"] for r in detail(unit, created["order_id"])["rows"]}
    assert paid_items == {r["item_id"] for r in rows}  # the rows as ordered
    own = [x for x in unit.declarations() if x["channel"] == "电子税务局"
           and x["collection_serial"] in by_serial]  # fmt: skip
    assert len(own) == len(by_serial)
    assert {x["status"] for x in own} == {"申报成功"} and {x["pay_status"] for x in own} == {
        "缴费成功"
    }
    assert sum(Decimal(x["amount"]) for x in own) == Decimal(created["amount"])


def test_replaced_cancelled_and_expired_orders(unit: ResidentUnit) -> None:
    a, _b, _ = _declared_pair(unit)
    (first,) = rows_of(unit, a, "self")
    old = made(order(unit, a, "self", [first["row_id"]]))
    new = made(order(unit, a, "self", [first["row_id"]], "支付宝"))
    closed = detail(unit, old["order_id"])
    assert closed["state"] == "已关闭" and new["order_id"] in closed["reason"]
    again = unit.http.get(
        f"{_path(unit)}/personal-orders/{old['order_id']}/payment", headers=unit.headers
    )
    assert again.status_code == 409 and error_of(again)["message"] == STATE_CHANGED
    with httpx.Client(trust_env=False, timeout=30) as phone:
        page = phone.get(old["pay_url"])
        assert STATE_CHANGED in page.text and "确认支付" not in page.text
        late = phone.post(f"{old['pay_url']}/confirm", data={"result": "success"})
        assert late.status_code == 409 and STATE_CHANGED in late.text
    continued = unit.http.get(
        f"{_path(unit)}/personal-orders/{new['order_id']}/payment", headers=unit.headers
    )
    assert continued.status_code == 200 and continued.json()["pay_url"] == new["pay_url"]

    gave_up = confirm(unit, new["pay_url"], "fail")
    assert gave_up.status_code == 200
    failed = detail(unit, new["order_id"])
    assert failed["state"] == "支付失败" and "取消" in failed["reason"]
    assert len(rows_of(unit, a, "self")) == 1  # nothing paid

    third = made(order(unit, a, "self", [first["row_id"]]))
    unit.backend.set_clock("2026-12-20 10:31:00")
    unit.relogin()
    expired = detail(unit, third["order_id"])
    assert expired["state"] == "已关闭" and "30分钟" in expired["reason"]
    assert len(rows_of(unit, a, "self")) == 1


def test_rows_paid_elsewhere_before_confirming_fail_the_order(unit: ResidentUnit) -> None:
    a, _b, declaration_id = _declared_pair(unit)
    (first,) = rows_of(unit, a, "self")
    created = made(order(unit, a, "self", [first["row_id"]]))
    unit.backend.pay_fee_declaration(unit.unit_id, declaration_id)  # the agent paid it all
    answer = confirm(unit, created["pay_url"])
    assert answer.status_code == 200 and "未扣款" in answer.text
    failed = detail(unit, created["order_id"])
    assert failed["state"] == "支付失败" and failed["reason"].startswith("缴费信息在支付前已变更")
    assert all(r["paid_line_id"] is None for r in failed["rows"])


def test_refusals(unit: ResidentUnit, backend: BackendServer, http: httpx.Client) -> None:
    a, _b, _ = _declared_pair(unit)
    (first,) = rows_of(unit, a, "self")
    no_key = unit.http.post(
        f"{_path(unit)}/personal-orders",
        json={"mode": "self", **person(a), "method": "微信", "row_ids": [first["row_id"]]},
        headers=unit.headers,
    )
    assert no_key.status_code == 400
    bad_method = order(unit, a, "self", [first["row_id"]], "现金")
    assert bad_method.status_code == 422
    assert error_of(bad_method)["message"] == "支付方式应为微信、支付宝、政融支付之一，请重新选择。"
    # the payment page is reached through the QR's link only, never by guessing order numbers
    created = made(order(unit, a, "self", [first["row_id"]]))
    base = created["pay_url"].rsplit("/", 1)[0]
    with httpx.Client(trust_env=False, timeout=30) as phone:
        for guess in (base, f"{base}/AAAAAAAAAAAAAAAAAAAAAAAA", f"{base}/x/confirm"):
            page = phone.get(guess) if not guess.endswith("confirm") else phone.post(guess)
            assert page.status_code == 404 and a["name"] not in page.text, guess
        assert phone.get(created["pay_url"]).status_code == 200
    nothing = order(unit, a, "self", [])
    assert nothing.status_code == 422 and error_of(nothing)["code"] == "NOTHING_SELECTED"
    stale = order(unit, a, "self", ["FI0000000000:1"])
    assert stale.status_code == 409 and error_of(stale)["code"] == "ROW_NOT_PENDING"
    stranger = pending(unit, {**a, "name": "王芳芳"}, "self")
    assert stranger.status_code == 404 and error_of(stranger)["code"] == "PERSON_NOT_FOUND"
    bad_mode = pending(unit, a, "other")
    assert bad_mode.status_code == 422
    gone = unit.http.get(f"{_path(unit)}/personal-orders/DD2026122099999999", headers=unit.headers)
    assert gone.status_code == 404 and error_of(gone)["code"] == "ORDER_NOT_FOUND"
    employer = make_fee_unit(backend, http)
    refused = http.get(
        f"/collect/units/{employer.unit_id}/personal-orders", headers=employer.headers
    )
    assert refused.status_code == 409 and error_of(refused)["code"] == "NOT_COLLECTOR"
