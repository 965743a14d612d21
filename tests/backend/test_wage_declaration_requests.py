"""缴费工资申报 requests: 409 outside 税务自主, 422 bodies, idempotent retries, auth, the list."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of, login
from tests.backend.wage_unit import Unit, make_unit, month_of, server_today
from tests.support.backend import BackendServer


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> Unit:
    return make_unit(backend, http)


@pytest.mark.parametrize("region", ["330100", "440100"])
def test_collected_for_others_regions_answer_409(
    backend: BackendServer, http: httpx.Client, region: str
) -> None:
    unit = make_unit(backend, http, region)
    answers = [
        unit.submit([{"employee_id": 1, "id_number": "1", "effective_month": "2026-11",
                      "items": [{"unit_number": "1", "levy_item": "10201",
                                 "levy_category": "102010001", "new_wage": "6000.00"}]}]),
        http.get(unit.path, headers=unit.headers),
        http.get(f"{unit.path}/WD202611230001", headers=unit.headers),
    ]  # fmt: skip
    for response in answers:
        assert response.status_code == 409, response.text
        error = error_of(response)
        assert error["code"] == "NOT_SELF_COLLECTED"
        assert error["message"] == "本地区为税务代征模式，无需申报缴费工资。"
    collector = backend.create_taxpayer("collector", residents_per_unit=1)["units"][0]
    headers = login(http, collector["unit_id"], collector["initial_password"])
    response = http.get(f"/mgmt/units/{collector['unit_id']}/wage-declarations", headers=headers)
    assert response.status_code == 409 and error_of(response)["code"] == "NOT_EMPLOYER"


def _set(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    target: Any = body
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return body


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("declaration_type", "special", "申报类型"),
        ("mode", "by_group", "申报方式"),
        ("tax_authority", "", "主管税务机关"),
        ("rows", [], "申报明细为空"),
        ("rows.0.effective_month", None, "缺少生效年月"),
        ("rows.0.effective_month", KeyError, "缺少生效年月"),
        ("rows.0.effective_month", "2026-13", "格式不正确"),
        ("rows.0.effective_month", "202611", "格式不正确"),
        ("rows.0.employee_id", "12", "职工编号"),
        ("rows.0.items", [], "没有险种信息"),
        ("rows.0.items.0.new_wage", "abc", "不是有效的金额"),
        ("rows.0.items.0.new_wage", "6,000.00", "不是有效的金额"),
        ("rows.0.items.0.new_wage", 6000, "不是有效的金额"),
        ("rows.0.items.0.new_wage", "12.345", "不是有效的金额"),
        ("rows.0.items.0.new_wage", KeyError, "缺少新缴费工资"),
        ("rows.0.items.0.old_wage", "很多", "原缴费工资"),
        ("rows.0.items.0.levy_item", KeyError, "征收项目"),
        ("rows.0.items.1.new_wage", "7000.00", "新缴费工资应相同"),
    ],
)
def test_malformed_declarations_answer_422(unit: Unit, path: str, value: Any, words: str) -> None:
    employee = unit.employee("马骏")
    body = {"declaration_type": "daily", "mode": "by_employee", "tax_authority": "某税务局",
            "rows": [unit.row(employee, "2026-11")]}  # fmt: skip
    response = unit.http.post(
        unit.path,
        json=_set(body, path, value),
        headers={**unit.headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "INVALID_DECLARATION" and words in error["message"], error
    assert unit.listing() == []


def test_more_malformed_declarations(unit: Unit) -> None:
    employee = unit.employee("马骏")
    annual = unit.submit([unit.row(employee, "2026-11")], kind="annual")
    assert "年度缴费工资申报的生效年月由系统生成" in error_of(annual)["message"]
    not_json = unit.http.post(
        unit.path, content=b"{oops", headers={**unit.headers, "Idempotency-Key": "k-not-json"}
    )
    assert error_of(not_json)["code"] == "INVALID_DECLARATION"
    row = {"employee_id": 1, "id_number": "1", "effective_month": "2026-11",
           "items": [{"unit_number": "1", "levy_item": "10201", "levy_category": "1",
                      "new_wage": "1.00"}]}  # fmt: skip
    too_many = unit.submit([row] * 100_001)
    assert (
        too_many.status_code == 422
        and "一次最多申报100000名职工" in too_many.json()["error"]["message"]
    )
    no_key = unit.http.post(unit.path, json={}, headers=unit.headers)
    assert no_key.status_code == 400 and error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert unit.listing() == []


def test_a_retry_with_the_same_key_creates_nothing(backend: BackendServer, unit: Unit) -> None:
    backend.set_processing_delay(3600)
    employee = unit.employee("钱程")
    rows = [unit.row(employee, month_of(server_today(unit.http)))]
    first = unit.submit(rows, key="retry-key-1")
    again = unit.submit(rows, key="retry-key-1")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again.headers.get("idempotent-replayed") == "true"
    declaration_id = first.json()["declaration_id"]
    assert [d["declaration_id"] for d in unit.listing()] == [declaration_id]
    backend.process_wage_declaration(unit.unit_id, declaration_id)
    seq = unit.record(employee)["seq"]
    late = unit.submit(rows, key="retry-key-1")
    assert late.status_code == 202 and late.json() == first.json()
    assert [(d["declaration_id"], d["status"]) for d in unit.listing()] == [
        (declaration_id, "全部申报成功")
    ]
    assert unit.record(employee)["seq"] == seq
    changed = unit.submit(
        [unit.row(employee, month_of(server_today(unit.http)), "1.00")], key="retry-key-1"
    )
    assert changed.status_code == 422 and error_of(changed)["code"] == "IDEMPOTENCY_MISMATCH"


def test_declarations_of_other_units(backend: BackendServer, http: httpx.Client) -> None:
    a, b = make_unit(backend, http), make_unit(backend, http)
    declaration_id = a.declare([a.row(a.employee("甲"), month_of(server_today(http)))])
    for response, code in [
        (http.get(f"{b.path}/{declaration_id}", headers=b.headers), "DECLARATION_NOT_FOUND"),
        (http.get(f"{a.path}/WD209901010001", headers=a.headers), "DECLARATION_NOT_FOUND"),
        (http.get(f"{a.path}/{declaration_id}", headers=b.headers), "FORBIDDEN"),
        (http.get(a.path, headers=b.headers), "FORBIDDEN"),
        (http.get(f"{a.path}/{declaration_id}"), "TOKEN_INVALID"),
    ]:
        assert error_of(response)["code"] == code, response.text
    assert b.listing() == [] and len(a.listing()) == 1


def test_list_is_newest_first_and_filters_by_day(backend: BackendServer, unit: Unit) -> None:
    month = month_of(server_today(unit.http))
    employee = unit.employee("袁方")
    backend.set_clock(offset_seconds=-86400)
    yesterday = server_today(unit.http)
    old = unit.declare([unit.row(employee, month)])
    backend.reset_clock()
    today = server_today(unit.http)
    assert today == yesterday + timedelta(days=1)
    new = [unit.declare([unit.row(employee, month)]) for _ in range(2)]
    assert old.startswith(f"WD{yesterday:%Y%m%d}") and new[0].startswith(f"WD{today:%Y%m%d}")
    assert [d["declaration_id"] for d in unit.listing()] == [new[1], new[0], old]
    since_today = unit.listing(since=today.isoformat())
    assert [d["declaration_id"] for d in since_today] == [new[1], new[0]]
    assert len(unit.listing(since=yesterday.isoformat())) == 3
    bad = unit.http.get(unit.path, params={"since": "2026-11"}, headers=unit.headers)
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"
