"""代收代报（自主） against the real server: every refusal of the whole request, idempotent
replay, one declaration per 征收品目 × 年度, processing with per-row failures and full
failure, 作废 while unpaid, and the 409 for employer units."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.fee_unit import make_fee_unit
from tests.backend.resident_unit import (
    ADULT,
    PENSION,
    ResidentUnit,
    make_resident_unit,
    new_id_number,
    person,
    row,
)
from tests.support.backend import BackendServer


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def _amounts(unit: ResidentUnit) -> dict[tuple[int, str, str], Decimal]:
    """(year, 征收品目, 档次) → amount, from the rule file as the client downloads it."""
    return {
        (e["year"], e["levy_category"], e["grade"]): Decimal(e["amount"])
        for e in unit.rule("resident_grades")["entries"]
    }


def _self_declarations(unit: ResidentUnit) -> list[dict[str, Any]]:
    return unit.declarations(category="self")


def test_refusals_create_nothing(unit: ResidentUnit) -> None:
    a = unit.resident("王芳")
    b = unit.resident("李明", (ADULT,))
    good = [row(a), row(b, ADULT, "01")]

    no_key = unit.http.post(f"{unit.path}/resident-declarations", json={"rows": good},
                            headers=unit.headers)  # fmt: skip
    assert no_key.status_code == 400
    assert error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"

    empty = unit.submit_rows([])
    assert empty.status_code == 422
    assert error_of(empty)["code"] == "NOTHING_SELECTED"
    assert error_of(empty)["message"] == "请先勾选需要申报的数据。"
    for body in ("x", None, {"name": "王芳"}):
        malformed = unit.submit_rows(body)
        assert malformed.status_code == 422 and error_of(malformed)["code"] == "VALIDATION_ERROR"

    wrong_check = a["id_number"][:17] + ("0" if a["id_number"][17] != "0" else "1")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"name": "  "}, "name", "姓名不能为空。"),
        ({"id_type": "99"}, "id_type", "证件类型“99”不存在，请按证件类型代码表填写。"),
        ({"id_number": wrong_check}, "id_number",
         f"证件号码“{wrong_check}”不是有效的居民身份证号码，请核对后重新填写。"),
        ({"id_number": ""}, "id_number", "证件号码不能为空。"),
        ({"levy_item": "10201"}, "levy_item",
         "征收项目“10201”不是城乡居民的征收项目，应为城乡居民基本养老保险费或城乡居民基本医疗保险费。"),
        ({"levy_category": ADULT}, "levy_category",
         f"征收品目“{ADULT}”不属于城乡居民基本养老保险费。"),
        ({"year": 2021}, "year", "缴费年度“2021”不能申报，可申报的缴费年度为2022至2026年。"),
        ({"year": "2026"}, "year", "缴费年度“2026”格式不正确，应为四位数字的年份。"),
        ({"grade": "13"}, "grade", "缴费档次“13”不存在于2026年城乡居民基本养老保险的档次中。"),
        ({"grade": 5}, "grade", "缴费档次“5”不存在于2026年城乡居民基本养老保险的档次中。"),
    ]  # fmt: skip
    for change, field, message in cases:
        bad = unit.submit_rows([*good, {**row(a, grade="02"), **change}])
        assert bad.status_code == 422, change
        assert error_of(bad) == {"code": "BAD_ROW", "message": f"第3行：{message}",
                                 "details": {"index": 2, "field": field}}, change  # fmt: skip
    medical = unit.submit_rows([row(b, ADULT, "02")])
    assert error_of(medical)["message"] == (
        "第1行：缴费档次“02”不存在于2026年城乡居民基本医疗保险（成年居民）的档次中。"
    )
    not_object = unit.submit_rows([row(a), "王芳"])
    assert error_of(not_object)["code"] == "BAD_ROW"
    assert error_of(not_object)["details"] == {"index": 1, "field": None}

    lower = {**row(a, grade="07"), "id_number": a["id_number"].lower() + " "}
    twice = unit.submit_rows([*good, lower])
    assert twice.status_code == 422
    assert error_of(twice) == {
        "code": "DUPLICATE_ROW",
        "message": "第3行与第1行是同一人员2026年的城乡居民基本养老保险，请删除重复的行后再提交。",
        "details": {"index": 2, "first_index": 0},
    }
    assert _self_declarations(unit) == []
    # another year of the same 征收品目 is not a repeat
    assert len(unit.declare_rows([*good, row(a, grade="07", year=2025)])) == 3


def test_replay_makes_one_declaration_set(backend: BackendServer, unit: ResidentUnit) -> None:
    a, b = unit.resident("王芳"), unit.resident("李明")
    rows = [row(a, PENSION, "04"), row(b, ADULT, "01"), row(b, PENSION, "02")]
    backend.set_processing_delay(600)
    key = str(uuid.uuid4())
    first = unit.submit_rows(rows, key)
    again = unit.submit_rows(rows, key)
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    mismatch = unit.submit_rows(rows[:2], key)
    assert mismatch.status_code == 422 and error_of(mismatch)["code"] == "IDEMPOTENCY_MISMATCH"

    answer = first.json()
    assert answer["processing_delay_seconds"] == 600
    made = answer["declarations"]
    amounts = _amounts(unit)
    # one declaration per 征收品目 × 年度, in the order they first appear
    assert [(d["headcount"], Decimal(d["amount"]), d["status"]) for d in made] == [
        (2, amounts[(2026, PENSION, "04")] + amounts[(2026, PENSION, "02")], "申报中"),
        (1, amounts[(2026, ADULT, "01")], "申报中"),
    ]
    listed = _self_declarations(unit)
    assert sorted(d["declaration_id"] for d in listed) == sorted(d["declaration_id"] for d in made)
    assert {(d["status"], d["channel"], d["data_source"]) for d in listed} == {
        ("申报中", "客户端", "04")
    }
    pension = next(d for d in listed if d["declaration_id"] == made[0]["declaration_id"])
    assert [i["item_id"] for i in pension["items"]] == made[0]["item_ids"]
    assert pension["items"][0]["state"] == "申报中" and pension["failed_rows"] == []
    processed = backend.process_fee_declaration(unit.unit_id, made[0]["declaration_id"])
    assert processed["status"] == "申报成功" and processed["failed_rows"] == []


def test_processing_leaves_failed_rows_out(backend: BackendServer, unit: ResidentUnit) -> None:
    already = unit.resident("王芳")
    (earlier,) = unit.declare_rows([row(already, PENSION, "02")])
    assert unit.declaration(earlier["declaration_id"])["status"] == "申报成功"

    e, f = unit.resident("周杰"), unit.resident("吴敏")
    uninsured = unit.resident("李明", (ADULT,))
    later = unit.resident("赵强", (PENSION,), start="2027-01")
    renamed = unit.resident("孙丽")
    stranger = {"name": "钱多", "id_type": "01", "id_number": new_id_number()}
    rows = [
        row(e, PENSION, "07"), row(already, PENSION, "05"), row(uninsured, PENSION, "01"),
        row(stranger, PENSION, "01"), {**row(renamed, PENSION, "01"), "name": "孙莉"},
        row(later, PENSION, "03"), row(f, PENSION, "11"), row(e, ADULT, "01"),
        row(e, PENSION, "03", year=2025),
    ]  # fmt: skip
    made = unit.declare_rows(rows)
    amounts = _amounts(unit)
    asked = sum((amounts[(r["year"], r["levy_category"], r["grade"])] for r in rows[:7]),
                Decimal(0))  # fmt: skip
    assert (made[0]["headcount"], Decimal(made[0]["amount"])) == (7, asked)
    assert [d["headcount"] for d in made] == [7, 1, 1]

    pension = unit.declaration(made[0]["declaration_id"])
    expected = amounts[(2026, PENSION, "07")] + amounts[(2026, PENSION, "11")]
    assert (pension["status"], pension["pay_status"]) == ("申报成功", "未缴费")
    assert len(pension["voucher_number"]) == 20
    assert (pension["headcount"], Decimal(pension["amount"])) == (2, expected)
    assert pension["failed_rows"] == [
        {"index": 1, "id_number": already["id_number"], "reason": "该年度已申报"},
        {"index": 2, "id_number": uninsured["id_number"], "reason": "未参保该险种"},
        {"index": 3, "id_number": stranger["id_number"], "reason": "不在本代收单位管辖范围内"},
        {"index": 4, "id_number": renamed["id_number"], "reason": "不在本代收单位管辖范围内"},
        {"index": 5, "id_number": later["id_number"], "reason": "未参保该险种"},
    ]
    fields = unit.declarations(category="self")  # the list carries the same failed rows
    listed = next(d for d in fields if d["declaration_id"] == pension["declaration_id"])
    assert listed["failed_rows"] == pension["failed_rows"]
    (item,) = listed["items"]
    assert (item["category"], item["data_source"], item["state"]) == ("self", "04", "申报成功")
    assert (item["period_start"], item["period_end"], item["collection_serial"]) == (
        "2026-01", "2026-12", None
    )  # fmt: skip
    assert (item["headcount"], Decimal(item["amount"])) == (2, expected)
    assert Decimal(item["unit_amount"]) == 0 and Decimal(item["personal_amount"]) == expected
    lines = unit.lines(item["item_id"])
    assert [(ln["position"], ln["person_id"], ln["name"], Decimal(ln["amount"])) for ln in lines] == [
        (1, e["id"], "周杰", amounts[(2026, PENSION, "07")]),
        (2, f["id"], "吴敏", amounts[(2026, PENSION, "11")]),
    ]  # fmt: skip
    assert {(ln["person_number"], ln["period"], ln["personal_rate"]) for ln in lines} == {
        ("4401234567", "2026-01", "1.0000")
    }
    for other, category in zip(made[1:], (ADULT, PENSION), strict=True):
        done = unit.declaration(other["declaration_id"])
        assert (done["status"], done["failed_rows"], done["items"][0][12]) == (
            "申报成功", [], category
        )  # fmt: skip
    # a self item is not 应缴信息: the fee-items list leaves it out
    assert all(i["category"] != "self" for i in unit.items())


def test_all_rows_failing_fails_the_declaration(unit: ResidentUnit) -> None:
    uninsured = unit.resident("李明", (ADULT,))
    stranger = {"name": "钱多", "id_type": "01", "id_number": new_id_number()}
    (made,) = unit.declare_rows([row(stranger, PENSION, "01"), row(uninsured, PENSION, "09")])
    failed = unit.declaration(made["declaration_id"])
    assert (failed["status"], failed["reason"], failed["pay_status"]) == (
        "申报失败", "全部人员校验未通过", None
    )  # fmt: skip
    assert (failed["headcount"], failed["amount"], failed["voucher_number"]) == (0, "0.00", None)
    assert failed["failed_rows"] == [
        {"index": 0, "id_number": stranger["id_number"], "reason": "不在本代收单位管辖范围内"},
        {"index": 1, "id_number": uninsured["id_number"], "reason": "未参保该险种"},
    ]
    (item,) = failed["items"]
    assert (item[22], item[24]) == ("初始", "全部人员校验未通过")  # state, reason
    # its item cannot be declared as 应缴信息, nor the failed declaration voided
    again = unit.submit([item[0]])
    assert again.status_code == 404 and error_of(again)["code"] == "ITEM_NOT_FOUND"
    void = unit.void(made["declaration_id"])
    assert void.status_code == 409 and error_of(void)["code"] == "NOT_VOIDABLE"


def test_void_while_unpaid_and_declare_again(backend: BackendServer, unit: ResidentUnit) -> None:
    a = unit.resident("王芳")
    (made,) = unit.declare_rows([row(a, PENSION, "04")])
    declaration_id = made["declaration_id"]
    assert unit.declaration(declaration_id)["status"] == "申报成功"
    by_category = {r["levy_category"]: r for r in unit.status_rows()}
    assert (by_category[PENSION]["declare_status"], by_category[PENSION]["grade"]) == (
        "已申报",
        "04",
    )

    voided = unit.void(declaration_id)
    assert voided.status_code == 202 and voided.json()["status"] == "作废中"
    done = unit.declaration(declaration_id)
    assert (done["status"], done["pay_status"]) == ("已作废", None) and done["voided_at"]
    assert done["items"][0][22] == "销账"
    assert all(i["category"] != "self" and i["declaration_id"] != declaration_id
               for i in unit.items())  # nothing made again for a self item  # fmt: skip
    by_category = {r["levy_category"]: r for r in unit.status_rows()}
    assert by_category[PENSION]["declare_status"] == "未申报"
    assert by_category[PENSION]["declaration_id"] is None

    (fresh,) = unit.declare_rows([row(a, PENSION, "06")])
    assert unit.declaration(fresh["declaration_id"])["failed_rows"] == []
    backend.pay_fee_declaration(unit.unit_id, fresh["declaration_id"])
    paid = unit.void(fresh["declaration_id"])
    assert paid.status_code == 409 and error_of(paid)["code"] == "ALREADY_PAID"


def test_employer_units_get_not_collector(backend: BackendServer, http: httpx.Client) -> None:
    employer = make_fee_unit(backend, http)
    someone = {"name": "王芳", "id_type": "01", "id_number": new_id_number()}
    path = employer.path
    key = {**employer.headers, "Idempotency-Key": str(uuid.uuid4())}
    calls = [
        http.get(f"{path}/resident-grades", params={**someone, "year": 2026},
                 headers=employer.headers),
        http.get(f"{path}/resident-statuses", params={"year": 2026}, headers=employer.headers),
        http.post(f"{path}/external-residents/lookup", json={"persons": [someone]},
                  headers=employer.headers),
        http.put(f"{path}/external-residents", json={"persons": [someone]}, headers=key),
        http.post(f"{path}/resident-declarations", json={"rows": [row(someone)]}, headers=key),
    ]  # fmt: skip
    for response in calls:
        assert response.status_code == 409, response.request.url
        assert error_of(response) == {"code": "NOT_COLLECTOR", "message": "该功能仅适用于代收单位。",
                                      "details": {"kind": "employer"}}  # fmt: skip
    collector = make_resident_unit(backend, http, now=None)
    foreign = http.get(f"{collector.path}/resident-statuses", params={"year": 2026},
                       headers=employer.headers)  # fmt: skip
    assert foreign.status_code == 403
    anonymous = http.post(f"{collector.path}/external-residents/lookup",
                          json={"persons": [person(someone)]})  # fmt: skip
    assert anonymous.status_code == 401
