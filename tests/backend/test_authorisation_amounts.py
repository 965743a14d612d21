"""缴费授权 on the mock backend: the three-facts lookup (§3.17–§3.19), 社保费批扣费额设置
(§3.17) and 社保费批扣清册 (§3.20) as the client calls them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.resident_unit import ResidentUnit, make_resident_unit, new_id_number, person
from tests.support.backend import BackendServer

NOT_FOUND = "未查询到城乡居民参保信息，请核对姓名、证件类型和证件号码。"  # §3.17, §3.18
OUTSIDE = "未在本代收单位管辖范围内找到该居民，请核对姓名、证件类型和证件号码。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def post(unit: ResidentUnit, path: str, body: Any) -> httpx.Response:
    return unit.http.post(
        f"{unit.path}/authorisation/{path}", json=body, headers=unit.key_headers()
    )


def test_find_resident_of_the_area(unit: ResidentUnit) -> None:
    someone = unit.resident("王小明")
    response = post(unit, "residents/find", person(someone))
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["resident_id"] == someone["id"]
    assert (found["name"], found["id_type"], found["id_number"]) == (
        "王小明", "01", someone["id_number"],
    )  # fmt: skip
    assert found["township"] == "福永街道"
    assert set(found) == {"resident_id", "name", "id_type", "id_number", "township", "village",
                          "phone"}  # fmt: skip


def test_find_refuses_facts_that_do_not_match(unit: ResidentUnit) -> None:
    someone = unit.resident("王小明")
    for facts in (
        {**person(someone), "name": "王小红"},
        {**person(someone), "id_number": new_id_number()},
    ):
        response = post(unit, "residents/find", facts)
        assert response.status_code == 404
        error = error_of(response)
        assert (error["code"], error["message"]) == ("RESIDENT_NOT_FOUND", NOT_FOUND)


def test_find_refuses_an_invalid_check_digit(unit: ResidentUnit) -> None:
    number = new_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = post(unit, "residents/find", {"name": "张三", "id_type": "01", "id_number": wrong})
    assert response.status_code == 422
    assert "不是有效的居民身份证号码" in error_of(response)["message"]


def test_a_registered_person_not_on_the_list_is_not_in_the_area(unit: ResidentUnit) -> None:
    outsider = unit.registered("李四")
    response = post(unit, "residents/find", person(outsider))
    assert response.status_code == 404
    error = error_of(response)
    assert (error["code"], error["message"]) == ("RESIDENT_NOT_FOUND", OUTSIDE)


# -- 社保费批扣费额设置 (§3.17) ---------------------------------------------------------------
def setting(p: dict[str, Any], insurance: str = "10210", year: int = 2026,
            amount: str = "400.00") -> dict[str, Any]:  # fmt: skip
    return {**person(p), "insurance": insurance, "year": year, "amount": amount}


def settings(unit: ResidentUnit, **params: Any) -> dict[str, Any]:
    response = unit.http.get(
        f"{unit.path}/authorisation/amount-settings", params=params, headers=unit.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    body["rows"] = [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]
    return body


def test_candidate_lists_the_grades_of_the_insurance(unit: ResidentUnit) -> None:
    someone = unit.resident("赵一")
    response = post(unit, "amount-settings/candidate", {**person(someone), "insurance": "10210"})
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["resident"]["resident_id"] == someone["id"]
    assert found["levy_category"] == "102100001"
    years = {y["year"]: [g["amount"] for g in y["grades"]] for y in found["years"]}
    assert set(years) == set(range(2022, 2027))
    assert years[2026][:3] == ["200.00", "300.00", "400.00"]
    medical = post(unit, "amount-settings/candidate", {**person(someone), "insurance": "10211"})
    assert [g["amount"] for g in medical.json()["years"][0]["grades"]] == ["380.00"]


def test_candidate_of_a_resident_not_insured_in_the_insurance(unit: ResidentUnit) -> None:
    someone = unit.resident("钱二", categories=("102110001",))
    response = post(unit, "amount-settings/candidate", {**person(someone), "insurance": "10210"})
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "NOT_INSURED"
    assert error["message"].startswith("未查询到城乡居民参保信息")


def test_set_an_amount_then_a_second_valid_one_is_refused(unit: ResidentUnit) -> None:
    someone = unit.resident("孙三")
    response = post(unit, "amount-settings", setting(someone))
    assert response.status_code == 201, response.text
    saved = response.json()
    assert (saved["amount"], saved["state"], saved["year"]) == ("400.00", "有效", 2026)
    again = post(unit, "amount-settings", setting(someone, amount="500.00"))
    assert again.status_code == 409
    assert error_of(again)["message"] == (
        "该居民2026年度城乡居民基本养老保险已有有效的批扣费额，请先作废原设置后再新增。"
    )
    # another year, or the other 险种, is a setting of its own
    assert post(unit, "amount-settings", setting(someone, year=2025)).status_code == 201
    assert post(unit, "amount-settings", setting(someone, "10211", amount="380")).status_code == 201
    listed = settings(unit, id_number=someone["id_number"])
    assert listed["total"] == 3
    # after 作废 a new setting of the same year is allowed
    void = post(unit, f"amount-settings/{saved['setting_id']}/void", None)
    assert void.status_code == 200 and void.json()["state"] == "已作废"
    twice = post(unit, f"amount-settings/{saved['setting_id']}/void", None)
    assert twice.status_code == 409
    assert error_of(twice)["message"] == "该批扣费额已作废，不能重复作废。"
    assert post(unit, "amount-settings", setting(someone, amount="500.00")).status_code == 201
    assert settings(unit, id_number=someone["id_number"], state="有效")["total"] == 3


@pytest.mark.parametrize(
    ("amount", "words"),
    [("450.00", "不是2026年度城乡居民基本养老保险的缴费档次"), ("0", "必须大于0"),
     ("400.001", "最多保留两位小数"), ("四百", "不是有效的金额"), ("", "请填写缴费金额")],
)  # fmt: skip
def test_amount_must_be_a_grade_of_the_year(unit: ResidentUnit, amount: str, words: str) -> None:
    someone = unit.resident("周四")
    response = post(unit, "amount-settings", setting(someone, amount=amount))
    assert response.status_code == 422
    assert words in error_of(response)["message"]
    assert settings(unit, id_number=someone["id_number"])["total"] == 0


def test_setting_for_someone_outside_the_area_is_refused(unit: ResidentUnit) -> None:
    someone = unit.resident("吴五")
    response = post(unit, "amount-settings", {**setting(someone), "name": "吴六"})
    assert response.status_code == 404
    assert error_of(response)["message"] == NOT_FOUND


# -- 社保费批扣清册 (§3.20) ------------------------------------------------------------------
def rolls(unit: ResidentUnit, **params: Any) -> dict[str, Any]:
    response = unit.http.get(
        f"{unit.path}/authorisation/deduction-rolls", params=params, headers=unit.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    body["rows"] = [dict(zip(body["fields"], r, strict=True)) for r in body["records"]]
    return body


def run_roll(unit: ResidentUnit, **body: Any) -> dict[str, Any]:
    return unit.backend.admin_post(f"units/{unit.unit_id}/authorisation/deduction-rolls/run", body)


def set_state(unit: ResidentUnit, row_id: int, state: str, **extra: Any) -> dict[str, Any]:
    return unit.backend.admin_post(
        f"units/{unit.unit_id}/authorisation/deduction-rolls/{row_id}/state",
        {"state": state, **extra},
    )


def test_roll_from_valid_settings_and_void_per_the_table(unit: ResidentUnit) -> None:
    a, b = unit.resident("郑七"), unit.resident("王八")
    for p in (a, b):
        assert post(unit, "amount-settings", setting(p)).status_code == 201
    made = run_roll(unit)
    assert made["created"] == 2 and made["failed"] == 2  # nobody has a 两两协议
    assert run_roll(unit)["created"] == 0  # a setting is in one live row only
    found = rolls(unit, name="郑七", id_type="01", id_number=a["id_number"],
                  period_from="2026-01", period_to="2026-12")["rows"]  # fmt: skip
    assert len(found) == 1
    row = found[0]
    assert (row["state"], row["voided"], row["failure_reason"]) == (
        "扣款失败", "未作废", "未签订有效的两两协议",
    )  # fmt: skip
    assert (row["amount"], row["year"], row["insurance_name"]) == (
        "400.00", 2026, "城乡居民基本养老保险",
    )  # fmt: skip
    assert (
        rolls(unit, id_number=a["id_number"], period_from="2025-01", period_to="2025-12")["total"]
        == 0
    )
    # 扣款失败 → 作废 allowed
    voided = post(unit, f"deduction-rolls/{row['row_id']}/void", None)
    assert voided.status_code == 200 and voided.json()["voided"] == "已作废"
    again = post(unit, f"deduction-rolls/{row['row_id']}/void", None)
    assert again.status_code == 409
    assert error_of(again)["message"] == "该批扣清册已作废，不能重复作废。"
    # 扣款成功 → refused
    other = rolls(unit, id_number=b["id_number"])["rows"][0]
    paid = set_state(unit, other["row_id"], "扣款成功")
    assert paid["deduct_date"] == "2026-12-20"
    refused = post(unit, f"deduction-rolls/{other['row_id']}/void", None)
    assert refused.status_code == 409
    error = error_of(refused)
    assert (error["code"], error["message"]) == (
        "ROLL_DEDUCTED",
        "该批扣清册已扣款成功，不能作废。",
    )
    assert rolls(unit, id_number=b["id_number"])["rows"][0]["voided"] == "未作废"
    # the voided row's setting goes into the next roll again
    assert run_roll(unit)["created"] == 1


@pytest.mark.parametrize("state", ["扣款锁定", "扣款中", "已生成待扣款", "分票成功", "正在生成",
                                   "状态不明"])  # fmt: skip
def test_void_allowed_for_every_other_state(unit: ResidentUnit, state: str) -> None:
    someone = unit.resident("冯九")
    assert post(unit, "amount-settings", setting(someone)).status_code == 201
    (row_id,) = run_roll(unit)["row_ids"]
    set_state(unit, row_id, state)
    response = post(unit, f"deduction-rolls/{row_id}/void", None)
    assert response.status_code == 200, response.text
    assert response.json()["state"] == state and response.json()["voided"] == "已作废"


def test_roll_paging_and_bench_seed(unit: ResidentUnit) -> None:
    unit.backend.admin_post(
        f"units/{unit.unit_id}/authorisation/deduction-rolls/bench-seed", {"count": 250}
    )
    first = rolls(unit, offset=0, limit=100)
    last = rolls(unit, offset=200, limit=100)
    assert first["total"] == last["total"] == 250
    assert len(first["rows"]) == 100 and len(last["rows"]) == 50
    assert first["rows"][0]["row_id"] < last["rows"][-1]["row_id"]
    assert rolls(unit, period_from="2022-01", period_to="2022-12")["total"] == 50


def signed_agreement(unit: ResidentUnit, who: dict[str, Any]) -> str:
    """An 有效 两两协议 on the resident's own account, signed as the client signs it (§3.19)."""
    branches = unit.rule("bank_branches")["entries"]
    branch = next(b for b in branches if b["bank_code"] == "102" and b["region_code"] == "440306")
    info = unit.http.get(f"{unit.path}/info", headers=unit.headers).json()
    body = {**person(who), "account_type": "本人账户", "allow_deduction": True,
            "tax_authority": info["tax_authority"], "bank_code": "102", "region_code": "440306",
            "branch_code": branch["code"], "account_number": f"62{uuid.uuid4().int % 10**17:017d}",
            "consent": True}  # fmt: skip
    response = post(unit, "agreements", body)
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "有效"
    return str(response.json()["agreement_id"])


def test_a_resident_with_a_valid_agreement_is_to_be_deducted(unit: ResidentUnit) -> None:
    signed, unsigned = unit.resident("陈十"), unit.resident("褚十一")
    agreement = signed_agreement(unit, signed)
    for p in (signed, unsigned):
        assert post(unit, "amount-settings", setting(p)).status_code == 201
    assert run_roll(unit)["failed"] == 1
    states = {r["name"]: (r["state"], r["failure_reason"]) for r in rolls(unit)["rows"]}
    assert states == {
        "陈十": ("已生成待扣款", None),
        "褚十一": ("扣款失败", "未签订有效的两两协议"),
    }
    # a revoked agreement no longer counts
    assert post(unit, f"agreements/{agreement}/revoke", {}).status_code == 200
    row = rolls(unit, name="陈十")["rows"][0]
    assert post(unit, f"deduction-rolls/{row['row_id']}/void", None).status_code == 200
    run_roll(unit)
    latest = rolls(unit, name="陈十", sort="row_id", ascending="false")["rows"][0]
    assert (latest["state"], latest["voided"]) == ("扣款失败", "未作废")
