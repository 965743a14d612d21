"""社保费申报 services against the real mock backend, without Qt: fetching items, the merged
tick boxes, 提交申报 and its feedback, faults mid-submit, 同步, 作废, the journal."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from client.employer.module import DESCRIPTOR
from client.fees import items as items_module
from client.fees.declare import FeeDeclarations, SubmissionPlan
from client.fees.journal import ACCEPTED, OUTCOME, REFUSED, SUBMIT, UNKNOWN, VOID
from client.fees.reminders import fee_alerts, fee_todos
from client.fees.rules import (
    DAILY,
    DECLARED,
    DECLARING,
    FAILED,
    INITIAL,
    PAID,
    PROJECT,
    SPECIAL,
    SUCCEEDED,
    VOIDED,
    WRITTEN_OFF,
    FeeRuleError,
    declaration_page,
    total,
)
from client.jobs import CancelToken, JobCancelled, JobContext
from client.sync.api import ApiClient
from client.sync.errors import ApiError
from client.sync.submissions import SubmissionUncertainError
from tests.fees.conftest import FeeUnit, insured_normally, with_both_pension_categories

ALL = (DAILY, SPECIAL, PROJECT)


def local_items(unit: FeeUnit, **where: Any) -> list[dict[str, Any]]:
    clauses = " AND ".join(f"{k} = ?" for k in where) or "1"
    with unit.session.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT * FROM fee_items WHERE {clauses} ORDER BY item_id", tuple(where.values())
        )
        return [dict(r._mapping) for r in rows]


def boxes_of(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    boxes: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        boxes[r["merge_key"]].append(r["item_id"])
    return dict(boxes)


def pension_box(unit: FeeUnit) -> list[str]:
    """The ids of the 养老 box of 预处理信息 (01) on the 单位编号 that has both 征收品目."""
    number = unit.created["units"][0]["unit_numbers"][0]
    rows = local_items(unit, category=DAILY, data_source="01", state=INITIAL, levy_item="10201",
                       unit_number=number)  # fmt: skip
    if len(rows) < 2:
        with_both_pension_categories(unit)
        rows = local_items(unit, category=DAILY, data_source="01", state=INITIAL,
                           levy_item="10201", unit_number=number)  # fmt: skip
    (box,) = boxes_of(rows).values()
    insured_normally(unit, rows)
    return box


def declare(service: FeeDeclarations, page: str, ids: list[str], mode: str = "税务自主") -> Any:
    plan = service.plan(declaration_page(page, mode), ids)
    return service.submit(plan)


def test_items_are_fetched_with_their_tick_boxes(fee_unit: Any) -> None:
    unit = fee_unit()
    service = unit.service()
    waiting = service.items.refresh(ALL)
    daily = local_items(unit, category=DAILY, data_source="01", state=INITIAL)
    assert daily and waiting >= len(daily)
    # the login 数据更新 already mirrored them, for 首页 待办事项
    todos = {r.entry_key: r.text for r in fee_todos(unit.session)}
    assert "fee_daily" in todos and "预处理信息待申报" in todos["fee_daily"]
    # 自主: same 费款所属期起止 + 征收项目 + 单位编号 is one box
    for key, ids in boxes_of(daily).items():
        rows = [r for r in daily if r["item_id"] in ids]
        assert len({(r["unit_number"], r["period_start"], r["period_end"], r["levy_item"])
                    for r in rows}) == 1, key  # fmt: skip
    assert len(pension_box(unit)) == 2  # 城镇职工 and 外来从业人员 in one box
    # 医保 items of a 税务自主 region come as 征集信息 (03), boxed by 征集通知流水号
    collected = local_items(unit, category=DAILY, data_source="03")
    assert collected and all(r["collection_serial"] for r in collected)
    for ids in boxes_of(collected).values():
        serials = {r["collection_serial"] for r in collected if r["item_id"] in ids}
        assert len(serials) == 1


def test_nothing_ticked_and_a_partly_ticked_box_are_refused(fee_unit: Any) -> None:
    unit = fee_unit()
    service = unit.service()
    page = declaration_page("daily", "税务自主")
    with pytest.raises(FeeRuleError, match="请先勾选"):
        service.plan(page, [])
    box = pension_box(unit)
    with pytest.raises(FeeRuleError, match="必须一起提交申报"):
        service.plan(page, box[:1])
    with pytest.raises(FeeRuleError, match="刷新"):
        service.plan(page, ["FI-NOT-THERE"])
    assert service.journal.entries() == []  # nothing was sent


def test_submit_feedback_and_journal(fee_unit: Any) -> None:
    unit = fee_unit()
    service = unit.service()
    box = pension_box(unit)
    plan = service.plan(declaration_page("daily", "税务自主"), box)
    rows = local_items(unit, category=DAILY, levy_item="10201", state=INITIAL)
    assert plan.amount == total(r["amount"] for r in rows if r["item_id"] in box)
    assert plan.boxes == 1 and plan.items == 2
    result = service.submit(plan)
    (made,) = result.declarations
    assert sorted(made["item_ids"]) == sorted(box)
    assert Decimal(made["amount"]) == plan.amount
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {DECLARING}
    record = service.records.declaration(made["declaration_id"])
    assert record is not None and record["status"] == "申报中" and record["channel"] == "客户端"
    assert "fee_records" in {r.entry_key for r in fee_todos(unit.session)}  # 待获取反馈

    feedback = service.fetch_feedback()  # the backend runs without a processing delay
    assert (feedback.succeeded, feedback.failed, feedback.waiting) == (1, 0, 0)
    record = service.records.declaration(made["declaration_id"])
    assert record["status"] == SUCCEEDED and record["pay_status"] == "未缴费"
    assert record["voucher_number"] and len(record["voucher_number"]) == 20
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {DECLARED}
    journal = [(e.action, e.result, e.declaration_ids) for e in service.journal.entries()]
    assert journal == [(SUBMIT, ACCEPTED, made["declaration_id"]),
                       (OUTCOME, SUCCEEDED, made["declaration_id"])]  # fmt: skip
    assert service.journal.entries()[0].amount == f"{plan.amount:.2f}"
    # the refreshed list no longer offers them
    service.items.refresh(ALL)
    assert not set(box) & {r["item_id"] for r in local_items(unit, state=INITIAL)}


def test_lines_download_once_and_add_up(fee_unit: Any) -> None:
    unit = fee_unit(employees=12)
    service = unit.service()
    item = local_items(unit, category=DAILY, data_source="01", levy_item="10204")[0]
    assert service.items.missing_lines([item["item_id"]]) == [item["item_id"]]
    written = service.items.download_lines([item["item_id"]])
    assert written == item["headcount"]
    persons, money = service.items.lines_total([item["item_id"]])
    assert persons == item["headcount"] and money == Decimal(item["amount"])
    assert service.items.missing_lines([item["item_id"]]) == []
    assert service.items.download_lines([item["item_id"]]) == 0  # offline afterwards


def test_a_cut_off_download_keeps_nothing(fee_unit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = fee_unit(employees=12)
    backend = unit.backend
    service = unit.service()
    item = local_items(unit, category=DAILY, data_source="01", levy_item="10204")[0]
    monkeypatch.setattr(items_module, "LINE_PAGE", 3)  # several pages
    path = f"/api/v1/mgmt/units/{unit.unit_id}/fee-items/{item['item_id']}/details"
    backend.add_fault("drop", path_prefix=path, after_bytes=10, count=20)
    with pytest.raises(ApiError) as err:
        service.items.download_lines([item["item_id"]])
    assert "连接中断" in err.value.message or "无法连接" in err.value.message
    backend.clear_faults()
    assert service.items.lines_total([item["item_id"]]) == (0, Decimal("0.00"))
    assert service.items.missing_lines([item["item_id"]]) == [item["item_id"]]
    # cancelled half-way: nothing either
    token = CancelToken()
    seen: list[int] = []

    def progress(p: Any) -> None:
        seen.append(p.done)
        if p.done >= 3:
            token.cancel()

    with pytest.raises(JobCancelled):
        service.items.download_lines([item["item_id"]], JobContext(progress, token))
    assert service.items.lines_total([item["item_id"]]) == (0, Decimal("0.00"))
    assert service.items.download_lines([item["item_id"]]) == item["headcount"]


def test_a_dropped_connection_during_submit_declares_once(fee_unit: Any) -> None:
    unit = fee_unit()
    backend = unit.backend
    service = unit.service()
    box = pension_box(unit)
    plan = service.plan(declaration_page("daily", "税务自主"), box)
    backend.add_fault(
        "drop", path_prefix=f"/api/v1/mgmt/units/{unit.unit_id}/fee-declarations", method="POST",
        count=4,
    )  # fmt: skip
    with pytest.raises(SubmissionUncertainError) as err:
        service.submit(plan)
    assert "不会重复提交" in err.value.message
    backend.clear_faults()
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {INITIAL}
    assert service.journal.entries()[-1].result == UNKNOWN
    # the clerk clicks 立即提交 again: the same request goes again, one declaration results
    result = service.submit(service.plan(declaration_page("daily", "税务自主"), box))
    assert result.resent
    service.sync(date.today() - timedelta(days=3), date.today() + timedelta(days=3), ALL)
    with unit.session.db.engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT COUNT(*) FROM fee_declarations").scalar()
    assert count == 1


def test_a_timeout_mid_submit_is_confirmed_on_retry(fee_unit: Any) -> None:
    unit = fee_unit()
    backend = unit.backend
    api = ApiClient(unit.app.server_url, timeout=1.0, retries=0)
    api.token = unit.session.api.token
    service = FeeDeclarations(api, unit.session.db, unit.unit_id)
    box = pension_box(unit)
    plan = service.plan(declaration_page("daily", "税务自主"), box)
    backend.add_fault("latency", latency_ms=2500, count=1, method="POST",
                      path_prefix=f"/api/v1/mgmt/units/{unit.unit_id}/fee-declarations")  # fmt: skip
    with pytest.raises(SubmissionUncertainError):
        service.submit(plan)
    service.resend_pending()  # e.g. on 获取反馈 or opening the page
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {DECLARING}
    assert [e.result for e in service.journal.entries()] == [UNKNOWN, ACCEPTED]
    api.close()


def test_server_error_and_declared_elsewhere_change_nothing(fee_unit: Any) -> None:
    unit = fee_unit()
    backend = unit.backend
    service = unit.service()
    box = pension_box(unit)
    plan = service.plan(declaration_page("daily", "税务自主"), box)
    backend.add_fault("error", status=500, count=1, method="POST",
                      path_prefix=f"/api/v1/mgmt/units/{unit.unit_id}/fee-declarations")  # fmt: skip
    with pytest.raises(ApiError) as err:
        service.submit(plan)
    assert not isinstance(err.value, SubmissionUncertainError)
    assert err.value.message and not err.value.message.isascii()
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {INITIAL}
    # meanwhile the box is declared through another channel
    backend.declare_fee_items_elsewhere(unit.unit_id, box)
    with pytest.raises(ApiError) as err:
        service.submit(plan)
    assert err.value.code == "ALREADY_DECLARED" and "刷新" in err.value.message
    assert [e.result for e in service.journal.entries()] == [REFUSED, REFUSED]
    service.items.refresh(ALL)
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {DECLARED}


def test_void_flow_and_refusals(fee_unit: Any) -> None:
    unit = fee_unit()
    backend = unit.backend
    service = unit.service()
    box = pension_box(unit)
    (made,) = declare(service, "daily", box).declarations
    service.fetch_feedback()
    answer = service.void(made["declaration_id"])
    assert answer["status"] == "作废中"
    assert service.records.declaration(made["declaration_id"])["status"] == "作废中"
    feedback = service.fetch_feedback()
    assert feedback.voided == 1
    record = service.records.declaration(made["declaration_id"])
    assert record["status"] == VOIDED and record["voided_at"]
    assert {r["state"] for r in local_items(unit) if r["item_id"] in box} == {WRITTEN_OFF}
    with pytest.raises(FeeRuleError, match="只有申报成功"):
        service.void(made["declaration_id"])  # voided rows can only be viewed
    # fresh 初始 copies of the box can be declared again
    service.items.refresh(ALL)
    again = pension_box(unit)
    assert len(again) == 2 and not set(again) & set(box)
    (second,) = declare(service, "daily", again).declarations
    service.fetch_feedback()
    backend.pay_fee_declaration(unit.unit_id, second["declaration_id"])
    # the local record still says 未缴费: the server refuses, with its reason
    with pytest.raises(ApiError) as err:
        service.void(second["declaration_id"])
    assert err.value.code == "ALREADY_PAID"
    service.fetch_feedback()
    service.sync(date.today() - timedelta(days=2), date.today() + timedelta(days=2), ALL)
    assert service.records.declaration(second["declaration_id"])["pay_status"] == PAID
    with pytest.raises(FeeRuleError, match="已缴费"):
        service.void(second["declaration_id"])
    actions = [(e.action, e.result) for e in service.journal.entries() if e.action == VOID]
    assert actions == [(VOID, ACCEPTED), (VOID, REFUSED)]


def test_sync_brings_other_channels(fee_unit: Any) -> None:
    unit = fee_unit()
    backend = unit.backend
    service = unit.service()
    box = pension_box(unit)
    today = unit.app.local_today()
    earlier = today - timedelta(days=40)
    [elsewhere] = backend.declare_fee_items_elsewhere(
        unit.unit_id, box, submitted_at=f"{earlier:%Y-%m-%d} 10:00:00"
    )
    progress: list[Any] = []
    result = service.sync(today - timedelta(days=10), today, ALL, JobContext(progress.append))
    assert result.declarations == 0
    result = service.sync(earlier - timedelta(days=5), today, ALL, JobContext(progress.append))
    assert result.declarations == 1 and result.unpaid == 1
    record = service.records.declaration(elsewhere)
    assert record["channel"] == "电子税务局" and record["status"] == SUCCEEDED
    assert sorted(service.records.item_ids(elsewhere)) == sorted(box)
    assert progress[-1].done == progress[-1].total
    with pytest.raises(FeeRuleError, match="不能早于"):
        service.sync(today, today - timedelta(days=1), ALL)


def test_verified_page_declarations_fail_independently(fee_unit: Any) -> None:
    unit = fee_unit(region="330100")  # 税务代征: 征集信息 (03) only, no 01
    backend = unit.backend
    service = unit.service()
    assert not local_items(unit, data_source="01")
    special = backend.add_special_fee(unit.unit_id, "补缴", "10201", "2025-01", "2025-03",
                                      persons=2)  # fmt: skip
    service.items.refresh(ALL)
    page = declaration_page("verified", "税务代征")
    collected = local_items(unit, category=DAILY, data_source="03", state=INITIAL)
    first_box = boxes_of(collected)[collected[0]["merge_key"]]
    insured_normally(unit, [r for r in collected if r["item_id"] in first_box])
    backend.refuse_fee_item(
        unit.unit_id, special[0], "该笔补缴已在社保经办机构撤销，请联系经办机构。"
    )
    result = service.submit(service.plan(page, [*first_box, *special]))
    assert len(result.declarations) == 2  # one per tick box
    feedback = service.fetch_feedback()
    assert (feedback.succeeded, feedback.failed) == (1, 1), feedback.reasons
    assert any("撤销" in r for r in feedback.reasons)
    by_id = {d["declaration_id"]: service.records.declaration(d["declaration_id"])
             for d in result.declarations}  # fmt: skip
    assert sorted(d["status"] for d in by_id.values()) == sorted([SUCCEEDED, FAILED])
    failed_items = local_items(unit, category=SPECIAL)
    assert {r["state"] for r in failed_items} == {INITIAL}
    assert all("撤销" in (r["reason"] or "") for r in failed_items)


def test_project_items_declare(fee_unit: Any) -> None:
    unit = fee_unit(projects_per_unit=0)
    unit.backend.add_project(unit.unit_id, "宝安区冷链仓库扩建工程", status="在建",
                             contract_amount="8000000.00", start_date="2026-03-01",
                             end_date="2027-02-28")  # fmt: skip
    unit.backend.generate_fee_items(unit.unit_id)
    service = unit.service()
    service.items.refresh(ALL)
    projects = local_items(unit, category=PROJECT, state=INITIAL)
    assert projects and all(r["levy_item"] == "10204" and r["headcount"] == 0 for r in projects)
    box = boxes_of(projects)[projects[0]["merge_key"]]
    result = declare(service, "project", box)
    service.fetch_feedback()
    (made,) = result.declarations
    assert service.records.declaration(made["declaration_id"])["status"] == SUCCEEDED


def test_changes_since_the_last_declared_period(fee_unit: Any) -> None:
    unit = fee_unit(employees=6)
    backend = unit.backend
    service = unit.service()
    current = local_items(unit, category=DAILY, data_source="01", levy_item="10204")[0]
    period = current["period_start"]
    year, month = int(period[:4]), int(period[5:])
    previous = f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"
    earlier = backend.generate_fee_items(unit.unit_id, previous)
    service.items.refresh(ALL)
    injury = [r["item_id"] for r in local_items(unit, period_start=previous, levy_item="10204")]
    assert injury and set(injury) <= set(earlier)
    backend.declare_fee_items_elsewhere(unit.unit_id, injury)
    # one employee's base goes up by 80 %, then this month's items are made again
    service.items.download_lines([current["item_id"]])
    with unit.session.db.engine.connect() as conn:
        person = conn.exec_driver_sql(
            "SELECT person_id FROM fee_item_lines WHERE item_id = ? ORDER BY position LIMIT 1",
            (current["item_id"],),
        ).scalar()
    dump = backend.dump(unit.unit_id, "employees")
    fields = dump["fields"]
    record = next(dict(zip(fields, r, strict=True)) for r in dump["records"] if r[0] == person)
    items = [dict(zip(dump["item_fields"], it, strict=True)) for it in record["items"]]
    old_base = Decimal(items[0]["base"])
    for it in items:
        it["base"] = f"{(old_base * Decimal('1.8')).quantize(Decimal('0.01'))}"
    backend.admin_patch(f"employees/{record['id']}", {"items": items})
    backend.generate_fee_items(unit.unit_id)
    service.items.refresh(ALL)
    box = [r["item_id"] for r in local_items(unit, period_start=period, levy_item="10204",
                                              state=INITIAL)]  # fmt: skip
    plan: SubmissionPlan = service.plan(declaration_page("daily", "税务自主"), box)
    (change,) = plan.changes
    assert change.previous_period == previous and change.period == period
    assert change.moved_count >= 1
    assert record["name"] in {m.name for m in change.moved}
    moved = next(m for m in change.moved if m.name == record["name"])
    assert moved.change > Decimal("0.30")


def test_home_alerts_items_of_several_periods_waiting(fee_unit: Any) -> None:
    """首页 异常提醒 (manual §2.1.3 二(二)): 存在多个属期的预处理信息未申报，可能会超出申报期限."""
    unit = fee_unit()
    assert DESCRIPTOR.alert_providers and fee_alerts in DESCRIPTOR.alert_providers
    daily = local_items(unit, category=DAILY, data_source="01", state=INITIAL)
    assert daily and len({(r["period_start"], r["period_end"]) for r in daily}) == 1
    assert fee_alerts(unit.session) == []  # one period waiting: a 待办事项, no alert
    with unit.session.db.engine.begin() as conn:  # an older period not declared either
        conn.exec_driver_sql(
            "UPDATE fee_items SET period_start = '2000-01', period_end = '2000-01'"
            " WHERE item_id = ?",
            (daily[0]["item_id"],),
        )
    (alert,) = fee_alerts(unit.session)
    assert alert.entry_key == "fee_daily"
    assert "存在2个属期的社保费预处理信息未申报，可能会超出申报期限" in alert.text
