"""缴费工资申报 rules: amounts, 比率/固定金额, 生效年月, 缴费基数 limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from client.domain.wages import (
    Adjustment,
    WageRuleError,
    check_effective_month,
    clamp_base,
    money,
    month_text,
)

TODAY = date(2026, 11, 23)


def test_ratio_and_fixed_amount() -> None:
    assert Adjustment.ratio("120").apply(Decimal("1000.00")) == Decimal("1200.00")
    assert Adjustment.ratio("120%").apply(Decimal("4492.35")) == Decimal("5390.82")
    assert Adjustment.fixed("1300").apply(Decimal("1000.00")) == Decimal("1300.00")
    with pytest.raises(WageRuleError):
        Adjustment.ratio("0")
    with pytest.raises(WageRuleError):
        Adjustment.ratio("abc")
    with pytest.raises(WageRuleError) as err:
        Adjustment.ratio("100").apply(None)
    assert "固定金额" in err.value.message


@pytest.mark.parametrize("bad", ["-5", "0", "abc", "", "1e400", "NaN"])
def test_money_refuses_non_positive_and_text(bad: str) -> None:
    with pytest.raises(WageRuleError):
        money(bad)


def test_money_rounds_half_up() -> None:
    assert money("1,234.565") == Decimal("1234.57")


def test_months() -> None:
    assert month_text("202611") == "2026-11"
    assert month_text("2026/3") == "2026-03"
    assert month_text(date(2026, 1, 5)) == "2026-01"
    with pytest.raises(WageRuleError):
        month_text("2026-13")


def test_effective_month_rules() -> None:
    assert check_effective_month("2026-11", TODAY, None).warning is None
    earlier = check_effective_month("2026-09", TODAY, None)
    assert earlier.month == "2026-09" and "补缴" in earlier.warning
    with pytest.raises(WageRuleError) as err:
        check_effective_month("2026-12", TODAY, "2026-06")
    assert "停止缴费" in err.value.message


def test_base_limits() -> None:
    limits = (Decimal("4492.00"), Decimal("26421.00"))
    assert clamp_base(Decimal("3000.00"), limits) == Decimal("4492.00")
    assert clamp_base(Decimal("30000.00"), limits) == Decimal("26421.00")
    assert clamp_base(Decimal("6000.00"), limits) == Decimal("6000.00")
    assert clamp_base(Decimal("6000.00"), None) == Decimal("6000.00")
