"""填写退费申请 (manual §2.28 六, 新增退费申请): three steps — 退费方式 with its 温馨提示, 退费信息
(the refundable rows of that 方式, ticked, with their 退费金额), 退费账户 (合计, account, bank,
退费原因 and 理由) — then 提交申请 after a confirmation, and the result. Going back and forth
keeps everything typed; a refusal (ours or the 征收子系统's) is shown in one sentence on the step
where it is corrected, and nothing typed is lost. The checks are `client.refunds.rules`'."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.jobs import Job, JobContext
from client.refunds.applications import RefundSubmitted
from client.refunds.rules import (
    BY_PERSON,
    BY_TICKET,
    METHOD_LABELS,
    STATEMENT_MAX,
    TIP,
    RefundAccount,
    RefundCodes,
    RefundDraft,
    RefundRuleError,
    checked_body,
    checked_lines,
    total,
)
from client.sync.errors import ApiError, NetworkError
from client.ui.jobs import JobHandle
from client.ui.listpage import PageServices
from client.ui.listpage.spec import format_amount
from client.ui.refunds.common import error_text
from client.ui.refunds.rows_step import RefundRowsStep
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.ui.refunds.page import RefundApplicationsPage

TITLE = "填写退费申请"
METHOD_ABOUT = {  # manual §2.28 六 一)
    BY_TICKET: "按费款所属期（可输入电子税票号码）查询已入库的税票信息，并核对税票的申报明细；"
    "勾选需要退费的税票明细，输入退款账户信息后提交申请。",
    BY_PERSON: "按退费所属期和退费税金类型（可按姓名、证件查询）查询职工明细，勾选需要退费的"
    "职工明细，输入退款账户信息后提交申请。",
}
STEPS = ("退费方式", "退费信息", "退费账户")
PICK = "请选择"
FIELD_WIDTH = 380
FORM_WIDTH = 640
METHOD_STEP, ROWS_STEP, ACCOUNT_STEP = 0, 1, 2
ACCOUNT_FIELDS = ("account_name", "bank_code", "account_number", "reason_code", "statement")


class RefundWizard(QDialog):
    """One new application; `submitted` is the server's answer once 提交申请 succeeded."""

    def __init__(self, page: RefundApplicationsPage, codes: RefundCodes) -> None:
        super().__init__(page)
        self.setObjectName("dlg_refund_wizard")
        self.setWindowTitle(TITLE)
        self.page = page
        self.codes = codes
        self.scope = page.scope
        self.runner = page.ctx.ui.runner(self)
        self.handle: JobHandle[Any] | None = None
        self.submitted: RefundSubmitted | None = None
        self.resize(1260, 680)  # the rows step shows 退费金额 without scrolling

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.label_steps = label("", "label_steps")
        self.label_steps.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.label_steps)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("stack_steps")
        self.stack.addWidget(self._method_step())
        self.stack.addWidget(self._rows_step())
        self.stack.addWidget(self._account_step())
        layout.addWidget(self.stack, 1)
        self.label_error = label("", "label_refund_error", "error")
        layout.addWidget(self.label_error)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_back = button("上一步", "btn_back")
        self.btn_next = button("下一步", "btn_next", primary=True)
        self.btn_submit = button("提交申请", "btn_submit_refund", primary=True)
        self.btn_cancel = button("取消", "btn_cancel")
        for b in (self.btn_back, self.btn_next, self.btn_submit, self.btn_cancel):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.btn_back.clicked.connect(self.back)
        self.btn_next.clicked.connect(self.next)
        self.btn_submit.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        self._go(METHOD_STEP)

    # -- step 1: 退费方式 ------------------------------------------------------------------------
    def _method_step(self) -> QWidget:
        step = QWidget(self)
        step.setObjectName("step_method")
        box = QVBoxLayout(step)
        box.addWidget(label("退费方式", "label_method_title", "section"))
        box.addWidget(label(TIP, "label_method_tip", "hint"))
        self.radio_ticket = QRadioButton(METHOD_LABELS[BY_TICKET])
        self.radio_ticket.setObjectName("radio_by_ticket")
        self.radio_person = QRadioButton(METHOD_LABELS[BY_PERSON])
        self.radio_person.setObjectName("radio_by_person")
        self.method_group = QButtonGroup(self)
        for radio in (self.radio_ticket, self.radio_person):
            self.method_group.addButton(radio)
        box.addWidget(QLabel("* 选择退费方式："))
        for radio, method in ((self.radio_ticket, BY_TICKET), (self.radio_person, BY_PERSON)):
            choice = QVBoxLayout()
            choice.setContentsMargins(24, 6, 0, 6)
            choice.setSpacing(2)
            choice.addWidget(radio)
            about = label(METHOD_ABOUT[method], f"label_about_{radio.objectName()}")
            about.setWordWrap(True)
            about.setContentsMargins(22, 0, 0, 0)
            choice.addWidget(about)
            box.addLayout(choice)
        box.addStretch(1)
        return step

    @property
    def method(self) -> str | None:
        if self.radio_ticket.isChecked():
            return BY_TICKET
        if self.radio_person.isChecked():
            return BY_PERSON
        return None

    def choose_method(self, method: str) -> None:
        (self.radio_ticket if method == BY_TICKET else self.radio_person).setChecked(True)

    # -- step 2: 退费信息 ------------------------------------------------------------------------
    def _rows_step(self) -> QWidget:
        step = QWidget(self)
        step.setObjectName("step_rows")
        box = QVBoxLayout(step)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(label("退费信息", "label_rows_title", "section"))
        services = PageServices(self.page.ctx.ui.app.settings, self.page.prompts, self.runner)
        refunds = self.scope.refunds
        today = self.page.ctx.ui.app.local_today()
        self.row_steps = {
            method: RefundRowsStep(
                method,
                refunds,
                self.codes,
                dict(self.scope.id_types),
                today,
                services,
                self.runner,
                self.show_error,
                step,
            )  # fmt: skip
            for method in (BY_TICKET, BY_PERSON)
        }
        self.rows_stack = QStackedWidget(step)
        for rows in self.row_steps.values():
            self.rows_stack.addWidget(rows)
        box.addWidget(self.rows_stack, 1)
        return step

    @property
    def rows(self) -> RefundRowsStep:
        """The rows of the chosen 退费方式."""
        return self.row_steps[self.method or BY_TICKET]

    # -- step 3: 退费账户 ------------------------------------------------------------------------
    def _account_step(self) -> QWidget:
        step = QWidget(self)
        step.setObjectName("step_account")
        box = QVBoxLayout(step)
        box.addWidget(label("选择退费账户", "label_account_title", "section"))
        self.label_total = label("", "label_refund_total", "section")
        box.addWidget(self.label_total)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        self.edit_account_name = QLineEdit()
        self.edit_account_name.setObjectName("edit_account_name")
        self.edit_account_name.setMaxLength(200)
        self.edit_account_name.setMinimumWidth(FIELD_WIDTH)
        self.edit_account_name.setText(self.page.ctx.session.unit.taxpayer_name)
        form.addRow("* 退费银行账户名称：", self.edit_account_name)
        self.combo_bank = self._combo("combo_bank", self.codes.banks)
        form.addRow("* 退费银行：", self.combo_bank)
        self.edit_account_number = QLineEdit()
        self.edit_account_number.setObjectName("edit_account_number")
        self.edit_account_number.setMaxLength(40)
        self.edit_account_number.setPlaceholderText("8至32位数字的银行卡号")
        form.addRow("* 退费银行账户：", self.edit_account_number)
        self.combo_reason = self._combo("combo_reason", self.codes.reasons)
        form.addRow("* 退费原因：", self.combo_reason)
        self.edit_statement = QPlainTextEdit()
        self.edit_statement.setObjectName("edit_statement")
        self.edit_statement.setPlaceholderText(f"请填写申请退费的理由（1至{STATEMENT_MAX}个字）")
        self.edit_statement.setFixedHeight(90)
        self.edit_statement.setTabChangesFocus(True)
        self.label_count = label("", "label_statement_count")
        self.edit_statement.textChanged.connect(self._count)
        statement = QVBoxLayout()
        statement.setSpacing(2)
        statement.addWidget(self.edit_statement)
        statement.addWidget(self.label_count)
        form.addRow("* 退费申请理由：", statement)
        holder = QWidget(step)  # the form keeps a readable width in the wide dialog
        holder.setObjectName("form_account")
        holder.setMaximumWidth(FORM_WIDTH)
        holder.setLayout(form)
        box.addWidget(holder)
        box.addStretch(1)
        self._count()
        return step

    @staticmethod
    def _combo(name: str, entries: list[dict[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumWidth(FIELD_WIDTH)
        combo.setMaxVisibleItems(15)
        combo.addItem(PICK, None)
        for entry in entries:
            combo.addItem(entry["name"], entry["code"])
        return combo

    def _count(self) -> None:
        used = len(self.edit_statement.toPlainText().strip())
        self.label_count.setText(f"{used}/{STATEMENT_MAX}")

    def account(self) -> RefundAccount:
        return RefundAccount(
            account_name=self.edit_account_name.text(),
            bank_code=str(self.combo_bank.currentData() or ""),
            account_number=self.edit_account_number.text(),
            reason_code=str(self.combo_reason.currentData() or ""),
            statement=self.edit_statement.toPlainText(),
        )

    def choose(self, combo: QComboBox, code: str) -> None:
        combo.setCurrentIndex(combo.findData(code))

    def draft(self) -> RefundDraft:
        rows = self.rows
        return RefundDraft(self.method or "", rows.refund_kind, rows.lines(), self.account())

    # -- moving between steps -----------------------------------------------------------------
    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def _go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        if step == ROWS_STEP and self.method:
            self.rows_stack.setCurrentWidget(self.rows)
        self.btn_back.setVisible(step > METHOD_STEP)
        self.btn_next.setVisible(step < ACCOUNT_STEP)
        self.btn_submit.setVisible(step == ACCOUNT_STEP)
        self.label_steps.setText(
            "　›　".join(
                f"<b>{n}. {name}</b>" if n - 1 == step else f"{n}. {name}"
                for n, name in enumerate(STEPS, start=1)
            )
        )

    def next(self) -> None:
        self.show_error("")
        if self.step == METHOD_STEP:
            if self.method is None:
                self.show_error("请选择退费方式。")
                return
            self._go(ROWS_STEP)
        elif self.step == ROWS_STEP:
            rows = self.rows
            try:
                lines = checked_lines(self.method or "", rows.refund_kind, rows.lines(), self.codes)
            except RefundRuleError as error:
                self.show_error(error.message)
                if error.row_id:
                    rows.show_row(error.row_id)
                return
            self.label_total.setText(
                f"退费金额合计：{format_amount(total(a for _r, a in lines))} 元"
                f"（共{len(lines)}条明细）"
            )
            self._go(ACCOUNT_STEP)
            self.edit_account_name.setFocus()

    def back(self) -> None:
        self.show_error("")
        if self.step > METHOD_STEP:
            self._go(self.step - 1)

    # -- 提交申请 -------------------------------------------------------------------------------
    def submit(self) -> JobHandle[RefundSubmitted] | None:
        """Checked here first (nothing is sent when it is wrong), confirmed, then sent once."""
        self.show_error("")
        draft = self.draft()
        try:
            body = checked_body(draft, self.codes)
        except RefundRuleError as error:
            self.refused(error)
            return None
        amount = total(r["amount"] for r in body["rows"])
        if not self.page.prompts.confirm(
            self,
            f"是否确定提交退费申请？共{len(body['rows'])}条明细，退费金额合计{format_amount(amount)}元。",
            title="确认提交",
            yes="确定",
            no="取消",
        ):
            return None
        refunds, codes = self.scope.refunds, self.codes

        def run(_ctx: JobContext) -> RefundSubmitted:
            return refunds.submit(draft, codes)

        self.btn_submit.setEnabled(False)
        self.handle = self.runner.run(
            Job("提交退费申请", run), self._submitted, self._failed, cancellable=False
        )
        return self.handle

    def _submitted(self, result: RefundSubmitted) -> None:
        self.btn_submit.setEnabled(True)
        self.submitted = result
        self.page.submitted(self, result)

    def _failed(self, error: BaseException) -> None:
        self.btn_submit.setEnabled(True)
        self.refused(error)

    def refused(self, error: BaseException) -> None:
        """Show the refusal on the step where it is corrected; keep everything typed."""
        text = error_text(error)
        self.show_error(text)
        field, row_id = _where(error)
        if row_id or field in ("rows", "amount", "refund_kind", "method"):
            self._go(ROWS_STEP)
            if isinstance(error, ApiError) and error.code == "AMOUNT_EXCEEDS_PAID" and row_id:
                refundable = error.details.get("refundable")
                if isinstance(refundable, str):
                    self.rows.update_refundable(row_id, refundable)
            if row_id:
                self.rows.show_row(row_id)
        elif field in ACCOUNT_FIELDS:
            self._go(ACCOUNT_STEP)
            self._field_widget(field).setFocus()
        if not isinstance(error, RefundRuleError):
            self.page.prompts.error(self, text, title="提交申请")

    def show_error(self, text: str) -> None:
        self.label_error.setText(text)
        self.label_error.setVisible(bool(text))

    def _field_widget(self, field: str | None) -> QWidget:
        return {
            "account_name": self.edit_account_name,
            "bank_code": self.combo_bank,
            "account_number": self.edit_account_number,
            "reason_code": self.combo_reason,
            "statement": self.edit_statement,
        }.get(field or "", self.edit_account_name)


def _where(error: BaseException) -> tuple[str | None, str | None]:
    """(field, row id) a refusal is about, from our rules or the server's details."""
    if isinstance(error, RefundRuleError):
        return error.field, error.row_id
    if not isinstance(error, ApiError) or isinstance(error, NetworkError):
        return None, None
    details = error.details or {}
    row_ids = details.get("row_ids")
    row_id = details.get("row_id") or (
        row_ids[0] if isinstance(row_ids, list) and row_ids else None
    )
    if error.code in ("NOTHING_SELECTED", "ROW_NOT_FOUND", "ROWS_IN_OPEN_APPLICATION"):
        return "rows", row_id if isinstance(row_id, str) else None
    field = details.get("field")
    return (field if isinstance(field, str) else None), (
        row_id if isinstance(row_id, str) else None
    )
