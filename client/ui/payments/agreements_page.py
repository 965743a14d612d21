"""单位三方协议管理 (manual §2.18): the unit's agreements, fetched from the 征收子系统 when the page
opens and on 刷新; 新增 and 修改 in `AgreementDialog`; 验证 waits for the bank with a progress
dialog that can be cancelled; 作废 (未验证, 验证失败) and 撤销 (验证通过) after a confirmation.
Only the 用人单位 menu has it: the 代收单位 signs its unit agreement outside this client
(client/payments/wording.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtWidgets import QWidget

from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext, Progress
from client.payments.agreement_rules import (
    AgreementRuleError,
    can_modify,
    can_revoke,
    can_verify,
    can_void,
    checked_body,
)
from client.payments.agreement_wire import FAILED, VERIFIED
from client.payments.agreements import UnitAgreements, tax_authorities
from client.payments.bank_codes import MISSING_TABLES, BankCodes
from client.payments.reasons import explain, explain_error
from client.sync.errors import ApiError, NetworkError
from client.ui.jobs import JobHandle, JobRunner
from client.ui.listpage import Action, Column, ListPageSpec, PageServices, RowAction
from client.ui.page_helpers import KeyedListPage
from client.ui.pages import PageContext
from client.ui.payments.agreement_dialog import AgreementDialog

STOPPED_WAITING = "已停止等待验证结果。银行仍在验证该协议，请稍后点击【刷新】查看协议状态（验证中的协议不能修改）。"


def error_text(error: BaseException) -> str:
    """A refusal with its next step (reasons table), or the general message of a failure."""
    if isinstance(error, AgreementRuleError):
        return error.message
    if isinstance(error, ApiError) and not isinstance(error, NetworkError) and error.code:
        found = explain_error(error)
        return "\n".join(p for p in (found.meaning, found.next_step) if p)
    return user_message(error)


def reason_text(reason: str | None) -> str:
    """验证失败 reason in plain words, with what to do."""
    if not reason:
        return ""
    found = explain(reason)
    return f"{found.meaning}{found.next_step}"


class AgreementsPage(KeyedListPage):
    KEY: ClassVar[str] = "unit_agreements"
    TITLE: ClassVar[str] = "单位三方协议管理"

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx)
        session = ctx.session
        self.service = UnitAgreements(session.api, session.db, session.unit.unit_id)
        self.dialog: AgreementDialog | None = None
        self._codes: BankCodes | None = None
        self.show_list(
            self.service.source(),
            PageServices(ctx.ui.app.settings, ctx.ui.prompts, self.runner),
            auto_query=False,
        )
        self.list.btn_query.hide()  # no query conditions: 刷新 fetches again
        self.list.table.verticalHeader().hide()  # the 序号 column numbers the rows
        self.content.addWidget(self.list)
        self.fetch()

    def _spec(self) -> ListPageSpec:
        return ListPageSpec(
            page_key=self.KEY,
            object_name=f"list_{self.KEY}",
            title=self.TITLE,
            columns=[
                Column("seq", "序号", 45, align="center"),
                Column("customer_name", "客户名称", 160),
                Column("bank_name", "银行名称", 110),
                Column("agreement_name", "协议名称", 170),
                Column("agreement_number", "协议编号", 140),
                Column("tripartite_number", "三方协议号", 165),
                Column("clearing_bank_code", "清算行行号", 115),
                Column("branch_code", "开户行行号", 115),
                Column("tax_authority", "协议所属税务机关", 210),
                Column("verified_on", "协议通过日期", 95, kind="date"),
                Column("status", "协议状态", 75, align="center"),
                Column("deduction_flag", "协议用途", 80, align="center"),
                Column("account_masked", "缴费账号", 95),
                Column(
                    "reason",
                    "失败原因",
                    180,
                    sortable=False,
                    on_click=lambda _p, row: self.explain_reason(row),
                    clickable=lambda row: bool(row.get("reason")),
                ),
            ],  # fmt: skip
            actions=[
                Action("new", "新增", lambda _p: self.new(), object_name="btn_new_agreement"),
                Action(
                    "refresh", "刷新", lambda _p: self.fetch(), object_name="btn_refresh_agreements"
                ),
            ],
            row_actions=[
                RowAction("modify", "修改", lambda _p, row: self.modify(row), visible=can_modify),
                RowAction("verify", "验证", lambda _p, row: self.verify(row), visible=can_verify),
                RowAction("void", "作废", lambda _p, row: self.void(row), visible=can_void),
                RowAction("revoke", "撤销", lambda _p, row: self.revoke(row), visible=can_revoke),
            ],
            row_actions_width=150,
            checkable=False,
            empty_text="本单位还没有三方协议，可点击【新增】签订单位三方协议。",
        )

    # -- 页面初始化 / 刷新 -----------------------------------------------------------------------
    def fetch(self) -> JobHandle[int]:
        """Query the unit's agreements from the 征收子系统 (with progress and 取消)."""
        self.handle = self.runner.run(
            Job("查询单位三方协议", self.service.refresh),
            lambda _n: self.list.query(),
            self.failure(self.TITLE, error_text),
        )
        return self.handle

    # -- 新增 / 修改 -----------------------------------------------------------------------------
    @property
    def codes(self) -> BankCodes:
        if self._codes is None:
            self._codes = BankCodes.load(self.ctx.ui.app.app_db)
        return self._codes

    @property
    def authorities(self) -> list[str]:
        unit = self.ctx.session.unit
        return tax_authorities(self.ctx.session.db, unit.tax_authority)

    def new(self) -> JobHandle[Any] | None:
        return self._open_dialog(None)

    def modify(self, row: dict[str, Any]) -> JobHandle[Any] | None:
        if not can_modify(row):
            self.prompts.warning(self, f"协议状态为“{row['status']}”，不能修改。", self.TITLE)
            return None
        return self._open_dialog(row)

    def _open_dialog(self, row: dict[str, Any] | None) -> JobHandle[Any] | None:
        """The code tables (thousands of 网点) are read and indexed off the UI thread once."""
        if self._codes is not None:
            self._show_dialog(row)
            return None
        app_db = self.ctx.ui.app.app_db

        def load(_ctx: JobContext) -> BankCodes:
            codes = BankCodes.load(app_db)
            if codes.complete:
                _ = codes.branch_index  # built here, not when the clerk first types
            return codes

        def loaded(codes: BankCodes) -> None:
            self._codes = codes
            self._show_dialog(row)

        self.handle = self.runner.run(Job("读取银行网点", load), loaded, cancellable=False)
        return self.handle

    def _show_dialog(self, row: dict[str, Any] | None) -> None:
        if not self.codes.complete:
            self.prompts.warning(self, MISSING_TABLES, self.TITLE)
            return
        if not self.authorities:
            self.prompts.warning(
                self,
                "没有找到本单位参保登记的税务机关，请重新登录以更新参保登记信息后再签订协议。",
                self.TITLE,
            )
            return
        self.dialog = AgreementDialog(self, row)
        self.dialog.finished.connect(lambda _r: self.list.query())
        self.dialog.open()

    def save_agreement(self, dialog: AgreementDialog) -> JobHandle[dict[str, Any]] | None:
        """保存: the form is checked here first (nothing is sent when it is wrong)."""
        form, codes, authorities = dialog.form(), self.codes, dialog.authorities
        try:
            checked_body(form, codes, authorities)
        except AgreementRuleError as error:
            dialog.show_error(error)
            return None
        service, saved = self.service, dialog.saved

        def run(_ctx: JobContext) -> dict[str, Any]:
            if saved is None:
                return service.create(form, codes, authorities)
            return service.update(saved["agreement_id"], form, codes, authorities)

        def done(row: dict[str, Any]) -> None:
            dialog.saved_as(row)
            self.list.query()

        def failed(error: BaseException) -> None:
            dialog.show_error(error_text(error) if not isinstance(error, AgreementRuleError)
                              else error)  # fmt: skip
            if not isinstance(error, AgreementRuleError):
                self.prompts.error(dialog, error_text(error), title="保存")

        self.handle = self._runner(dialog).run(
            Job("保存三方协议", run), done, failed, cancellable=False
        )
        return self.handle

    # -- 验证 ---------------------------------------------------------------------------------
    def verify(
        self, row: dict[str, Any], dialog: AgreementDialog | None = None
    ) -> JobHandle[dict[str, Any]] | None:
        """验证: sent, then the bank's answer awaited (progress with 取消); shown when it comes."""
        parent: QWidget = dialog or self
        agreement_id = row["agreement_id"]
        try:
            self.service.check_verifiable(agreement_id)
        except AgreementRuleError as error:
            self._refused(parent, dialog, error, "验证")
            return None
        service = self.service

        def done(result: dict[str, Any]) -> None:
            self.list.query()
            if dialog is not None:
                dialog.saved_as(result)
            if result["status"] == VERIFIED:
                self.prompts.info(parent, "协议验证通过，可用于三方协议缴费。", title="验证")
            elif result["status"] == FAILED:
                self.prompts.warning(
                    parent,
                    f"协议验证失败：{result.get('reason') or ''}\n{reason_text(result.get('reason'))}",
                    title="验证",
                )

        def failed(error: BaseException) -> None:
            self.list.query()
            if dialog is not None and (current := service.get(agreement_id)) is not None:
                dialog.saved_as(current)
            if isinstance(error, JobCancelled):
                self.prompts.info(parent, STOPPED_WAITING, title="验证")
            else:
                self._refused(parent, dialog, error, "验证")

        self.handle = self._runner(dialog).run(
            Job("验证三方协议", lambda ctx: service.verify(agreement_id, ctx)),
            done,
            failed,
            label=_verify_label,
        )
        return self.handle

    # -- 作废 / 撤销 ----------------------------------------------------------------------------
    def void(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]] | None:
        return self._end(row, "作废", self.service.void)

    def revoke(self, row: dict[str, Any]) -> JobHandle[dict[str, Any]] | None:
        return self._end(row, "撤销", self.service.revoke)

    def _end(
        self, row: dict[str, Any], title: str, action: Callable[[str], dict[str, Any]]
    ) -> JobHandle[dict[str, Any]] | None:
        if not self.prompts.confirm(
            self, f"是否确定{title}该协议？", title="确认信息", yes="确定", no="取消"
        ):
            return None
        agreement_id = row["agreement_id"]

        def done(_row: dict[str, Any]) -> None:
            self.list.query()
            self.prompts.info(self, f"{title}成功，协议状态为“协议终止”。", title=title)

        def failed(error: BaseException) -> None:
            self.list.query()
            self._refused(self, None, error, title)

        self.handle = self.runner.run(
            Job(f"{title}三方协议", lambda _ctx: action(agreement_id)),
            done,
            failed,
            cancellable=False,
        )
        return self.handle

    def _runner(self, dialog: AgreementDialog | None) -> JobRunner:
        """Progress over the dialog when it is open (else it would hide behind it)."""
        return self.runner if dialog is None else self.ctx.ui.runner(dialog)

    # -- messages ---------------------------------------------------------------------------------
    def explain_reason(self, row: dict[str, Any]) -> None:
        reason = row.get("reason")
        self.prompts.info(self, f"失败原因：{reason}\n{reason_text(reason)}", title="失败原因")

    def _refused(
        self, parent: QWidget, dialog: AgreementDialog | None, error: BaseException, title: str
    ) -> None:
        if dialog is not None and isinstance(error, AgreementRuleError):
            dialog.show_error(error)
        self.prompts.error(parent, error_text(error), title=title)


def _verify_label(progress: Progress) -> str:
    if progress.phase == "waiting":
        return f"已提交验证，正在等待银行返回验证结果（已等待{progress.done}秒）…"
    return "正在提交协议验证…"
