"""How each module names the 费款缴纳 pages in its sentences (no Qt).

The 代收单位 shares the employer's payment pages (manual §3.9–§3.11 repeat §2.11–§2.13) but
calls 缴费记录 "三方协议缴费记录", unlocks on the 缴费 page itself (解除锁定, §3.9 (四)) and has
no 单位三方协议管理 menu. One `PaymentWording` per module says so; every sentence that names
a page goes through `say`, so a clerk is never sent to a page their menu does not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from client.payments.reasons import AGREEMENTS_PAGE, PAYMENT_PAGE, PAYMENT_RECORDS_PAGE

EMPLOYER_KEY, COLLECTOR_KEY = "employer", "collector"


@dataclass(frozen=True)
class PaymentWording:
    module: str
    records_title: str  # the 缴费记录 page's name in this module's menu
    unlock_on_payment_page: bool  # 解除锁定 on the 缴费 page (代收单位)
    renamed: dict[str, str] = field(default_factory=dict)  # page names this module calls otherwise
    absent: frozenset[str] = frozenset()  # menu keys of payment-related pages it does not have

    @property
    def unlock_step(self) -> str:
        """What to do with a locked 欠费 before it can be paid."""
        if self.unlock_on_payment_page:
            return "请勾选锁定的欠费后点击【解除锁定】，确认扣款结果后再缴费。"
        return f"请在【{self.records_title}】中对锁定的记录点击【解锁】。"

    @property
    def locked_row(self) -> str:
        """The sentence for a locked 欠费 the clerk tries to pay."""
        return f"锁定状态的欠费不能缴费，需要先解锁：{self.unlock_step}"

    def locked_selection(self, count: int) -> str:
        return (
            f"勾选的欠费中有{count}条处于锁定状态，锁定的欠费需要先解锁才能缴费，{self.unlock_step}"
        )

    @property
    def unlock_page(self) -> str:
        """The menu key where a locked payment is unlocked."""
        return PAYMENT_PAGE if self.unlock_on_payment_page else PAYMENT_RECORDS_PAGE

    def page(self, key: str | None) -> str:
        """`key` if this module has that page, else the 缴费 page."""
        return PAYMENT_PAGE if not key or key in self.absent else key

    def say(self, text: str) -> str:
        """`text` with the pages named as this module's menu names them."""
        for old, new in self.renamed.items():
            text = text.replace(old, new)
        return text


EMPLOYER = PaymentWording(EMPLOYER_KEY, "缴费记录", unlock_on_payment_page=False)
COLLECTOR = PaymentWording(
    COLLECTOR_KEY,
    "三方协议缴费记录",
    unlock_on_payment_page=True,
    renamed={
        # a locked 欠费 is resolved on the 缴费 page itself (§3.9: 解除锁定)
        "请先在【缴费记录】中处理后再开具": "请先勾选锁定的欠费点击【解除锁定】处理后再开具",
        "【缴费记录】": "【三方协议缴费记录】",
        # 代收单位 sign their unit agreement outside this client (no 单位三方协议管理 menu).
        "到【单位三方协议管理】": "到电子税务局或开户银行",
        "在【单位三方协议管理】中": "在电子税务局或开户银行",
        "【单位三方协议管理】": "电子税务局或开户银行",
    },
    absent=frozenset({AGREEMENTS_PAGE}),
)
WORDINGS = {w.module: w for w in (EMPLOYER, COLLECTOR)}


def wording_for(module: str | None) -> PaymentWording:
    return WORDINGS.get(module or EMPLOYER_KEY, EMPLOYER)
