"""The rules of 单位退费申请管理 (manual §2.28), without I/O: the two 退费方式, the states of an
application, and the 新增退费申请 checked before it is sent — at least one row ticked, each
退费金额 above 0 with at most two decimals and not above the row's refundable amount, the
退费账户 (name, bank of the `banks` table, 8–32 digits), the 退费原因 of its table and a
退费申请理由 of 1–200 characters. These are the 征收子系统's checks in its order, with its
sentences, so a clerk meets the same words whichever side refuses.

Money is `Decimal` to 分; the 退费金额合计 is the exact sum of the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from client.payments.agreement_rules import normalize_account_number

# 退费方式
BY_TICKET, BY_PERSON = "税票退费", "职工明细退费"
METHODS = (BY_TICKET, BY_PERSON)
METHOD_LABELS = {
    BY_TICKET: "税票退费（适用于税票退费）",
    BY_PERSON: "正常退费-职工明细退费（仅适用于单位职工明细退费）",
}
TIP = "温馨提示：请按照退费方式，选择退费方式退费并会显示对应的退费方式的内容"
ROW_PREFIX = {BY_TICKET: "T-", BY_PERSON: "P-"}

# 状态 of an application
ACCEPTED, REVIEWING, APPROVED, REFUNDED, REFUSED = (
    "已受理",
    "审核中",
    "审核通过",
    "已退库",
    "不予退费",
)
STATUSES = (ACCEPTED, REVIEWING, APPROVED, REFUNDED, REFUSED)
FINAL = (REFUNDED, REFUSED)

# 申报明细 check of a 税票 row
CHECK_OK = "一致"

# code tables (rule files)
REASONS, KINDS, BANKS = "refund_reasons", "refund_kinds", "banks"
MISSING_TABLES = (
    "退费原因、退费税金类型或银行代码表尚未下载，无法填写退费申请。请到【系统设置-规则文件更新】中"
    "点击【更新】后重新打开本窗口。"
)

ACCOUNT_NUMBER = re.compile(r"\d{8,32}")
STATEMENT_MAX = 200
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

NOTHING_SELECTED = "请先勾选需要退费的明细。"
BAD_AMOUNT = "退费金额应大于0且最多两位小数。"
NO_REFUNDABLE = "该明细已缴纳的金额已全部申请退费或正在办理退费，没有可退金额，不能勾选。"


class RefundRuleError(Exception):
    """An application the rules refuse before anything is sent. `field` names the form field
    to correct, `row_id` the row whose 退费金额 is wrong (None when neither applies)."""

    def __init__(self, message: str, field: str | None = None, row_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.row_id = row_id


def is_final(status: str | None) -> bool:
    """已退库 and 不予退费 end an application; the others are still being handled."""
    return status in FINAL


# -- money -----------------------------------------------------------------------------------
def money(value: Any) -> Decimal:
    """A wire amount ("192000.00") as `Decimal`; None and "" count as 0."""
    if value is None or value == "":
        return ZERO
    return Decimal(str(value).replace(",", "")).quantize(CENT)


def total(values: Iterable[Any]) -> Decimal:
    """The exact sum of amounts (the 退费金额合计 of an application)."""
    return sum((money(v) for v in values), ZERO)


def parse_amount(text: str) -> Decimal | None:
    """A typed 退费金额: above 0, at most two decimals (thousands separators and full-width
    digits are fine); None when it is not one."""
    cleaned = "".join(str(text).split()).replace(",", "").replace("，", "")
    cleaned = cleaned.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．"})
    if not re.fullmatch(r"\d+(\.\d{1,2})?|\.\d{1,2}", cleaned):
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    return amount.quantize(CENT) if amount > 0 else None


def refundable(row: Mapping[str, Any]) -> Decimal:
    return money(row.get("refundable"))


def can_refund(row: Mapping[str, Any]) -> bool:
    """A row can be ticked when something of it is still refundable."""
    return refundable(row) > 0


# -- code tables -----------------------------------------------------------------------------
class RuleFiles(Protocol):
    def rule_file(self, code: str) -> dict[str, Any] | None: ...


def _entries(content: Mapping[str, Any] | None) -> list[dict[str, str]]:
    raw = (content or {}).get("entries")
    if not isinstance(raw, list):
        return []
    return [
        {"code": e["code"], "name": e["name"]}
        for e in raw
        if isinstance(e, Mapping)
        and all(isinstance(e.get(k), str) and e[k] for k in ("code", "name"))
    ]


@dataclass(frozen=True)
class RefundCodes:
    """退费原因, 退费税金类型 and 银行行别 of the region, in their tables' order."""

    reasons: list[dict[str, str]]
    kinds: list[dict[str, str]]
    banks: list[dict[str, str]]

    @classmethod
    def load(cls, rules: RuleFiles) -> RefundCodes:
        return cls(
            _entries(rules.rule_file(REASONS)),
            _entries(rules.rule_file(KINDS)),
            sorted(_entries(rules.rule_file(BANKS)), key=lambda e: e["code"]),
        )

    @property
    def complete(self) -> bool:
        return bool(self.reasons and self.kinds and self.banks)

    def reason(self, code: str | None) -> dict[str, str] | None:
        return next((e for e in self.reasons if e["code"] == code), None)

    def bank(self, code: str | None) -> dict[str, str] | None:
        return next((e for e in self.banks if e["code"] == code), None)

    def kind_names(self) -> list[str]:
        return [e["name"] for e in self.kinds]


