"""外部参保城乡居民 against the real backend: imported and added people looked up and stored with
the 管理子系统's answer, the list PUT after each change making 正常参保 people residents (their
缴费档次 can be queried), 更新参保状态 after the registry gains someone, 删除, 编辑, a cancelled
lookup adding nobody, and a PUT whose answer was lost sent again with the same key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from client.collector.external import (
    ALREADY_LISTED,
    IN_FEED,
    NO_UNREGISTERED_TICKED,
    NOT_REGISTERED,
    NOTHING_TICKED,
    ONLY_REGISTERED,
    REGISTERED,
    ExternalError,
    ExternalResidents,
    read_external_import,
    template_spec,
    write_external_template,
)
from client.collector.external_sync import NOT_SENT
from client.collector.grades import ResidentGrades
from client.collector.persons import Person, PersonError
from client.jobs import CancelToken, JobCancelled, JobContext
from client.roster.resident_fields import PHONE_FORMAT
from client.sync.errors import NotFoundError
from tests.collector.conftest import CollectorUnit
from tests.collector.external_people import MEDICAL, PENSION, registered, unregistered

YEAR = 2026


def service(cu: CollectorUnit) -> ExternalResidents:
    return ExternalResidents(cu.session.api, cu.session.db, cu.unit_id)


def grades(cu: CollectorUnit, person: dict[str, Any]) -> list[str]:
    found = ResidentGrades(cu.session.api, cu.unit_id).query(
        person["name"], person["id_type"], person["id_number"], YEAR
    )
    return sorted({r["levy_category"] for r in found.rows})


def stored(cu: CollectorUnit) -> dict[str, dict[str, Any]]:
    with cu.session.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM external_residents ORDER BY id").all()
    return {r._mapping["id_number"]: dict(r._mapping) for r in rows}


def fill(path: Path, rows: list[list[Any]]) -> Path:
    wb = load_workbook(path)
    for row in rows:
        wb[template_spec().sheet_title].append(row)
    wb.save(path)
    return path


def test_import_looks_up_stores_and_makes_registered_people_residents(
    collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    cu = collector_unit
    backend = cu.backend
    both = registered(backend, "林秀英")
    medical = registered(backend, "陈国强", (MEDICAL,))
    nobody = unregistered("无名氏")
    with cu.session.db.engine.connect() as conn:
        feed = dict(conn.exec_driver_sql(
            "SELECT name, id_type, id_number FROM residents LIMIT 1").one()._mapping)  # fmt: skip
    path = tmp_path / "导入.xlsx"
    write_external_template(path)
    fill(path, [
        [both["name"], "居民身份证", both["id_number"]],
        [medical["name"], "居民身份证", medical["id_number"]],
        [nobody["name"], "居民身份证", nobody["id_number"]],
        [feed["name"], "居民身份证", feed["id_number"]],          # in the feed: refused
        ["错号", "居民身份证", nobody["id_number"][:-1] + "Y"],   # not a number: refused
    ])  # fmt: skip
    result = read_external_import(cu.session.db, path)
    assert [r.row for r in result.valid] == [3, 4, 5]
    assert {e.row: e.reason for e in result.errors}[6] == IN_FEED
    svc = service(cu)
    with pytest.raises(NotFoundError, match="未在本代收单位查询到该人员"):
        grades(cu, both)  # not a resident before the import

    added = svc.add_imported(result.valid)
    assert (added.added, added.registered, added.unregistered) == (3, 2, 1)
    assert added.sync_warning is None and "未参保1人" in added.message()
    rows = stored(cu)
    assert rows[both["id_number"]]["status"] == REGISTERED
    assert rows[both["id_number"]]["township"] == "金牛街道"
    items = json.loads(rows[both["id_number"]]["items"])
    assert sorted(i["levy_category"] for i in items) == [PENSION, MEDICAL]
    assert rows[nobody["id_number"]]["status"] == NOT_REGISTERED
    assert rows[nobody["id_number"]]["person_number"] is None
    # the PUT made the registered ones residents of this unit
    assert grades(cu, both) == [PENSION, MEDICAL]
    assert grades(cu, medical) == [MEDICAL]
    with pytest.raises(NotFoundError):
        grades(cu, nobody)
    assert svc.sync.in_sync()

    # the same file again: everyone is listed already, nothing is added
    again = read_external_import(cu.session.db, path)
    assert again.valid_count == 0
    assert {e.reason for e in again.errors} >= {ALREADY_LISTED, IN_FEED}


def test_add_one_update_status_edit_and_delete(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    svc = service(cu)
    later = unregistered("赵小雨")
    wrong = later["id_number"][:-1] + ("0" if later["id_number"][-1] != "0" else "1")
    with pytest.raises(PersonError, match="居民身份证号码校验位不正确") as bad:
        svc.add_one("赵小雨", "01", wrong)
    assert bad.value.field == "id_number"
    with pytest.raises(PersonError, match="请填写姓名"):
        svc.add_one(" ", "01", later["id_number"])
    with cu.session.db.engine.connect() as conn:
        feed = conn.exec_driver_sql("SELECT name, id_type, id_number FROM residents").first()
    with pytest.raises(ExternalError, match=IN_FEED):
        svc.add_one(feed[0], feed[1], feed[2].lower())
    first = svc.add_one(later["name"], "01", later["id_number"].lower())
    assert (first.added, first.unregistered) == (1, 1)
    with pytest.raises(ExternalError, match=ALREADY_LISTED):
        svc.add_one(later["name"], "01", later["id_number"])
    row = stored(cu)[later["id_number"]]
    with pytest.raises(ExternalError, match=ONLY_REGISTERED):
        svc.edit(row["id"], "13800000000", None, "")
    with pytest.raises(ExternalError, match=NOTHING_TICKED):
        svc.update_status([])

    still = svc.update_status([row["id"]])
    assert (still.asked, still.registered) == (1, 0) and "仍为未参保" in still.message()

    # the 管理子系统 registers the person: 更新参保状态 finds them
    cu.backend.add_external_registry("510100", [{**later, "levy_categories": [PENSION],
                                                 "township": "金牛街道", "village": "一组"}])  # fmt: skip
    moved = svc.update_status([row["id"]])
    assert (moved.asked, moved.registered, moved.names) == (1, 1, [later["name"]])
    row = stored(cu)[later["id_number"]]
    assert row["status"] == REGISTERED and row["village"] == "一组"
    assert grades(cu, later) == [PENSION]  # already on the server's list: a resident now
    with pytest.raises(ExternalError, match=NO_UNREGISTERED_TICKED):
        svc.update_status([row["id"]])

    with pytest.raises(ExternalError, match=PHONE_FORMAT):
        svc.edit(row["id"], "1380000000", None, "")
    group = svc.groups.create("一组")
    svc.edit(row["id"], "13800000000", group.id, " 已电话通知 ")
    detail = svc.detail(row["id"])
    assert (detail.row["phone"], detail.group, detail.row["remark"]) == (
        "13800000000",
        "一组",
        "已电话通知",
    )
    page = svc.source().page({"group": group.id}, [], 0, 10)
    assert [(r["name"], r["group_name"]) for r in page] == [(later["name"], "一组")]

    removed, warning = svc.delete([row["id"]])
    assert removed == 1 and warning is None
    assert stored(cu) == {}
    with pytest.raises(NotFoundError):
        grades(cu, later)  # gone from the server's list too


def test_a_cancelled_lookup_adds_nobody(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    svc = service(cu)
    people = [unregistered(f"居民{n}") for n in range(1500)]
    persons = [Person(p["name"], "01", p["id_number"]) for p in people]
    token = CancelToken()
    seen: list[int] = []

    def progress(p: Any) -> None:
        seen.append(p.done)
        if p.done >= 1000:
            token.cancel()

    with pytest.raises(JobCancelled):
        svc.add(persons, JobContext(progress, token))
    assert 1000 in seen and stored(cu) == {}
    assert svc.sync.state() == {}  # nothing was sent either
    done = svc.add(persons)  # two requests of 1,000 and 500
    assert (done.added, done.unregistered) == (1500, 1500)


def test_a_lost_put_answer_is_sent_again_with_the_same_key(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    svc = service(cu)
    svc.api.retries = 0  # no silent retry: the outcome must stay unknown
    person = registered(cu.backend, "周建华")
    cu.backend.add_fault("drop", path_prefix=f"/api/v1/mgmt/units/{cu.unit_id}/external-residents",
                         method="PUT", count=1, after_bytes=0)  # fmt: skip
    try:
        added = svc.add_one(person["name"], "01", person["id_number"])
    finally:
        cu.backend.clear_faults()
    assert added.added == 1 and added.sync_warning is not None
    assert added.sync_warning.message == NOT_SENT and NOT_SENT in added.message()
    state = svc.sync.state()
    key = state["pending_key"]
    assert key and not svc.sync.in_sync()
    # the next change sends the stored request first (same key), then the new list
    other = registered(cu.backend, "吴丽娟")
    sent: list[tuple[str, str | None]] = []
    put = svc.api.put_json

    def spy(path: str, body: Any, *, idempotency_key: str | None = None) -> Any:
        sent.append((",".join(p["name"] for p in body["persons"]), idempotency_key))
        return put(path, body, idempotency_key=idempotency_key)

    svc.api.put_json = spy  # type: ignore[method-assign]
    svc.add_one(other["name"], "01", other["id_number"])
    assert sent[0] == (person["name"], key)
    assert sent[1][0] == f"{person['name']},{other['name']}" and sent[1][1] != key
    assert svc.sync.in_sync() and svc.sync.state()["pending_key"] is None
    assert grades(cu, person) and grades(cu, other)
    assert svc.sync.push() is None  # nothing new: nothing sent
    assert len(sent) == 2
