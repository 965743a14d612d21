"""社保费申报 rules without I/O: the merge rules, the pages per collection mode, money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from client.fees.rules import (
    DAILY,
    PROJECT,
    SPECIAL,
    FeeRuleError,
    check_selection,
    declaration_page,
    line_amount,
    merge_key,
    rate_text,
    total,
)


def item(**kw: object) -> dict[str, object]:
    base = {"unit_number": "1234", "period_start": "2026-12", "period_end": "2026-12",
            "levy_item": "10201", "category": DAILY, "collection_serial": None}  # fmt: skip
    return {**base, **kw}


def test_self_collected_items_merge_by_period_levy_item_and_unit_number() -> None:
    urban = item(levy_category="102010001")
    migrant = item(levy_category="102010002")
    assert merge_key(urban) == merge_key(migrant)
    assert merge_key(urban) != merge_key(item(levy_item="10202"))
    assert merge_key(urban) != merge_key(item(unit_number="5678"))
    assert merge_key(urban) != merge_key(item(period_end="2027-01"))


def test_collection_info_merges_by_unit_number_and_serial() -> None:
    medical = item(levy_item="10203", collection_serial="202612150000000001")
    maternity = item(levy_item="10205", collection_serial="202612150000000001")
    assert merge_key(medical) == merge_key(maternity)  # one 征集通知: one tick box
    assert merge_key(medical) != merge_key(item(levy_item="10203",
                                                collection_serial="202612150000000002"))  # fmt: skip
    special = item(category=SPECIAL, collection_serial="202612150000000003")
    assert merge_key(special) == merge_key({**special, "levy_item": "10202"})


def test_project_items_merge_like_self_collected_ones() -> None:
    a = item(category=PROJECT, levy_item="10204", collection_serial="1", project_number="GC1")
    b = item(category=PROJECT, levy_item="10204", collection_serial="2", project_number="GC2")
    assert merge_key(a) == merge_key(b)  # same 费款所属期起止 + 征收项目 + 单位编号
    assert merge_key(a) != merge_key({**b, "period_end": "2027-06"})


def test_check_selection() -> None:
    boxes = {"A": ["1", "2"], "B": ["3"]}
    box_of = {"1": "A", "2": "A", "3": "B"}
    assert check_selection(["1", "2", "3", "1"], boxes, box_of) == ["1", "2", "3"]
    with pytest.raises(FeeRuleError, match="请先勾选"):
        check_selection([], boxes, box_of)
    with pytest.raises(FeeRuleError, match="1条信息.*必须一起提交申报"):
        check_selection(["1", "3"], boxes, box_of)


def test_pages_follow_the_table_of_collection_modes() -> None:
    assert declaration_page("daily", "税务自主").sources == ("01",)
    assert declaration_page("daily", "税务代征").sources == ("03",)
    assert declaration_page("special", "税务自主").sources == ("02",)
    verified = declaration_page("verified", "税务代征")
    assert verified.categories == (DAILY, SPECIAL) and set(verified.sources) == {"02", "03"}
    assert "未查询到特殊缴费的预处理信息" in declaration_page("special", "税务代征").empty_text


def test_money_is_decimal_half_up_per_line_and_totals_are_exact() -> None:
    assert line_amount(Decimal("4492.00"), Decimal("0.0070")) == Decimal("31.44")  # 31.444
    assert line_amount(Decimal("1234.50"), Decimal("0.0020")) == Decimal("2.47")  # 2.469
    assert line_amount(Decimal("0.50"), Decimal("0.01")) == Decimal("0.01")  # 0.005 up
    lines = [line_amount(Decimal("0.50"), Decimal("0.01"))] * 3
    assert total(lines) == Decimal("0.03")  # not round(0.015) = 0.02
    assert total(["1,234.56", "0.44", None, ""]) == Decimal("1235.00")


def test_rate_text() -> None:
    assert rate_text("0.1600", "0.0800") == "16%+8%"
    assert rate_text("0.0070", "0.0000") == "0.7%"
    assert rate_text("0.0050", None) == "0.5%"
    assert rate_text(None, None) == ""
