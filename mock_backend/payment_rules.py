"""Which arrears may be paid together: the lines named must be the unit's unpaid lines, 是否顺序缴费
lines go in 费款所属期 order (FAQ Q12), and at the bank counter they go on one 汇总开具 voucher.

Each check raises the contract's error; a payment or voucher runs them before creating anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from mock_backend.arrears import (
    IN_PROGRESS,
    LOCKED,
    OUTSTANDING,
    PAID,
    SPECIAL,
    Line,
    levy_names,
    lines_by_id,
    visible_lines,
)
from mock_backend.errors import ApiError

SUMMARY_MESSAGE = (
    "是否顺序缴费为“是”的欠费到银行柜台缴纳时只能汇总开具一张凭证，请使用【汇总开具】。"
)


def parse_line_ids(data: dict[str, Any]) -> list[str]:
    """The `line_ids` of a request body, in order, without repeats."""
    ids = data.get("line_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "缴费请求的格式不正确，line_ids应为欠费编号的列表，请更新客户端后重试。",
            {"field": "line_ids"},
        )
    if not ids:
        raise ApiError(422, "NOTHING_SELECTED", "请先勾选需要缴纳的欠费。")
    return list(dict.fromkeys(ids))


def _shown(line_ids: Sequence[str]) -> str:
    return "、".join(line_ids[:5]) + ("等" if len(line_ids) > 5 else "")


def select_lines(raw: sqlite3.Connection, unit_id: str, line_ids: Sequence[str]) -> list[Line]:
    """The named lines, each the unit's, unpaid, not with the bank and not 锁定 (in line order)."""
    found = lines_by_id(raw, unit_id, line_ids)
    known = {line.line_id for line in found}
    unknown = [i for i in line_ids if i not in known]
    if unknown:
        raise ApiError(
            404,
            "LINE_NOT_FOUND",
            f"没有找到本单位的欠费{_shown(unknown)}，请刷新欠费信息后重新勾选。",
            {"line_ids": unknown},
        )
    for state, status, code, message in (
        (PAID, 409, "ALREADY_PAID", "所选欠费已缴费，请刷新后再操作。"),
        (IN_PROGRESS, 409, "LINE_IN_PROGRESS",
         "所选欠费正在银行扣款中，请稍后刷新缴费记录查看扣款结果。"),
        (LOCKED, 409, "LINE_LOCKED", "所选欠费处于锁定状态，请先解锁再缴费。"),
    ):  # fmt: skip
        hit = [line.line_id for line in found if line.state == state]
        if hit:
            raise ApiError(status, code, message, {"line_ids": hit})
    return found


def _outstanding_ordered(raw: sqlite3.Connection, unit_id: str) -> list[Line]:
    marks = ", ".join("?" * len(OUTSTANDING))
    return [
        line
        for line in visible_lines(raw, unit_id, f"l.state IN ({marks})", OUTSTANDING)
        if line.ordered
    ]


def check_order(raw: sqlite3.Connection, unit_id: str, region: str, chosen: list[Line]) -> None:
    """顺序缴费: an ordered line needs every outstanding ordered line of its 单位编号 and
    征收项目 with an earlier 费款所属期起 in the same payment (else 422 OUT_OF_ORDER)."""
    chosen_ids = {line.line_id for line in chosen}
    latest: dict[tuple[str, str], str] = {}
    for line in chosen:
        if line.ordered:
            key = (line.unit_number, line.levy_item)
            latest[key] = max(latest.get(key, ""), line.period_start)
    if not latest:
        return
    missing = [
        line
        for line in _outstanding_ordered(raw, unit_id)
        if line.line_id not in chosen_ids
        and line.period_start < latest.get((line.unit_number, line.levy_item), "")
    ]
    if not missing:
        return
    first = missing[0]
    periods = sorted(
        {m.period_start for m in missing if (m.unit_number, m.levy_item) == (first.unit_number,
                                                                          first.levy_item)}
    )  # fmt: skip
    item_names, _ = levy_names(raw, region)
    raise ApiError(
        422,
        "OUT_OF_ORDER",
        f"单位编号{first.unit_number} 的{item_names.get(first.levy_item, first.levy_item)}"
        f"是顺序缴费，须先缴纳（或一并勾选）费款所属期{'、'.join(periods)}的欠费。",
        {"missing": [m.line_id for m in missing]},
    )


def check_summary(raw: sqlite3.Connection, unit_id: str, chosen: list[Line]) -> None:
    """汇总开具: a voucher holding a 顺序缴费 line holds every outstanding ordered line of the
    unit (else 422 SUMMARY_REQUIRED)."""
    if not any(line.sequential for line in chosen):
        return
    chosen_ids = {line.line_id for line in chosen}
    missing = [
        line.line_id
        for line in _outstanding_ordered(raw, unit_id)
        if line.line_id not in chosen_ids
    ]
    if missing:
        raise ApiError(422, "SUMMARY_REQUIRED", SUMMARY_MESSAGE, {"missing": missing})


def check_not_special(chosen: list[Line]) -> None:
    """FAQ Q20: 特殊缴费 arrears are not paid by agreement."""
    special = [line.line_id for line in chosen if line.pay_type == SPECIAL]
    if special:
        raise ApiError(
            422,
            "SPECIAL_NOT_BY_AGREEMENT",
            "缴费类型为“特殊缴费”的欠费不支持三方协议缴费，请使用银行端凭证缴费。",
            {"line_ids": special},
        )
