"""社保费申报 rules (manual §2.8–§2.10, §2.21, §2.23, §2.27), without I/O.

The terms are the manual's: 预处理信息 (data source 01 税务机关, 税务自主), 征集信息 (03 社保部门
核定征收, with a 征集通知流水号), 特殊缴费 (02 社保部门) and 工程项目 items; the merge rules that
make several items one tick box; the pages each collection mode shows (the manual's
征收模式对照表); and the sums, which are exact `Decimal`s of lines already rounded half up to 分.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
SELF_COLLECTED = "税务自主"
COLLECTED_FOR_OTHERS = "税务代征"

# Item categories and data sources (contract: fee items)
DAILY, SPECIAL, PROJECT = "daily", "special", "project"
SELF = "self"  # 代收代报（自主）: a 代收单位's own declarations of chosen residents (issue 12)
TAX_BUREAU, SOCIAL_DEPT, SOCIAL_DEPT_VERIFIED, SELF_DECLARED = "01", "02", "03", "04"
SOURCE_TITLES = {
    TAX_BUREAU: "01 税务机关",
    SOCIAL_DEPT: "02 社保部门",
    SOCIAL_DEPT_VERIFIED: "03 社保部门核定征收",
    SELF_DECLARED: "04 自主申报",
}

# 应缴信息 申报处理状态 (§2.21)
INITIAL, DECLARING, DECLARED, WRITTEN_OFF, BATCH_LISTED = (
    "初始",
    "申报中",
    "申报成功",
    "销账",
    "已生成待批扣清册",
)
ITEM_STATES = (INITIAL, DECLARING, DECLARED, WRITTEN_OFF, BATCH_LISTED)

# 申报记录 申报状态 and 缴费状态 (§2.10, §2.24)
PENDING, SUCCEEDED, FAILED, VOIDING, VOIDED = "申报中", "申报成功", "申报失败", "作废中", "已作废"
DECLARATION_STATES = (PENDING, SUCCEEDED, FAILED, VOIDING, VOIDED)
UNPAID, PARTLY_PAID, PAID, NOTHING_TO_PAY = "未缴费", "部分缴费", "缴费成功", "无需缴费"
PAY_STATES = (UNPAID, PARTLY_PAID, PAID, NOTHING_TO_PAY)
SPECIAL_TYPES = ("补缴", "退休补收", "政策性补缴")
CHANNELS = ("客户端", "电子税务局", "办税服务厅")


class FeeRuleError(Exception):
    """A selection or value the rules refuse; `message` is the sentence for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- pages by collection mode (征收模式对照表) ---------------------------------------------
@dataclass(frozen=True)
class DeclarationPage:
    """What one 社保费申报 page lists: item categories and data sources."""

    key: str
    title: str
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    # 特殊缴费申报 with nothing found explains why (§2.9.1)
    empty_text: str = "未查询到需要申报的社保费信息，请点击【刷新】重新获取。"


NOTHING_SPECIAL = (
    "未查询到特殊缴费的预处理信息，可能是本单位未办理特殊缴费申请，或特殊缴费的预处理信息还未生成。"
)


def declaration_page(key: str, collection_mode: str) -> DeclarationPage:
    """日常申报 reads 01 in 税务自主 regions and 03 in 税务代征 ones; 特殊缴费申报 reads 02;
    社保费申报（核定） shows 征集信息 and 特殊缴费 together; 工程项目 its own items."""
    if key == "daily":
        source = TAX_BUREAU if collection_mode == SELF_COLLECTED else SOCIAL_DEPT_VERIFIED
        noun = "预处理信息" if source == TAX_BUREAU else "征集信息"
        return DeclarationPage(
            key,
            "日常申报",
            (DAILY,),
            (source,),
            f"未查询到本单位待申报的社保费{noun}。"
            + (
                "税务自主模式下，需先申报职工缴费工资，管理子系统生成预处理信息后才能申报。"
                if source == TAX_BUREAU
                else "人社、医保部门每月15日批量核定后传递征集信息，请稍后点击【刷新】。"
            ),
        )
    if key == "special":
        return DeclarationPage(key, "特殊缴费申报", (SPECIAL,), (SOCIAL_DEPT,), NOTHING_SPECIAL)
    if key == "verified":
        return DeclarationPage(
            key,
            "社保费申报（核定）",
            (DAILY, SPECIAL),
            (SOCIAL_DEPT_VERIFIED, SOCIAL_DEPT),
            "未查询到本单位的征集信息和特殊缴费信息，请点击【刷新】重新获取。",
        )
    if key == "project":
        return DeclarationPage(
            key,
            "工程项目社保费申报",
            (PROJECT,),
            (SOCIAL_DEPT_VERIFIED,),  # 工程项目 items come with a 征集通知流水号
            "未查询到工程项目工伤保险费预处理信息。",
        )
    raise KeyError(key)


