"""居民银行账户 (§3.18) and 居民两两协议 (§3.19) on the mock backend, as the client calls them:
accounts with the bank cascade and one 首选缴费账户, agreements on 本人账户 and 他人账户 (the
短信验证码 read through the admin API; wrong and expired codes), one 有效 agreement per
resident, 撤销, and the bank's refusal."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.backend.conftest import error_of
from tests.backend.resident_unit import ResidentUnit, make_resident_unit, new_id_number, person
from tests.support.backend import BackendServer

ONE_VALID = (
    "该居民已有有效的允许银行代扣协议（协议号{number}），不能重复签订；"
    "如需更换扣款账户，请先撤销原协议。"
)
WRONG_CODE = "短信验证码不正确，请核对手机收到的验证码后重新输入。"
EXPIRED_CODE = "短信验证码已过期（有效期5分钟），请重新获取验证码。"


@pytest.fixture
def unit(backend: BackendServer, http: httpx.Client) -> ResidentUnit:
    return make_resident_unit(backend, http)


def new_phone() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


def new_account() -> str:
    return f"62{uuid.uuid4().int % 10**17:017d}"


def bank_fields(unit: ResidentUnit, bank: str = "102", region: str = "440306") -> dict[str, str]:
    branches = unit.rule("bank_branches")["entries"]
    branch = next(b for b in branches if b["bank_code"] == bank and b["region_code"] == region)
    return {"bank_code": bank, "region_code": region, "branch_code": branch["code"]}


def account_body(unit: ResidentUnit, who: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        **person(who), **bank_fields(unit), "account_number": new_account(),
        "account_nature": "个人银行结算账户", "refund_flag": True, "preferred_flag": True,
        "social_flag": True, **changes,
    }  # fmt: skip


def post(unit: ResidentUnit, path: str, body: Any) -> httpx.Response:
    return unit.http.post(
        f"{unit.path}/authorisation/{path}", json=body, headers=unit.key_headers()
    )


def get(unit: ResidentUnit, path: str, **params: Any) -> httpx.Response:
    return unit.http.get(f"{unit.path}/authorisation/{path}", params=params, headers=unit.headers)


def tax_authority(unit: ResidentUnit) -> str:
    info = unit.http.get(f"{unit.path}/info", headers=unit.headers).json()
    return str(info["tax_authority"])


def agreement_body(
    unit: ResidentUnit, who: dict[str, Any], account_type: str = "本人账户", **changes: Any
) -> dict[str, Any]:
    return {
        **person(who), "account_type": account_type, "allow_deduction": True,
        "tax_authority": tax_authority(unit), **bank_fields(unit),
        "account_number": new_account(), "consent": True, **changes,
    }  # fmt: skip


def other_account(unit: ResidentUnit, who: dict[str, Any], phone: str) -> dict[str, Any]:
    return agreement_body(
        unit, who, "他人账户", holder_name="王大山", holder_id_type="01",
        holder_id_number=new_id_number(), phone=phone,
    )  # fmt: skip


def latest_code(backend: BackendServer, phone: str) -> dict[str, Any]:
    return dict(backend.admin_get("sms-codes/latest", phone=phone))


# -- 居民银行账户 ------------------------------------------------------------------------------
def test_add_account_and_query(unit: ResidentUnit) -> None:
    someone = unit.resident("赵一")
    body = account_body(unit, someone)
    response = post(unit, "accounts", body)
    assert response.status_code == 201, response.text
    account = response.json()
    assert account["resident_id"] == someone["id"]
    assert account["account_number"] == body["account_number"]
    assert account["branch_code"] == body["branch_code"]
    assert account["bank_name"] and account["region_name"] and account["branch_name"]
    assert (account["refund_flag"], account["preferred_flag"], account["social_flag"]) == (
        True, True, True,
    )  # fmt: skip
    assert get(unit, f"accounts/{account['account_id']}").json() == account

    listed = get(unit, "accounts", name="赵").json()["accounts"]
    assert [a["account_id"] for a in listed] == [account["account_id"]]
    assert get(unit, "accounts", id_number=someone["id_number"]).json()["accounts"] == [account]
    assert get(unit, "accounts", name="钱").json()["accounts"] == []

    again = post(unit, "accounts", {**body, "preferred_flag": False})
    assert again.status_code == 409
    assert error_of(again)["message"] == (
        f"该居民已采集银行账号{body['account_number']}，不能重复新增。"
    )


def test_a_new_preferred_account_replaces_the_old_one(unit: ResidentUnit) -> None:
    someone = unit.resident("孙二")
    first = post(unit, "accounts", account_body(unit, someone)).json()
    second = post(unit, "accounts", account_body(unit, someone)).json()
    third = post(unit, "accounts", account_body(unit, someone, preferred_flag=False)).json()
    flags = {a["account_id"]: a["preferred_flag"] for a in get(unit, "accounts").json()["accounts"]}
    assert flags == {first["account_id"]: False, second["account_id"]: True,
                     third["account_id"]: False}  # fmt: skip


def test_account_fields_are_checked(unit: ResidentUnit) -> None:
    someone = unit.resident("周三")
    branches = unit.rule("bank_branches")["entries"]
    foreign = next(b for b in branches if b["bank_code"] == "103" and b["region_code"] == "440306")
    cases = [
        ({"bank_code": ""}, "请选择银行行别。"),
        ({"branch_code": ""}, "请选择开户网点。"),
        ({"branch_code": foreign["code"]},
         f"开户网点{foreign['code']}不属于所选的银行行别和行政区划，请重新选择开户网点。"),
        ({"account_number": "6222 0000"}, "银行账号应为8至32位数字，请核对银行卡号。"),
        ({"account_number": "1234567"}, "银行账号应为8至32位数字，请核对银行卡号。"),
        ({"account_nature": "对公账户"},
         "账户性质应为个人银行结算账户、个人储蓄账户、信用卡账户之一，请重新选择。"),
        ({"refund_flag": None}, "请选择退费账户标志（是或否）。"),
    ]  # fmt: skip
    for changes, message in cases:
        response = post(unit, "accounts", account_body(unit, someone, **changes))
        assert response.status_code == 422, changes
        assert error_of(response)["message"] == message
    stranger = {"name": "吴四", "id_type": "01", "id_number": new_id_number()}
    response = post(unit, "accounts", account_body(unit, stranger))
    assert response.status_code == 404
    assert error_of(response)["code"] == "RESIDENT_NOT_FOUND"
    assert get(unit, "accounts").json()["accounts"] == []


# -- 两两协议: 本人账户 -------------------------------------------------------------------------
def test_own_account_agreement_one_valid_and_revoke(unit: ResidentUnit) -> None:
    someone = unit.resident("郑五")
    body = agreement_body(unit, someone)
    response = post(unit, "agreements", body)
    assert response.status_code == 201, response.text
    signed = response.json()
    assert signed["state"] == "有效" and signed["account_type"] == "本人账户"
    assert signed["deduction_flag"] == "费批扣" and signed["allow_deduction"] is True
    assert (signed["holder_name"], signed["holder_id_number"]) == ("郑五", someone["id_number"])
    assert signed["resident_id"] == someone["id"]
    assert signed["verified_on"] == "2026-12-20"
    # 保存居民银行账户信息 (default 保存): the account is among the resident's accounts
    (saved,) = get(unit, "accounts", id_number=someone["id_number"]).json()["accounts"]
    assert saved["account_number"] == body["account_number"]

    second = post(unit, "agreements", agreement_body(unit, someone))
    assert second.status_code == 409
    assert error_of(second)["message"] == ONE_VALID.format(number=signed["agreement_id"])

    revoked = post(unit, f"agreements/{signed['agreement_id']}/revoke", {})
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["state"] == "已撤销" and revoked.json()["revoked_at"]
    twice = post(unit, f"agreements/{signed['agreement_id']}/revoke", {})
    assert twice.status_code == 409
    assert error_of(twice)["message"] == "该协议已撤销，无需再次撤销。"
    assert post(unit, "agreements", agreement_body(unit, someone)).status_code == 201
    states = [a["state"] for a in get(unit, "agreements", name="郑五").json()["agreements"]]
    assert sorted(states) == ["已撤销", "有效"]
    assert len(get(unit, "agreements", state="有效").json()["agreements"]) == 1


def test_agreement_refusals(unit: ResidentUnit, backend: BackendServer) -> None:
    someone = unit.resident("冯六")
    cases = [
        ({"allow_deduction": False},
         "客户端仅支持签订允许银行代扣（费批扣）的协议，请选择“允许代扣”。"),
        ({"consent": False}, "请阅读并勾选“我已知晓并同意《社保费扣费协议书》”后再提交。"),
        ({"account_type": ""}, "请选择协议人银行账户（本人账户或他人账户）。"),
        ({"tax_authority": "国家税务总局某某税务局"},
         "所属税务机关“国家税务总局某某税务局”不是本代收单位登记的税务机关，请重新选择。"),
    ]  # fmt: skip
    for changes, message in cases:
        response = post(unit, "agreements", agreement_body(unit, someone, **changes))
        assert response.status_code == 422, changes
        assert error_of(response)["message"] == message
    # the bank knows the account under another name: 协议签订失败 with the reason
    taken = new_account()
    backend.bank_account(taken, "陈七")
    response = post(unit, "agreements", agreement_body(unit, someone, account_number=taken))
    assert response.status_code == 422
    assert error_of(response)["message"] == "协议签订失败：持卡人姓名与银行账户开户人不一致。"
    frozen = new_account()
    backend.bank_account(frozen, "冯六", status="冻结")
    response = post(unit, "agreements", agreement_body(unit, someone, account_number=frozen))
    assert error_of(response)["message"] == "协议签订失败：账户已冻结或止付。"
    assert get(unit, "agreements").json()["agreements"] == []


# -- 两两协议: 他人账户 and the 短信验证码 ------------------------------------------------------------
def test_other_account_with_sms_code(unit: ResidentUnit, backend: BackendServer) -> None:
    someone = unit.resident("褚八")
    phone = new_phone()
    body = other_account(unit, someone, phone)
    response = post(unit, "agreements", {**body, "sms_code": "123456"})
    assert response.status_code == 422
    assert error_of(response)["message"] == ("请先点击【获取验证码】，再填写手机收到的短信验证码。")
    sent = post(unit, "sms-codes", {"phone": phone})
    assert sent.status_code == 201, sent.text
    assert "code" not in sent.json() and sent.json()["resend_after"] == 60
    again = post(unit, "sms-codes", {"phone": phone})
    assert again.status_code == 429
    assert error_of(again)["message"].startswith("验证码已发送，请")
    code = latest_code(backend, phone)["code"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = post(unit, "agreements", {**body, "sms_code": wrong})
    assert response.status_code == 422
    assert (error_of(response)["code"], error_of(response)["message"]) == (
        "SMS_CODE_WRONG", WRONG_CODE,
    )  # fmt: skip
    response = post(unit, "agreements", {**body, "sms_code": code})
    assert response.status_code == 201, response.text
    signed = response.json()
    assert (signed["account_type"], signed["holder_name"], signed["phone"]) == (
        "他人账户", "王大山", phone,
    )  # fmt: skip
    assert signed["holder_id_number"] == body["holder_id_number"]
    assert latest_code(backend, phone)["used"] is True
    # 他人账户 is not saved among the resident's own accounts
    assert get(unit, "accounts", id_number=someone["id_number"]).json()["accounts"] == []


def test_an_expired_code_is_refused(unit: ResidentUnit, backend: BackendServer) -> None:
    someone = unit.resident("卫九")
    phone = new_phone()
    assert post(unit, "sms-codes", {"phone": phone}).status_code == 201
    sent = latest_code(backend, phone)
    issued = datetime.strptime(sent["issued_at"], "%Y-%m-%d %H:%M:%S")
    backend.set_clock((issued + timedelta(minutes=5, seconds=5)).strftime("%Y-%m-%d %H:%M:%S"))
    body = {**other_account(unit, someone, phone), "sms_code": sent["code"]}
    response = post(unit, "agreements", body)
    assert response.status_code == 422
    assert (error_of(response)["code"], error_of(response)["message"]) == (
        "SMS_CODE_EXPIRED", EXPIRED_CODE,
    )  # fmt: skip
    # a new code (the minute has passed) signs
    assert post(unit, "sms-codes", {"phone": phone}).status_code == 201
    fresh = latest_code(backend, phone)["code"]
    assert post(unit, "agreements", {**body, "sms_code": fresh}).status_code == 201


def test_other_account_fields(unit: ResidentUnit, backend: BackendServer) -> None:
    someone = unit.resident("蒋十")
    phone = new_phone()
    body = other_account(unit, someone, phone)
    cases = [
        ({"phone": "1234"},
         "手机号码应为11位数字的中国大陆手机号码，请核对持卡人在银行预留的手机号码。"),
        ({"phone": ""}, "请填写手机号码。"),
        ({"holder_name": ""}, "请填写持卡人姓名。"),
        ({"holder_id_number": someone["id_number"]},
         "持卡人就是协议人本人，请在第一步选择“本人账户”。"),
    ]  # fmt: skip
    for changes, message in cases:
        response = post(unit, "agreements", {**body, **changes, "sms_code": "000000"})
        assert response.status_code == 422, changes
        assert error_of(response)["message"] == message
    assert post(unit, "sms-codes", {"phone": "0101"}).status_code == 422
    missing = backend._http.get("/sms-codes/latest", params={"phone": new_phone()})
    assert missing.status_code == 404


# -- with 社保费批扣清册 (§3.20) ------------------------------------------------------------------
def test_the_roll_deducts_only_residents_with_a_valid_agreement(
    unit: ResidentUnit, backend: BackendServer
) -> None:
    signed, unsigned = unit.resident("沈十一"), unit.resident("韩十二")
    for someone in (signed, unsigned):
        body = {**person(someone), "insurance": "10210", "year": 2026, "amount": "400.00"}
        assert post(unit, "amount-settings", body).status_code == 201
    agreement = post(unit, "agreements", agreement_body(unit, signed)).json()
    made = backend.admin_post(f"units/{unit.unit_id}/authorisation/deduction-rolls/run", {})
    assert (made["created"], made["failed"]) == (2, 1)
    listed = get(unit, "deduction-rolls", period_from="2026-01", period_to="2026-12").json()
    rows = [dict(zip(listed["fields"], r, strict=True)) for r in listed["records"]]
    states = {r["id_number"]: r["state"] for r in rows}
    assert states == {signed["id_number"]: "已生成待扣款", unsigned["id_number"]: "扣款失败"}
    # once 撤销, the agreement no longer counts
    assert post(unit, f"agreements/{agreement['agreement_id']}/revoke", {}).status_code == 200
    for row in rows:
        assert post(unit, f"deduction-rolls/{row['row_id']}/void", None).status_code == 200
    again = backend.admin_post(f"units/{unit.unit_id}/authorisation/deduction-rolls/run", {})
    assert (again["created"], again["failed"]) == (2, 2)
