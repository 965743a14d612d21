"""立即缴费 (manual §2.11, §3.9): the plan of the ticked arrears, then 三方协议缴费 or
银行端凭证缴费, each sent once.

A payment or voucher request is stored before it is sent (`Submitter`): if the connection
drops after 立即缴费, the retry sends the same idempotency key and the 征收子系统 answers with
its first result, so nothing is paid twice. Every request and its outcome is written to the
journal that declarations already keep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, update

from client.fees.journal import ACCEPTED, OUTCOME, REFUSED, UNKNOWN, FeeJournal
from client.jobs import JobContext
from client.payments import wire
from client.payments.arrears import Arrears
from client.payments.auth import PaymentTicket
from client.payments.payers import PayerAccounts
from client.payments.records import PaymentRecords, VoucherRecords
from client.payments.rules import (
    BY_AGREEMENT,
    BY_VOUCHER,
    DEDUCTING,
    IN_PROGRESS,
    PayerAccountInput,
    PaymentRuleError,
    agreement_refusal,
    check_selection,
    total,
    voucher_refusal,
)
from client.payments.store import ARREARS, VOUCHERS, mark_lines, upsert_deduction, upsert_voucher
from client.payments.wording import EMPLOYER, PaymentWording
from client.storage.unit_db import UnitDatabase
from client.sync.api import ApiClient
from client.sync.errors import ApiError, MalformedResponseError
from client.sync.submissions import SubmissionUncertainError, Submitter
from client.sync.unit_service import UnitService

PAYMENT_KIND = "fee_payment"
VOUCHER_KIND = "bank_voucher"
ISSUE_VOUCHER = "开具凭证"
VERIFIED = "验证通过"


@dataclass(frozen=True)
class PaymentPlan:
    """What 立即缴费 is about to pay: the checked lines, their count and exact total, and
    why either way of paying is not open to them (None when it is)."""

    line_ids: list[str]
    rows: list[dict[str, Any]]
    amount: Decimal
    agreement_refusal: str | None
    voucher_refusal: str | None
    deferrable: int = 0  # ticked 可缓缴 unit parts

    @property
    def count(self) -> int:
        return len(self.line_ids)


@dataclass(frozen=True)
class PaymentSubmitted:
    payment_id: str
    amount: Decimal
    deductions: list[dict[str, Any]]
    resent: bool = False


@dataclass(frozen=True)
class IssuedVoucher:
    voucher: dict[str, Any]
    pdf: Path
    voided_serials: list[str] = field(default_factory=list)


class FeePayments(UnitService):
    """缴费 of one unit: arrears, 三方协议缴费, 银行端凭证缴费, and the records they make."""

    PATH = "/collect/units/{unit_id}"

    def __init__(
        self,
        api: ApiClient,
        db: UnitDatabase,
        unit_id: str,
        documents: Path,
        journal: FeeJournal | None = None,
        wording: PaymentWording = EMPLOYER,
    ) -> None:
        super().__init__(api, db, unit_id)
        self.wording = wording  # how this module names the pages in its refusals
        self.documents = documents
        self.journal = journal or FeeJournal(db)
        self.arrears = Arrears(api, db, unit_id)
        self.submitter = Submitter(api, db)
        self.deductions = PaymentRecords(api, db, unit_id, self.arrears, self.journal)
        self.vouchers = VoucherRecords(api, db, unit_id, documents, self.journal)
        self.payers = PayerAccounts(db)

    # -- 立即缴费 ---------------------------------------------------------------------------
    def plan(
        self, chosen: Sequence[str], levy_name: Callable[[str], str] | None = None
    ) -> PaymentPlan:
        lines = self.arrears.lines()
        rows = check_selection(lines, chosen, levy_name, self.wording.locked_selection)
        ids = [r["line_id"] for r in rows]
        refusal = voucher_refusal(lines, ids)
        return PaymentPlan(
            line_ids=ids,
            rows=rows,
            amount=total(r["amount"] for r in rows),
            agreement_refusal=agreement_refusal(rows),
            voucher_refusal=self.wording.say(refusal) if refusal else None,
            deferrable=sum(1 for r in rows if r["deferrable"]),
        )

    def agreements_for_payment(self) -> list[dict[str, Any]]:
        """The unit's 验证通过 三方协议, fresh from the 征收子系统 (a revoked one must not be
        offered)."""
        answer = self.api.get_json(f"{self.path}/agreements")
        agreements = answer.get("agreements") if isinstance(answer, dict) else None
        if not isinstance(agreements, list):
            raise MalformedResponseError(technical="agreement list")
        return [a for a in agreements if isinstance(a, dict) and a.get("status") == VERIFIED]

    def pay_by_agreement(
        self, plan: PaymentPlan, agreement: dict[str, Any], ticket: PaymentTicket
    ) -> PaymentSubmitted:
        if plan.agreement_refusal:
            raise PaymentRuleError("SPECIAL_NOT_BY_AGREEMENT", plan.agreement_refusal)
        body = {"line_ids": plan.line_ids, "agreement_id": agreement["agreement_id"]}
        try:
            answer = self.submitter.submit(
                PAYMENT_KIND, f"{self.path}/payments", body, plan.line_ids, _payment_applied,
                headers=ticket.headers,
            )  # fmt: skip
        except SubmissionUncertainError:
            self._journal_payment(plan, UNKNOWN, "连接中断，结果未知；再次缴费时会确认上次的结果")
            raise
        except ApiError as error:
            self._journal_payment(plan, REFUSED, error.message)
            raise
        return self._submitted(plan, answer, ACCEPTED, agreement)

    def has_pending_payments(self) -> bool:
        """A 三方协议缴费 whose answer the connection lost is waiting to be confirmed."""
        return bool(self.submitter.pending(PAYMENT_KIND))

    def resend_pending_payments(self, ticket: PaymentTicket) -> list[PaymentSubmitted]:
        """Payments whose outcome was unknown, sent again with their first key: the server
        answers with its first result instead of paying twice."""
        out = []
        for answer in self.submitter.resend_pending(
            PAYMENT_KIND, _payment_applied, headers=ticket.headers
        ):
            deductions = wire.deductions(answer)
            amount = total(d["amount"] for d in deductions)
            self.journal.record(
                OUTCOME, "缴费", "已受理", declaration_ids=[str(answer.get("payment_id"))],
                item_count=sum(len(d["line_ids"]) for d in deductions), amount=amount,
                detail="上次连接中断的缴费已确认受理（未重复缴费）",
            )  # fmt: skip
            out.append(
                PaymentSubmitted(str(answer.get("payment_id")), amount, deductions, resent=True)
            )
        return out

    def _submitted(
        self, plan: PaymentPlan, answer: Any, result: str, agreement: dict[str, Any]
    ) -> PaymentSubmitted:
        deductions = wire.deductions(answer)
        payment_id = str(answer.get("payment_id") or "")
        self.journal.record(
            BY_AGREEMENT, "缴费", result, declaration_ids=[payment_id],
            item_count=plan.count, amount=plan.amount,
            detail=f"{agreement.get('agreement_name') or agreement.get('bank_name') or ''}"
                   f" {agreement.get('account_masked') or ''}".strip(),
        )  # fmt: skip
        return PaymentSubmitted(payment_id, plan.amount, deductions)

    def _journal_payment(self, plan: PaymentPlan, result: str, detail: str) -> None:
        self.journal.record(
            BY_AGREEMENT, "缴费", result, item_count=plan.count, amount=plan.amount, detail=detail
        )

    def wait_for_bank(
        self, submitted: PaymentSubmitted, ctx: JobContext | None = None, timeout: float = 60.0
    ) -> list[dict[str, Any]]:
        """Poll the deductions of a payment until the bank has answered (or `timeout`), keep
        them, refresh the arrears, and journal the outcome."""
        ctx = ctx or JobContext()
        ids = [d["deduction_id"] for d in submitted.deductions]
        final = self.deductions.poll(ids, ctx, timeout)
        self.arrears.refresh(ctx)
        outcome = "、".join(sorted({d["status"] for d in final}))
        self.journal.record(
            OUTCOME, "缴费", outcome or DEDUCTING, declaration_ids=[submitted.payment_id],
            item_count=sum(len(d["line_ids"]) for d in final), amount=submitted.amount,
            detail="；".join(f"{d['voucher_number']} {d['status']}"
                            f"{'：' + d['reason'] if d.get('reason') else ''}" for d in final),
        )  # fmt: skip
        return final

    # -- 银行端凭证缴费 ---------------------------------------------------------------------
    def issue_voucher(
        self,
        plan: PaymentPlan,
        payer: PayerAccountInput | None,
        ticket: PaymentTicket,
    ) -> IssuedVoucher:
        """Ask for a 银行端查询缴税凭证 for the lines, keep it, and write its PDF once."""
        if plan.voucher_refusal:
            raise PaymentRuleError("SUMMARY_REQUIRED", plan.voucher_refusal)
        payer_body = None
        if payer is not None:
            problem = payer.problem()
            if problem:
                raise PaymentRuleError("BAD_PAYER", problem)
            payer = payer.cleaned()
            payer_body = {
                "name": payer.name,
                "account": payer.account,
                "bank_name": payer.bank_name,
            }
        body = {"line_ids": plan.line_ids, "payer": payer_body}
        try:
            answer = self.submitter.submit(
                VOUCHER_KIND, f"{self.path}/bank-vouchers", body, plan.line_ids,
                _voucher_applied, headers=ticket.headers,
            )  # fmt: skip
        except SubmissionUncertainError:
            self.journal.record(
                ISSUE_VOUCHER, "缴费", UNKNOWN, item_count=plan.count, amount=plan.amount,
                detail="连接中断，结果未知；再次开具时会确认上次的结果",
            )  # fmt: skip
            raise
        except ApiError as error:
            self.journal.record(
                ISSUE_VOUCHER, "缴费", REFUSED, item_count=plan.count, amount=plan.amount,
                detail=error.message,
            )  # fmt: skip
            raise
        voucher = wire.voucher(answer)
        if payer is not None:
            self.payers.used(payer)
        pdf = self.vouchers.pdf(voucher["voucher_id"])
        voided = [str(s) for s in answer.get("voided_serials") or []]
        self.journal.record(
            ISSUE_VOUCHER, "缴费", ACCEPTED, declaration_ids=[voucher["serial"]],
            item_count=plan.count, amount=plan.amount,
            detail=("汇总开具；" if voucher["summary"] else "")
            + (f"原凭证{'、'.join(voided)}已作废" if voided else f"税款缴款日期{voucher['deadline']}"),
        )  # fmt: skip
        return IssuedVoucher(voucher, pdf, voided)


def _payment_applied(conn: Connection, answer: Any, line_ids: list[Any]) -> None:
    for d in wire.deductions(answer):
        upsert_deduction(conn, d)
    mark_lines(conn, [str(i) for i in line_ids], IN_PROGRESS)


def _voucher_applied(conn: Connection, answer: Any, line_ids: list[Any]) -> None:
    voucher = wire.voucher(answer)
    voided = [str(s) for s in answer.get("voided_serials") or []]
    if voided:
        conn.execute(
            update(VOUCHERS)
            .where(VOUCHERS.c.serial.in_(voided))
            .values(status="已作废", void_reason="重新开具凭证，原凭证已作废")
        )
    upsert_voucher(conn, voucher)
    conn.execute(
        update(ARREARS)
        .where(ARREARS.c.line_id.in_([str(i) for i in line_ids]))
        .values(bank_voucher_id=voucher["voucher_id"])
    )


__all__ = ["BY_AGREEMENT", "BY_VOUCHER", "FeePayments", "PaymentPlan"]
