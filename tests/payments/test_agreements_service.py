"""单位三方协议管理 services (no Qt) against the real backend: 新增 → 验证 → 验证通过 → 撤销;
验证失败 when the account name is not the unit's (FAQ Q19); 修改 back to 未验证; 作废; one
verified deduction agreement per unit (注意事项一); the form checked before anything is sent;
a malformed or cut-off answer changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from client.jobs import CancelToken, JobCancelled, JobContext
from client.payments.agreement_rules import AgreementRuleError, checked_body
from client.payments.agreement_wire import ENDED, FAILED, UNVERIFIED, VERIFIED, VERIFYING
from client.payments.agreements import VerificationPendingError
from client.payments.bank_codes import BankCodes
from client.payments.reasons import explain, explain_error
from client.sync.errors import ApiError, MalformedResponseError, NetworkError
from tests.fees.conftest import FeeUnit, open_unit
from tests.payments.agreement_env import (
    a_form,
    authorities,
    bank_delays,
    codes,
    process_bank,
    server_agreements,
    service,
)


@pytest.fixture
def unit(backend: Any, tmp_path: Path) -> Iterator[FeeUnit]:
    opened = open_unit(backend, tmp_path / "client", employees=2)
    yield opened
    opened.app.close()


def own(unit: FeeUnit) -> set[str]:
    """Agreements this test made (a unit may come with seeded ones)."""
    return {a["agreement_id"] for a in server_agreements(unit).values()}


def test_new_verify_verified_revoke(unit: FeeUnit) -> None:
    agreements = service(unit)
    agreements.refresh()
    for row in agreements.rows():  # a seeded deduction agreement would refuse ours
        if row["status"] == VERIFIED:
            agreements.revoke(row["agreement_id"])
    made = agreements.create(a_form(unit), codes(unit), authorities(unit))
    assert made["status"] == UNVERIFIED and made["deduction_flag"] == "费批扣"
    assert made["account_masked"].endswith(made["account_number"][-4:])
    assert made["customer_name"] == unit.session.unit.taxpayer_name
    assert agreements.get(made["agreement_id"])["status"] == UNVERIFIED  # kept locally at once

    with bank_delays(unit, verify_delay_seconds=1):
        ctx = JobContext()
        done = agreements.verify(made["agreement_id"], ctx)
    assert done["status"] == VERIFIED and done["verified_on"]
    assert any(p.phase == "waiting" for p in ctx.history)  # it waited for the bank
    assert agreements.get(made["agreement_id"])["status"] == VERIFIED

    ended = agreements.revoke(made["agreement_id"])
    assert ended["status"] == ENDED and ended["ended_at"]
    assert server_agreements(unit)[made["agreement_id"]]["status"] == ENDED
    with pytest.raises(AgreementRuleError, match="不能再验证"):
        agreements.verify(made["agreement_id"])  # 注意事项三: not sent at all
    with pytest.raises(ApiError) as err:  # and the server says the same
        unit.session.api.post_json(
            f"{agreements.path}/{made['agreement_id']}/verify", {}, idempotency_key="x-1"
        )
    assert err.value.code == "NOT_VERIFIABLE"


def test_a_different_account_name_fails_verification_with_q19(unit: FeeUnit) -> None:
    agreements = service(unit)
    agreements.refresh()
    form = a_form(unit, 2, allow=False, account_name="深圳市另一家贸易有限公司")
    made = agreements.create(form, codes(unit), authorities(unit))
    started = agreements.start_verification(made["agreement_id"])
    assert started["status"] == VERIFYING
    with pytest.raises(AgreementRuleError):  # 验证中: no second 验证, no 修改
        agreements.check_verifiable(made["agreement_id"])
    process_bank(unit)
    failed = agreements.wait_for_bank(made["agreement_id"])
    assert failed["status"] == FAILED
    assert "账户名称与纳税人名称不一致" in failed["reason"]
    meaning = explain(failed["reason"])
    assert "柜面" in meaning.next_step and meaning.page == "unit_agreements"  # FAQ Q19

    # 修改 with the unit's own name: back to 未验证, then it passes
    fixed = agreements.update(
        made["agreement_id"],
        replace(form, account_name=unit.session.unit.taxpayer_name),
        codes(unit),
        authorities(unit),
    )
    assert fixed["status"] == UNVERIFIED and fixed["reason"] is None
    agreements.start_verification(made["agreement_id"])
    process_bank(unit)
    assert agreements.wait_for_bank(made["agreement_id"])["status"] == VERIFIED


def test_modify_brings_a_verified_agreement_back_to_unverified(unit: FeeUnit) -> None:
    agreements = service(unit)
    agreements.refresh()
    made = agreements.create(a_form(unit, 3, allow=False), codes(unit), authorities(unit))
    agreements.start_verification(made["agreement_id"])
    process_bank(unit)
    assert agreements.wait_for_bank(made["agreement_id"])["status"] == VERIFIED
    other_branch = codes(unit).search_branches("", region_code="440306", bank_code="102")[1]
    changed = agreements.update(
        made["agreement_id"],
        replace(a_form(unit, 3, allow=False), branch_code=other_branch["code"]),
        codes(unit),
        authorities(unit),
    )
    assert changed["status"] == UNVERIFIED and changed["branch_code"] == other_branch["code"]
    assert changed["deduction_flag"] == "所有非批扣"
    assert server_agreements(unit)[made["agreement_id"]]["status"] == UNVERIFIED


def test_void_only_what_was_never_verified(unit: FeeUnit) -> None:
    agreements = service(unit)
    agreements.refresh()
    made = agreements.create(a_form(unit, 4, allow=False), codes(unit), authorities(unit))
    with pytest.raises(AgreementRuleError, match="撤销"):
        agreements.revoke(made["agreement_id"])  # 未验证: 作废, not 撤销
    voided = agreements.void(made["agreement_id"])
    assert voided["status"] == ENDED
    with pytest.raises(AgreementRuleError):
        agreements.void(made["agreement_id"])
    with pytest.raises(AgreementRuleError):
        agreements.update(made["agreement_id"], a_form(unit, 4), codes(unit), authorities(unit))
    # the same account can be signed again once the old agreement has ended
    again = agreements.create(a_form(unit, 4, allow=False), codes(unit), authorities(unit))
    assert again["agreement_id"] != made["agreement_id"] and again["status"] == UNVERIFIED
    with pytest.raises(ApiError) as err:  # but not twice while one is live
        agreements.create(a_form(unit, 4, allow=False), codes(unit), authorities(unit))
    assert err.value.code == "DUPLICATE_AGREEMENT"
    assert explain_error(err.value).next_step


def test_one_verified_deduction_agreement_per_unit(unit: FeeUnit) -> None:
    agreements = service(unit)
    agreements.refresh()
    first = next(
        (r for r in agreements.rows() if r["status"] == VERIFIED and r["allow_deduction"]), None
    )
    if first is None:
        first = agreements.create(a_form(unit, 5), codes(unit), authorities(unit))
        agreements.start_verification(first["agreement_id"])
        process_bank(unit)
        assert agreements.wait_for_bank(first["agreement_id"])["status"] == VERIFIED
    second = agreements.create(a_form(unit, 6), codes(unit), authorities(unit))  # may be made
    with pytest.raises(AgreementRuleError) as refused:
        agreements.verify(second["agreement_id"])
    assert (
        "只能有一个" in refused.value.message and first["account_masked"] in refused.value.message
    )
    assert server_agreements(unit)[second["agreement_id"]]["status"] == UNVERIFIED  # not sent
    # the server holds the same rule when asked anyway
    with pytest.raises(ApiError) as err:
        unit.session.api.post_json(
            f"{agreements.path}/{second['agreement_id']}/verify", {}, idempotency_key="x-2"
        )
    assert err.value.code == "DEDUCTION_AGREEMENT_EXISTS"
    assert "撤销" in explain_error(err.value).next_step

    # a verified 不允许代扣 agreement cannot be changed to 允许代扣 either
    third = agreements.create(a_form(unit, 7, allow=False), codes(unit), authorities(unit))
    agreements.start_verification(third["agreement_id"])
    process_bank(unit)
    assert agreements.wait_for_bank(third["agreement_id"])["status"] == VERIFIED
    with pytest.raises(AgreementRuleError, match="只能有一个"):
        agreements.update(third["agreement_id"], a_form(unit, 7), codes(unit), authorities(unit))

    # once the first is revoked the second verifies
    agreements.revoke(first["agreement_id"])
    agreements.start_verification(second["agreement_id"])
    process_bank(unit)
    assert agreements.wait_for_bank(second["agreement_id"])["status"] == VERIFIED


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("", "请输入缴费账号"),
        ("1234567", "8至32位数字（当前输入7位）"),
        ("1" * 33, "当前输入33位"),
        ("6222abc123456", "含非数字字符"),
        ("6222-0212-3456", "含非数字字符"),
    ],
)
def test_a_bad_account_number_is_refused_before_sending(
    unit: FeeUnit, number: str, expected: str
) -> None:
    agreements = service(unit)
    before = own(unit)
    with pytest.raises(AgreementRuleError) as refused:
        agreements.create(a_form(unit, 8, account_number=number), codes(unit), authorities(unit))
    assert expected in refused.value.message and refused.value.field == "account_number"
    assert own(unit) == before


def test_every_field_is_required_and_must_fit(unit: FeeUnit) -> None:
    table, names = codes(unit), authorities(unit)
    checks = [
        ({"allow_deduction": None}, "allow_deduction", "是否允许银行代扣"),
        ({"tax_authority": ""}, "tax_authority", "所属税务机关"),
        ({"tax_authority": "国家税务总局别处税务局"}, "tax_authority", "参保登记"),
        ({"region_code": ""}, "region_code", "行政区划"),
        ({"bank_code": ""}, "bank_code", "银行行别"),
        ({"branch_code": ""}, "branch_code", "开户网点"),
        ({"region_code": "440303"}, "branch_code", "不符"),  # a 宝安 branch with 罗湖区
        ({"account_name": "  "}, "account_name", "账户名称"),
    ]
    for change, field, words in checks:
        with pytest.raises(AgreementRuleError) as refused:
            checked_body(a_form(unit, 9, **change), table, names)
        assert refused.value.field == field and words in refused.value.message
    for typed in (
        " 6222 0212 3456 7890 ",
        "６２２２０２１２３４５６７８９０",
    ):  # groups, full width
        body = checked_body(a_form(unit, 9, account_number=typed), table, names)
        assert body["account_number"] == "6222021234567890"


def test_a_dropped_answer_to_new_creates_one_agreement(unit: FeeUnit) -> None:
    agreements = service(unit)
    before = own(unit)
    path = f"/api/v1/collect/units/{unit.unit_id}/agreements"
    unit.backend.add_fault("drop", path_prefix=path, method="POST", after_bytes=5, count=4)
    with pytest.raises(NetworkError):
        agreements.create(a_form(unit, 10), codes(unit), authorities(unit))
    unit.backend.clear_faults()
    made = agreements.create(a_form(unit, 10), codes(unit), authorities(unit))  # clicked again
    assert own(unit) - before == {made["agreement_id"]}


def test_a_malformed_list_keeps_what_was_fetched(unit: FeeUnit) -> None:
    agreements = service(unit)
    agreements.create(a_form(unit, 11, allow=False), codes(unit), authorities(unit))
    agreements.refresh()
    kept = agreements.rows()
    assert kept
    path = f"/api/v1/collect/units/{unit.unit_id}/agreements"
    unit.backend.add_fault("malformed", path_prefix=path, method="GET", count=1)
    with pytest.raises(MalformedResponseError):
        agreements.refresh()
    assert agreements.rows() == kept
    # a well-formed body of the wrong shape is refused the same way
    real_get = unit.session.api.get_json
    for bad in (
        {"agreements": [{**kept[0], "status": "已签约"}]},
        {"agreements": [{k: v for k, v in kept[0].items() if k != "account_masked"}]},
        {"agreements": [kept[0], kept[0]]},
        {"items": []},
    ):
        unit.session.api.get_json = lambda *_a, _bad=bad, **_k: _bad  # type: ignore[method-assign]
        with pytest.raises(MalformedResponseError):
            agreements.refresh()
        assert agreements.rows() == kept
    unit.session.api.get_json = real_get  # type: ignore[method-assign]


def test_waiting_for_the_bank_can_be_cancelled_or_give_up(unit: FeeUnit) -> None:
    agreements = service(unit, max_wait_seconds=0.3)
    made = agreements.create(a_form(unit, 12, allow=False), codes(unit), authorities(unit))
    with bank_delays(unit, verify_delay_seconds=3600):
        agreements.start_verification(made["agreement_id"])
        with pytest.raises(VerificationPendingError):
            agreements.wait_for_bank(made["agreement_id"])
        token = CancelToken()
        token.cancel()
        with pytest.raises(JobCancelled):
            agreements.wait_for_bank(made["agreement_id"], JobContext(cancel_token=token))
    assert agreements.get(made["agreement_id"])["status"] == VERIFYING
    process_bank(unit)
    assert agreements.wait_for_bank(made["agreement_id"])["status"] == VERIFIED


def test_code_tables_and_fuzzy_search(unit: FeeUnit) -> None:
    table = codes(unit)
    assert table.complete and len(table.branches) >= 1000
    assert table.search_regions("宝安")[0]["code"] == "440306"
    assert any(r["code"] == "440306" for r in table.search_regions("深宝"))  # in order, gaps
    banks = table.banks_in("440306")
    assert banks and all(any(b["code"] == x["code"] for x in table.banks) for b in banks)
    in_bank = table.search_branches("", region_code="440306", bank_code="102", limit=10_000)
    assert in_bank and all((b["region_code"], b["bank_code"]) == ("440306", "102") for b in in_bank)
    narrowed = table.search_branches("工行宝安", region_code="440306", limit=10_000)
    everything = table.search_branches("", region_code="440306", limit=10_000)
    assert narrowed and len(narrowed) < len(everything)
    assert all(b["region_code"] == "440306" for b in narrowed)
    assert BankCodes([], [], []).complete is False
