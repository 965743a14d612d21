"""Dialogs of 费款缴纳: 安全认证 (申报密码), 选择缴费方式 with 人工录入账户账号信息, the
费款所属期 range of 同步, and 查看银行端缴费凭证明细."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.payments.auth import PaymentAuthError, PaymentTicket
from client.payments.pay import PaymentPlan
from client.payments.payers import payer_label
from client.payments.rules import (
    BY_AGREEMENT,
    BY_VOUCHER,
    TIPS,
    VOUCHER_HINT,
    PayerAccountInput,
    PaymentRuleError,
    format_money,
)
from client.ui.fees.dialogs import dialog_buttons
from client.ui.widgets.common import button, label


class PaymentAuthDialog(QDialog):
    """安全认证: the unit's 申报密码, checked by the 征收子系统 (`authenticate` runs as a job
    through `run_job(fn, on_success, on_failure)`); wrong entries keep the dialog open with
    the server's sentence (how many tries are left, or until when payment is locked)."""

    def __init__(
        self,
        authenticate: Callable[[str], PaymentTicket],
        run_job: Callable[..., Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_payment_auth")
        self.setWindowTitle("安全认证")
        self.authenticate = authenticate
        self.run_job = run_job
        self.ticket: PaymentTicket | None = None
        self.handle: Any = None
        layout = QVBoxLayout(self)
        layout.addWidget(label("为保障缴费安全，请输入本单位的申报密码。", "label_auth_hint"))
        form = QFormLayout()
        self.edit_password = QLineEdit(self)
        self.edit_password.setObjectName("edit_payment_password")
        self.edit_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit_password.returnPressed.connect(self.submit)
        form.addRow("申报密码", self.edit_password)
        layout.addLayout(form)
        self.error = label("", "label_auth_error", "error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.btn_ok, self.btn_cancel = dialog_buttons(
            layout, ("确定", "btn_auth_ok"), ("取消", "btn_auth_cancel")
        )
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        self.resize(420, 180)

    def submit(self) -> None:
        password = self.edit_password.text()
        if not password:
            self.error.setText("请输入申报密码。")
            return
        self.btn_ok.setEnabled(False)
        self.error.setText("")

        def failed(error: BaseException) -> None:
            self.btn_ok.setEnabled(True)
            self.edit_password.clear()
            if isinstance(error, PaymentAuthError):
                self.error.setText(error.message)
            else:
                from client.errors import user_message

                self.error.setText(user_message(error))

        def ok(ticket: PaymentTicket) -> None:
            self.ticket = ticket
            self.accept()

        self.handle = self.run_job(lambda: self.authenticate(password), ok, failed)


class PayerDialog(QDialog):
    """人工录入账户账号信息: 付款人名称, 付款人账号, 开户银行名称 (all required), 保存."""

    def __init__(
        self, save: Callable[[PayerAccountInput], dict[str, Any]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_payer_account")
        self.setWindowTitle("人工录入账户账号信息")
        self.save_fn = save
        self.saved: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edit_name = QLineEdit(self)
        self.edit_name.setObjectName("edit_payer_name")
        self.edit_account = QLineEdit(self)
        self.edit_account.setObjectName("edit_payer_account")
        self.edit_bank = QLineEdit(self)
        self.edit_bank.setObjectName("edit_payer_bank")
        form.addRow("*付款人名称:", self.edit_name)
        form.addRow("*付款人账号:", self.edit_account)
        form.addRow("*开户银行名称:", self.edit_bank)
        layout.addLayout(form)
        self.error = label("", "label_payer_error", "error")
        layout.addWidget(self.error)
        self.btn_save, self.btn_cancel = dialog_buttons(
            layout, ("保存", "btn_payer_save"), ("取消", "btn_payer_cancel")
        )
        self.btn_save.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        self.resize(460, 200)

    def submit(self) -> None:
        payer = PayerAccountInput(
            self.edit_name.text(), self.edit_account.text(), self.edit_bank.text()
        )
        try:
            self.saved = self.save_fn(payer)
        except PaymentRuleError as error:
            self.error.setText(error.message)
            return
        self.accept()


class PayMethodDialog(QDialog):
    """选择缴费方式: 缴费金额, the 温馨提示, 三方协议缴费 (choose among verified agreements, masked
    account numbers) or 银行端凭证缴费 (choose a saved payer account, 人工录入, or none). A way
    the ticked arrears cannot use is disabled with the reason beside it."""

    def __init__(
        self,
        plan: PaymentPlan,
        agreements: Sequence[dict[str, Any]],
        payers: Callable[[], list[dict[str, Any]]],
        save_payer: Callable[[PayerAccountInput], dict[str, Any]],
        no_agreement_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_pay_method")
        self.setWindowTitle("选择缴费方式")
        self.plan = plan
        self.agreements = list(agreements)
        self.payers_fn = payers
        self.save_payer = save_payer
        self.payer_dialog: PayerDialog | None = None
        layout = QVBoxLayout(self)
        self.label_amount = label(
            f"缴费金额: {format_money(plan.amount)} 元", "label_pay_amount", "title"
        )
        layout.addWidget(self.label_amount)
        tips = label(TIPS, "label_pay_tips", "hint")
        tips.setWordWrap(True)
        layout.addWidget(tips)
        group = QButtonGroup(self)
        # 三方协议缴费
        self.radio_agreement = QRadioButton(BY_AGREEMENT, self)
        self.radio_agreement.setObjectName("radio_by_agreement")
        group.addButton(self.radio_agreement)
        self.combo_agreement = QComboBox(self)
        self.combo_agreement.setObjectName("combo_agreement")
        self.combo_agreement.addItem("请选择付款银行信息", None)
        for a in self.agreements:
            self.combo_agreement.addItem(
                f"{a.get('agreement_name') or a.get('branch_name') or a.get('bank_name')}"
                f"（{a.get('account_masked') or ''}）", a,
            )  # fmt: skip
        if len(self.agreements) == 1:
            self.combo_agreement.setCurrentIndex(1)
        row = QHBoxLayout()
        row.addWidget(self.radio_agreement)
        row.addWidget(self.combo_agreement, 1)
        layout.addLayout(row)
        agreement_why = plan.agreement_refusal or ("" if self.agreements else no_agreement_text)
        self.label_agreement_why = label(agreement_why, "label_agreement_refusal", "error")
        self.label_agreement_why.setWordWrap(True)
        layout.addWidget(self.label_agreement_why)
        # 银行端凭证缴费
        self.radio_voucher = QRadioButton(BY_VOUCHER, self)
        self.radio_voucher.setObjectName("radio_by_voucher")
        group.addButton(self.radio_voucher)
        self.combo_payer = QComboBox(self)
        self.combo_payer.setObjectName("combo_payer")
        self.btn_manual = button("人工录入账户账号信息", "btn_manual_payer", link=True)
        self.btn_manual.clicked.connect(self.enter_payer)
        row = QHBoxLayout()
        row.addWidget(self.radio_voucher)
        row.addWidget(self.combo_payer, 1)
        row.addWidget(self.btn_manual)
        layout.addLayout(row)
        layout.addWidget(label(VOUCHER_HINT, "label_voucher_hint", "hint"))
        self.label_voucher_why = label(plan.voucher_refusal or "", "label_voucher_refusal", "error")
        self.label_voucher_why.setWordWrap(True)
        layout.addWidget(self.label_voucher_why)
        self.error = label("", "label_pay_method_error", "error")
        layout.addWidget(self.error)
        self.btn_ok, self.btn_cancel = dialog_buttons(
            layout, ("确定", "btn_pay_ok"), ("取消", "btn_pay_cancel")
        )
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        self._reload_payers()
        can_agree = not agreement_why
        can_voucher = not plan.voucher_refusal
        self.radio_agreement.setEnabled(can_agree)
        self.combo_agreement.setEnabled(can_agree)
        self.radio_voucher.setEnabled(can_voucher)
        self.combo_payer.setEnabled(can_voucher)
        self.btn_manual.setEnabled(can_voucher)
        (self.radio_agreement if can_agree else self.radio_voucher).setChecked(
            can_agree or can_voucher
        )
        self.method: str | None = None
        self.agreement: dict[str, Any] | None = None
        self.payer: PayerAccountInput | None = None
        self.resize(640, 360)

    def _reload_payers(self, select: dict[str, Any] | None = None) -> None:
        self.combo_payer.clear()
        self.combo_payer.addItem("请选择（不填写付款人信息）", None)
        for p in self.payers_fn():
            self.combo_payer.addItem(payer_label(p), p)
            if select is not None and p["id"] == select["id"]:
                self.combo_payer.setCurrentIndex(self.combo_payer.count() - 1)

    def enter_payer(self) -> PayerDialog:
        self.payer_dialog = PayerDialog(self.save_payer, self)
        self.payer_dialog.accepted.connect(lambda: self._reload_payers(self.payer_dialog.saved))
        self.payer_dialog.open()
        return self.payer_dialog

    def submit(self) -> None:
        if self.radio_agreement.isChecked():
            agreement = self.combo_agreement.currentData()
            if agreement is None:
                self.error.setText("请选择付款银行信息（三方协议）。")
                return
            self.method, self.agreement = BY_AGREEMENT, agreement
        elif self.radio_voucher.isChecked():
            p = self.combo_payer.currentData()
            self.method = BY_VOUCHER
            self.payer = (
                None if p is None else PayerAccountInput(p["name"], p["account"], p["bank_name"])
            )
        else:
            self.error.setText("请选择缴费方式。")
            return
        self.accept()


class MonthRangeDialog(QDialog):
    """同步: 费款所属期起止 (months)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_period_range")
        self.setWindowTitle("同步")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.month_start = self._edit("month_start", today.replace(month=1, day=1))
        self.month_end = self._edit("month_end", today.replace(day=1))
        form.addRow("费款所属期起", self.month_start)
        form.addRow("费款所属期止", self.month_end)
        layout.addLayout(form)
        layout.addWidget(
            label("选择的费款所属期范围不要太长，否则数据量过大时同步等待时间较长。", "", "hint")
        )
        self.error = label("", "label_period_error", "error")
        layout.addWidget(self.error)
        self.btn_ok, self.btn_cancel = dialog_buttons(
            layout, ("确定", "btn_ok"), ("取消", "btn_cancel")
        )
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)

    def _edit(self, name: str, value: date) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setDisplayFormat("yyyy-MM")
        edit.setCalendarPopup(True)
        edit.setDate(QDate(value.year, value.month, 1))
        return edit

    @property
    def start(self) -> str:
        return self.month_start.date().toString("yyyy-MM")

    @property
    def end(self) -> str:
        return self.month_end.date().toString("yyyy-MM")

    def set_range(self, start: str, end: str) -> None:
        for edit, text in ((self.month_start, start), (self.month_end, end)):
            y, m = (int(x) for x in text.split("-"))
            edit.setDate(QDate(y, m, 1))

    def submit(self) -> None:
        if self.start > self.end:
            self.error.setText("费款所属期起不能晚于费款所属期止。")
            return
        self.accept()


class RowsDialog(QDialog):
    """A read-only table with a heading (查看银行端缴费凭证明细, 缴费明细)."""

    def __init__(
        self,
        title: str,
        name: str,
        heading: str,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        head = label(heading, f"{name}_heading")
        head.setWordWrap(True)
        layout.addWidget(head)
        self.table = QTableWidget(len(rows), len(headers), self)
        self.table.setObjectName(f"{name}_table")
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        layout.addWidget(self.table, 1)
        close = button("关闭", f"{name}_close")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.resize(900, 480)

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item else ""