# -- the application ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RefundLine:
    """A ticked row: its id, the 退费金额 as typed, and what of it is refundable."""

    row_id: str
    amount: str
    refundable: str


@dataclass(frozen=True)
class RefundAccount:
    """选择退费账户: what the clerk typed or chose on the last step."""

    account_name: str = ""
    bank_code: str = ""
    account_number: str = ""
    reason_code: str = ""
    statement: str = ""


@dataclass(frozen=True)
class RefundDraft:
    method: str
    refund_kind: str | None
    lines: Sequence[RefundLine]
    account: RefundAccount = field(default_factory=RefundAccount)


def checked_lines(
    method: str, refund_kind: str | None, lines: Sequence[RefundLine], codes: RefundCodes
) -> list[tuple[str, Decimal]]:
    """The rows of step 2 as (row id, amount), or RefundRuleError for the first problem."""
    if method not in METHODS:
        raise RefundRuleError("请选择退费方式。", "method")
    if method == BY_PERSON and refund_kind not in codes.kind_names():
        raise RefundRuleError(
            "职工明细退费请从退费税金类型代码表中选择退费税金类型。", "refund_kind"
        )
    if not lines:
        raise RefundRuleError(NOTHING_SELECTED, "rows")
    prefix = ROW_PREFIX[method]
    seen: set[str] = set()
    out = []
    for line in lines:
        if not line.row_id.startswith(prefix):
            raise RefundRuleError(
                f"{method}只能勾选{method[:-2]}明细，请重新勾选后提交。", "rows", line.row_id
            )
        if line.row_id in seen:
            raise RefundRuleError(
                f"明细{line.row_id}被重复勾选，请重新勾选后提交。", "rows", line.row_id
            )
        seen.add(line.row_id)
        amount = parse_amount(line.amount)
        if amount is None:
            raise RefundRuleError(BAD_AMOUNT, "amount", line.row_id)
        out.append((line.row_id, amount))
    for (row_id, amount), line in zip(out, lines, strict=True):
        limit = money(line.refundable)
        if amount > limit:
            raise RefundRuleError(
                f"退费金额不能超过该明细已缴纳且未退的金额{limit:.2f}元。", "amount", row_id
            )
    return out


def checked_account(account: RefundAccount, codes: RefundCodes) -> dict[str, str]:
    """Step 3 as the request's account, reason and statement, or RefundRuleError naming the
    field to correct."""
    name = account.account_name.strip()
    if not name:
        raise RefundRuleError("请填写退费银行账户名称。", "account_name")
    if codes.bank(account.bank_code) is None:
        raise RefundRuleError("请从银行行别代码表中选择退费银行。", "bank_code")
    number = normalize_account_number(account.account_number)
    if not ACCOUNT_NUMBER.fullmatch(number) or not number.isascii():
        raise RefundRuleError("退费银行账户应为8至32位数字。", "account_number")
    if codes.reason(account.reason_code) is None:
        raise RefundRuleError("请从退费原因代码表中选择退费原因。", "reason_code")
    statement = account.statement.strip()
    if not 1 <= len(statement) <= STATEMENT_MAX:
        raise RefundRuleError(f"退费申请理由应为1至{STATEMENT_MAX}个字。", "statement")
    return {
        "account_name": name,
        "bank_code": account.bank_code,
        "account_number": number,
        "reason_code": account.reason_code,
        "statement": statement,
    }


def checked_body(draft: RefundDraft, codes: RefundCodes) -> dict[str, Any]:
    """The request body of 提交申请, or RefundRuleError for the first thing to correct."""
    lines = checked_lines(draft.method, draft.refund_kind, draft.lines, codes)
    account = checked_account(draft.account, codes)
    return {
        "method": draft.method,
        "refund_kind": draft.refund_kind if draft.method == BY_PERSON else None,
        "rows": [{"row_id": row_id, "amount": f"{amount:.2f}"} for row_id, amount in lines],
        "account": {k: account[k] for k in ("account_name", "bank_code", "account_number")},
        "reason_code": account["reason_code"],
        "statement": account["statement"],
    }


def body_total(body: Mapping[str, Any]) -> Decimal:
    """退费金额合计 of a request body: the exact sum of its rows."""
    return total(r["amount"] for r in body["rows"])
