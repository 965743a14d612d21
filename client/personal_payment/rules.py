"""The rules of 城乡居民个人缴费 explained before anything is sent: what may be ticked together,
the 支付方式, the order states and what each allows, money as exact `Decimal` sums."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SELF_MODE = "self"  # 社保费缴纳（自主）: 税务自主 regions
VERIFIED_MODE = "verified"  # 社保费缴纳（核定）: 税务代征 regions
MODE_OF_COLLECTION = {"税务自主": SELF_MODE, "税务代征": VERIFIED_MODE}

METHODS = ("微信", "支付宝", "政融支付")
METHOD_LABELS = {
    "微信": ("微信支付", "使用微信APP扫码支付"),
    "支付宝": ("支付宝支付", "使用支付宝APP扫码支付"),
    "政融支付": ("政融支付", "支持银行卡、微信、支付宝支付"),
}

WAITING = "待支付"
PAID = "支付成功"
FAILED = "支付失败"
CLOSED = "已关闭"
STATES = (WAITING, PAID, FAILED, CLOSED)
SETTLED = (PAID, FAILED, CLOSED)

LEVY_ITEMS = ("10210", "10211")  # 参保险种: 城乡居民基本养老保险, 城乡居民基本医疗保险

NOTHING_TICKED = "请先勾选需要缴费的缴费信息。"
CHOOSE_METHOD = "请选择支付方式。"
STATE_CHANGED = "订单状态已变更，不能继续支付。"

_CENT = Decimal("0.01")


class PaymentRuleError(Exception):
    """A refusal before anything is sent, in one sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def serial_split(serial: str) -> str:
    return (
        f"征集通知流水号{serial}的缴费信息需一起缴费，请同时勾选该流水号下的全部缴费信息后再缴费。"
    )


def money(value: Any) -> Decimal:
    """An amount as `Decimal`, half up to 分."""
    return Decimal(str(value).replace(",", "")).quantize(_CENT, rounding=ROUND_HALF_UP)


def total(rows: Iterable[Mapping[str, Any]]) -> Decimal:
    """The exact sum of the rows' 缴费金额."""
    return sum((money(r["amount"]) for r in rows), Decimal("0.00"))


def tick_group(row: Mapping[str, Any]) -> str:
    """Rows ticked together: those of one 征集通知流水号 (a row without one stands alone)."""
    serial = row.get("collection_serial")
    return f"serial:{serial}" if serial else f"row:{row['row_id']}"


def check_selection(
    pending: Sequence[Mapping[str, Any]], chosen: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The rows to pay: something ticked, and every row of a ticked 征集通知流水号."""
    if not chosen:
        raise PaymentRuleError(NOTHING_TICKED)
    ids = {r["row_id"] for r in chosen}
    for row in chosen:
        serial = row.get("collection_serial")
        if serial and any(
            p.get("collection_serial") == serial and p["row_id"] not in ids for p in pending
        ):
            raise PaymentRuleError(serial_split(serial))
    return list(chosen)


def check_method(method: str | None) -> str:
    if method not in METHODS:
        raise PaymentRuleError(CHOOSE_METHOD)
    return method


def may_continue(state: str) -> bool:
    """缴费 (继续缴费) is offered for orders still 待支付."""
    return state == WAITING


def years_text(rows: Iterable[Mapping[str, Any]]) -> str:
    years = sorted({int(r["year"]) for r in rows})
    return "、".join(str(y) for y in years)


def result_text(state: str, reason: str | None) -> str:
    if state == PAID:
        return "缴费成功，款项已支付。"
    if state == FAILED:
        return f"支付失败：{reason or '交易失败，未扣款。'}"
    if state == CLOSED:
        return f"订单已关闭：{reason or '未支付。'}"
    return "等待缴费人扫码支付…"
