"""Every refusal of 退费 in plain language with the next step: the sibling of
`client.payments.reasons` (same shape, same `Explanation`), keyed by the contract's error
codes of docs/http-contract.md › 退费. The server's own sentence is shown first; this table
adds what to do about it."""

from __future__ import annotations

from client.payments.reasons import Explanation
from client.sync.errors import ApiError

REFUNDS_PAGE = "unit_refunds"

_T = tuple[str, str, str | None]

# code → (meaning, next step, page)
TABLE: dict[str, _T] = {
    "NOTHING_SELECTED": ("没有勾选需要退费的明细。", "请先勾选需要退费的明细。", None),
    "ROW_NOT_FOUND": (
        "所选明细在征收子系统中已不存在或已不可退费。",
        "请返回上一步重新查询后再勾选。",
        None,
    ),
    "BAD_AMOUNT": ("退费金额格式不对。", "退费金额应大于0且最多两位小数。", None),
    "ROWS_IN_OPEN_APPLICATION": (
        "所选明细已在另一笔退费申请中办理，不能重复申请。",
        "请在【单位退费申请管理】中点击【刷新】查看该申请的办理进度；申请不予退费后方可重新申请。",
        REFUNDS_PAGE,
    ),
    "AMOUNT_EXCEEDS_PAID": (
        "退费金额超过了该明细已缴纳且未退的金额。",
        "请返回上一步把退费金额改为不超过可退金额后再提交。",
        None,
    ),
    "BAD_ACCOUNT": (
        "退费账户信息不完整或账号格式不对。",
        "退费银行账户名称必填，退费银行从下拉列表中选择，退费银行账户应为8至32位数字。",
        None,
    ),
    "REFUND_NOT_FOUND": (
        "该退费申请在征收子系统中不存在。",
        "请点击【刷新】后再查看。",
        REFUNDS_PAGE,
    ),
}


def explain_error(error: ApiError) -> Explanation:
    """A refusal of the 征收子系统: its own sentence, and our next step by its code."""
    message = str(error.message or "").strip()
    known = TABLE.get(error.code or "")
    if known is None:
        return Explanation(error.code or "", message, "", None)
    meaning, next_step, page = known
    return Explanation(error.code, message or meaning, next_step, page)


def error_text(error: ApiError) -> str:
    """The server's sentence, then what to do (when that is not the same sentence)."""
    found = explain_error(error)
    if not found.next_step or found.next_step in found.meaning:
        return found.meaning
    return f"{found.meaning}{found.next_step}"
