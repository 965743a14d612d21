"""安全认证 with its 3-minute lock, 三方协议缴费 answered by the simulated bank (缴费成功, 余额不足
and other refusals, 锁定 and 解锁), and a payment retried after a dropped answer paying once."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.backend.collect_unit import (
    NOW,
    CollectUnit,
    agreement_form,
    declared_unit,
    total,
    unit_agreement,
)
from tests.backend.conftest import error_of, login
from tests.support.backend import BackendServer

WRONG = "申报密码错误，还可以再试{n}次；连续输错3次将锁定缴费3分钟。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> CollectUnit:
    return declared_unit(backend, http, months=("2026-11", "2026-12"))


def test_payment_auth_and_its_lock(backend: BackendServer, unit: CollectUnit) -> None:
    backend.set_clock(NOW)
    ok = unit.authenticate()
    assert ok.status_code == 200
    assert ok.json()["ticket"].startswith("PT") and ok.json()["expires_at"] == "2026-12-20 10:10:00"

    first = unit.authenticate("000000")
    assert first.status_code == 401
    assert error_of(first) == {"code": "WRONG_PASSWORD", "message": WRONG.format(n=2),
                               "details": {"remaining": 2}}  # fmt: skip
    assert unit.authenticate().status_code == 200  # a right password resets the count
    assert error_of(unit.authenticate("000000"))["details"] == {"remaining": 2}
    assert error_of(unit.authenticate("111111"))["details"] == {"remaining": 1}
    third = unit.authenticate("222222")
    assert third.status_code == 423
    assert error_of(third) == {
        "code": "PAYMENT_LOCKED",
        "message": "申报密码连续输错3次，缴费功能已锁定，请于10:03:00后再试。",
        "details": {"locked_until": "2026-12-20 10:03:00"},
    }
    right_while_locked = unit.authenticate()
    assert right_while_locked.status_code == 423
    assert error_of(right_while_locked) == error_of(third)
    # The login lockout is separate: logging in still works and counts nothing here.
    assert login(unit.http, unit.unit_id, unit.fee.password)

    backend.set_clock("2026-12-20 10:02:59")
    assert unit.authenticate().status_code == 423
    backend.set_clock("2026-12-20 10:03:00")
    assert unit.authenticate().status_code == 200
    assert error_of(unit.authenticate("000000"))["details"] == {"remaining": 2}  # a fresh count

    for wrong in ("1", "2", "3"):
        unit.authenticate(wrong)
    assert unit.authenticate().status_code == 423
    backend.clear_payment_lock(unit.unit_id)
    assert unit.authenticate().status_code == 200


def test_ticket_is_required_and_expires(backend: BackendServer, unit: CollectUnit) -> None:
    agreement = unit_agreement(backend, unit)["agreement_id"]
    lines = unit.ids(levy_item="10202", period_start="2026-11")
    missing = unit.pay(lines, agreement)
    assert missing.status_code == 401
    assert error_of(missing) == {"code": "PAYMENT_AUTH_REQUIRED",
                                 "message": "安全认证已过期，请重新输入申报密码。", "details": {}}  # fmt: skip
    other = declared_unit(backend, unit.http, months=("2026-12",))
    unit.ticket = other.login_payment()  # another unit's ticket
    assert error_of(unit.pay(lines, agreement))["code"] == "PAYMENT_AUTH_REQUIRED"
    backend.set_clock("2026-12-20 10:00:00")
    unit.login_payment()
    backend.set_clock("2026-12-20 10:09:59")
    assert unit.pay(lines, agreement).status_code == 202
    backend.set_clock("2026-12-20 10:10:00")
    late = unit.issue(unit.ids(levy_item="10204", period_start="2026-11"))
    assert late.status_code == 401 and error_of(late)["code"] == "PAYMENT_AUTH_REQUIRED"
    no_key = unit.http.post(f"{unit.path}/payments", json={"line_ids": lines},
                            headers={**unit.headers, "X-Payment-Ticket": unit.ticket or ""})  # fmt: skip
    assert no_key.status_code == 400 and error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"


def test_agreement_payment_succeeds(backend: BackendServer, unit: CollectUnit) -> None:
    funded = unit_agreement(backend, unit, balance="500000.00")
    backend.bank_settings(deduct_delay_seconds=60)
    unit.login_payment()
    chosen = unit.lines(levy_item="10201") + unit.lines(levy_item="10202", period_start="2026-11")
    ids = [line["line_id"] for line in chosen]
    backend.set_clock(NOW)
    response = unit.pay(ids, funded["agreement_id"])
    assert response.status_code == 202, response.text
    payment = response.json()
    assert payment["payment_id"].startswith("JK20261220") and len(payment["payment_id"]) == 14
    assert payment["submitted_at"] == "2026-12-20 10:00:00"
    assert payment["processing_delay_seconds"] == 60
    assert Decimal(payment["amount"]) == total(chosen)
    made = payment["deductions"]
    by_voucher = {}
    for line in chosen:
        by_voucher.setdefault(line["voucher_number"], []).append(line)
    assert [d["voucher_number"] for d in made] == sorted(
        by_voucher, key=lambda v: (by_voucher[v][0]["period_start"], v)
    )  # one per 应征凭证序号, in 费款所属期 order
    for deduction in made:
        mine = by_voucher[deduction["voucher_number"]]
        assert sorted(deduction["line_ids"]) == sorted(m["line_id"] for m in mine)
        assert Decimal(deduction["amount"]) == total(mine)
        assert deduction | {"deduction_id": None, "line_ids": None, "amount": None,
                            "voucher_number": None, "declaration_id": None,
                            "period_start": None, "period_end": None} == {
            "deduction_id": None, "payment_id": payment["payment_id"], "channel": "客户端",
            "voucher_number": None, "declaration_id": None, "unit_number": mine[0]["unit_number"],
            "period_start": None, "period_end": None, "amount": None, "line_ids": None,
            "agreement_id": funded["agreement_id"], "bank_name": "中国工商银行",
            "branch_name": funded["branch_name"], "account_masked": funded["account_masked"],
            "submitted_at": "2026-12-20 10:00:00", "status": "扣费中", "reason": None,
            "finished_at": None,
        }  # fmt: skip
        assert deduction["declaration_id"] == mine[0]["declaration_id"]
        assert deduction["period_start"] == mine[0]["period_start"]
    assert {line["state"] for line in unit.lines() if line["line_id"] in ids} == {"扣费中"}
    assert {d["status"] for d in unit.deductions()} == {"扣费中"}  # not before the delay

    backend.set_clock("2026-12-20 10:05:00")
    done = unit.deductions()
    assert {(d["status"], d["finished_at"]) for d in done} == {("缴费成功", "2026-12-20 10:01:00")}
    assert not set(ids) & set(unit.ids())  # paid lines leave the arrears
    balance = Decimal(backend.get_bank_account(funded["account_number"])["balance"])
    assert balance == Decimal("500000.00") - total(chosen)
    assert unit.deduction(made[0]["deduction_id"])["status"] == "缴费成功"
    missing = unit.http.get(f"{unit.path}/deductions/KK9999999999", headers=unit.headers)
    assert missing.status_code == 404 and error_of(missing)["code"] == "DEDUCTION_NOT_FOUND"
    assert [d["period_start"] for d in unit.deductions(period_from="2026-12")] == ["2026-12"]
    assert [d["period_start"] for d in unit.deductions(period_to="2026-11")] == ["2026-11"] * 2
    bad = unit.http.get(f"{unit.path}/deductions", params={"period_from": "2026-13"},
                        headers=unit.headers)  # fmt: skip
    assert bad.status_code == 422 and error_of(bad)["code"] == "VALIDATION_ERROR"


def test_dropped_answer_retried_pays_once(backend: BackendServer, unit: CollectUnit) -> None:
    funded = unit_agreement(backend, unit, balance="300000.00")
    unit.login_payment()
    ids = unit.ids(levy_item="10201", period_start="2026-11")
    backend.add_fault("drop", path_prefix=f"/api/v1/collect/units/{unit.unit_id}/payments",
                      count=1, after_bytes=10)  # fmt: skip
    key = "b7a4f1c2-0d8e-4a55-9a39-2c1f6a0e7d11"
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        unit.pay(ids, funded["agreement_id"], key=key)
    retry = unit.pay(ids, funded["agreement_id"], key=key)
    assert retry.status_code == 202 and retry.headers["Idempotent-Replayed"] == "true"
    assert len(unit.deductions()) == 1
    fresh = unit.pay(ids, funded["agreement_id"])  # a new key is a new payment: refused
    assert error_of(fresh)["code"] == "LINE_IN_PROGRESS"
    backend.process_collect(unit.unit_id)
    balance = Decimal(backend.get_bank_account(funded["account_number"])["balance"])
    assert balance == Decimal("300000.00") - Decimal(retry.json()["amount"])  # deducted once
    assert [d["status"] for d in unit.deductions()] == ["缴费成功"]


def test_bank_refusals(backend: BackendServer, unit: CollectUnit) -> None:
    funded = unit_agreement(backend, unit)
    account, name = funded["account_number"], funded["account_name"]
    unit.login_payment()
    november = unit.lines(levy_item="10201", period_start="2026-11")
    december = unit.lines(levy_item="10201", period_start="2026-12")
    backend.bank_account(account, name, str(total(november)))  # enough for the first only
    paid = unit.pay([ln["line_id"] for ln in november + december], funded["agreement_id"])
    assert paid.status_code == 202
    backend.process_collect(unit.unit_id)
    first, second = (unit.deduction(d["deduction_id"]) for d in paid.json()["deductions"])
    assert (first["status"], first["reason"]) == ("缴费成功", None)
    assert (second["status"], second["reason"]) == ("缴费失败", "账户余额不足")
    assert backend.get_bank_account(account)["balance"] == "0.00"
    failed = unit.lines(levy_item="10201")
    assert {(ln["state"], ln["reason"]) for ln in failed} == {("扣费失败", "账户余额不足")}
    assert {ln["line_id"] for ln in failed} == {ln["line_id"] for ln in december}

    for status, reason in (("冻结", "账户已冻结或止付"), ("销户", "账户已销户")):
        backend.bank_account(account, name, "999999.00", status)
        again = unit.pay([ln["line_id"] for ln in december], funded["agreement_id"])
        assert again.status_code == 202  # 扣费失败 lines are payable again
        backend.process_collect(unit.unit_id)
        (answer,) = again.json()["deductions"]
        assert unit.deduction(answer["deduction_id"])["reason"] == reason
    backend.bank_account(account, name, "999999.00")
    pending = unit.pay([ln["line_id"] for ln in december], funded["agreement_id"])
    assert unit.agreement_action(funded["agreement_id"], "revoke").status_code == 200
    backend.process_collect(unit.unit_id)
    (gone,) = pending.json()["deductions"]
    assert unit.deduction(gone["deduction_id"])["reason"] == "三方协议已终止或未验证"
    assert backend.get_bank_account(account)["balance"] == "999999.00"


def test_payment_refusals(backend: BackendServer, unit: CollectUnit) -> None:
    funded = unit_agreement(backend, unit)
    unit.login_payment()
    special = backend.add_special_fee(unit.unit_id, levy_item="10202", persons=1)
    (declaration,) = unit.fee.declare(special)
    special_lines = unit.ids(declaration_id=declaration["declaration_id"])
    refused = unit.pay(special_lines, funded["agreement_id"])
    assert refused.status_code == 422
    assert error_of(refused)["code"] == "SPECIAL_NOT_BY_AGREEMENT"
    assert error_of(refused)["message"] == (
        "缴费类型为“特殊缴费”的欠费不支持三方协议缴费，请使用银行端凭证缴费。"
    )
    lines = unit.ids(levy_item="10204", period_start="2026-11")
    unknown = unit.pay(lines, "XY9999999999")
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "AGREEMENT_NOT_FOUND"
    spare = unit.create_agreement(**agreement_form(unit, allow_deduction=False)).json()
    unverified = unit.pay(lines, spare["agreement_id"])
    assert unverified.status_code == 409
    assert error_of(unverified)["code"] == "AGREEMENT_NOT_VERIFIED"
    assert error_of(unverified)["message"] == "所选三方协议尚未验证通过，不能用于缴费。"
    assert {ln["state"] for ln in unit.lines()} == {"未缴费"}  # refused as a whole, nothing made
    assert unit.deductions() == []


@pytest.mark.parametrize("deducted", [True, False])
def test_lost_answer_locks_until_unlocked(
    backend: BackendServer, unit: CollectUnit, deducted: bool
) -> None:
    funded = unit_agreement(backend, unit, balance="200000.00")
    account = funded["account_number"]
    unit.login_payment()
    chosen = unit.lines(levy_item="10202", period_start="2026-11")
    ids = [ln["line_id"] for ln in chosen]
    backend.lose_next_deduction(account, deducted)
    (deduction,) = unit.pay(ids, funded["agreement_id"]).json()["deductions"]
    assert backend.process_collect(unit.unit_id) == {"deductions": 1, "agreements": 0}
    locked = unit.deduction(deduction["deduction_id"])
    assert (locked["status"], locked["reason"], locked["finished_at"]) == ("锁定", None, None)
    assert {ln["state"] for ln in unit.lines() if ln["line_id"] in ids} == {"锁定"}
    blocked = unit.pay(ids, funded["agreement_id"])
    assert blocked.status_code == 409
    assert error_of(blocked)["message"] == "所选欠费处于锁定状态，请先解锁再缴费。"
    assert error_of(blocked)["code"] == "LINE_LOCKED"
    before = Decimal("200000.00") - (total(chosen) if deducted else 0)
    assert Decimal(backend.get_bank_account(account)["balance"]) == before

    unit.ticket = None
    assert error_of(unit.unlock(deduction["deduction_id"]))["code"] == "PAYMENT_AUTH_REQUIRED"
    unit.login_payment()
    backend.set_clock("2026-12-20 10:30:00")
    unit.login_payment()
    unlocked = unit.unlock(deduction["deduction_id"])
    assert unlocked.status_code == 200, unlocked.text
    answer = unlocked.json()
    assert answer["finished_at"] == "2026-12-20 10:30:00"
    if deducted:
        assert (answer["status"], answer["reason"]) == ("缴费成功", None)
        assert not set(ids) & set(unit.ids())
    else:
        assert (answer["status"], answer["reason"]) == ("缴费失败", "银行确认未扣款，请重新缴费。")
        assert {(ln["state"], ln["reason"]) for ln in unit.lines() if ln["line_id"] in ids} == {
            ("扣费失败", "银行确认未扣款，请重新缴费。")
        }
        assert unit.pay(ids, funded["agreement_id"]).status_code == 202  # payable again
    assert Decimal(backend.get_bank_account(account)["balance"]) == before  # decided at the loss
    twice = unit.unlock(deduction["deduction_id"])
    assert twice.status_code == 409
    assert error_of(twice) | {"details": {}} == {
        "code": "NOT_LOCKED", "message": "该缴费记录不是锁定状态，无需解锁。", "details": {}
    }  # fmt: skip
