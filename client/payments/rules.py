"""The rules of 费款缴纳 the client explains before anything is sent (seed 001, FAQ Q12/Q20):
是否顺序缴费, 特殊缴费 not by agreement, 可缓缴 unit parts, locked lines, 汇总开具.

The 征收子系统 enforces the same rules; checking here first lets the clerk read one clear
sentence before 安全认证 instead of a refusal afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# 欠费 states (arrears lines)
UNPAID, IN_PROGRESS, LOCKED, FAILED = "未缴费", "扣费中", "锁定", "扣费失败"
LINE_STATES = (UNPAID, IN_PROGRESS, LOCKED, FAILED)
PAYABLE = frozenset({UNPAID, FAILED})
UNIT_PART, PERSONAL_PART = "单位缴纳", "个人缴纳"
NORMAL, SPECIAL = "正常", "特殊缴费"

# 缴费记录 (deduction) states
DEDUCTING, PAID, PAY_FAILED = "扣费中", "缴费成功", "缴费失败"
DEDUCTION_STATES = (DEDUCTING, PAID, PAY_FAILED, LOCKED)
DEDUCTION_CHANNELS = ("客户端", "电子税务局", "批量扣款")

# 银行端查询缴税凭证 states
VOUCHER_UNPAID, VOUCHER_PAID, VOUCHER_VOID = "未缴款", "已缴款", "已作废"
VOUCHER_STATES = (VOUCHER_UNPAID, VOUCHER_PAID, VOUCHER_VOID)

# 选择缴费方式
BY_AGREEMENT, BY_VOUCHER = "三方协议缴费", "银行端凭证缴费"

DEFERRAL_PROMPT = "按照医保缓缴政策，您勾选的单位缴纳部分可以缓缴，是否确认本期缴纳？"
DEFERRAL_NOTICE = (
    "存在可缓缴的欠费（操作类型为可缓缴）：按照医保缓缴政策，单位缴纳部分可以缓缴，默认不勾选；"
    "如需本期缴纳请手动勾选，未勾选的部分继续保留为欠费。"
)
CHECK_PROMPT = "请核对缴费的险种、金额是否正确无误：共{count}条欠费，缴费金额合计{amount}元。"
TIPS = (
    "温馨提示: 1.缴费前请确认账户余额充足再进行缴费, 否则可能会造成部分险种缴费失败, "
    "影响社保权益兑付\n2.选择银行端凭证缴费方式, 请选择存款账户账号信息作为凭证上的付款人银行账户信息, "
    "若无需填写付款人银行账户信息可忽略选择, 如需补充账户账号信息请点击【人工录入账户账号信息】按钮。"
)
VOUCHER_HINT = "该缴费方式需要纳税人打印凭证后去银行柜台办理缴费, 适用于尚未签署三方协议的纳税人"

CENT = Decimal("0.01")


class PaymentRuleError(Exception):
    """A selection the rules refuse; `message` is the sentence for the clerk, `code` the
    contract's code (so `reasons.explain` gives the next step)."""

    def __init__(self, code: str, message: str, line_ids: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line_ids = list(line_ids)


def money(value: Any) -> Decimal:
    return Decimal(str(value or "0")).quantize(CENT, rounding=ROUND_HALF_UP)


def total(values: Iterable[Any]) -> Decimal:
    """The exact sum of line amounts (each already in 分)."""
    return sum((money(v) for v in values), Decimal("0.00"))


def format_money(value: Any) -> str:
    return f"{money(value):,.2f}"


def ticked_by_default(line: Mapping[str, Any]) -> bool:
    """Payable lines are ticked when the page opens, except 可缓缴 unit parts (seed 001)."""
    return line["state"] in PAYABLE and not line["deferrable"]


def needs_deferral_prompt(line: Mapping[str, Any]) -> bool:
    return bool(line["deferrable"])


def _order_key(line: Mapping[str, Any]) -> tuple[str, str]:
    return (line["unit_number"], line["levy_item"])


def missing_earlier(
    lines: Sequence[Mapping[str, Any]], chosen: Iterable[str]
) -> dict[str, list[Mapping[str, Any]]]:
    """是否顺序缴费 = 是: for each chosen ordered line, the unpaid ordered lines of the same
    单位编号 and 征收项目 with an earlier 费款所属期 that are not chosen. 可缓缴 lines neither need
    nor block anything."""
    picked = set(chosen)
    ordered = [
        ln
        for ln in lines
        if ln["sequential"] and not ln["deferrable"] and ln["state"] != IN_PROGRESS
    ]
    by_key: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for line in ordered:
        by_key.setdefault(_order_key(line), []).append(line)
    out: dict[str, list[Mapping[str, Any]]] = {}
    for line in ordered:
        if line["line_id"] not in picked:
            continue
        earlier = [
            other
            for other in by_key[_order_key(line)]
            if other["period_start"] < line["period_start"] and other["line_id"] not in picked
        ]
        if earlier:
            out[line["line_id"]] = earlier
    return out


def check_selection(
    lines: Sequence[Mapping[str, Any]],
    chosen: Sequence[str],
    levy_name: Any = None,
    locked_text: Callable[[int], str] | None = None,
) -> list[Mapping[str, Any]]:
    """The chosen lines, checked for what any payment needs: something chosen, nothing
    locked or with the bank, and the 顺序缴费 order. Raises PaymentRuleError.

    `locked_text(count)` words the refusal of locked lines for the module (where to unlock)."""
    by_id = {ln["line_id"]: ln for ln in lines}
    rows = [by_id[i] for i in chosen if i in by_id]
    if not rows:
        raise PaymentRuleError("NOTHING_SELECTED", "请先勾选需要缴费的欠费数据。")
    locked = [r for r in rows if r["state"] == LOCKED]
    if locked:
        text = (
            locked_text(len(locked))
            if locked_text
            else f"勾选的欠费中有{len(locked)}条处于锁定状态，锁定的欠费需要先解锁才能缴费，"
            "请在【缴费记录】中对锁定的记录点击【解锁】。"
        )
        raise PaymentRuleError("LINE_LOCKED", text, [r["line_id"] for r in locked])
    busy = [r for r in rows if r["state"] == IN_PROGRESS]
    if busy:
        raise PaymentRuleError(
            "LINE_IN_PROGRESS",
            f"勾选的欠费中有{len(busy)}条正在银行扣款中，请等待扣款结果，不要重复缴费。",
            [r["line_id"] for r in busy],
        )
    gaps = missing_earlier(lines, chosen)
    if gaps:
        first_id = next(iter(gaps))
        line = by_id[first_id]
        months = sorted({g["period_start"] for g in gaps[first_id]})
        name = levy_name(line["levy_item"]) if levy_name else line["levy_item"]
        missing = sorted({g["line_id"] for gs in gaps.values() for g in gs})
        raise PaymentRuleError(
            "OUT_OF_ORDER",
            f"单位编号{line['unit_number']}的{name}是顺序缴费（是否顺序缴费为“是”），"
            f"须先缴纳或一并勾选费款所属期{'、'.join(months)}的欠费。",
            missing,
        )
    return rows


def agreement_refusal(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """Why these lines cannot be paid by 三方协议 (FAQ Q20), or None."""
    special = [r for r in rows if r["pay_type"] == SPECIAL]
    if special:
        return (
            f"勾选的欠费中有{len(special)}条缴费类型为“特殊缴费”，特殊缴费不支持三方协议缴费，"
            "请选择银行端凭证缴费，或只勾选正常缴费的欠费。"
        )
    return None


def summary_missing(
    lines: Sequence[Mapping[str, Any]], chosen: Sequence[str]
) -> list[Mapping[str, Any]]:
    """At the bank counter, 顺序缴费 lines only go on one 汇总开具 voucher holding all of
    them: the payable ordered lines a voucher for `chosen` would lack."""
    picked = set(chosen)
    if not any(ln["line_id"] in picked and ln["sequential"] for ln in lines):
        return []
    return [
        ln
        for ln in lines
        if ln["sequential"] and not ln["deferrable"] and ln["line_id"] not in picked
    ]


def voucher_refusal(lines: Sequence[Mapping[str, Any]], chosen: Sequence[str]) -> str | None:
    missing = summary_missing(lines, chosen)
    if not missing:
        return None
    blocked = [m for m in missing if m["state"] not in PAYABLE]
    if blocked:
        return (
            "是否顺序缴费为“是”的欠费到银行柜台缴纳时只能汇总开具一张凭证，但其中有"
            f"{len(blocked)}条处于锁定或扣款中状态，请先在【缴费记录】中处理后再开具。"
        )
    return (
        "是否顺序缴费为“是”的欠费到银行柜台缴纳时只能汇总开具一张凭证，还有"
        f"{len(missing)}条顺序缴费的欠费未勾选，请点击【汇总开具】。"
    )


def summary_selection(lines: Sequence[Mapping[str, Any]]) -> list[str]:
    """汇总开具: every payable 顺序缴费 line (可缓缴 ones are left for the clerk to add)."""
    return [
        ln["line_id"]
        for ln in lines
        if ln["sequential"] and not ln["deferrable"] and ln["state"] in PAYABLE
    ]


def mask_account(account: str) -> str:
    return f"*****{account[-4:]}" if account else ""


@dataclass(frozen=True)
class PayerAccountInput:
    """人工录入账户账号信息 (付款人名称, 付款人账号, 开户银行名称), all required."""

    name: str
    account: str
    bank_name: str

    def problem(self) -> str | None:
        if not self.name.strip():
            return "请输入付款人名称。"
        if not self.account.strip():
            return "请输入付款人账号。"
        digits = self.account.strip().replace(" ", "")
        if not digits.isdigit() or not 8 <= len(digits) <= 32:
            return "付款人账号应为8至32位数字，请核对银行账号。"
        if not self.bank_name.strip():
            return "请输入开户银行名称。"
        return None

    def cleaned(self) -> PayerAccountInput:
        return PayerAccountInput(
            self.name.strip(), self.account.strip().replace(" ", ""), self.bank_name.strip()
        )
