"""费款缴纳-缴费 (manual §2.11, §3.9): the arrears fetched from the 征收子系统 when the page
opens and on 刷新; 立即缴费 → 核对 → 安全认证 → 选择缴费方式 → 三方协议缴费 (confirm, bank result,
缴费记录) or 银行端凭证缴费 (payer account, then the voucher's print preview); 汇总开具 for
顺序缴费 arrears at the bank counter; 解除锁定 where the module shows it (代收单位 §3.9).

可缓缴 unit parts are not ticked when the list loads; ticking one asks the 缓缴 question first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

from client.jobs import Job, JobContext
from client.payments.auth import PaymentTicket, authenticate
from client.payments.pay import IssuedVoucher, PaymentPlan, PaymentSubmitted
from client.payments.reasons import PAYMENT_RECORDS_PAGE, explain
from client.payments.rules import (
    BY_AGREEMENT,
    CHECK_PROMPT,
    DEFERRAL_NOTICE,
    DEFERRAL_PROMPT,
    LOCKED,
    PAID,
    PAYABLE,
    PaymentRuleError,
    format_money,
    needs_deferral_prompt,
    summary_selection,
    ticked_by_default,
    total,
)
from client.sync.submissions import SubmissionUncertainError
from client.ui.jobs import JobHandle
from client.ui.listpage import Action, ComboCondition, ListPageSpec, MonthRangeCondition
from client.ui.page_helpers import KeyedListPage, open_preview
from client.ui.pages import BasePage, PageContext
from client.ui.payments.common import PaymentScope, arrears_columns, error_text
from client.ui.payments.dialogs import PaymentAuthDialog, PayMethodDialog
from client.ui.print_preview import PrintPreviewDialog

SUMMARY_ONLY = "汇总开具用于到银行柜台缴纳顺序缴费的欠费，只能选择银行端凭证缴费。"
NO_AGREEMENT = "本单位还没有验证通过的三方协议，不能使用三方协议缴费。"
UNCERTAIN_PAYMENT = (
    "发起缴费后与税务系统的连接中断，无法确认是否已缴费。"
    "请检查网络后再次点击【立即缴费】并输入申报密码，系统会先确认上次的结果，不会重复缴费。"
)
PENDING_NOTICE = "上次缴费时连接中断，结果未知。输入申报密码后，系统先向税务系统确认上次的缴费结果，不会重复缴费。"


def ask_payment_password(page: BasePage, then: Callable[[Any], object]) -> PaymentAuthDialog:
    """安全认证 with the 申报密码 (checked off the UI thread); 确定 calls `then(ticket)`."""
    api, unit_id = page.ctx.session.api, page.ctx.session.unit.unit_id

    def run_job(fn: Any, ok: Any, failed: Any) -> JobHandle[Any]:
        return page.runner.run(Job("安全认证", lambda _ctx: fn()), ok, failed, progress=False)

    dialog = PaymentAuthDialog(lambda pw: authenticate(api, unit_id, pw), run_job, page)
    dialog.accepted.connect(lambda: then(dialog.ticket))
    dialog.open()
    return dialog


class FeePaymentPage(KeyedListPage):
    KEY: ClassVar[str] = "fee_payment"
    TITLE: ClassVar[str] = "缴费"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = PaymentScope(ctx, self)
        self.service = self.scope.payments
        self.plan: PaymentPlan | None = None
        self.auth_dialog: PaymentAuthDialog | None = None
        self.method_dialog: PayMethodDialog | None = None
        self.preview: PrintPreviewDialog | None = None
        self.last_result: Any = None
        self._after_auth: Any = None
        self.show_list(self.service.arrears.source(), self.scope.services)
        self.fetch()

    def _spec(self) -> ListPageSpec:
        actions = [
            Action("pay", "立即缴费", lambda _p: self.pay_now(), object_name="btn_pay_now"),
            Action("summary", "汇总开具", lambda _p: self.summary_voucher(),
                   object_name="btn_summary_voucher"),
            Action("refresh", "刷新", lambda _p: self.fetch(), object_name="btn_refresh_arrears"),
        ]  # fmt: skip
        if self.scope.kind == "collector":  # §3.9 (四) 解除锁定 on the payment page
            actions.append(
                Action(
                    "unlock", "解除锁定", lambda _p: self.unlock_ticked(), object_name="btn_unlock"
                )
            )
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=arrears_columns(self.scope),
            conditions=[
                MonthRangeCondition("period", "费款所属期"),
                ComboCondition("state", "状态", ["未缴费", "扣费中", "锁定", "扣费失败"]),
                ComboCondition("pay_type", "缴费类型", ["正常", "特殊缴费"]),
            ],
            actions=actions,
            summary=self._summary,
            confirm_tick=self._confirm_tick,
            empty_text="没有欠费信息。申报成功后的社保费会在这里显示，可点击【刷新】重新获取。",
            export_name="欠费信息",
        )

    def _summary(self, _filters: Any) -> list[tuple[str, Any]]:
        count, amount = self.service.arrears.payable_total()
        return [("待缴欠费", f"{count}条"), ("欠费合计（元）", format_money(amount))]

    def _confirm_tick(self, row: dict[str, Any]) -> bool:
        if row.get("state") == LOCKED and self.scope.wording.unlock_on_payment_page:
            return True  # ticked for 解除锁定 (§3.9 (四)); 立即缴费 refuses it
        if row.get("state") not in PAYABLE:
            self.prompts.warning(self, self._state_text(row), title="提示")
            return False
        if needs_deferral_prompt(row):
            return self.prompts.confirm(
                self, DEFERRAL_PROMPT, title="缓缴提醒", yes="确定", no="取消"
            )
        return True

    # -- 获取欠费信息 / 刷新 ---------------------------------------------------------------
    def fetch(self) -> JobHandle[int]:
        service = self.service

        def run(ctx: JobContext) -> int:
            return service.arrears.refresh(ctx)

        def text(error: BaseException) -> str:
            return f"{error_text(error, self.scope.wording)[0]}（列表显示的是上次获取的欠费信息。）"

        failed = self.failure("获取欠费信息", text, quiet_cancel=False)
        self.handle = self.runner.run(Job("获取欠费信息", run), self._fetched, failed)
        return self.handle

    def _fetched(self, _count: int) -> None:
        self.list.query()
        lines = self.service.arrears.lines()
        self.list.model.clear_checks()
        self.list.model.set_keys_checked([ln["line_id"] for ln in lines if ticked_by_default(ln)])
        if any(ln["deferrable"] and ln["state"] in PAYABLE for ln in lines):
            self.prompts.info(self, DEFERRAL_NOTICE, title="缓缴提示")

    # -- 立即缴费 ---------------------------------------------------------------------------
    def pay_now(self, line_ids: list[str] | None = None, summary: bool = False) -> None:
        if self.service.has_pending_payments():  # first confirm what the lost answer was
            self.prompts.info(self, PENDING_NOTICE, title="立即缴费")
            self.ask_password(self._confirm_pending)
            return
        keys = list(line_ids if line_ids is not None else self.list.checked_keys())
        try:
            plan = self.service.plan(keys, self.scope.names.levy_item)
        except PaymentRuleError as error:
            self.prompts.error(self, self.scope.wording.say(error.message), title="缴费")
            return
        if summary:
            plan = dataclasses.replace(plan, agreement_refusal=SUMMARY_ONLY)
        self.plan = plan
        text = CHECK_PROMPT.format(count=plan.count, amount=format_money(plan.amount))
        if plan.deferrable:
            text += f"其中{plan.deferrable}条为可缓缴的单位缴纳部分，确认本期缴纳。"
        if not self.prompts.confirm(self, text, title="立即缴费", yes="确定", no="取消"):
            return
        self.ask_password(self._choose_method)

    def summary_voucher(self) -> None:
        """汇总开具: every payable 顺序缴费 line on one voucher (seed 001 注意 4, 5)."""
        ids = summary_selection(self.service.arrears.lines())
        if not ids:
            self.prompts.info(
                self, "没有是否顺序缴费为“是”的待缴欠费，无需汇总开具。", title="汇总开具"
            )
            return
        self.list.model.clear_checks()
        self.list.model.set_keys_checked(ids)
        self.pay_now(ids, summary=True)

    def ask_password(self, then: Any) -> PaymentAuthDialog:
        self.auth_dialog = ask_payment_password(self, then)
        return self.auth_dialog

    def _choose_method(self, ticket: PaymentTicket) -> None:
        plan = self.plan
        assert plan is not None
        service, say = self.service, self.scope.wording.say

        def run(ctx: JobContext) -> tuple[list[dict[str, Any]], list[PaymentSubmitted]]:
            resent = service.resend_pending_payments(ticket)
            ctx.progress("获取三方协议", 0, None)
            return service.agreements_for_payment(), resent

        def show(found: tuple[list[dict[str, Any]], list[PaymentSubmitted]]) -> None:
            agreements, resent = found
            if resent:
                self.prompts.info(
                    self, say(f"上次连接中断的{len(resent)}笔缴费已确认受理，没有重复缴费，请在【缴费记录】中查看结果。"),
                    title="缴费",
                )  # fmt: skip
                self.fetch()
                return
            self.method_dialog = PayMethodDialog(
                plan, agreements, service.payers.all, service.payers.save,
                "" if plan.agreement_refusal else say(NO_AGREEMENT + explain("NO_VERIFIED_AGREEMENT").next_step),
                self,
            )  # fmt: skip
            self.method_dialog.accepted.connect(lambda: self._method_chosen(ticket))
            self.method_dialog.open()

        self.handle = self.runner.run(Job("获取三方协议", run), show, self._failed)

    def _confirm_pending(self, ticket: PaymentTicket) -> None:
        """Resend the payments whose answer was lost with their first key: the 征收子系统
        answers with its first result, so nothing is paid twice."""
        service, say = self.service, self.scope.wording.say

        def run(_ctx: JobContext) -> list[PaymentSubmitted]:
            return service.resend_pending_payments(ticket)

        def done(resent: list[PaymentSubmitted]) -> None:
            self.last_result = resent
            self.prompts.info(
                self, say(f"上次连接中断的{len(resent)}笔缴费已确认受理，没有重复缴费，请在【缴费记录】中查看结果。"),
                title="缴费",
            )  # fmt: skip
            self.fetch()

        self.handle = self.runner.run(Job("确认上次缴费结果", run), done, self._failed)

    def _method_chosen(self, ticket: PaymentTicket) -> None:
        dialog, plan = self.method_dialog, self.plan
        assert dialog is not None and plan is not None
        if dialog.method == BY_AGREEMENT:
            a = dialog.agreement or {}
            text = (
                f"缴费金额: {format_money(plan.amount)} 元\n缴费方式: 三方协议支付 "
                f"{a.get('agreement_name') or a.get('bank_name') or ''} {a.get('account_masked') or ''}"
            )
            if self.prompts.confirm(self, text, title="确认缴费", yes="确认缴费", no="取消"):
                self.pay_by_agreement(plan, a, ticket)
        else:
            self.issue_voucher(plan, dialog.payer, ticket)

    def pay_by_agreement(
        self, plan: PaymentPlan, agreement: dict[str, Any], ticket: PaymentTicket
    ) -> JobHandle[list[dict[str, Any]]]:
        service = self.service

        def run(ctx: JobContext) -> list[dict[str, Any]]:
            ctx.progress("发起三方协议缴费", 0, None)
            submitted = service.pay_by_agreement(plan, agreement, ticket)
            return service.wait_for_bank(submitted, ctx)

        self.handle = self.runner.run(Job("三方协议缴费", run), self._paid, self._failed)
        return self.handle

    def _paid(self, deductions: list[dict[str, Any]]) -> None:
        self.last_result = deductions
        self._fetched(0)
        say = self.scope.wording.say
        ok = [d for d in deductions if d["status"] == PAID]
        lines = [
            f"共{len(deductions)}笔扣款：缴费成功{len(ok)}笔，合计{format_money(total(d['amount'] for d in ok))}元。"
        ]
        for d in deductions:
            if d["status"] == PAID:
                continue
            if d.get("reason"):
                e = explain(d["reason"])
                lines.append(
                    say(
                        f"应征凭证序号{d['voucher_number']}：{d['status']}，{e.meaning}{e.next_step}"
                    )
                )
            elif d["status"] == LOCKED:
                lines.append(
                    f"应征凭证序号{d['voucher_number']}：锁定（银行结果未知），{self.scope.wording.unlock_step}"
                )
            else:
                lines.append(
                    say(
                        f"应征凭证序号{d['voucher_number']}：{d['status']}，银行仍在处理，请稍后在【缴费记录】中查看。"
                    )
                )
        self.prompts.info(self, "\n".join(lines), title="缴费结果")
        if self.scope.has_page(PAYMENT_RECORDS_PAGE):
            self.ctx.open_page(PAYMENT_RECORDS_PAGE)

    def issue_voucher(
        self, plan: PaymentPlan, payer: Any, ticket: PaymentTicket
    ) -> JobHandle[IssuedVoucher]:
        service = self.service

        def run(ctx: JobContext) -> IssuedVoucher:
            ctx.progress("开具银行端查询缴税凭证", 0, None)
            return service.issue_voucher(plan, payer, ticket)

        self.handle = self.runner.run(
            Job("开具银行端查询缴税凭证", run), self._issued, self._failed
        )
        return self.handle

    def _issued(self, issued: IssuedVoucher) -> None:
        self.last_result = issued
        self._fetched(0)
        if issued.voided_serials:
            self.prompts.info(
                self, f"已重新开具凭证，原凭证{'、'.join(issued.voided_serials)}已作废，请使用新凭证缴款。",
                title="银行端凭证缴费",
            )  # fmt: skip
        self.preview = open_preview(self, issued.pdf, "银行端查询缴税凭证", self.prompts)

    def _failed(self, error: BaseException) -> None:
        text, _ = error_text(error, self.scope.wording)
        if isinstance(error, SubmissionUncertainError) and self.service.has_pending_payments():
            text = UNCERTAIN_PAYMENT
        self.prompts.error(self, text, title="缴费")
        self.fetch()

    # -- 解除锁定 (代收单位) ---------------------------------------------------------------
    def unlock_ticked(self) -> PaymentAuthDialog | None:
        """勾选 锁定 rows → 安全认证 → progress → 解锁处理结果 (manual §3.9 (四))."""
        rows = [r for r in self.list.checked_rows() if r["state"] == LOCKED]
        if not rows:
            self.prompts.info(self, "请勾选状态为“锁定”的欠费数据。", title="解除锁定")
            return None
        return self.ask_password(lambda ticket: self._unlock(rows, ticket))

    def _unlock(self, rows: list[dict[str, Any]], ticket: PaymentTicket) -> None:
        records = self.service.deductions

        def run(ctx: JobContext) -> list[dict[str, Any]]:
            ids = records.locked_for_lines(rows, ctx)
            return [records.unlock(i, ticket, ctx) for i in ids]

        def done(results: list[dict[str, Any]]) -> None:
            self.last_result = results
            self._fetched(0)
            self.prompts.info(self, self.scope.wording.say(unlock_text(results)),
                              title="解锁处理结果")  # fmt: skip

        self.handle = self.runner.run(Job("解除锁定", run), done, self._failed)

    def _state_text(self, row: dict[str, Any]) -> str:
        if row.get("state") == LOCKED:
            return self.scope.wording.locked_row
        return "该欠费正在银行扣款中，请等待扣款结果，不要重复缴费。"


def unlock_text(results: list[dict[str, Any]]) -> str:
    out = []
    for d in results:
        if d["status"] == PAID:
            out.append(
                f"应征凭证序号{d['voucher_number']}：扣费状态为“缴费成功”，该笔税款已缴费成功，无需再次缴费。"
            )
        else:
            e = explain(d.get("reason"))
            out.append(
                f"应征凭证序号{d['voucher_number']}：扣费状态为“扣费失败”，{e.meaning}{e.next_step}"
            )
    return "\n".join(out)
