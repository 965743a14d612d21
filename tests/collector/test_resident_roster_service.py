"""城乡居民参保信息更新 without Qt, against a real synced 代收单位: the queries, 拼音首字母,
统计, 查看, the agent's own 手机号码/分组/备注 (kept through a full sync) and 信息维护."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from client.documents.imports import ImportRefused
from client.domain.ids import identity_check_digit
from client.groups.imports import write_assignment_template
from client.jobs import JobContext
from client.roster.resident_fields import (
    GONE,
    NO_GROUP,
    PHONE_FORMAT,
    REMARK_TOO_LONG,
    ResidentEditError,
    ResidentFieldStore,
)
from client.roster.resident_import import apply_info, read_info_file, write_info_template
from client.roster.residents import MEDICAL, PENSION, ResidentRosterService
from client.storage.feed_tables import RESIDENTS
from client.sync.engine import FeedSyncer, FeedSyncResult
from tests.collector.conftest import CollectorUnit


def service(env: CollectorUnit) -> ResidentRosterService:
    return ResidentRosterService(env.app.app_db, env.session.db, env.app.local_today())


def server_records(env: CollectorUnit) -> list[dict[str, Any]]:
    dump = env.backend.dump(env.unit_id, "residents")
    fields, item_fields = dump["fields"], dump["item_fields"]
    out = []
    for rec in dump["records"]:
        row = dict(zip(fields, rec, strict=True))
        row["items"] = [dict(zip(item_fields, it, strict=True)) for it in row["items"]]
        out.append(row)
    return out


def keys(svc: ResidentRosterService, **filters: Any) -> set[int]:
    return {row["id"] for row in svc.source().rows(filters, [])}


def sync(env: CollectorUnit, mode: str) -> FeedSyncResult:
    syncer = FeedSyncer(env.session.api, env.session.db, env.unit_id, RESIDENTS)
    return syncer.run(JobContext(), mode)


def insured(record: dict[str, Any], levy_item: str) -> bool:
    return any(i["levy_item"] == levy_item for i in record["items"])


def test_filters_match_the_server_data(collector_unit: CollectorUnit) -> None:
    svc = service(collector_unit)
    records = server_records(collector_unit)
    everyone = {r["id"] for r in records}
    assert keys(svc) == everyone
    target = next(r for r in records if r["phone"])
    assert keys(svc, name=target["name"][1:]) == {
        r["id"] for r in records if target["name"][1:] in r["name"]
    }
    assert keys(svc, id_number=target["id_number"][-6:]) == {
        r["id"] for r in records if target["id_number"][-6:] in r["id_number"]
    }
    assert keys(svc, township=target["township"]) == {
        r["id"] for r in records if r["township"] == target["township"]
    }
    village = target["village"][:3]
    assert keys(svc, village=village) == {r["id"] for r in records if village in r["village"]}
    assert keys(svc, phone=target["phone"][-4:]) == {
        r["id"] for r in records if r["phone"] and target["phone"][-4:] in r["phone"]
    }
    for item in (PENSION, MEDICAL):
        assert keys(svc, insurance=item) == {r["id"] for r in records if insured(r, item)}
    assert keys(svc, insurance=PENSION) and keys(svc, insurance=PENSION) != everyone
    assert keys(svc, status="1") == {r["id"] for r in records if r["status"] == "1"}
    assert keys(svc, name="  ", township=None, phone="") == everyone  # blanks ignored
    assert svc.township_options() == sorted({r["township"] for r in records})


def test_pinyin_initials_with_heteronyms(collector_unit: CollectorUnit) -> None:
    records = server_records(collector_unit)
    backend = collector_unit.backend
    backend.admin_patch(f"residents/{records[0]['id']}", {"name": "林婷"})
    backend.admin_patch(f"residents/{records[1]['id']}", {"name": "曾晓明"})
    backend.admin_patch(f"residents/{records[2]['id']}", {"name": "王林婷"})
    sync(collector_unit, "incremental")
    svc = service(collector_unit)
    assert records[0]["id"] in keys(svc, name="lt")
    assert records[0]["id"] in keys(svc, name="LT")  # case does not matter
    assert records[2]["id"] not in keys(svc, name="lt")  # anchored at the name's start
    assert records[2]["id"] in keys(svc, name="wlt")
    assert records[1]["id"] in keys(svc, name="zxm")
    assert records[1]["id"] in keys(svc, name="cxm")  # 曾 read as céng too
    assert records[1]["id"] not in keys(svc, name="lt")
    assert records[1]["id"] in keys(svc, name="晓明")


@pytest.mark.collector(residents=120)
def test_statistics_count_insured_residents(collector_unit: CollectorUnit) -> None:
    svc = service(collector_unit)
    records = server_records(collector_unit)
    stats = svc.statistics({})
    assert stats.total == len(records) == 120
    assert stats.medical == sum(insured(r, MEDICAL) for r in records)
    assert stats.pension == sum(insured(r, PENSION) for r in records)
    assert 0 < stats.pension < stats.total  # the seed has residents without 养老
    assert stats.shown() == [
        ("参保总数", "120人"),
        ("医疗", f"{stats.medical}人"),
        ("养老", f"{stats.pension}人"),
    ]
    town = records[0]["township"]
    local = svc.statistics({"township": town, "insurance": PENSION})
    in_town = [r for r in records if r["township"] == town and insured(r, PENSION)]
    assert (local.total, local.pension) == (len(in_town), len(in_town))
    assert local.medical == sum(insured(r, MEDICAL) for r in in_town)
    # The list's count makes the same figures in the same pass (the page's summary).
    assert svc.count_with_statistics({"status": "1"}) == sum(r["status"] == "1" for r in records)


def test_detail_shows_every_item_by_name(collector_unit: CollectorUnit) -> None:
    svc = service(collector_unit)
    record = max(server_records(collector_unit), key=lambda r: len(r["items"]))
    detail = svc.detail(record["id"])
    assert detail is not None
    assert (detail.name, detail.id_number) == (record["name"], record["id_number"])
    assert (detail.township, detail.village) == (record["township"], record["village"])
    assert detail.phone == detail.registered_phone == (record["phone"] or "")
    assert len(detail.items) == len(record["items"])
    for shown, raw in zip(detail.items, record["items"], strict=True):
        assert shown.person_number == raw["person_number"]
        assert shown.levy_item.startswith("城乡居民")  # a name, not the code
        assert shown.end_month == (raw["end_month"] or "长期")
    assert svc.detail(-1) is None


def test_local_fields_are_shown_searched_and_survive_a_full_sync(
    collector_unit: CollectorUnit,
) -> None:
    env = collector_unit
    svc = service(env)
    store = ResidentFieldStore(env.session.db)
    group = svc.groups.create("一组")
    records = server_records(env)
    edited, untouched = records[0], next(r for r in records[1:] if r["phone"])
    store.save(edited["id"], "13912345678", group.id, "  行动不便，上门收取  ")
    store.save(untouched["id"], untouched["phone"], None, "")  # 手机号码 left as shown

    def row(record_id: int) -> dict[str, Any]:
        return next(svc.source().rows({"id_number": record_id_number[record_id]}, []))

    record_id_number = {r["id"]: r["id_number"] for r in records}
    assert row(edited["id"])["phone"] == "13912345678"
    assert row(edited["id"])["remark"] == "行动不便，上门收取"
    assert row(edited["id"])["group_name"] == "一组"
    assert keys(svc, phone="12345678") == {edited["id"]}
    assert keys(svc, group=group.id) == {edited["id"]}

    # The 管理子系统 changes both phones; a full sync swaps the table in.
    env.backend.admin_patch(f"residents/{edited['id']}", {"phone": "13800000001"})
    env.backend.admin_patch(f"residents/{untouched['id']}", {"phone": "13800000002"})
    env.backend.mutate(env.unit_id, "residents", change=5, seed=4)
    result = sync(env, "full")
    assert result.mode == "full" and result.counts.changed >= 2
    with env.session.db.engine.connect() as conn:
        registered = dict(conn.execute(text("SELECT id, phone FROM residents")).all())
    assert registered[edited["id"]] == "13800000001"  # the synced table has the new number
    fields = store.get(edited["id"])
    assert (fields.phone, fields.group_id, fields.remark) == (
        "13912345678",
        group.id,
        "行动不便，上门收取",
    )
    assert row(edited["id"])["phone"] == "13912345678"  # the agent's number wins
    assert row(untouched["id"])["phone"] == "13800000002"  # not edited: follows the server
    assert svc.detail(edited["id"]).registered_phone == "13800000001"

    # A blank 手机号码 clears the number shown, whatever is registered.
    store.save(edited["id"], " ", None, None)
    assert row(edited["id"])["phone"] is None
    assert row(edited["id"])["group_name"] is None and row(edited["id"])["remark"] is None


def test_edit_refuses_bad_values_and_saves_nothing(collector_unit: CollectorUnit) -> None:
    store = ResidentFieldStore(collector_unit.session.db)
    record = server_records(collector_unit)[0]
    before = store.get(record["id"])
    for phone, remark, group_id, message in (
        ("1391234567", "", None, PHONE_FORMAT),  # 10 digits
        ("23912345678", "", None, PHONE_FORMAT),  # not from 1
        ("1391234567x", "", None, PHONE_FORMAT),
        ("13912345678", "字" * 201, None, REMARK_TOO_LONG),
        ("13912345678", "", 999, NO_GROUP),
    ):
        with pytest.raises(ResidentEditError) as caught:
            store.save(record["id"], phone, group_id, remark)
        assert caught.value.message == message
        assert store.get(record["id"]) == before
    with pytest.raises(ResidentEditError) as gone:
        store.save(-5, "13912345678", None, "")
    assert gone.value.message == GONE


def test_latest_changes_run_is_the_last_update_that_changed_something(
    collector_unit: CollectorUnit,
) -> None:
    env = collector_unit
    svc = service(env)
    first = svc.latest_changes_run()
    assert first is not None and first.added == len(server_records(env))  # the first download
    env.backend.mutate(env.unit_id, "residents", add=2, change=1, seed=9)
    changed = sync(env, "incremental")
    assert sync(env, "incremental").changed_records == 0  # nothing new: not the latest
    latest = svc.latest_changes_run()
    assert latest is not None and latest.id == changed.run_id
    assert (latest.added, latest.changed) == (2, 1)


@pytest.mark.collector(residents=120)
def test_info_template_round_trip(collector_unit: CollectorUnit, tmp_path: Path) -> None:
    env = collector_unit
    svc = service(env)
    db = env.session.db
    store = ResidentFieldStore(db)
    svc.groups.ensure_paths([("永安", "一组"), ("黄水",)])
    paths = svc.groups.path_index()
    records = server_records(env)
    expected = [r for r in records if insured(r, PENSION)]  # the query: 险种 养老
    outside = [r for r in records if not insured(r, PENSION)]
    anchor, ok = expected[0], expected[1:3]
    store.save(anchor["id"], None, paths["黄水"], "旧备注")

    # 下载导入模板 holds the residents of the query, with what the client has of them.
    path = tmp_path / "信息维护.xlsx"
    written = write_info_template(db, path, svc.source(), {"insurance": PENSION})
    assert written == len(expected)
    book = openpyxl.load_workbook(path)
    sheet = book["城乡居民信息"]
    header, *rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert header == ("证件号码*", "姓名", "分组", "手机号码", "备注")
    by_number = {r[0]: r for r in rows}
    assert set(by_number) == {r["id_number"] for r in expected}
    assert by_number[anchor["id_number"]][1:] == (anchor["name"], "黄水", None, "旧备注")
    assert by_number[ok[0]["id_number"]][3] == ok[0]["phone"]  # the registered number

    # Edit three rows, add four bad ones, and import.
    for excel_row in sheet.iter_rows(min_row=3):
        number = excel_row[0].value
        if number == anchor["id_number"]:
            excel_row[2].value, excel_row[3].value, excel_row[4].value = "永安/一组", None, None
        elif number == ok[0]["id_number"]:
            excel_row[2].value, excel_row[3].value = "黄水", "13711112222"
        elif number == ok[1]["id_number"]:
            excel_row[4].value = "已电话通知"
    good = identity_check_digit("51010719900101123")
    wrong = next(d for d in "0123456789X" if d != good)
    sheet.append(["51010719900101123" + wrong, None, None, None, None])  # bad check digit
    sheet.append(["51010719900101123" + good, "某某", None, None, None])  # not a resident
    sheet.append([outside[0]["id_number"], "别人", None, None, None])  # wrong name
    sheet.append([outside[1]["id_number"], None, "不存在/的组", "12345", None])
    book.save(path)
    result = read_info_file(db, path)
    assert result.valid_count == written
    assert result.error_count == 4
    assert {e.column for e in result.errors} == {"证件号码", "姓名", "分组", "手机号码"}
    assert store.get(ok[0]["id"]).phone == (ok[0]["phone"] or "")  # nothing before 确认

    assert apply_info(store, result.valid) == written
    assert store.get(anchor["id"]).group_id == paths["永安/一组"]
    assert store.get(anchor["id"]).remark == ""
    assert (store.get(ok[0]["id"]).group_id, store.get(ok[0]["id"]).phone) == (
        paths["黄水"],
        "13711112222",
    )
    assert store.get(outside[1]["id"]).group_id is None  # the row in error changed nothing
    assert store.get(ok[1]["id"]).remark == "已电话通知"


def test_info_import_refuses_another_template(
    collector_unit: CollectorUnit, tmp_path: Path
) -> None:
    other = tmp_path / "分组.xlsx"
    write_assignment_template(other, "residents")
    with pytest.raises(ImportRefused):
        read_info_file(collector_unit.session.db, other)
    empty = tmp_path / "empty.xlsx"
    write_info_template(collector_unit.session.db, empty)
    with pytest.raises(ImportRefused):  # the template with no rows
        read_info_file(collector_unit.session.db, empty)
