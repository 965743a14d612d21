"""缴费工资申报 working list, 提交申报 and 获取反馈 against the real backend (no Qt)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from client.domain.ids import identity_check_digit
from client.domain.wages import (
    ANNUAL,
    BY_EMPLOYEE,
    BY_ITEM,
    DAILY,
    Adjustment,
    WageRuleError,
    add_months,
)
from client.groups.service import GroupService
from client.jobs import JobContext
from client.storage.feed_tables import EMPLOYEES
from client.storage.unit_db import UnitDatabase
from client.sync.engine import FeedSyncer
from client.sync.submissions import SubmissionUncertainError
from client.wages.declare import WageDeclarations
from client.wages.drafts import FAILED, NOT_DECLARED, SUBMITTED, WageDrafts
from tests.employer.conftest import EmployerEnv


def drafts(env: EmployerEnv, declaration_type: str = DAILY, mode: str = BY_EMPLOYEE) -> WageDrafts:
    return WageDrafts(
        env.app.app_db,
        env.session.db,
        env.session.unit.tax_authority,
        env.app.local_today(),
        declaration_type,
        mode,
    )


def declarations(env: EmployerEnv) -> WageDeclarations:
    return WageDeclarations(env.session.api, env.session.db, env.unit_id)


def rows(lst: WageDrafts) -> list[dict[str, Any]]:
    return list(lst.source().rows({}, []))


def paying_employee(lst: WageDrafts) -> Any:
    for emp_id, _name, _number in lst.candidates("", limit=500):
        info = lst.employee(emp_id)
        if info is not None and info.items and info.stop_month is None:
            return info
    raise AssertionError("no paying employee")


def stopped_employee(lst: WageDrafts) -> Any:
    for emp_id, _name, _number in lst.candidates("", limit=500):
        info = lst.employee(emp_id)
        if info is not None and info.items and info.stop_month is not None:
            return info
    raise AssertionError("no stopped employee")


def test_single_add_rules(employer_env: EmployerEnv) -> None:
    lst = drafts(employer_env)
    info = paying_employee(lst)
    month = lst.default_month()
    result = lst.add_single(info.employee_id, "6000", month)
    assert result.added == 1
    again = lst.add_single(info.employee_id, "6000", month)
    assert again.added == 0 and again.already_listed == 1
    (row,) = rows(lst)
    assert row["new_wage"] == "6000.00" and row["old_wage"] == info.items[0].base
    assert row["state"] == NOT_DECLARED
    stopped = stopped_employee(lst)
    with pytest.raises(WageRuleError) as err:
        lst.add_single(stopped.employee_id, "6000", "2099-01")
    assert "停止缴费" in err.value.message
    earlier = lst.check_month("2020-01", None)
    assert earlier is not None and "补缴" in earlier.warning
    # The region's wage_rules, as the tax bureau applies them after 提交申报:
    with pytest.raises(WageRuleError) as err:
        lst.add_single(info.employee_id, "6000", "2014-12")
    assert err.value.message == (
        "生效年月2014-12早于本地区允许申报缴费工资的最早年月2015-01，请重新选择生效年月。"
    )
    current = lst.default_month()
    assert lst.check_month(add_months(current, 12), None).warning is None
    with pytest.raises(WageRuleError) as err:
        lst.check_month(add_months(current, 13), None)
    assert f"晚于当前年月{current}超过12个月" in err.value.message
    with pytest.raises(WageRuleError):
        lst.add_single(info.employee_id, "-100", month)


def test_annual_list_has_no_effective_month(employer_env: EmployerEnv) -> None:
    lst = drafts(employer_env, ANNUAL)
    info = paying_employee(lst)
    lst.add_single(info.employee_id, "7000")
    assert rows(lst)[0]["effective_month"] is None
    assert drafts(employer_env).count() == 0  # 日常 and 年度 lists are separate


def test_bulk_adds_and_batch_modify(employer_env: EmployerEnv) -> None:
    lst = drafts(employer_env)
    result = lst.add_many("paying")
    assert result.added > 0
    total = lst.count()
    by_number = drafts(employer_env, DAILY, BY_ITEM)
    first = paying_employee(by_number)
    number = first.items[0].unit_number
    added = by_number.add_many("unit_number", number, Adjustment.ratio("120"))
    assert added.added > 0
    for row in rows(by_number):
        assert row["unit_number"] == number
        assert Decimal(row["new_wage"]) == (Decimal(row["old_wage"]) * Decimal("1.2")).quantize(
            Decimal("0.01")
        )
    ids = [r["id"] for r in rows(lst)[:3]]
    assert lst.batch_modify(ids, Adjustment.fixed("8800")) == 3
    assert {r["new_wage"] for r in rows(lst) if r["id"] in ids} == {"8800.00"}
    assert lst.count() == total

    groups = GroupService(employer_env.session.db)
    group = groups.create("财务部")
    groups.assign([first.employee_id], group.id)
    grouped = drafts(employer_env, ANNUAL)
    assert grouped.add_many("group", adjustment=Adjustment.fixed("5000"),
                            group_ids=[group.id]).added == 1  # fmt: skip


def test_adding_all_paying_looks_at_the_self_collected_items_still_paid(
    backend: Any, employer_env: EmployerEnv
) -> None:
    """添加全部正常缴费职工: an employee whose 税务自主 items all stopped is not listed even
    while a 税务代征 item runs on; one whose items stopped only in part is added by 险种
    with the open items alone (it used to be refused as a whole)."""
    unit_number = employer_env.created["units"][0]["unit_numbers"][0]
    base = {"unit_number": unit_number, "special_category": "10", "base": "6000.00",
            "start_month": "2020-01", "end_month": None}  # fmt: skip
    pension = {**base, "person_number": "P1", "levy_item": "10201",
               "levy_category": "102010001", "levy_subcategory": "10201000101"}  # fmt: skip
    injury = {**base, "person_number": "P1", "levy_item": "10204",
              "levy_category": "102040001", "levy_subcategory": "10204000101"}  # fmt: skip
    medical = {**base, "person_number": "P1", "levy_item": "10203",
               "levy_category": "102030001", "levy_subcategory": "10203000101"}  # fmt: skip
    partly = backend.add_record(employer_env.unit_id, "employees", {
        "name": "部分停缴", "id_number": "110105199003070017",
        "items": [{**pension, "end_month": "2024-09"}, injury],
    })  # fmt: skip
    only_collected = backend.add_record(employer_env.unit_id, "employees", {
        "name": "只剩代征", "id_number": "110105199003070041",
        "items": [{**pension, "end_month": "2024-09"}, medical],
    })  # fmt: skip
    FeedSyncer(
        employer_env.session.api, employer_env.session.db, employer_env.unit_id, EMPLOYEES
    ).run(JobContext())
    by_item = drafts(employer_env, DAILY, BY_ITEM)
    result = by_item.add_many("paying")
    mine = [r for r in rows(by_item) if r["employee_id"] in (partly, only_collected)]
    assert [(r["employee_id"], r["levy_item"]) for r in mine] == [(partly, "10204")]
    assert all(name not in result.message() for name in ("部分停缴", "只剩代征"))
    assert "。；" not in result.message() and "。。" not in result.message()
    by_employee = drafts(employer_env, DAILY, BY_EMPLOYEE)
    by_employee.add_many("paying")
    listed = {r["employee_id"] for r in rows(by_employee)}
    assert partly in listed and only_collected not in listed


def test_working_list_survives_a_restart(employer_env: EmployerEnv, tmp_path: Path) -> None:
    lst = drafts(employer_env)
    info = paying_employee(lst)
    lst.add_single(info.employee_id, "6100", lst.default_month())
    path = Path(employer_env.session.db.path)
    employer_env.session.db.close()
    reopened = UnitDatabase(path, tmp_path / "b")
    employer_env.session.db = reopened
    assert rows(drafts(employer_env))[0]["new_wage"] == "6100.00"


def test_submit_feedback_success_failure_and_roster(
    backend: Any, employer_env: EmployerEnv
) -> None:
    lst = drafts(employer_env)
    good = paying_employee(lst)
    lst.add_single(good.employee_id, "6543.21", lst.default_month())
    bad_id = next(
        i.employee_id
        for i in map(lst.employee, (c[0] for c in lst.candidates("", 500)))
        if i is not None and i.items and i.stop_month is None and i.employee_id != good.employee_id
    )  # another employee still paying (which one comes first depends on the seed)
    lst.add_single(bad_id, "5000", lst.default_month())
    bad_row = next(r for r in rows(lst) if r["employee_id"] == bad_id)
    backend.admin_delete(f"employees/{bad_id}")  # gone before the server processes it
    service = declarations(employer_env)
    (answer,) = service.submit(lst, [r["id"] for r in rows(lst)])
    assert {r["state"] for r in rows(lst)} == {SUBMITTED}
    assert lst.delete([bad_row["id"]]) == (0, 1)  # 待反馈 rows cannot be deleted
    assert lst.count() == 2
    backend.admin_post(
        f"units/{employer_env.unit_id}/wage-declarations/{answer['declaration_id']}/process"
    )
    feedback = service.fetch_feedback()
    assert (feedback.succeeded_rows, feedback.failed_rows) == (1, 1)
    (left,) = rows(lst)
    assert left["employee_id"] == bad_id and left["state"] == FAILED
    assert "不在本单位" in left["failure_reason"]
    records = list(service.records_source().rows({}, []))
    assert records[0]["status"] == "部分申报成功"
    detail = {r["name"]: r for r in service.detail_source(answer["declaration_id"]).rows({}, [])}
    assert detail[good.name]["status"] == "成功" and detail[good.name]["new_wage"] == "6543.21"

    FeedSyncer(
        employer_env.session.api, employer_env.session.db, employer_env.unit_id, EMPLOYEES
    ).run(JobContext())
    new_info = lst.employee(good.employee_id)
    assert {i.base for i in new_info.items} == {"6543.21"}  # the roster shows the new wage


def test_by_item_rows_of_one_employee_with_two_months_settle_apart(
    backend: Any, employer_env: EmployerEnv
) -> None:
    """按险种: an employee's items may carry different 生效年月 — two rows of the declaration.
    When one succeeds and the other fails, only the succeeded item leaves the working
    list; the failed one comes back with its reason (it used to vanish with the other)."""
    lst = drafts(employer_env, DAILY, BY_ITEM)
    info = next(
        i
        for i in map(lst.employee, (c[0] for c in lst.candidates("", 500)))
        # every item still in force: an item stopped earlier refuses this month (random data)
        if i is not None
        and len(i.items) >= 2
        and i.stop_month is None
        and all(it.end_month is None for it in i.items)
    )
    this_month = lst.default_month()
    next_month = add_months(this_month, 1)
    wages = {(it.unit_number, it.levy_item, it.levy_category): "6100" for it in info.items}
    lst.add_single(info.employee_id, None, this_month, None, wages)
    listed = rows(lst)
    assert len(listed) == len(info.items)
    lst.set_effective_month(listed[-1]["id"], next_month)
    # The employee stops paying this month before the bureau processes the declaration,
    # so the row of next month fails and the row of this month succeeds.
    dump = backend.dump(employer_env.unit_id, "employees")
    record = next(r for r in dump["records"] if r[0] == info.employee_id)
    items = [dict(zip(dump["item_fields"], item, strict=True)) for item in record[-1]]
    items = [{**item, "end_month": this_month} for item in items]
    backend.admin_patch(f"employees/{info.employee_id}", {"items": items})
    service = declarations(employer_env)
    (answer,) = service.submit(lst, [r["id"] for r in listed])
    backend.admin_post(
        f"units/{employer_env.unit_id}/wage-declarations/{answer['declaration_id']}/process"
    )
    feedback = service.fetch_feedback()
    assert (feedback.succeeded_rows, feedback.failed_rows) == (len(listed) - 1, 1)
    (left,) = rows(lst)
    assert left["id"] == listed[-1]["id"] and left["state"] == FAILED
    assert left["effective_month"] == next_month and "停止缴费" in left["failure_reason"]


def test_full_success_and_full_failure(backend: Any, employer_env: EmployerEnv) -> None:
    lst = drafts(employer_env)
    info = paying_employee(lst)
    service = declarations(employer_env)
    lst.add_single(info.employee_id, "7000", lst.default_month())
    (ok,) = service.submit(lst, [r["id"] for r in rows(lst)])
    other = next(
        i.employee_id
        for i in map(lst.employee, (c[0] for c in lst.candidates("", 500)))
        if i is not None and i.items and i.stop_month is None and i.employee_id != info.employee_id
    )  # another employee still paying (which one comes first depends on the seed)
    lst.add_single(other, "7000", lst.default_month())
    backend.admin_delete(f"employees/{other}")
    (bad,) = service.submit(lst, [r["id"] for r in rows(lst) if r["employee_id"] == other])
    for declaration in (ok, bad):
        backend.admin_post(
            f"units/{employer_env.unit_id}/wage-declarations/{declaration['declaration_id']}/process"
        )
    service.fetch_feedback()
    status = {r["declaration_id"]: r["status"] for r in service.records_source().rows({}, [])}
    assert status[ok["declaration_id"]] == "全部申报成功"
    assert status[bad["declaration_id"]] == "全部申报失败"


def test_waiting_declaration_stays_pending(backend: Any, employer_env: EmployerEnv) -> None:
    backend.admin_post("delay", {"seconds": 3600})
    lst = drafts(employer_env)
    lst.add_single(paying_employee(lst).employee_id, "6000", lst.default_month())
    service = declarations(employer_env)
    service.submit(lst, [r["id"] for r in rows(lst)])
    feedback = service.fetch_feedback()
    assert feedback.waiting == 1
    assert next(service.records_source().rows({}, []))["status"] == "待反馈"
    assert rows(lst)[0]["state"] == SUBMITTED


def test_broken_connection_never_declares_twice(backend: Any, employer_env: EmployerEnv) -> None:
    lst = drafts(employer_env)
    lst.add_single(paying_employee(lst).employee_id, "6000", lst.default_month())
    service = declarations(employer_env)
    service.api.retries = 0
    backend.add_fault(
        "drop", path_prefix=f"/api/v1/mgmt/units/{employer_env.unit_id}/wage-declarations",
        method="POST", count=1, after_bytes=5,
    )  # fmt: skip
    with pytest.raises(SubmissionUncertainError) as err:
        service.submit(lst, [r["id"] for r in rows(lst)])
    assert "不会重复" in err.value.message
    assert rows(lst)[0]["state"] == NOT_DECLARED  # not known to be declared yet
    service.resend_pending()  # the same key and body: the server answers as before
    assert rows(lst)[0]["state"] == SUBMITTED
    listed = service.api.get_json(f"/mgmt/units/{employer_env.unit_id}/wage-declarations")
    assert len(listed["declarations"]) == 1


def test_long_tick_lists_go_in_chunks(
    backend: Any, employer_env: EmployerEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite builds allow 999 to 250,000 bound parameters: ticked-row lists are sent in
    chunks (made tiny here), and every step still covers every row exactly once."""
    monkeypatch.setattr("client.storage.chunks.SQL_CHUNK", 7)
    engine = employer_env.session.db.engine
    engine.dispose()  # new connections get a limit of 20 bound parameters per statement

    @event.listens_for(engine, "connect")
    def limit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 20)

    lst = drafts(employer_env, ANNUAL)
    added = lst.add_many("paying").added
    assert added > 20
    ids = [r["id"] for r in rows(lst)]
    assert lst.batch_modify(ids, Adjustment.ratio("110")) == added
    assert len(lst.drafts(ids)) == added
    service = declarations(employer_env)
    (answer,) = service.submit(lst, ids[:-3])
    assert sum(r["state"] == SUBMITTED for r in rows(lst)) == added - 3
    assert lst.delete(ids) == (3, added - 3)  # only the 3 not submitted go
    backend.admin_post(
        f"units/{employer_env.unit_id}/wage-declarations/{answer['declaration_id']}/process"
    )
    feedback = service.fetch_feedback()
    assert feedback.succeeded_rows + feedback.failed_rows == added - 3
    assert lst.count() == feedback.failed_rows


