"""职工参保信息更新 queries and statistics against a real synced roster (no Qt)."""

from __future__ import annotations

from datetime import date
from typing import Any

from client.domain.insured import current_month
from client.jobs import JobContext
from client.roster.employees import EmployeeRosterService as RosterService
from client.storage.feed_tables import EMPLOYEES
from client.sync.engine import FeedSyncer
from client.updates.changes import ChangeList, describe
from tests.employer.conftest import EmployerEnv


def service(env: EmployerEnv) -> RosterService:
    return RosterService(env.app.app_db, env.session.db, env.app.local_today())


def server_records(backend: Any, env: EmployerEnv) -> list[dict[str, Any]]:
    dump = backend.dump(env.unit_id, "employees")
    fields, item_fields = dump["fields"], dump["item_fields"]
    out = []
    for rec in dump["records"]:
        row = dict(zip(fields, rec, strict=True))
        row["items"] = [dict(zip(item_fields, it, strict=True)) for it in row["items"]]
        out.append(row)
    return out


def keys(svc: RosterService, **filters: Any) -> set[int]:
    return {row["id"] for row in svc.source().rows(filters, [])}


def test_filters_match_the_server_data(backend: Any, employer_env: EmployerEnv) -> None:
    svc = service(employer_env)
    records = server_records(backend, employer_env)
    target = records[3]
    assert keys(svc, name=target["name"][1:]) == {
        r["id"] for r in records if target["name"][1:] in r["name"]
    }
    assert keys(svc, id_number=target["id_number"][-6:]) == {
        r["id"] for r in records if target["id_number"][-6:] in r["id_number"]
    }
    assert keys(svc, status="1") == {r["id"] for r in records if r["status"] == "1"}
    number = target["items"][0]["unit_number"]
    assert keys(svc, unit_number=number) == {
        r["id"] for r in records if any(i["unit_number"] == number for i in r["items"])
    }
    assert keys(svc, name="", status=None) == {r["id"] for r in records}  # blanks ignored


def test_pinyin_initials_with_heteronyms(backend: Any, employer_env: EmployerEnv) -> None:
    records = server_records(backend, employer_env)
    backend.admin_patch(f"employees/{records[0]['id']}", {"name": "林婷"})
    backend.admin_patch(f"employees/{records[1]['id']}", {"name": "曾晓明"})
    FeedSyncer(
        employer_env.session.api, employer_env.session.db, employer_env.unit_id, EMPLOYEES
    ).run(JobContext())
    svc = service(employer_env)
    assert records[0]["id"] in keys(svc, name="lt")
    assert records[0]["id"] in keys(svc, name="LT")  # case does not matter
    assert records[1]["id"] in keys(svc, name="zxm")
    assert records[1]["id"] in keys(svc, name="cxm")  # 曾 read as céng too
    assert records[1]["id"] not in keys(svc, name="lt")
    assert keys(svc, name="晓明") >= {records[1]["id"]}


def test_statistics_follow_the_months(backend: Any, employer_env: EmployerEnv) -> None:
    svc = service(employer_env)
    month = current_month(employer_env.app.local_today())
    records = server_records(backend, employer_env)

    def paying(r: dict[str, Any]) -> bool:
        return any(
            i["start_month"] <= month and (i["end_month"] is None or i["end_month"] >= month)
            for i in r["items"]
        )

    def stopped(r: dict[str, Any]) -> bool:
        ends = [i["end_month"] for i in r["items"]]
        return bool(ends) and None not in ends and max(ends) < month

    stats = svc.statistics({})
    assert stats.total == len(records)
    assert stats.paying == sum(paying(r) for r in records)
    assert stats.stopped == sum(stopped(r) for r in records)
    assert stats.stopped > 0 or stats.paying < stats.total  # the seed has stopped employees
    one = svc.statistics({"id_number": records[0]["id_number"]})
    assert one.total == 1


def test_detail_shows_items_per_unit_number(backend: Any, employer_env: EmployerEnv) -> None:
    svc = service(employer_env)
    # An ID-card holder (which record is one depends on the seed of this unit).
    record = next(r for r in server_records(backend, employer_env)[5:] if r["id_type"] == "01")
    detail = svc.detail(record["id"])
    assert detail is not None
    assert (detail.name, detail.id_number) == (record["name"], record["id_number"])
    assert detail.id_type == "居民身份证"
    items = [i for block in detail.blocks for i in block.items]
    assert len(items) == len(record["items"])
    assert {b.unit_number for b in detail.blocks} == {i["unit_number"] for i in record["items"]}
    for block in detail.blocks:
        assert block.agency  # 社保经办机构 from the registration info
    for block in detail.blocks:  # items grouped by 单位编号, in the server's order within
        raws = [i for i in record["items"] if i["unit_number"] == block.unit_number]
        for shown, raw in zip(block.items, raws, strict=True):
            assert shown.person_number == raw["person_number"]
            assert shown.base == raw["base"]
            assert shown.end_month == (raw["end_month"] or "长期")
            assert shown.levy_item and not shown.levy_item.isdigit()  # a name, not the code


def test_changes_are_listed_and_described(backend: Any, employer_env: EmployerEnv) -> None:
    mutated = backend.mutate(employer_env.unit_id, "employees", add=2, change=3, remove=1, seed=7)
    result = FeedSyncer(
        employer_env.session.api, employer_env.session.db, employer_env.unit_id, EMPLOYEES
    ).run(JobContext())
    codes = {
        name: employer_env.app.app_db.code_table(name)
        for name in ("id_types", "insured_status", "levy_items", "levy_categories")
    }
    changes = ChangeList(employer_env.session.db, result.run_id, codes)
    rows = list(changes.source().rows({}, []))
    by_kind: dict[str, set[int]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], set()).add(row["record_id"])
    assert by_kind["added"] == set(mutated["added"])
    assert by_kind["removed"] == set(mutated["removed"])
    assert by_kind["changed"] == set(mutated["changed"]) - set(mutated["removed"])
    texts = [describe(r["kind"], r["detail"], codes) for r in rows if r["kind"] == "changed"]
    assert all(t and t != "信息有变更" for t in texts)
    assert all("→" in t or "参保险种" in t for t in texts)


def test_today_before_every_start_counts_nobody_paying(employer_env: EmployerEnv) -> None:
    svc = RosterService(employer_env.app.app_db, employer_env.session.db, date(1990, 1, 1))
    stats = svc.statistics({})
    assert stats.paying == 0 and stats.stopped == 0 and stats.total > 0
