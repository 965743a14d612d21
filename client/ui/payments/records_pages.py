"""缴费记录 (manual §2.13; 代收单位 三方协议缴费记录 §3.11) and 缴费凭证打印记录 (§2.12, §3.10):
local records, 同步 of other channels by 费款所属期, 查看, and per row 解锁 (安全认证 →
progress → result), 重新打印 (the saved PDF) and 作废 (unpaid vouchers only)."""

from __future__ import annotations

from typing import Any, ClassVar

from client.jobs import Job, JobContext
from client.payments.auth import PaymentTicket
from client.payments.reasons import explain
from client.payments.rules import (
    DEDUCTION_CHANNELS,
    DEDUCTION_STATES,
    LOCKED,
    PAY_FAILED,
    VOUCHER_STATES,
    VOUCHER_UNPAID,
    VOUCHER_VOID,
    format_money,
)
from client.storage.listing import MappedSource
from client.ui.fees.records_page import DeclarationDetailDialog
from client.ui.jobs import JobHandle
from client.ui.listpage import (
    Action,
    Column,
    ComboCondition,
    DateRangeCondition,
    ListPageSpec,
    MonthRangeCondition,
    RowAction,
    export_action,
)
from client.ui.page_helpers import KeyedListPage, ask_range, open_preview
from client.ui.pages import PageContext
from client.ui.payments.common import PaymentScope, error_text, yes_no
from client.ui.payments.dialogs import MonthRangeDialog, PaymentAuthDialog, RowsDialog
from client.ui.payments.pay_page import ask_payment_password, unlock_text
from client.ui.print_preview import PrintPreviewDialog


class _PaymentPage(KeyedListPage):
    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.scope = PaymentScope(ctx, self)
        self.service = self.scope.payments
        self.range_dialog: MonthRangeDialog | None = None
        self.auth_dialog: PaymentAuthDialog | None = None
        self.dialog: Any = None
        self.last_result: Any = None

    @property
    def title(self) -> str:
        """The page's name in this module's menu (代收单位: 三方协议缴费记录, §3.11)."""
        return self.TITLE

    def sync(self) -> MonthRangeDialog:
        dialog = MonthRangeDialog(self.ctx.ui.app.local_today(), self)
        self.range_dialog = ask_range(dialog, self.sync_range)
        return self.range_dialog

    def sync_range(self, start: str, end: str) -> JobHandle[int]:
        def run(ctx: JobContext) -> int:
            return self._sync_job(start, end, ctx)

        def done(count: int) -> None:
            self.list.query()
            self.prompts.info(self, f"同步完成，共同步{count}条记录。", title="同步")

        self.handle = self.runner.run(Job("同步", run), done, self._failed)
        return self.handle

    def _sync_job(self, start: str, end: str, ctx: JobContext) -> int:
        raise NotImplementedError  # each page syncs its own records

    def _failed(self, error: BaseException) -> None:
        def text(failure: BaseException) -> str:
            return error_text(failure, self.scope.wording)[0]

        self.failure(self.title, text, quiet_cancel=False)(error)


