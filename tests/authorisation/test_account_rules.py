"""The 居民银行账户 and 两两协议 forms checked before anything is sent (no Qt, no server): the bank
cascade, the account number, the flags, 允许代扣 only, the holder of a 他人账户, the phone, the
consent and the 短信验证码 — each refusal with its sentence and the field to correct."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from client.authorisation.accounts import AccountForm, AccountRuleError, BankFields
from client.authorisation.agreements import (
    BAD_PHONE,
    HOLDER_IS_SIGNER,
    NO_CONSENT,
    ONLY_DEDUCTION,
    AgreementForm,
    check_phone,
)
from client.authorisation.people import AreaResident
from client.payments.bank_codes import BankCodes
from mock_backend.ids import make_id_number

CODES = BankCodes(
    [{"code": "510104", "name": "锦江区"}, {"code": "510116", "name": "双流区"}],
    [{"code": "102", "name": "中国工商银行"}, {"code": "105", "name": "中国建设银行"}],
    [
        {"code": "102651000011", "name": "中国工商银行成都锦江支行", "bank_code": "102",
         "region_code": "510104"},
        {"code": "105651000012", "name": "中国建设银行成都双流支行", "bank_code": "105",
         "region_code": "510116"},
    ],
)  # fmt: skip
GOOD_BANK = BankFields("102", "510104", "102651000011", "6222021234567890")
RESIDENT = AreaResident(
    7, "李蕊育", "01", make_id_number("510116", date(1988, 6, 6), 312),
    "永安镇", "付家坝村", None,
)  # fmt: skip
HOLDER_NUMBER = make_id_number("510116", date(1965, 1, 1), 123)


def refused(call: Any) -> AccountRuleError:
    with pytest.raises(AccountRuleError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"bank_code": ""}, "请选择银行行别。", "bank_code"),
        ({"region_code": ""}, "请选择行政区划。", "region_code"),
        ({"branch_code": ""}, "请选择开户网点。", "branch_code"),
        ({"region_code": "510116"},
         "开户网点102651000011不属于所选的银行行别和行政区划，请重新选择开户网点。", "branch_code"),
        ({"account_number": ""}, "请填写银行账号。", "account_number"),
        ({"account_number": "6222-0212"}, "银行账号应为8至32位数字，请核对银行卡号。",
         "account_number"),
        ({"account_number": "1234567"}, "银行账号应为8至32位数字，请核对银行卡号。",
         "account_number"),
    ],
)  # fmt: skip
def test_bank_fields(changes: dict[str, str], message: str, field: str) -> None:
    fields = BankFields(**{**GOOD_BANK.__dict__, **changes})
    error = refused(lambda: fields.check(CODES))
    assert (error.message, error.field) == (message, field)


def test_account_form() -> None:
    form = AccountForm(GOOD_BANK, "个人银行结算账户", True, None, False)
    error = refused(lambda: form.checked(CODES))
    assert (error.message, error.field) == ("请选择首选缴费账户标志（是或否）。", "preferred_flag")
    error = refused(lambda: AccountForm(GOOD_BANK, "", True, True, True).checked(CODES))
    assert error.field == "account_nature"
    body = AccountForm(GOOD_BANK, "个人储蓄账户", True, False, True).wire(RESIDENT)
    assert body["name"] == "李蕊育" and body["branch_code"] == "102651000011"
    assert (body["refund_flag"], body["preferred_flag"], body["social_flag"]) == (True, False, True)


def other(**changes: Any) -> AgreementForm:
    fields: dict[str, Any] = {
        "account_type": "他人账户", "allow_deduction": True, "tax_authority": "双流区税务局",
        "bank": GOOD_BANK, "holder_name": "王大山", "holder_id_type": "01",
        "holder_id_number": HOLDER_NUMBER, "phone": "13812345678", "sms_code": "123456",
        "consent": True,
    }  # fmt: skip
    return AgreementForm(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"account_type": ""}, "请选择协议人银行账户（本人账户或他人账户）。", "account_type"),
        ({"allow_deduction": False}, ONLY_DEDUCTION, "allow_deduction"),
        ({"tax_authority": ""}, "请选择所属税务机关。", "tax_authority"),
        ({"bank": BankFields("102", "510104", "102651000011", "")}, "请填写缴费账号。",
         "account_number"),
        ({"holder_name": ""}, "请填写持卡人姓名。", "holder_name"),
        ({"holder_id_number": ""}, "请填写持卡人证件号码。", "holder_id_number"),
        ({"holder_id_number": RESIDENT.id_number}, HOLDER_IS_SIGNER, "holder_id_number"),
        ({"phone": "23812345678"}, BAD_PHONE, "phone"),
        ({"consent": False}, NO_CONSENT, "consent"),
        ({"sms_code": " "}, "请填写短信验证码。", "sms_code"),
    ],
)  # fmt: skip
def test_agreement_form_refusals(changes: dict[str, Any], message: str, field: str) -> None:
    error = refused(lambda: other(**changes).wire(RESIDENT, CODES))
    assert (error.message, error.field) == (message, field)


def test_agreement_bodies() -> None:
    body = other().wire(RESIDENT, CODES)
    assert body["holder_id_number"] == HOLDER_NUMBER and body["sms_code"] == "123456"
    assert body["consent"] is True and "save_account" not in body
    own = other(account_type="本人账户", holder_name="", phone="", sms_code="", save_account=False)
    body = own.wire(RESIDENT, CODES)
    assert body["save_account"] is False
    assert not {"holder_name", "phone", "sms_code"} & set(body)
    assert check_phone(" 13812345678 ") == "13812345678"
    assert refused(lambda: check_phone("")).message == "请填写手机号码。"
