"""The 用人单位 menu follows the region's collection mode; 首页 reminders come from data."""

from __future__ import annotations

from client.domain.wages import DAILY
from client.employer.module import DESCRIPTOR
from client.employer.reminders import empty_wage_alerts, wage_todos
from client.wages.drafts import WageDrafts
from tests.employer.conftest import EmployerEnv


def titles(mode: str) -> list[str]:
    return [entry.title for entry, _path in DESCRIPTOR.entries(mode)]


def test_wage_declaration_only_in_self_collected_regions() -> None:
    assert {"日常缴费工资申报", "年度缴费工资申报", "缴费工资申报记录"} <= set(titles("税务自主"))
    assert not {"日常缴费工资申报", "年度缴费工资申报"} & set(titles("税务代征"))
    assert "职工参保信息更新" in titles("税务代征")


def test_every_menu_page_imports() -> None:
    from client.modules import import_object

    for entry, _path in DESCRIPTOR.entries():
        assert import_object(entry.page) is not None, entry.page


def test_reminders_follow_the_data(employer_env: EmployerEnv) -> None:
    session = employer_env.session
    assert wage_todos(session) == []
    drafts = WageDrafts(employer_env.app.app_db, session.db, session.unit.tax_authority,
                        employer_env.app.local_today(), DAILY, "by_employee")  # fmt: skip
    drafts.add_many("paying")
    (todo,) = wage_todos(session)
    assert todo.entry_key == "wages_daily" and "尚未申报" in todo.text
    with session.db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE employee_items SET base = '0.00' WHERE employee_id ="
            " (SELECT MIN(employee_id) FROM employee_items)"
        )
    (alert,) = empty_wage_alerts(session)
    assert alert.entry_key == "wages_daily" and "1名" in alert.text
