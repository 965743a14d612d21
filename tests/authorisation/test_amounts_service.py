"""社保费批扣费额设置 without Qt against the real backend: the three-facts lookup (facts
checked before any request), 新增 for a found resident, a second 有效 setting refused, amounts
not among the year's 档次 refused here and by the server, 作废 and the list's paging; and the
清册 service's 作废 rule of §3.20.2."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.authorisation.amounts import AmountError, AmountSettings, check_amount
from client.authorisation.people import find_resident
from client.authorisation.rolls import DeductionRolls, can_void, roll_params
from client.collector.persons import PersonError
from client.storage.listing import ROW_KEY
from client.sync.errors import ApiError
from tests.authorisation.people import (
    YEAR,
    pension_residents,
    run_roll,
    set_state,
    wrong_check_digit,
)
from tests.collector.conftest import CollectorUnit
from tests.collector.external_people import registered, unregistered

NOT_FOUND = "未查询到城乡居民参保信息，请核对姓名、证件类型和证件号码。"  # §3.17, §3.18
OUTSIDE = "未在本代收单位管辖范围内找到该居民，请核对姓名、证件类型和证件号码。"


def service(cu: CollectorUnit) -> AmountSettings:
    return AmountSettings(cu.session.api, cu.unit_id, cu.app.app_db.code_table("id_types"))


def test_find_resident_by_the_three_facts(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    person = pension_residents(cu)[0]
    found = find_resident(cu.session.api, cu.unit_id, person["name"], "01", person["id_number"])
    assert (found.name, found.id_number, found.township) == (
        person["name"], person["id_number"], person["township"],
    )  # fmt: skip
    with pytest.raises(ApiError) as missed:
        find_resident(cu.session.api, cu.unit_id, person["name"] + "某", "01", person["id_number"])
    assert (missed.value.code, missed.value.message) == ("RESIDENT_NOT_FOUND", NOT_FOUND)


def test_not_registered_and_outside_the_area_are_told_apart(collector_unit: CollectorUnit) -> None:
    """§3.17/§3.18: nobody registered under the three facts → 未查询到城乡居民参保信息; a person
    registered but not in this agent's area is told so."""
    cu = collector_unit
    api = cu.session.api
    stranger = unregistered("吴四")
    with pytest.raises(ApiError) as missed:
        find_resident(api, cu.unit_id, stranger["name"], "01", stranger["id_number"])
    assert (missed.value.code, missed.value.message) == ("RESIDENT_NOT_FOUND", NOT_FOUND)
    outsider = registered(cu.backend, "郑五")
    with pytest.raises(ApiError) as outside:
        find_resident(api, cu.unit_id, outsider["name"], "01", outsider["id_number"])
    assert (outside.value.code, outside.value.message) == ("RESIDENT_NOT_FOUND", OUTSIDE)


