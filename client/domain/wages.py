"""缴费工资申报 rules (manual §2.3–§2.6), without I/O.

Amounts are `Decimal` with two places, rounded half up as the tax bureau does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
DAILY = "daily"
ANNUAL = "annual"
BY_EMPLOYEE = "by_employee"
BY_ITEM = "by_item"
DECLARATION_TITLES = {DAILY: "日常缴费工资申报", ANNUAL: "年度缴费工资申报"}
MODE_TITLES = {BY_EMPLOYEE: "按职工申报缴费工资", BY_ITEM: "按险种申报缴费工资"}
SELF_COLLECTED = "税务自主"
MAX_WAGE = Decimal("9999999.99")


class WageRuleError(Exception):
    """A value the rules refuse; `message` is the sentence for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def money(value: object) -> Decimal:
    """A positive amount with two decimals ("1,200" → 1200.00); refuses anything else."""
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise WageRuleError(f"“{value}”不是有效的金额，请填写数字，例如 6000.00。") from None
    if not amount.is_finite() or abs(amount) > MAX_WAGE * 1000:
        raise WageRuleError(f"“{value}”不是有效的金额，请核对。")
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise WageRuleError("缴费工资必须大于0。")
    if amount > MAX_WAGE:
        raise WageRuleError("缴费工资超出允许的最大金额，请核对。")
    return amount


@dataclass(frozen=True)
class Adjustment:
    """按比率 (120 → 120%) or 按固定金额, as in 按单位编号添加 / 按分组添加 / 批量修改."""

    by_ratio: bool
    value: Decimal

    @classmethod
    def ratio(cls, percent: object) -> Adjustment:
        try:
            value = Decimal(str(percent).replace("%", "").strip())
        except (InvalidOperation, ValueError):
            raise WageRuleError("比率须为数字，例如 120 表示 120%。") from None
        if not value.is_finite() or value <= 0:
            raise WageRuleError("比率必须大于0。")
        if value > 1000:
            raise WageRuleError("比率不能超过1000%。")
        return cls(True, value)

    @classmethod
    def fixed(cls, amount: object) -> Adjustment:
        return cls(False, money(amount))

    def apply(self, old: Decimal | None) -> Decimal:
        """1000.00 at 120% → 1200.00; a fixed amount replaces the old wage."""
        if not self.by_ratio:
            return self.value
        if old is None:
            raise WageRuleError("该职工没有原缴费工资，不能按比率调整，请改用固定金额。")
        return money(old * self.value / 100)


def month_text(value: object) -> str:
    """'2026-11' from '2026-11', '202611', '2026/11' or a date; refuses anything else."""
    if isinstance(value, date):
        return f"{value:%Y-%m}"
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    if len(text) == 6 and text.isdigit():
        text = f"{text[:4]}-{text[4:]}"
    parts = text.split("-")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit() and len(parts[0]) == 4:
        month = int(parts[1])
        if 1 <= month <= 12:
            return f"{parts[0]}-{month:02d}"
    raise WageRuleError(f"“{value}”不是有效的年月，请按 2026-11 的格式填写。")


@dataclass(frozen=True)
class MonthCheck:
    """The result of checking a 生效年月: `warning` needs the clerk's confirmation."""

    month: str
    warning: str | None = None


def add_months(month: str, count: int) -> str:
    """ "2026-11" + 2 → "2027-01"."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def check_effective_month(
    value: object,
    today: date,
    stop_month: str | None,
    start_month: str | None = None,
    max_months_ahead: int | None = None,
) -> MonthCheck:
    """生效年月 later than the stop month is an error; earlier than this month creates 补缴
    and needs a confirmation (manual §2.3.2 二(一)5). With the region's `wage_rules`: a
    month before `start_month` (the earliest the region accepts) or more than
    `max_months_ahead` months after this one is an error too, as the tax bureau would
    answer after 提交申报."""
    month = month_text(value)
    if stop_month is not None and month > stop_month:
        raise WageRuleError(
            f"生效年月{month}晚于该职工的停止缴费年月{stop_month}，请重新选择生效年月。"
        )
    current = f"{today:%Y-%m}"
    if start_month and month < start_month:
        raise WageRuleError(
            f"生效年月{month}早于本地区允许申报缴费工资的最早年月{start_month}，请重新选择生效年月。"
        )
    if max_months_ahead is not None and month > add_months(current, max_months_ahead):
        raise WageRuleError(
            f"生效年月{month}晚于当前年月{current}超过{max_months_ahead}个月，请重新选择生效年月。"
        )
    if month < current:
        return MonthCheck(
            month,
            f"生效年月{month}早于当前年月{current}，将产生{month}至{current}的补缴信息，是否确定？",
        )
    return MonthCheck(month)


def clamp_base(wage: Decimal, limits: tuple[Decimal, Decimal] | None) -> Decimal:
    """缴费基数: the wage within the year's lower and upper base limits."""
    if limits is None:
        return wage
    lower, upper = limits
    return min(max(wage, lower), upper)
