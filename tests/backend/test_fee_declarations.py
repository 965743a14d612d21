"""社保费申报 against the real server: merged tick boxes and every refusal, idempotent
resubmission, processing and its failure reasons, the declaration list, other channels."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.fee_unit import (
    INJURY,
    MEDICAL_LEVIES,
    PENSION,
    PENSION_MIGRANT,
    SOCIAL_LEVIES,
    FeeUnit,
    make_fee_unit,
)
from tests.support.backend import BackendError, BackendServer

ALL_LEVIES = SOCIAL_LEVIES + MEDICAL_LEVIES


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> FeeUnit:
    """A 深圳 unit at 2026-12-20 with two employees in both pension 征收品目 and a 03 box."""
    unit = make_fee_unit(backend, http)
    unit.employee("王桂淑", ALL_LEVIES)
    unit.employee("李强", (PENSION_MIGRANT, INJURY) + MEDICAL_LEVIES)
    return unit


def _by(items: list[dict[str, Any]], **match: str) -> list[str]:
    return [i["item_id"] for i in items if all(i[k] == v for k, v in match.items())]


def _states(unit: FeeUnit) -> dict[str, str]:
    return {i["item_id"]: i["state"] for i in unit.items()}


def test_refusals_create_nothing(backend: BackendServer, http: httpx.Client, unit: FeeUnit) -> None:
    items = unit.items()
    pension = _by(items, levy_item="10201")
    medical = _by(items, data_source="03")
    assert len(pension) == 2 and len(medical) == 2
    before = _states(unit)

    empty = unit.submit([])
    assert empty.status_code == 422
    assert error_of(empty) | {"details": None} == {
        "code": "NOTHING_SELECTED", "message": "请先勾选需要申报的数据。", "details": None
    }  # fmt: skip

    split = unit.submit(pension[:1] + medical)
    assert split.status_code == 422
    error = error_of(split)
    assert error["code"] == "MERGE_SPLIT" and error["details"]["missing"] == pension[1:]
    assert error["message"] == (
        f"单位编号{unit.social} 费款所属期2026-12至2026-12 的企业职工基本养老保险费"
        "有2条预处理信息必须一起申报，请全部勾选后再提交。"
    )
    split_03 = error_of(unit.submit(medical[:1]))
    assert split_03["code"] == "MERGE_SPLIT" and split_03["details"]["missing"] == medical[1:]
    serial = unit.item(medical[0])["collection_serial"]
    assert split_03["message"] == (
        f"单位编号{unit.medical} 征集通知流水号{serial} 有2条征集信息必须一起申报，"
        "请全部勾选后再提交。"
    )

    unknown = unit.submit(pension + ["FI9999999999"])
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "ITEM_NOT_FOUND"
    assert error_of(unknown)["details"]["item_ids"] == ["FI9999999999"]
    stranger = make_fee_unit(backend, http, now=None)
    stranger.employee("外单位职工", (PENSION,))
    theirs = stranger.items()[0]["item_id"]
    foreign = unit.submit(pension + [theirs])
    assert foreign.status_code == 404 and error_of(foreign)["code"] == "ITEM_NOT_FOUND"
    malformed = unit.http.post(f"{unit.path}/fee-declarations", json={"item_ids": "FI1"},
                               headers={**unit.headers, "Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
    assert malformed.status_code == 422
    no_key = unit.http.post(f"{unit.path}/fee-declarations", json={"item_ids": pension},
                            headers=unit.headers)  # fmt: skip
    assert no_key.status_code == 400 and error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert _states(unit) == before and unit.declarations() == []

    unit.declare(pension)
    again = unit.submit(pension + medical)
    assert again.status_code == 409
    assert error_of(again)["code"] == "ALREADY_DECLARED"
    assert error_of(again)["details"]["item_ids"] == pension
    assert _states(unit)[medical[0]] == "初始" and len(unit.declarations()) == 1


def test_one_declaration_per_box_and_idempotent_resubmission(
    backend: BackendServer, unit: FeeUnit
) -> None:
    backend.set_processing_delay(3600)
    items = unit.items()
    chosen = [i["item_id"] for i in items]
    key = str(uuid.uuid4())
    first = unit.submit(chosen, key)
    assert first.status_code == 202, first.text
    answer = first.json()
    assert answer["processing_delay_seconds"] == 3600
    assert answer["submitted_at"].startswith("2026-12-20 ")
    declarations = answer["declarations"]

    def box(item: dict[str, Any]) -> tuple[str, str]:
        return item["data_source"], item["levy_item"] if item["data_source"] == "01" else (
            item["collection_serial"]
        )

    assert (
        len(declarations) == len({box(i) for i in items}) == 4
    )  # 10201 (2 品目), 10202, 10204, 03
    assert sorted(i for d in declarations for i in d["item_ids"]) == sorted(chosen)
    by_id = {i["item_id"]: i for i in items}
    for declaration in declarations:
        assert re.fullmatch(r"SB20261220\d{4,}", declaration["declaration_id"])
        assert declaration["status"] == "申报中"
        members = [by_id[i] for i in declaration["item_ids"]]
        assert Decimal(declaration["amount"]) == sum(Decimal(i["amount"]) for i in members)
        persons = {line["person_id"] for i in members for line in unit.lines(i["item_id"])}
        assert declaration["headcount"] == len(persons)
        assert len({box(i) for i in members}) == 1

    replay = unit.submit(chosen, key)
    assert replay.status_code == 202 and replay.json() == answer
    assert replay.headers.get("idempotent-replayed") == "true"
    assert len(unit.declarations()) == 4
    mismatch = unit.submit(chosen[:1], key)
    assert mismatch.status_code == 422 and error_of(mismatch)["code"] == "IDEMPOTENCY_MISMATCH"

    listed = {d["declaration_id"]: d for d in unit.declarations()}
    for declaration in declarations:
        row = listed[declaration["declaration_id"]]
        assert (row["status"], row["pay_status"], row["voucher_number"]) == ("申报中", None, None)
        assert row["channel"] == "客户端" and row["submitted_at"] == answer["submitted_at"]
        assert [i["item_id"] for i in row["items"]] == declaration["item_ids"]
        assert {i["state"] for i in row["items"]} == {"申报中"}
        assert {i["declaration_id"] for i in row["items"]} == {declaration["declaration_id"]}
    backend.set_clock("2026-12-20 11:30:00")  # past the delay: reading processes them
    for row in unit.declarations():
        assert row["status"] == "申报成功" and row["pay_status"] == "未缴费"
        assert re.fullmatch(r"1001440300\d{10}", row["voucher_number"])
        assert row["processed_at"].startswith("2026-12-20 11:30")
    assert set(_states(unit).values()) == {"申报成功"}


def test_declarations_of_one_submission_succeed_or_fail_independently(
    backend: BackendServer, unit: FeeUnit
) -> None:
    backend.set_processing_delay(3600)
    items = unit.items()
    pension = _by(items, levy_item="10201")
    injury = _by(items, levy_item="10204")
    backend.refuse_fee_item(
        unit.unit_id, pension[1], "该单位编号下存在未处理的稽核事项，请先到社保经办机构办理。"
    )
    declared = {d["item_ids"][0]: d["declaration_id"] for d in unit.declare(pension + injury)}
    failed = backend.process_fee_declaration(unit.unit_id, declared[pension[0]])
    succeeded = backend.process_fee_declaration(unit.unit_id, declared[injury[0]])
    assert (failed["status"], failed["pay_status"], failed["voucher_number"]) == (
        "申报失败", None, None
    )  # fmt: skip
    assert failed["reason"] == "该单位编号下存在未处理的稽核事项，请先到社保经办机构办理。"
    assert succeeded["status"] == "申报成功" and succeeded["reason"] is None
    after = {i["item_id"]: i for i in unit.items()}
    for item_id in pension:
        assert after[item_id]["state"] == "初始" and after[item_id]["reason"] == failed["reason"]
        assert after[item_id]["declaration_id"] == failed["declaration_id"]
    assert after[injury[0]]["state"] == "申报成功" and after[injury[0]]["reason"] is None
    assert backend.process_fee_declaration(unit.unit_id, declared[injury[0]]) == succeeded

    (retry,) = unit.declare(pension)  # the refusal applied once
    assert {i["reason"] for i in unit.items() if i["item_id"] in pension} == {None}
    assert backend.process_fee_declaration(unit.unit_id, retry["declaration_id"])["status"] == (
        "申报成功"
    )
    with pytest.raises(BackendError, match="ITEM_NOT_FOUND"):
        backend.refuse_fee_item(unit.unit_id, "FI9999999999", "x")
    with pytest.raises(BackendError, match="DECLARATION_NOT_FOUND"):
        backend.process_fee_declaration(unit.unit_id, "SB202612200000")


def test_expired_collection_and_suspended_insurance_fail(
    backend: BackendServer, unit: FeeUnit
) -> None:
    expired = backend.add_special_fee(unit.unit_id, persons=2, valid_until="2026-12-19")
    (declaration,) = unit.declare(expired)
    processed = unit.declaration(declaration["declaration_id"])
    serial = unit.item(expired[0])["collection_serial"]
    assert processed["status"] == "申报失败"
    assert processed["reason"] == (
        f"征集通知流水号{serial}已超过征集有效日期2026-12-19，请联系社保经办机构重新核定后再申报。"
    )
    items = unit.items(category="daily")
    unemployment = _by(items, levy_item="10202")
    unit.backend.add_insurance(unit.unit_id, unit_number=unit.social, levy_item="10202",
                               levy_category="102020001", status="注销")  # fmt: skip
    (cancelled,) = unit.declare(unemployment)
    assert unit.declaration(cancelled["declaration_id"])["reason"] == (
        f"单位编号{unit.social}的失业保险（单位和个人缴纳）参保状态为注销，"
        "不能申报该所属期的社保费，请先到社保经办机构办理。"
    )
    medical = _by(items, data_source="03")
    backend.add_insurance(unit.unit_id, unit_number=unit.medical, levy_item="10205",
                          levy_category="102050001", status="暂停", end_date="2026-12-31")  # fmt: skip
    (later,) = unit.declare(medical)  # suspended only after the period: fine
    assert unit.declaration(later["declaration_id"])["status"] == "申报成功"
    injury = _by(items, levy_item="10204")
    backend.add_insurance(unit.unit_id, unit_number=unit.social, levy_item="10204",
                          levy_category="102040001", status="暂停", end_date="2026-10-31")  # fmt: skip
    (suspended,) = unit.declare(injury)
    assert "工伤保险参保状态为暂停" in unit.declaration(suspended["declaration_id"])["reason"]
    assert {i["state"] for i in unit.items() if i["item_id"] in injury + unemployment} == {"初始"}


def test_list_by_date_and_category_with_other_channels(
    backend: BackendServer, unit: FeeUnit
) -> None:
    items = unit.items()
    special = backend.add_special_fee(unit.unit_id, levy_item="10204", persons=1)
    elsewhere = backend.declare_fee_items_elsewhere(
        unit.unit_id, _by(items, levy_item="10202"), channel="办税服务厅",
        submitted_at="2026-12-01 09:15:00",
    )  # fmt: skip
    online = backend.declare_fee_items_elsewhere(unit.unit_id, special)
    (client,) = unit.declare(_by(items, levy_item="10201"))
    listed = unit.declarations()
    assert [d["declaration_id"] for d in listed] == [
        client["declaration_id"], *online, *elsewhere
    ]  # newest first  # fmt: skip
    by_id = {d["declaration_id"]: d for d in listed}
    hall = by_id[elsewhere[0]]
    assert (hall["channel"], hall["submitted_at"], hall["status"]) == (
        "办税服务厅", "2026-12-01 09:15:00", "申报成功"
    )  # fmt: skip
    assert hall["processed_at"] == "2026-12-01 09:15:00" and hall["voided_at"] is None
    assert re.fullmatch(r"SB20261201\d{4,}", elsewhere[0])
    assert by_id[online[0]]["channel"] == "电子税务局"
    assert by_id[online[0]]["category"] == "special" and by_id[online[0]]["data_source"] == "02"
    assert by_id[online[0]]["collection_serial"] == unit.item(special[0])["collection_serial"]
    assert {i["state"] for i in by_id[online[0]]["items"]} == {"申报成功"}

    def ids(**params: Any) -> list[str]:
        return [d["declaration_id"] for d in unit.declarations(**params)]

    assert ids(**{"from": "2026-12-02"}) == [client["declaration_id"], *online]
    assert ids(**{"to": "2026-12-01"}) == elsewhere
    assert ids(**{"from": "2026-12-01", "to": "2026-12-01"}) == elsewhere
    assert ids(**{"from": "2026-12-21"}) == []
    assert ids(category="special") == online
    assert ids(category=["daily", "project"]) == [client["declaration_id"], *elsewhere]
    for params in ({"from": "2026-12"}, {"to": "2026-02-30"}, {"category": "x"}):
        response = unit.http.get(f"{unit.path}/fee-declarations", params=params,
                                 headers=unit.headers)  # fmt: skip
        assert response.status_code == 422 and error_of(response)["code"] == "VALIDATION_ERROR"
    one = unit.declaration(client["declaration_id"])
    assert one == by_id[client["declaration_id"]] | {"items": one["items"]}
    missing = unit.http.get(f"{unit.path}/fee-declarations/SB202612209999", headers=unit.headers)
    assert missing.status_code == 404 and error_of(missing)["code"] == "DECLARATION_NOT_FOUND"
    with pytest.raises(BackendError, match="ALREADY_DECLARED"):
        backend.declare_fee_items_elsewhere(unit.unit_id, special)


def test_special_items(backend: BackendServer, unit: FeeUnit) -> None:
    made = backend.add_special_fee(
        unit.unit_id, special_type="退休补收", levy_item="10201",
        period_start="2025-11", period_end="2026-02", persons=5,
    )  # fmt: skip
    items = [unit.item(i) for i in made]
    assert {i["levy_category"] for i in items} == {"102010001", "102010002"}
    assert len({i["collection_serial"] for i in items}) == 1
    for item in items:
        assert (item["category"], item["data_source"], item["special_type"]) == (
            "special", "02", "退休补收"
        )  # fmt: skip
        assert (item["period_start"], item["period_end"]) == ("2025-11", "2026-02")
        assert item["valid_until"] == "2027-01-31" and item["headcount"] == 1
        lines = unit.lines(item["item_id"])
        assert [line["period"] for line in lines] == ["2025-11", "2025-12", "2026-01", "2026-02"]
        limits = {y["year"]: y for y in unit.rule("base_limits")["years"]}
        assert [line["base"] for line in lines] == [
            max("5000.00", limits[2025]["lower"], key=Decimal)] * 2 + [
            max("5000.00", limits[2026]["lower"], key=Decimal)] * 2  # fmt: skip
        assert Decimal(item["amount"]) == sum(Decimal(line["amount"]) for line in lines)
    with pytest.raises(BackendError, match="NO_PERSONS"):
        backend.add_special_fee(unit.unit_id, levy_item="10212")
    with pytest.raises(BackendError, match="VALIDATION_ERROR"):
        backend.add_special_fee(unit.unit_id, period_start="2025-05", period_end="2025-01")