class PaymentRecordsPage(_PaymentPage):
    """缴费记录: 三方协议 deductions of every channel."""

    KEY: ClassVar[str] = "fee_payment_records"
    TITLE: ClassVar[str] = "缴费记录"

    @property
    def title(self) -> str:
        return self.scope.wording.records_title

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.show_list(self.service.deductions.source(), self.scope.services)
        if self.service.deductions.waiting():
            self.update_waiting()

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=self.title,
            columns=[
                Column(
                    "voucher_number", "应征凭证序号", 175, on_click=lambda _p, row: self.view(row)
                ),
                Column("unit_number", "单位编号", 100),
                Column("period_start", "费款所属期起", 95, kind="month"),
                Column("period_end", "费款所属期止", 95, kind="month"),
                Column("amount", "缴费金额（元）", 120, kind="amount"),
                Column(
                    "status",
                    "缴费状态",
                    80,
                    align="center",
                    on_click=lambda _p, row: self.show_reason(row),
                    clickable=lambda row: row.get("status") == PAY_FAILED,
                ),
                Column("reason", "失败原因", 220, sortable=False),
                Column("bank_name", "扣款银行", 120),
                Column("account_masked", "扣款账号", 100),
                Column("channel", "缴费渠道", 80, align="center"),
                Column("submitted_at", "发起缴费时间", 150, kind="datetime"),
                Column("finished_at", "扣款完成时间", 150, kind="datetime"),
            ],  # fmt: skip
            conditions=[
                MonthRangeCondition("period", "费款所属期"),
                ComboCondition("status", "缴费状态", list(DEDUCTION_STATES)),
                ComboCondition("channel", "缴费渠道", list(DEDUCTION_CHANNELS)),
            ],
            actions=[
                Action("sync", "同步", lambda _p: self.sync(), object_name="btn_sync_payments"),
                export_action("选中记录", "全部记录"),
            ],
            row_actions=[
                RowAction(
                    "unlock",
                    "解锁",
                    lambda _p, row: self.unlock(row),
                    visible=lambda row: row.get("status") == LOCKED,
                ),
            ],  # fmt: skip
            row_actions_width=70,
            summary=None,
            default_sort=[("submitted_at", False)],
            empty_text="还没有缴费记录。使用三方协议缴费后的记录会显示在这里，可点击【同步】获取其他渠道的缴费记录。",
            export_name=self.title,
        )

    def _sync_job(self, start: str, end: str, ctx: JobContext) -> int:
        return self.service.deductions.sync(start, end, ctx)

    def update_waiting(self) -> JobHandle[Any]:
        """Deductions still 扣费中 here are asked for again when the page opens."""
        records = self.service.deductions

        def run(ctx: JobContext) -> int:
            ids = records.waiting()
            records.poll(ids, ctx, timeout=0)
            return len(ids)

        self.handle = self.runner.run(
            Job("更新扣款结果", run), lambda _n: self.list.query(), lambda _e: None, progress=False
        )
        return self.handle

    def view(self, row: dict[str, Any]) -> JobHandle[Any] | None:
        """Click 应征凭证序号: 查看申报明细 of the declaration the deduction paid."""
        declaration_id = row.get("declaration_id")
        if not declaration_id:
            self.prompts.info(self, "该缴费记录没有对应的申报记录。", title="查看申报明细")
            return None
        declarations = self.scope.declarations

        def run(_ctx: JobContext) -> str:
            if declarations.records.declaration(declaration_id) is None:
                declarations.fetch(declaration_id)
            return declaration_id

        def show(found: str) -> None:
            self.dialog = DeclarationDetailDialog(self, found)
            self.dialog.open()

        self.handle = self.runner.run(Job("查看申报明细", run), show, self._failed)
        return self.handle

    def show_reason(self, row: dict[str, Any]) -> None:
        e = explain(row.get("reason"))
        self.prompts.info(
            self,
            self.scope.wording.say(f"失败原因：{e.reason or '未说明'}\n{e.meaning}{e.next_step}"),
            title="缴费失败原因",
        )

    def unlock(self, row: dict[str, Any]) -> PaymentAuthDialog:
        self.auth_dialog = ask_payment_password(
            self, lambda ticket: self._unlock(row["deduction_id"], ticket)
        )
        return self.auth_dialog

    def _unlock(self, deduction_id: str, ticket: PaymentTicket | None) -> None:
        assert ticket is not None
        records = self.service.deductions

        def run(ctx: JobContext) -> dict[str, Any]:
            return records.unlock(deduction_id, ticket, ctx)

        def done(result: dict[str, Any]) -> None:
            self.last_result = result
            self.list.query()
            self.prompts.info(
                self, self.scope.wording.say(unlock_text([result])), title="解锁处理结果"
            )

        self.handle = self.runner.run(Job("解除锁定", run), done, self._failed)


