"""缴费工资申报 processing against the real server: delay, rules and reasons, bases, feed."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.backend.conftest import login
from tests.backend.wage_unit import (
    MEDICAL,
    SELF,
    Unit,
    base_limits,
    make_unit,
    month_of,
    rule_content,
    server_today,
)
from tests.support.backend import BackendError, BackendServer

NOT_IN_UNIT = "该职工不在本单位的参保登记信息中。"
ID_MISMATCH = "证件号码与职工信息不一致。"
WAGE_NOT_POSITIVE = "缴费工资必须大于0。"
NOTHING_SELF_COLLECTED = "该职工没有需要申报缴费工资的税务自主险种。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> Unit:
    return make_unit(backend, http)


def test_rule_files_give_levy_modes_and_wage_rules(
    backend: BackendServer, http: httpx.Client, unit: Unit
) -> None:
    files = {f["code"] for f in http.get("/mgmt/rules", headers=unit.headers).json()["files"]}
    assert {"levy_modes", "wage_rules", "base_limits"} <= files
    codes = {e["code"] for e in rule_content(unit, "levy_items")["entries"]}
    modes = {e["code"]: e["name"] for e in rule_content(unit, "levy_modes")["entries"]}
    assert set(modes) == codes
    assert modes["10203"] == modes["10205"] == "税务代征"
    assert {modes[c] for c in codes - {"10203", "10205"}} == {"税务自主"}
    assert rule_content(unit, "wage_rules") == {"annual_effective_month": "07",
                                                "declaration_start_month": "2015-01",
                                                "max_months_ahead": 12}  # fmt: skip
    other = make_unit(backend, http, "330100")
    assert {e["name"] for e in rule_content(other, "levy_modes")["entries"]} == {"税务代征"}


def test_pending_until_the_delay_has_passed(backend: BackendServer, unit: Unit) -> None:
    backend.set_processing_delay(3600)
    employee = unit.employee("周晓梅")
    response = unit.submit([unit.row(employee, month_of(server_today(unit.http)))])
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["status"] == "待反馈" and answer["rows"] == 1
    assert answer["processing_delay_seconds"] == 3600
    assert re.fullmatch(rf"WD{server_today(unit.http):%Y%m%d}\d{{4}}", answer["declaration_id"])
    listed = unit.listing()
    assert [d["declaration_id"] for d in listed] == [answer["declaration_id"]]
    assert listed[0] | {"tax_authority": None} == {
        "declaration_id": answer["declaration_id"], "declaration_type": "daily",
        "mode": "by_employee", "tax_authority": None, "submitted_at": answer["submitted_at"],
        "rows": 1, "succeeded": 0, "failed": 0, "status": "待反馈",
    }  # fmt: skip
    detail = unit.detail(answer["declaration_id"])
    assert [(r["status"], r["reason"]) for r in detail["rows"]] == [("待反馈", None)]
    assert detail["rows"][0]["name"] == "周晓梅" and detail["rows"][0]["id_type"] == "08"
    backend.set_clock(offset_seconds=3500)
    assert unit.listing()[0]["status"] == "待反馈"
    assert unit.record(employee)["items"][0][6] == "5000.00"
    backend.set_clock(offset_seconds=3605)  # reading after the delay is 获取反馈
    assert unit.detail(answer["declaration_id"])["status"] == "全部申报成功"
    assert unit.record(employee)["items"][0][6] == "6000.00"


def test_admin_process_ignores_the_delay(backend: BackendServer, unit: Unit) -> None:
    backend.set_processing_delay(3600)
    declaration_id = unit.declare(
        [unit.row(unit.employee("林婷"), month_of(server_today(unit.http)))]
    )
    summary = backend.process_wage_declaration(unit.unit_id, declaration_id)
    assert (summary["status"], summary["succeeded"], summary["failed"]) == ("全部申报成功", 1, 0)
    seq = unit.record(unit.detail(declaration_id)["rows"][0]["employee_id"])["seq"]
    assert backend.process_wage_declaration(unit.unit_id, declaration_id) == summary
    assert unit.record(unit.detail(declaration_id)["rows"][0]["employee_id"])["seq"] == seq
    with pytest.raises(BackendError, match="DECLARATION_NOT_FOUND"):
        backend.process_wage_declaration(unit.unit_id, "WD202001010001")


def test_success_sets_clamped_bases_in_the_feed(backend: BackendServer, unit: Unit) -> None:
    today = server_today(unit.http)
    mixed = unit.employee("王桂淑", SELF + MEDICAL)
    low = unit.employee("李强")
    high = unit.employee("赵敏")
    cursor = unit.http.get(
        f"/mgmt/units/{unit.unit_id}/employees/changes", params={"cursor": 0}, headers=unit.headers
    ).json()["cursor"]
    month = month_of(today)
    rows = [unit.row(mixed, month, levies=SELF + MEDICAL),  # 代征 items are ignored
            unit.row(low, month, "1000.00"), unit.row(high, month, "99999.00")]  # fmt: skip
    declaration_id = unit.declare(rows)
    assert len(rows[0]["items"]) == 5
    (summary,) = unit.listing()
    assert (summary["status"], summary["succeeded"], summary["failed"]) == ("全部申报成功", 3, 0)
    assert [r["status"] for r in unit.detail(declaration_id)["rows"]] == ["成功"] * 3

    page = unit.http.get(
        f"/mgmt/units/{unit.unit_id}/employees/changes",
        params={"cursor": cursor},
        headers=unit.headers,
    ).json()
    changed = {r[0]: dict(zip(page["fields"], r, strict=True)) for r in page["upserts"]}
    assert set(changed) == {mixed, low, high} and not page["removals"]
    lower, upper = base_limits(unit, today.year)
    expected = {mixed: "6000.00", low: lower, high: upper}
    for employee_id, record in changed.items():
        assert record["seq"] > cursor and record["updated_at"].startswith(today.isoformat())
        bases = {it[2]: it[6] for it in record["items"]}
        assert {bases[levy] for levy, _, _ in SELF} == {expected[employee_id]}
        assert all(bases[levy] == "5000.00" for levy, _, _ in MEDICAL if levy in bases)

    pre = backend.fee_preprocessing(unit.unit_id, declaration_id)
    assert len(pre) == 9 and {p["period"] for p in pre} == {month}
    assert {(p["employee_id"], p["levy_item"]) for p in pre} == {
        (e, levy) for e in (mixed, low, high) for levy, _, _ in SELF
    }
    assert all(p["base"] == expected[p["employee_id"]] for p in pre)
    assert all(p["unit_number"] == unit.number for p in pre)


def test_each_failure_reason_in_a_partly_successful_declaration(
    backend: BackendServer, http: httpx.Client, unit: Unit
) -> None:
    today = server_today(http)
    month = month_of(today)
    ok = unit.employee("陈建国")
    removed = unit.employee("黄丽")
    stopped = unit.employee("吴刚", end_month="2025-06")
    medical_only = unit.employee("孙悦", MEDICAL)
    others = [unit.employee(name) for name in ("郑伟", "冯芳", "朱军", "秦雪", "许诺")]
    stranger = make_unit(backend, http).employee("外单位职工")
    rows = [
        unit.row(ok, month),
        unit.row(removed, month),
        unit.row(others[0], month, id_number="X0000000000"),
        unit.row(others[1], month, "0"),
        unit.row(others[2], month, "-1"),
        unit.row(stopped, month),
        unit.row(medical_only, month, levies=MEDICAL),
        unit.row(medical_only, month),  # declares items the employee does not have
        unit.row(others[3], "2014-12"),
        unit.row(others[4], month_of(today, 13)),
        {**unit.row(ok, month), "employee_id": stranger},
    ]
    backend.remove_record("employees", removed)
    seqs = {e: unit.record(e)["seq"] for e in [stopped, medical_only, *others]}
    declaration_id = unit.declare(rows)
    detail = unit.detail(declaration_id)
    assert (detail["status"], detail["succeeded"], detail["failed"]) == ("部分申报成功", 1, 10)
    assert [(r["status"], r["reason"]) for r in detail["rows"]] == [
        ("成功", None),
        ("失败", NOT_IN_UNIT),
        ("失败", ID_MISMATCH),
        ("失败", WAGE_NOT_POSITIVE),
        ("失败", WAGE_NOT_POSITIVE),
        ("失败", "该职工已于2025-06停止缴费，生效年月不能晚于停止缴费月份。"),
        ("失败", NOTHING_SELF_COLLECTED),
        ("失败", NOTHING_SELF_COLLECTED),
        ("失败", "生效年月2014-12早于本地区允许申报缴费工资的最早年月2015-01，请重新选择生效年月。"),
        ("失败", f"生效年月{month_of(today, 13)}晚于当前年月{month}超过12个月，请重新选择生效年月。"),
        ("失败", NOT_IN_UNIT),
    ]  # fmt: skip
    assert [r["name"] for r in detail["rows"]][:2] == ["陈建国", "黄丽"]  # a tombstone keeps it
    assert detail["rows"][-1]["name"] == "" and detail["rows"][3]["new_wage"] == "0"
    assert {e: unit.record(e)["seq"] for e in seqs} == seqs  # failed rows change nothing
    assert {p["employee_id"] for p in backend.fee_preprocessing(unit.unit_id)} == {ok}


def test_all_rows_failing(backend: BackendServer, unit: Unit) -> None:
    month = month_of(server_today(unit.http))
    employees = [unit.employee("甲"), unit.employee("乙")]
    rows = [unit.row(e, month, id_number="WRONG") for e in employees]
    summary = backend.process_wage_declaration(unit.unit_id, unit.declare(rows))
    assert (summary["status"], summary["succeeded"], summary["failed"]) == ("全部申报失败", 0, 2)
    assert backend.fee_preprocessing(unit.unit_id) == []


def test_back_pay_months_by_item_and_the_stop_month(backend: BackendServer, unit: Unit) -> None:
    today = server_today(unit.http)
    active = unit.employee("何静")
    leaving = unit.employee("罗斌", end_month=month_of(today, -1))
    row = unit.row(active, month_of(today, -2))
    row["items"][0]["new_wage"] = "7000.00"
    row["items"][1]["new_wage"] = "8000.00"
    declaration_id = unit.declare([row, unit.row(leaving, month_of(today, -3))], mode="by_item")
    detail = unit.detail(declaration_id)
    assert detail["status"] == "全部申报成功" and detail["mode"] == "by_item"
    assert (detail["rows"][0]["old_wage"], detail["rows"][0]["new_wage"]) == ("5000.00", "7000.00")
    bases = {it[2]: it[6] for it in unit.record(active)["items"]}
    assert (bases["10201"], bases["10202"], bases["10204"]) == ("7000.00", "8000.00", "6000.00")
    periods: dict[tuple[int, str], list[str]] = {}
    for p in backend.fee_preprocessing(unit.unit_id, declaration_id):
        periods.setdefault((p["employee_id"], p["levy_item"]), []).append(p["period"])
    assert periods[(active, "10202")] == [month_of(today, s) for s in (-2, -1, 0)]
    assert periods[(leaving, "10201")] == [month_of(today, s) for s in (-3, -2, -1)]  # to the stop
    assert len(periods) == 6


def test_annual_declaration_gets_its_effective_month(backend: BackendServer, unit: Unit) -> None:
    today = server_today(unit.http)
    annual = int(rule_content(unit, "wage_rules")["annual_effective_month"])
    year = today.year if today.month <= annual else today.year + 1
    expected = f"{year:04d}-{annual:02d}"
    employee = unit.employee("高原")
    declaration_id = unit.declare([unit.row(employee, None, "2000.00")], kind="annual")
    detail = unit.detail(declaration_id)
    assert detail["declaration_type"] == "annual" and detail["status"] == "全部申报成功"
    assert detail["rows"][0]["effective_month"] == expected
    lower, _ = base_limits(unit, year)
    assert {it[6] for it in unit.record(employee)["items"]} == {lower}
    pre = backend.fee_preprocessing(unit.unit_id, declaration_id)
    assert {p["period"] for p in pre} == ({expected} if expected <= month_of(today) else set())


def test_ten_thousand_rows_are_accepted_and_processed_quickly(
    backend: BackendServer, http: httpx.Client
) -> None:
    created = backend.create_taxpayer(employees_per_unit=10_000, seed=11)["units"][0]
    unit = Unit(created["unit_id"], login(http, created["unit_id"], created["initial_password"]),
                created["unit_numbers"][0], http, backend)  # fmt: skip
    backend.set_processing_delay(3600)
    month = month_of(server_today(http))
    rows = []
    for record in backend.dump(unit.unit_id, "employees")["records"]:
        items = [{"unit_number": it[0], "levy_item": it[2], "levy_category": it[3],
                  "old_wage": it[6], "new_wage": "8000.00"} for it in record[-1]]  # fmt: skip
        rows.append({"employee_id": record[0], "id_number": record[5], "effective_month": month,
                     "items": items})  # fmt: skip
    started = time.perf_counter()
    declaration_id = unit.declare(rows)
    accepted = time.perf_counter() - started
    started = time.perf_counter()
    summary = backend.process_wage_declaration(unit.unit_id, declaration_id)
    processed = time.perf_counter() - started
    assert summary["rows"] == 10_000 and summary["succeeded"] + summary["failed"] == 10_000
    assert summary["succeeded"] > 8_000  # the rest stopped paying before this month
    assert accepted < 2.0 and processed < 10.0, (accepted, processed)