# -- merge rules (§2.8.3, §2.9.3, §2.23.3) -----------------------------------------------
def merge_key(item: Mapping[str, Any]) -> str:
    """The tick box an item belongs to; items with one key must be declared together.

    - 征集信息 and 特殊缴费 (a 征集通知流水号): same 单位编号 + 征集通知流水号;
    - 税务自主 预处理信息 and 工程项目: same 费款所属期起止 + 征收项目 + 单位编号.
    """
    if item.get("collection_serial") and item.get("category") != PROJECT:
        return f"S|{item['unit_number']}|{item['collection_serial']}"
    return (
        f"P|{item['unit_number']}|{item['period_start']}|{item['period_end']}|{item['levy_item']}"
        f"|{item.get('category') or ''}"
    )


def check_selection(
    ticked: Iterable[str], boxes: Mapping[str, Sequence[str]], box_of: Mapping[str, str]
) -> list[str]:
    """The ticked item ids, refused when empty or when a tick box is only partly ticked.

    `boxes` maps a merge key to all its item ids (as listed), `box_of` an item id to its key.
    """
    chosen = list(dict.fromkeys(ticked))
    if not chosen:
        raise FeeRuleError("请先勾选需要申报的数据。")
    chosen_set = set(chosen)
    for key in dict.fromkeys(box_of[i] for i in chosen):
        missing = [i for i in boxes[key] if i not in chosen_set]
        if missing:
            raise FeeRuleError(
                f"所勾选的数据中有{len(missing)}条信息与已勾选的数据合并为一项，必须一起提交申报，"
                "请勾选完整后再提交。"
            )
    return chosen


# -- money ---------------------------------------------------------------------------------
def amount(value: Any) -> Decimal:
    """A wire amount ("1234.50") as Decimal with two places; None/"" count as 0."""
    if value is None or value == "":
        return Decimal("0.00")
    try:
        return Decimal(str(value).replace(",", "")).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise FeeRuleError(f"金额“{value}”格式不正确。") from None


def line_amount(base: Decimal, rate: Decimal) -> Decimal:
    """One line's share: 缴费基数 × 费率, rounded half up to 分 (as the tax bureau does)."""
    return (base * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def total(values: Iterable[Any]) -> Decimal:
    """The exact sum of amounts (each already rounded per line)."""
    return sum((amount(v) for v in values), Decimal("0.00"))


def rate_text(unit_rate: Any, personal_rate: Any) -> str:
    """费率 as shown: "16%+8%" (单位+个人) or "0.7%"."""

    def percent(value: Any) -> str | None:
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value)) * 100
        except InvalidOperation:
            return str(value)
        if number == 0:
            return None
        return f"{number.normalize():f}%"

    if unit_rate in (None, "") and personal_rate in (None, ""):
        return ""  # the persons' rates differ (e.g. 工伤 by 行业风险类别): see the details
    parts = [p for p in (percent(unit_rate), percent(personal_rate)) if p]
    return "+".join(parts) if parts else "0%"


def format_amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def categories_for(kind: str) -> tuple[str, ...]:
    """The item categories a kind of unit has: a 代收单位 has no 工程项目."""
    return (DAILY, SPECIAL, PROJECT) if kind == "employer" else (DAILY, SPECIAL)


CATEGORY_TITLES = {DAILY: "日常申报", SPECIAL: "特殊缴费申报", PROJECT: "工程项目申报",
                   SELF: "自主申报"}  # fmt: skip
# 申报类型 as the 代收单位's 社保费申报记录 names them (§3.8): 核定信息 declared are 核定申报.
RESIDENT_CATEGORY_TITLES = {DAILY: "核定申报", SPECIAL: "特殊缴费申报", SELF: "自主申报"}
RESIDENT_RECORD_CATEGORIES = (DAILY, SPECIAL, SELF)


def failed_rows_text(rows: Sequence[Mapping[str, Any]], limit: int = 20) -> str:
    """The persons a 自主申报 left out, as one sentence for 失败原因 (the first `limit`)."""
    if not rows:
        return ""
    shown = "；".join(f"{r.get('id_number') or ''}：{r.get('reason') or ''}" for r in rows[:limit])
    more = f"等{len(rows)}人" if len(rows) > limit else f"共{len(rows)}人"
    return f"以下人员未通过校验（{more}）：{shown}"
