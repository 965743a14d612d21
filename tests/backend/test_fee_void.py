"""作废 of fee declarations (作废中 → 已作废, items 销账, fresh 初始 items), its refusals,
payment, 无需缴费 and the bank batch deduction."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.fee_unit import MEDICAL_LEVIES, SOCIAL_LEVIES, FeeUnit, make_fee_unit
from tests.support.backend import BackendError, BackendServer

NOT_VOIDABLE = "只有申报成功且未缴费的申报记录可以作废。"
ALREADY_PAID = "该申报记录已缴费，不能作废。如需退费，请使用单位退费申请。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> FeeUnit:
    unit = make_fee_unit(backend, http)
    unit.employee("王桂淑", SOCIAL_LEVIES + MEDICAL_LEVIES)
    unit.employee("李强", SOCIAL_LEVIES + MEDICAL_LEVIES)
    return unit


def _declared(unit: FeeUnit, **match: str) -> tuple[list[str], str]:
    """Declare the items matching `match` (processed at once); their ids and declaration."""
    ids = [i["item_id"] for i in unit.items() if all(i[k] == v for k, v in match.items())]
    (declaration,) = unit.declare(ids)
    assert unit.declaration(declaration["declaration_id"])["status"] == "申报成功"
    return ids, declaration["declaration_id"]


def test_void_writes_off_items_and_makes_fresh_ones(backend: BackendServer, unit: FeeUnit) -> None:
    pension, declaration_id = _declared(unit, levy_item="10201")
    special = backend.add_special_fee(unit.unit_id, levy_item="10202", persons=2)
    (special_declaration,) = unit.declare(special)
    backend.set_processing_delay(3600)
    key = str(uuid.uuid4())
    response = unit.void(declaration_id, key)
    assert response.status_code == 202, response.text
    assert response.json() == {"declaration_id": declaration_id, "status": "作废中",
                               "processing_delay_seconds": 3600}  # fmt: skip
    assert unit.void(declaration_id, key).json() == response.json()  # replayed, not refused
    voiding = unit.declaration(declaration_id)
    assert (voiding["status"], voiding["pay_status"], voiding["voided_at"]) == (
        "作废中", "未缴费", None
    )  # fmt: skip
    assert error_of(unit.void(declaration_id))["message"] == NOT_VOIDABLE

    voided = backend.process_fee_declaration(unit.unit_id, declaration_id)
    assert (voided["status"], voided["pay_status"]) == ("已作废", None)
    assert voided["voided_at"].startswith("2026-12-20 ") and voided["voucher_number"]
    items = {i["item_id"]: i for i in unit.items()}
    assert {items[i]["state"] for i in pension} == {"销账"}
    fresh = [i for i in items.values() if i["levy_item"] == "10201" and i["state"] == "初始"]
    assert len(fresh) == 1 and fresh[0]["item_id"] not in pension  # 01: made again
    assert fresh[0]["amount"] == items[pension[0]]["amount"]
    assert fresh[0]["declaration_id"] is None and fresh[0]["period_start"] == "2026-12"
    (again,) = unit.declare([fresh[0]["item_id"]])  # the unit can declare again
    assert unit.void(again["declaration_id"]).status_code == 409  # 申报中 is not voidable

    backend.set_processing_delay(0)
    special_id = special_declaration["declaration_id"]
    assert unit.void(special_id).status_code == 202
    assert unit.declaration(special_id)["status"] == "已作废"  # processed on the next read
    copies = [i for i in unit.items(category="special") if i["state"] == "初始"]
    assert len(copies) == len(special) and not {c["item_id"] for c in copies} & set(special)
    originals = {i["levy_category"]: i for i in unit.items(state="销账", category="special")}
    for copy in copies:
        original = originals[copy["levy_category"]]
        same = ("collection_serial", "valid_until", "amount", "headcount", "special_type")
        assert all(copy[k] == original[k] for k in same)
        assert [line | {"item_id": None} for line in unit.lines(copy["item_id"])] == [
            line | {"item_id": None} for line in unit.lines(original["item_id"])
        ]
    listed = {d["declaration_id"]: d["status"] for d in unit.declarations()}
    assert listed[declaration_id] == listed[special_id] == "已作废"
    assert error_of(unit.void(declaration_id))["code"] == "NOT_VOIDABLE"


def test_void_refusals(backend: BackendServer, unit: FeeUnit) -> None:
    _, paid = _declared(unit, levy_item="10202")
    assert backend.pay_fee_declaration(unit.unit_id, paid)["pay_status"] == "缴费成功"
    response = unit.void(paid)
    assert response.status_code == 409
    assert error_of(response) | {"details": None} == {
        "code": "ALREADY_PAID", "message": ALREADY_PAID, "details": None
    }  # fmt: skip
    refused = [i["item_id"] for i in unit.items() if i["levy_item"] == "10204"]
    backend.refuse_fee_item(unit.unit_id, refused[0], "测试用的失败原因。")
    (failed,) = unit.declare(refused)
    assert unit.declaration(failed["declaration_id"])["status"] == "申报失败"
    response = unit.void(failed["declaration_id"])
    assert response.status_code == 409
    assert error_of(response)["code"] == "NOT_VOIDABLE"
    assert error_of(response)["message"] == NOT_VOIDABLE
    missing = unit.void("SB202612209999")
    assert missing.status_code == 404 and error_of(missing)["code"] == "DECLARATION_NOT_FOUND"
    no_key = unit.http.post(f"{unit.path}/fee-declarations/{paid}/void", json={},
                            headers=unit.headers)  # fmt: skip
    assert no_key.status_code == 400 and error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    with pytest.raises(BackendError, match="NOT_PAYABLE"):
        backend.pay_fee_declaration(unit.unit_id, failed["declaration_id"])


def test_zero_amount_needs_no_payment(backend: BackendServer, unit: FeeUnit) -> None:
    backend.add_project(unit.unit_id, "零元工程", contract_amount="0.00",
                        start_date="2026-12-01", end_date="2026-12-31")  # fmt: skip
    (project,) = unit.items(category="project")
    (declaration,) = unit.declare([project["item_id"]])
    assert declaration["amount"] == "0.00" and declaration["headcount"] == 0
    done = unit.declaration(declaration["declaration_id"])
    assert (done["status"], done["pay_status"], done["category"]) == (
        "申报成功", "无需缴费", "project"
    )  # fmt: skip
    assert done["project_number"] == project["project_number"]
    with pytest.raises(BackendError, match="NOT_PAYABLE"):
        backend.pay_fee_declaration(unit.unit_id, declaration["declaration_id"])


def test_batch_deduction(backend: BackendServer, unit: FeeUnit) -> None:
    pension, unpaid = _declared(unit, levy_item="10201")
    unemployment, paid = _declared(unit, levy_item="10202")
    backend.pay_fee_declaration(unit.unit_id, paid)
    assert backend.fee_batch_deduction(unit.unit_id) == len(pension)
    states = {i["item_id"]: i["state"] for i in unit.items()}
    assert {states[i] for i in pension} == {"已生成待批扣清册"}
    assert {states[i] for i in unemployment} == {"申报成功"}
    assert backend.fee_batch_deduction(unit.unit_id) == 0
    response = unit.void(unpaid)
    assert response.status_code == 409 and error_of(response)["code"] == "NOT_VOIDABLE"
    assert "待批扣清册" in error_of(response)["message"]
    listed = unit.items(state="已生成待批扣清册")
    assert {i["item_id"] for i in listed} == set(pension)
