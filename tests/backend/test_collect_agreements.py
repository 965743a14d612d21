"""单位三方协议管理: 新增 with its checks, 验证 answered by the bank (通过, FAQ Q19 name mismatch,
frozen and closed accounts), 修改, 作废, 撤销, the one verified 代扣 agreement rule, and the
code tables (行政区划, 银行行别, 开户网点) the form is checked against."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.backend.collect_unit import (
    NOW,
    CollectUnit,
    agreement_form,
    declared_unit,
    key,
    unit_agreement,
)
from tests.backend.conftest import error_of
from tests.support.backend import BackendServer

ONE_DEDUCTION = "本单位已有验证通过的允许银行代扣协议，请先变更原协议的批扣标志或将原协议撤销。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> CollectUnit:
    return declared_unit(backend, http, months=("2026-12",))


def _one(unit: CollectUnit, agreement_id: str) -> dict[str, Any]:
    return next(a for a in unit.agreements() if a["agreement_id"] == agreement_id)


def test_new_agreement(backend: BackendServer, unit: CollectUnit) -> None:
    form = agreement_form(unit, account_number="4000023409200156700")
    backend.set_clock(NOW)
    created = unit.create_agreement(**form)
    assert created.status_code == 201, created.text
    agreement = created.json()
    branch = next(b for b in unit.fee.rule("bank_branches")["entries"]
                  if b["code"] == form["branch_code"])  # fmt: skip
    assert agreement["agreement_id"].startswith("XY")
    assert re.fullmatch(r"44030020261220\d{4}", agreement["agreement_number"])
    assert re.fullmatch(r"\d{20}", agreement["tripartite_number"])
    assert agreement | {"agreement_id": None, "agreement_number": None,
                        "tripartite_number": None} == {
        "agreement_id": None, "agreement_number": None, "tripartite_number": None,
        "agreement_name": branch["name"], "customer_name": form["account_name"],
        "bank_code": "102", "bank_name": "中国工商银行", "clearing_bank_code": "102100099996",
        "branch_code": form["branch_code"], "branch_name": branch["name"],
        "region_code": "440306", "tax_authority": form["tax_authority"],
        "account_name": form["account_name"], "account_number": "4000023409200156700",
        "account_masked": "*****6700", "allow_deduction": True, "deduction_flag": "费批扣",
        "status": "未验证", "reason": None, "created_at": "2026-12-20 10:00:00",
        "verified_on": None, "ended_at": None,
    }  # fmt: skip
    spare = unit.create_agreement(**agreement_form(unit, allow_deduction=False)).json()
    assert spare["deduction_flag"] == "所有非批扣" and spare["allow_deduction"] is False
    assert [a["agreement_id"] for a in unit.agreements()] == [
        spare["agreement_id"],
        agreement["agreement_id"],
    ]  # newest first


@pytest.mark.parametrize(
    ("field", "message"),
    [("allow_deduction", "请选择是否允许银行代扣。"), ("tax_authority", "请选择所属税务机关。"),
     ("region_code", "请选择行政区划。"), ("bank_code", "请选择银行行别。"),
     ("branch_code", "请选择开户网点。"), ("account_name", "请填写账户名称。"),
     ("account_number", "请填写缴费账号。")],
)  # fmt: skip
def test_every_field_is_required(unit: CollectUnit, field: str, message: str) -> None:
    form = agreement_form(unit)
    for value in (None, ""):
        refused = unit.create_agreement(**{**form, field: value})
        assert refused.status_code == 422
        assert error_of(refused) == {"code": "VALIDATION_ERROR", "message": message,
                                     "details": {"field": field}}  # fmt: skip


def test_form_checks(unit: CollectUnit) -> None:
    form = agreement_form(unit)
    other = unit.create_agreement(**{**form, "tax_authority": "国家税务总局广州市天河区税务局"})
    assert other.status_code == 422 and error_of(other)["code"] == "BAD_TAX_AUTHORITY"
    branches = unit.fee.rule("bank_branches")["entries"]
    foreign_bank = next(b for b in branches if b["bank_code"] == "103"
                        and b["region_code"] == "440306")  # fmt: skip
    elsewhere = next(b for b in branches if b["bank_code"] == "102"
                     and b["region_code"] == "440305")  # fmt: skip
    for changes in ({"branch_code": foreign_bank["code"]}, {"branch_code": elsewhere["code"]},
                    {"branch_code": "102584999999"}, {"bank_code": "999"},
                    {"region_code": "110101"}):  # fmt: skip
        refused = unit.create_agreement(**{**form, **changes})
        assert refused.status_code == 422 and error_of(refused)["code"] == "BAD_BRANCH", changes
    for number in ("1234567", "1" * 33, "6222 0210 0112", "62220210011a"):
        refused = unit.create_agreement(**{**form, "account_number": number})
        assert refused.status_code == 422
        assert error_of(refused) | {"details": {}} == {
            "code": "BAD_ACCOUNT_NUMBER", "message": "缴费账号应为8至32位数字，请核对银行卡号。",
            "details": {},
        }  # fmt: skip
    first = unit.create_agreement(**form).json()
    duplicate = unit.create_agreement(**{**form, "allow_deduction": False})
    assert duplicate.status_code == 409 and error_of(duplicate)["code"] == "DUPLICATE_AGREEMENT"
    assert unit.agreement_action(first["agreement_id"], "void").status_code == 200
    assert unit.create_agreement(**form).status_code == 201  # 协议终止 ones do not count


def test_verification(backend: BackendServer, unit: CollectUnit) -> None:
    backend.bank_settings(verify_delay_seconds=30, default_balance="2500.00")
    form = agreement_form(unit)
    agreement = unit.create_agreement(**form).json()
    backend.set_clock(NOW)
    verifying = unit.agreement_action(agreement["agreement_id"], "verify")
    assert verifying.status_code == 202 and verifying.json()["status"] == "验证中"
    assert _one(unit, agreement["agreement_id"])["status"] == "验证中"  # not before the delay
    busy = unit.modify_agreement(agreement["agreement_id"], **form)
    assert busy.status_code == 409 and error_of(busy)["code"] == "AGREEMENT_BUSY"
    again = unit.agreement_action(agreement["agreement_id"], "verify")
    assert again.status_code == 409 and error_of(again)["code"] == "NOT_VERIFIABLE"
    backend.set_clock("2026-12-21 09:00:00")
    unit.fee.relogin()
    verified = _one(unit, agreement["agreement_id"])
    assert (verified["status"], verified["reason"], verified["verified_on"]) == (
        "验证通过", None, "2026-12-20"
    )  # fmt: skip
    # The bank opened the account it did not know, with the default balance.
    assert backend.get_bank_account(form["account_number"]) == {
        "account": form["account_number"], "name": form["account_name"], "balance": "2500.00",
        "status": "正常",
    }  # fmt: skip
    done = unit.agreement_action(agreement["agreement_id"], "verify")
    assert error_of(done)["code"] == "NOT_VERIFIABLE"


def test_verification_failures(backend: BackendServer, unit: CollectUnit) -> None:
    form = agreement_form(unit, account_name="张三")  # FAQ Q19: a personal account
    agreement = unit.create_agreement(**form).json()
    unit.agreement_action(agreement["agreement_id"], "verify")
    backend.process_collect(unit.unit_id)
    failed = _one(unit, agreement["agreement_id"])
    assert (failed["status"], failed["reason"], failed["verified_on"]) == (
        "验证失败", "账户名称与纳税人名称不一致", None
    )  # fmt: skip
    fixed = unit.modify_agreement(agreement["agreement_id"],
                                  **{**form, "account_name": agreement_form(unit)["account_name"]})  # fmt: skip
    assert fixed.status_code == 200 and fixed.json()["status"] == "未验证"
    for status, reason in (("冻结", "账户已冻结或止付"), ("销户", "账户已销户")):
        backend.bank_account(form["account_number"], fixed.json()["account_name"], "1.00", status)
        assert unit.agreement_action(agreement["agreement_id"], "verify").status_code == 202
        assert backend.process_collect(unit.unit_id) == {"deductions": 0, "agreements": 1}
        answer = _one(unit, agreement["agreement_id"])
        assert (answer["status"], answer["reason"]) == ("验证失败", reason)
    backend.bank_account(form["account_number"], fixed.json()["account_name"], "1.00")
    unit.agreement_action(agreement["agreement_id"], "verify")  # 验证失败 may be verified again
    backend.process_collect(unit.unit_id)
    assert _one(unit, agreement["agreement_id"])["status"] == "验证通过"


def test_one_verified_deduction_agreement(backend: BackendServer, unit: CollectUnit) -> None:
    first = unit_agreement(backend, unit)
    second = unit.create_agreement(**agreement_form(unit)).json()
    refused = unit.agreement_action(second["agreement_id"], "verify")
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "DEDUCTION_AGREEMENT_EXISTS"
    assert error_of(refused)["message"] == ONE_DEDUCTION
    spare_form = agreement_form(unit, allow_deduction=False)
    spare = unit.create_agreement(**spare_form).json()
    assert unit.agreement_action(spare["agreement_id"], "verify").status_code == 202
    backend.process_collect(unit.unit_id)
    assert _one(unit, spare["agreement_id"])["status"] == "验证通过"  # 所有非批扣 is no rival
    widened = unit.modify_agreement(spare["agreement_id"], **{**spare_form,
                                                               "allow_deduction": True})  # fmt: skip
    assert widened.status_code == 409
    assert error_of(widened)["code"] == "DEDUCTION_AGREEMENT_EXISTS"
    assert _one(unit, spare["agreement_id"])["status"] == "验证通过"  # refused: unchanged
    # Revoking the first lets the second be verified.
    revoked = unit.agreement_action(first["agreement_id"], "revoke")
    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["ended_at"] is not None) == ("协议终止", True)
    assert unit.agreement_action(second["agreement_id"], "verify").status_code == 202
    backend.process_collect(unit.unit_id)
    assert _one(unit, second["agreement_id"])["status"] == "验证通过"


def test_void_and_revoke(backend: BackendServer, unit: CollectUnit) -> None:
    form = agreement_form(unit, allow_deduction=False)
    fresh = unit.create_agreement(**form).json()
    not_revocable = unit.agreement_action(fresh["agreement_id"], "revoke")
    assert not_revocable.status_code == 409
    assert (error_of(not_revocable)["code"], error_of(not_revocable)["message"]) == (
        "NOT_REVOCABLE", "只有验证通过的协议可以撤销。"
    )  # fmt: skip
    voided = unit.agreement_action(fresh["agreement_id"], "void")
    assert voided.status_code == 200 and voided.json()["status"] == "协议终止"
    for action, code, message in (
        ("verify", "NOT_VERIFIABLE", "作废或撤销后的协议不能再验证。"),
        ("void", "NOT_VOIDABLE", "只有未验证的协议可以作废；验证通过的协议请使用撤销。"),
    ):
        refused = unit.agreement_action(fresh["agreement_id"], action)
        assert refused.status_code == 409
        assert (error_of(refused)["code"], error_of(refused)["message"]) == (code, message)
    ended = unit.modify_agreement(fresh["agreement_id"], **form)
    assert ended.status_code == 409 and error_of(ended)["code"] == "AGREEMENT_ENDED"
    verified = unit_agreement(backend, unit)
    refused = unit.agreement_action(verified["agreement_id"], "void")
    assert error_of(refused)["code"] == "NOT_VOIDABLE"
    missing = unit.agreement_action("XY9999999999", "verify")
    assert missing.status_code == 404 and error_of(missing)["code"] == "AGREEMENT_NOT_FOUND"


def test_put_is_idempotent(unit: CollectUnit) -> None:
    form = agreement_form(unit, allow_deduction=False)
    agreement = unit.create_agreement(**form).json()
    headers = {**unit.headers, **key()}
    path = f"{unit.path}/agreements/{agreement['agreement_id']}"
    first = unit.http.put(path, json={**form, "account_name": "改过的名称"}, headers=headers)
    assert first.status_code == 200
    unit.agreement_action(agreement["agreement_id"], "verify")  # 验证中 now
    replay = unit.http.put(path, json={**form, "account_name": "改过的名称"}, headers=headers)
    assert replay.status_code == 200 and replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    no_key = unit.http.put(path, json=form, headers=unit.headers)
    assert no_key.status_code == 400 and error_of(no_key)["code"] == "IDEMPOTENCY_KEY_REQUIRED"


def test_code_tables(unit: CollectUnit) -> None:
    divisions = {e["code"]: e["name"] for e in unit.fee.rule("admin_divisions")["entries"]}
    assert divisions["440300"] == "深圳市" and divisions["440306"] == "宝安区"
    assert all(re.fullmatch(r"4403\d\d", code) for code in divisions)
    banks = {e["code"]: e for e in unit.fee.rule("banks")["entries"]}
    assert 18 <= len(banks) <= 24
    assert banks["102"] == {"code": "102", "name": "中国工商银行", "clearing_code": "102100099996"}
    assert all(re.fullmatch(r"\d{12}", b["clearing_code"]) for b in banks.values())
    branches = unit.fee.rule("bank_branches")["entries"]
    assert 2000 <= len(branches) <= 10000
    assert len({b["code"] for b in branches}) == len({b["name"] for b in branches}) == len(branches)
    for branch in branches:
        assert re.fullmatch(r"\d{12}", branch["code"]) and branch["code"][:3] == branch["bank_code"]
        assert branch["bank_code"] in banks and branch["region_code"] in divisions
        assert re.search(r"(支行|分理处|营业部|储蓄所|营业所|分行)$", branch["name"]), branch
    assert any(b["name"] == "中国工商银行深圳宝安支行" and b["region_code"] == "440306"
               for b in branches)  # fmt: skip
    assert {b["region_code"] for b in branches} == set(divisions)