@pytest.mark.parametrize("mode", [BY_EMPLOYEE, BY_ITEM])
def test_adding_all_keeps_a_wage_in_fen_and_reads_the_others(
    backend: Any, employer_env: EmployerEnv, mode: str
) -> None:
    """添加全部正常缴费职工 takes a 原缴费工资 already written in 分 as it is (SQLite decides
    that per row) and puts every other one through the rule: 012.34 becomes 12.34, 12.3
    becomes 12.30, 0.00 has no wage to keep, and text that is no amount is refused with a
    sentence instead of breaking the whole 添加. (The mock backend only sends d.dd, so the
    other spellings are written into the synced items, as another server might send them.)"""
    unit_number = employer_env.created["units"][0]["unit_numbers"][0]
    cases = {"0.50": "0.50", "4492.00": "4492.00", "012.34": "12.34", "12.3": "12.30",
             "0.00": None, "1.2.34": None, "1e3": "1000.00"}  # fmt: skip
    ids = {}
    for n, base in enumerate(cases):
        item = {"unit_number": unit_number, "special_category": "10", "base": "4492.00",
                "start_month": "2020-01", "end_month": None, "person_number": f"W{n}",
                "levy_item": "10201", "levy_category": "102010001",
                "levy_subcategory": "10201000101"}  # fmt: skip
        first17 = f"11010519900307{n:03d}"
        id_number = first17 + identity_check_digit(first17)
        ids[base] = backend.add_record(employer_env.unit_id, "employees", {
            "name": f"工资{n}", "id_number": id_number, "items": [item],
        })  # fmt: skip
    FeedSyncer(
        employer_env.session.api, employer_env.session.db, employer_env.unit_id, EMPLOYEES
    ).run(JobContext())
    with employer_env.session.db.write() as conn:
        for base, employee_id in ids.items():
            conn.exec_driver_sql(
                "UPDATE employee_items SET base = ? WHERE employee_id = ?", (base, employee_id)
            )
    lst = drafts(employer_env, DAILY, mode)
    result = lst.add_many("paying")
    listed = {r["employee_id"]: r["new_wage"] for r in rows(lst)}
    for base, new in cases.items():
        assert listed.get(ids[base]) == new, base
    refused = dict(result.refused)
    assert "没有原缴费工资" in refused["工资4"]
    assert refused["工资5"] == "该职工的原缴费工资无法识别，请单个录入新缴费工资。"
