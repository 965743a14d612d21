"""Every refusal and failure reason of 费款缴纳 in plain language with the next step: one table,
used by the pages and the 异常提醒 alike, so a clerk never meets a bare code.

Keys are the contract's error codes (docs/http-contract.md, 费款缴纳) and the reasons the bank
or the tax system writes on a deduction, voucher or agreement (matched as a fragment).
"""

from __future__ import annotations

from dataclasses import dataclass

from client.sync.errors import ApiError

# Menu keys of the pages a next step may open.
PAYMENT_PAGE = "fee_payment"
VOUCHER_RECORDS_PAGE = "fee_voucher_records"
PAYMENT_RECORDS_PAGE = "fee_payment_records"
AGREEMENTS_PAGE = "unit_agreements"
FEE_RECORDS_PAGE = "fee_records"


@dataclass(frozen=True)
class Explanation:
    reason: str  # what the bank or the tax system said
    meaning: str  # what it means, in a clerk's words
    next_step: str  # what to do now
    page: str | None = None  # the menu entry where that is done

    @property
    def text(self) -> str:
        return f"{self.meaning}{self.next_step}"


_T = tuple[str, str, str | None]

# code or reason fragment → (meaning, next step, page)
TABLE: dict[str, _T] = {
    # -- bank answers on a deduction -------------------------------------------------------
    "账户余额不足": (
        "扣款账户余额不足，银行没有扣款。",
        "请先向该账户存入足额资金，再到【缴费】页面重新缴费。",
        PAYMENT_PAGE,
    ),
    "账户已冻结或止付": (
        "扣款账户已被冻结或止付，银行无法扣款。",
        "请联系开户银行解除冻结，或改用其他三方协议账户、银行端凭证缴费。",
        PAYMENT_PAGE,
    ),
    "账户已销户": (
        "协议中的银行账户已销户。",
        "请在【单位三方协议管理】中撤销该协议并用新账户签订协议，然后重新缴费。",
        AGREEMENTS_PAGE,
    ),
    "三方协议已终止或未验证": (
        "扣款时三方协议已不是验证通过状态，银行没有扣款。",
        "请在【单位三方协议管理】中查看协议状态，验证通过后重新缴费。",
        AGREEMENTS_PAGE,
    ),
    "银行确认未扣款": (
        "解锁时银行确认这笔税款没有扣款成功。",
        "这笔欠费可以再次缴费，请到【缴费】页面重新发起缴费。",
        PAYMENT_PAGE,
    ),
    # -- bank answers on an agreement ------------------------------------------------------
    "账户名称与纳税人名称不一致": (
        "银行校验发现账户名称与纳税人名称不一致，协议未通过验证。",
        "请到开户银行网点柜面签署纸质《委托银行代扣缴税费协议书》，再回到【单位三方协议管理】"
        "修改账户名称后重新验证。",
        AGREEMENTS_PAGE,
    ),
    "已有验证通过的允许银行代扣协议": (
        "银行验证时本单位已有验证通过的允许银行代扣协议，同一单位只能有一个，本协议未通过验证。",
        "请先将原协议修改为不允许代扣或将原协议撤销后重新验证；或将本协议修改为不允许代扣后再验证。",
        AGREEMENTS_PAGE,
    ),
    # -- voucher states ---------------------------------------------------------------------
    "重新开具凭证，原凭证已作废": (
        "同一笔欠费重新打印了凭证，原凭证已作废，银行查询不到原凭证。",
        "请使用最新打印的凭证到银行缴款。",
        VOUCHER_RECORDS_PAGE,
    ),
    "欠费已通过其他方式缴纳": (
        "凭证上的欠费已通过三方协议等其他方式缴纳，凭证已作废。",
        "无需再持该凭证缴款，可在【缴费记录】中查看缴费结果。",
        PAYMENT_RECORDS_PAGE,
    ),
    "缴费人作废": (
        "凭证已由缴费人作废。",
        "如仍需到银行柜台缴费，请在【缴费】页面重新打印凭证。",
        PAYMENT_PAGE,
    ),
    "VOUCHER_EXPIRED": (
        "凭证已过税款缴款日期，银行不再受理。",
        "请在【缴费凭证打印记录】中作废该凭证，再到【缴费】页面重新打印后缴款。",
        VOUCHER_RECORDS_PAGE,
    ),
    # -- refusals of the 征收子系统 ---------------------------------------------------------
    "WRONG_PASSWORD": (
        "申报密码不正确。",
        "请输入登录本单位时使用的申报密码；连续输错3次将锁定缴费3分钟。",
        None,
    ),
    "PAYMENT_LOCKED": (
        "申报密码连续输错3次，缴费功能暂时锁定。",
        "请等待锁定时间结束后再缴费；忘记密码请联系主管税务机关重置。",
        None,
    ),
    "PAYMENT_AUTH_REQUIRED": ("安全认证已过期。", "请重新输入申报密码后再操作。", None),
    "OUT_OF_ORDER": (
        "是否顺序缴费为“是”的欠费必须按费款所属期从早到晚缴纳。",
        "请一并勾选更早所属期的欠费，或先缴纳它们。",
        PAYMENT_PAGE,
    ),
    "SPECIAL_NOT_BY_AGREEMENT": (
        "缴费类型为“特殊缴费”的欠费不支持三方协议缴费。",
        "请选择银行端凭证缴费，打印凭证后到银行柜台缴款。",
        PAYMENT_PAGE,
    ),
    "SUMMARY_REQUIRED": (
        "是否顺序缴费为“是”的欠费到银行柜台缴纳时只能汇总开具一张凭证。",
        "请点击【汇总开具】，把这些欠费开在同一张凭证上。",
        PAYMENT_PAGE,
    ),
    "NO_VERIFIED_AGREEMENT": (
        "本单位还没有验证通过的三方协议，不能使用三方协议缴费。",
        "请到【单位三方协议管理】新增并验证协议，或选择银行端凭证缴费。",
        AGREEMENTS_PAGE,
    ),
    "AGREEMENT_NOT_VERIFIED": (
        "所选三方协议尚未验证通过，不能用于缴费。",
        "请到【单位三方协议管理】验证该协议，或选择其他协议。",
        AGREEMENTS_PAGE,
    ),
    "AGREEMENT_NOT_FOUND": (
        "所选三方协议在征收子系统中不存在。",
        "请刷新后重新选择协议。",
        AGREEMENTS_PAGE,
    ),
    "LINE_LOCKED": (
        "所选欠费处于锁定状态（上次扣款结果未知）。",
        "请先在【缴费记录】中解锁，确认扣款结果后再缴费。",
        PAYMENT_RECORDS_PAGE,
    ),
    "LINE_IN_PROGRESS": (
        "所选欠费正在银行扣款中。",
        "请稍后在【缴费记录】中查看扣款结果，不要重复缴费。",
        PAYMENT_RECORDS_PAGE,
    ),
    "ALREADY_PAID": ("所选欠费已经缴费。", "请刷新欠费列表后再操作。", PAYMENT_PAGE),
    "LINE_NOT_FOUND": ("所选欠费已不在欠费列表中。", "请刷新欠费列表后再操作。", PAYMENT_PAGE),
    "NOTHING_SELECTED": ("没有勾选欠费。", "请先勾选需要缴费的欠费数据。", None),
    "BAD_PAYER": (
        "付款人账户信息不完整或账号格式不对。",
        "付款人名称、开户银行名称必填，付款人账号应为8至32位数字。",
        None,
    ),
    "VOUCHER_PAID": ("该凭证已缴款。", "已缴款的凭证不能作废。", None),
    "VOUCHER_VOIDED": (
        "该凭证已作废。",
        "已作废的凭证不能重新打印或再次作废，请在【缴费】页面重新缴费。",
        PAYMENT_PAGE,
    ),
    "NOT_LOCKED": ("该缴费记录不是锁定状态。", "无需解锁。", None),
    "DEDUCTION_AGREEMENT_EXISTS": (
        "本单位已有验证通过的允许银行代扣协议，同一单位只能有一个。",
        "请先把原协议改为不允许代扣，或将原协议撤销后再操作。",
        AGREEMENTS_PAGE,
    ),
    "DUPLICATE_AGREEMENT": (
        "该缴费账号已有未终止的三方协议。",
        "请直接使用或修改已有协议。",
        AGREEMENTS_PAGE,
    ),
    "BAD_ACCOUNT_NUMBER": ("缴费账号格式不对。", "缴费账号应为8至32位数字，请核对银行卡号。", None),
    "BAD_BRANCH": ("开户网点与所选银行行别或行政区划不符。", "请重新选择开户网点。", None),
    "BAD_TAX_AUTHORITY": (
        "所属税务机关不是本单位参保登记的税务机关。",
        "请从下拉列表中选择所属税务机关。",
        None,
    ),
    "NOT_VERIFIABLE": (
        "该协议当前状态不能验证。",
        "只有未验证或验证失败的协议可以验证；作废或撤销后的协议需要重新新增。",
        None,
    ),
    "NOT_VOIDABLE": ("只有未验证的协议可以作废。", "验证通过的协议请使用撤销。", None),
    "NOT_REVOCABLE": ("只有验证通过的协议可以撤销。", "未验证的协议请使用作废。", None),
    "AGREEMENT_ENDED": ("该协议已终止。", "终止的协议不能修改，请新增协议。", None),
    "AGREEMENT_BUSY": ("该协议正在验证中。", "请等待验证结果后再修改。", None),
}

_REASON_KEYS = [k for k in TABLE if not k.isupper()]


def explain(reason_or_code: str | None) -> Explanation:
    """The explanation of a code or reason; an unknown reason is shown as it is, with the
    general next step (a new reason from the bank must not hide behind a generic text)."""
    text = (reason_or_code or "").strip()
    entry = TABLE.get(text)
    if entry is None:
        entry = next((TABLE[k] for k in _REASON_KEYS if k in text), None)
    if entry is None:
        return Explanation(
            text,
            f"{text}。" if text and not text.endswith(("。", "！")) else text,
            "如需帮助，请联系主管税务机关。",
        )
    meaning, next_step, page = entry
    return Explanation(text, meaning, next_step, page)


def explain_error(error: ApiError) -> Explanation:
    """A refusal of the 征收子系统: the server's own sentence, and our next step by its code."""
    known = TABLE.get(error.code or "")
    message = str(error.message or "").strip()
    if known is None:
        return Explanation(error.code or "", message, "", None)
    meaning, next_step, page = known
    return Explanation(error.code, message or meaning, next_step, page)