def test_facts_are_checked_before_any_request(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    person = pension_residents(cu)[0]
    sent_before = cu.session.api.last_server_time
    cu.session.api.last_server_time = "untouched"
    with pytest.raises(PersonError) as bad:
        find_resident(cu.session.api, cu.unit_id, person["name"], "01",
                      wrong_check_digit(person["id_number"]))  # fmt: skip
    assert bad.value.field == "id_number"
    assert bad.value.message == "居民身份证号码校验位不正确，请核对后重新输入。"
    with pytest.raises(PersonError, match="请填写姓名。"):
        find_resident(cu.session.api, cu.unit_id, " ", "01", person["id_number"])
    assert cu.session.api.last_server_time == "untouched"  # nothing was sent
    cu.session.api.last_server_time = sent_before


def test_set_an_amount_for_a_found_resident(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    amounts = service(cu)
    person = pension_residents(cu)[0]
    candidate = amounts.candidate(person["name"], "01", person["id_number"], "10210")
    assert candidate.resident.name == person["name"]
    assert candidate.levy_category == "102100001"
    assert candidate.years[0] == YEAR
    assert candidate.amounts(YEAR)[:2] == [Decimal("200.00"), Decimal("300.00")]
    saved = amounts.save(candidate, YEAR, "300")
    assert (saved["amount"], saved["state"], saved["insurance_name"]) == (
        "300.00", "有效", "城乡居民基本养老保险",
    )  # fmt: skip
    source = amounts.source()
    filters = {"id_number": person["id_number"]}
    assert source.count(filters) == 1
    (row,) = source.page(filters, (), 0, 10)
    assert row[ROW_KEY] == saved["setting_id"] and row["year"] == YEAR

    # a second 有效 setting of the same 险种 and year is refused with the server's sentence
    again = amounts.candidate(person["name"], "01", person["id_number"], "10210")
    assert again.valid_years() == {YEAR}
    with pytest.raises(ApiError) as refused:
        amounts.save(again, YEAR, "400.00")
    assert refused.value.code == "AMOUNT_EXISTS"
    assert refused.value.message == (
        f"该居民{YEAR}年度城乡居民基本养老保险已有有效的批扣费额，请先作废原设置后再新增。"
    )
    # 作废, then a new one is accepted
    assert amounts.void(saved["setting_id"])["state"] == "已作废"
    with pytest.raises(ApiError, match="已作废"):
        amounts.void(saved["setting_id"])
    assert amounts.save(again, YEAR, "400.00")["amount"] == "400.00"
    assert source.count({**filters, "state": "有效"}) == 1
    assert source.count(filters) == 2


def test_amount_must_be_one_of_the_years_grades(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    amounts = service(cu)
    person = pension_residents(cu)[1]
    candidate = amounts.candidate(person["name"], "01", person["id_number"], "10210")
    assert check_amount(candidate, YEAR, "1,000") == Decimal("1000.00")
    for text, words in (("250", "不是2026年度城乡居民基本养老保险的缴费档次"), ("", "请填写缴费金额"),
                        ("-200", "必须大于0"), ("200.005", "最多保留两位小数"),
                        ("abc", "不是有效的金额")):  # fmt: skip
        with pytest.raises(AmountError, match=words):
            amounts.save(candidate, YEAR, text)
    with pytest.raises(AmountError, match="请选择生效年度"):
        check_amount(candidate, 2019, "200")
    assert amounts.source().count({"id_number": person["id_number"]}) == 0


def test_candidate_for_three_facts_that_do_not_match(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    person = pension_residents(cu)[2]
    with pytest.raises(ApiError) as missed:
        service(cu).candidate("不存在的人", "01", person["id_number"], "10210")
    assert missed.value.message == NOT_FOUND
    with pytest.raises(PersonError, match="请选择参保险种"):
        service(cu).candidate(person["name"], "01", person["id_number"], "")


def test_roll_rows_and_the_void_rule(collector_unit: CollectorUnit) -> None:
    cu = collector_unit
    amounts = service(cu)
    people = pension_residents(cu)[:2]
    for person in people:
        found = amounts.candidate(person["name"], "01", person["id_number"], "10210")
        amounts.save(found, YEAR, "200")
    made = run_roll(cu)
    assert made["created"] == 2
    rolls = DeductionRolls(cu.session.api, cu.unit_id)
    source = rolls.source()
    rows = list(source.rows({"period": ("2026-01", "2026-12")}, ()))
    assert len(rows) == 2 and all(r["state"] == "扣款失败" for r in rows)
    assert rows[0]["failure_reason"] == "未签订有效的两两协议"
    assert all(can_void(r) for r in rows)
    paid = set_state(cu, rows[1]["row_id"], "扣款成功")
    assert not can_void(paid)
    with pytest.raises(PersonError, match="该批扣清册已扣款成功，不能作废。"):
        rolls.void(paid)
    stale = {**paid, "state": "扣款中"}  # the page still showed an older state
    with pytest.raises(ApiError) as refused:
        rolls.void(stale)
    assert refused.value.message == "该批扣清册已扣款成功，不能作废。"
    voided = rolls.void(rows[0])
    assert voided["voided"] == "已作废" and not can_void(voided)


def test_roll_conditions_are_checked() -> None:
    assert roll_params({"name": " 张三 ", "id_type": "01", "id_number": "",
                        "period": ("2025-01", "2026-12")}) == {
        "name": "张三", "period_from": "2025-01", "period_to": "2026-12",
    }  # fmt: skip
    with pytest.raises(PersonError, match="费款所属期起不能晚于费款所属期止"):
        roll_params({"period": ("2026-05", "2026-01")})
    with pytest.raises(PersonError):
        roll_params({"id_type": "01", "id_number": "110105194912310021"})