class VoucherRecordsPage(_PaymentPage):
    """缴费凭证打印记录: 银行端查询缴税凭证 printed here or synced from other channels."""

    KEY: ClassVar[str] = "fee_voucher_records"
    TITLE: ClassVar[str] = "缴费凭证打印记录"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        self.preview: PrintPreviewDialog | None = None
        today = self.ctx.ui.app.local_today().isoformat()

        def overdue(row: dict[str, Any]) -> dict[str, Any]:
            late = row.get("status") == VOUCHER_UNPAID and str(row.get("deadline")) < today
            row["overdue"] = "已逾期" if late else ""
            return row

        self.show_list(MappedSource(self.service.vouchers.source(), overdue), self.scope.services)

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            title=self.TITLE,
            columns=[
                Column("serial", "银行端查询缴税凭证序号", 190),
                Column("issued_at", "开具日期", 150, kind="datetime"),
                Column("deadline", "税款缴款日期", 100, kind="date"),
                Column("amount", "缴费金额（元）", 120, kind="amount"),
                Column("status", "凭证状态", 80, align="center", formatter=lambda v: v or ""),
                Column(
                    "overdue",
                    "是否逾期",
                    70,
                    align="center",
                    sortable=False,
                    export=False,
                    formatter=lambda v: v or "",
                ),
                Column("period_start", "费款所属期起", 95, kind="month"),
                Column("period_end", "费款所属期止", 95, kind="month"),
                Column("summary", "汇总开具", 70, align="center", formatter=yes_no),
                Column("payer_name", "付款人名称", 160),
                Column("payer_account", "付款人账号", 160),
                Column("payer_bank", "开户银行名称", 160),
                Column("channel", "开具渠道", 80, align="center"),
                Column("void_reason", "作废原因", 200, sortable=False),
            ],  # fmt: skip
            conditions=[
                DateRangeCondition("issued", "开具日期"),
                ComboCondition("status", "凭证状态", list(VOUCHER_STATES)),
            ],
            actions=[
                Action("sync", "同步", lambda _p: self.sync(), object_name="btn_sync_vouchers"),
                export_action("选中记录", "全部记录"),
            ],
            row_actions=[
                RowAction("view", "查看", lambda _p, row: self.view(row)),
                RowAction(
                    "reprint",
                    "重新打印",
                    lambda _p, row: self.reprint(row),
                    visible=lambda row: row.get("status") != VOUCHER_VOID,
                ),
                RowAction(
                    "void",
                    "作废",
                    lambda _p, row: self.void(row),
                    visible=lambda row: row.get("status") == VOUCHER_UNPAID,
                ),
            ],  # fmt: skip
            row_actions_width=170,
            default_sort=[("issued_at", False)],
            empty_text="还没有缴费凭证打印记录。在【缴费】页面选择银行端凭证缴费后，打印的凭证会显示在这里。",
            export_name=self.TITLE,
        )

    def _sync_job(self, start: str, end: str, ctx: JobContext) -> int:
        return self.service.vouchers.sync(start, end, ctx)

    def view(self, row: dict[str, Any]) -> RowsDialog:
        rows = self.service.vouchers.rows(row["voucher_id"])
        heading = (
            f"凭证序号：{row['serial']}　开具日期：{str(row['issued_at'])[:10]}　税款缴款日期："
            f"{row['deadline']}　状态：{row['status']}　金额合计：{format_money(row['amount'])}元"
        )
        self.dialog = RowsDialog(
            "查看银行端缴费凭证明细", "dialog_voucher_detail", heading,
            ["应征凭证序号", "单位编号", "征收项目名称", "征收品目名称", "费款所属期起", "费款所属期止", "应缴税额（元）"],
            [[r["voucher_number"], r["unit_number"], r["levy_item_name"], r["levy_category_name"],
              r["period_start"], r["period_end"], format_money(r["amount"])] for r in rows],
            self,
        )  # fmt: skip
        self.dialog.open()
        return self.dialog

    def reprint(self, row: dict[str, Any]) -> JobHandle[Any]:
        vouchers = self.service.vouchers

        def run(_ctx: JobContext) -> Any:
            return vouchers.pdf(row["voucher_id"])

        def show(path: Any) -> None:
            self.preview = open_preview(self, path, "银行端查询缴税凭证", self.prompts)

        self.handle = self.runner.run(Job("重新打印", run), show, self._failed, progress=False)
        return self.handle

    def void(self, row: dict[str, Any]) -> JobHandle[Any] | None:
        if row.get("status") != VOUCHER_UNPAID:
            self.prompts.error(self, "只有未缴款的凭证可以作废。", title="作废")
            return None
        if not self.prompts.confirm(
            self, f"是否确认作废凭证{row['serial']}？作废后该凭证不可重新打印或再次作废，需要在缴费页面重新发起缴费。",
            title="作废", yes="确定", no="取消",
        ):  # fmt: skip
            return None
        vouchers = self.service.vouchers

        def run(_ctx: JobContext) -> dict[str, Any]:
            return vouchers.void(row["voucher_id"])

        def done(result: dict[str, Any]) -> None:
            self.last_result = result
            self.list.query()
            self.prompts.info(self, f"凭证{result['serial']}已作废。", title="作废成功")

        self.handle = self.runner.run(Job("作废凭证", run), done, self._failed)
        return self.handle
