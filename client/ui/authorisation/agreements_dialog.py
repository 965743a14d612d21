"""新增居民两两协议 (manual §3.19 二、(二)): 第一步 参保人员基本信息录入 (the three facts and
协议人银行账户: 本人账户 or 他人账户, 下一步 asks the 管理子系统), 第二步 协议信息录入 — for
本人账户 the 持卡人 is the resident (not editable) and 保存居民银行账户信息 is offered; for
他人账户 the holder's facts, 手机号码, 获取验证码 (then 60 s until it may be asked again) and
短信验证码. The agreement to 《社保费扣费协议书》 is ticked before 保存. The page's service
checks and sends."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.authorisation.agreements import (
    CONSENT_TEXT,
    OTHER,
    OWN,
    RESEND_SECONDS,
    AgreementForm,
    AgreementRuleError,
)
from client.authorisation.people import AreaResident, find_resident
from client.payments.bank_codes import BankCodes
from client.ui.authorisation.accounts_bank_picker import FIELD_WIDTH, BankPicker, show_step
from client.ui.authorisation.accounts_dialog import resident_line
from client.ui.authorisation.three_facts import ThreeFactsForm, required
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.ui.authorisation.agreements_page import AgreementsPage

TITLE = "新增居民两两协议"
FIRST_TIP = "温馨提示：支持协议人签订亲属银行账户，若协议人本人无银行账户，可选择“他人账户”。"
TIPS = {
    OWN: ("1、行政区划、开户网点可模糊搜索",
          "2、银行账户相关信息请填写协议人本人的银行账户信息，否则可能会认证失败。"),
    OTHER: ("1、行政区划、开户网点可模糊搜索",
            "2、手机号码请输入持卡人在银行预留的手机号码。"),
}  # fmt: skip
GET_CODE = "获取验证码"


def _radios(parent: QWidget, *choices: tuple[str, str]) -> tuple[QButtonGroup, QHBoxLayout]:
    group = QButtonGroup(parent)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for text, name in choices:
        radio = QRadioButton(text)
        radio.setObjectName(name)
        group.addButton(radio)
        row.addWidget(radio)
    row.addStretch(1)
    return group, row


class AgreementDialog(QDialog):
    def __init__(self, page: AgreementsPage, codes: BankCodes) -> None:
        super().__init__(page)
        self.setObjectName("dlg_resident_agreement")
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(640)
        self.page = page
        self.codes = codes
        self.id_types = page.id_types
        self.runner = page.ctx.ui.runner(self)
        self.resident: AreaResident | None = None
        self.account_type = ""
        self.saved: dict[str, Any] | None = None
        self.countdown = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._first_step())
        self.pages.addWidget(self._second_step())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        show_step(self.pages, 0)

    # -- 第一步 ----------------------------------------------------------------------------
    def _first_step(self) -> QWidget:
        step = QWidget()
        box = QVBoxLayout(step)
        box.addWidget(label("参保人员基本信息录入", "label_step_one", "section"))
        tip = label(FIRST_TIP, "label_first_tip", "hint")
        tip.setWordWrap(True)
        box.addWidget(tip)
        api, unit_id, id_types = self.page.ctx.session.api, self.page.unit_id, self.id_types
        self.three_facts = ThreeFactsForm(
            self.runner,
            lambda name, kind, number: find_resident(api, unit_id, name, kind, number, id_types),
            id_types,
            show_button=False,
            parent=step,
        )
        self.three_facts.found.connect(self._found)
        box.addWidget(self.three_facts)
        self.type_group, row = _radios(step, (OWN, "radio_own_account"),
                                       (OTHER, "radio_other_account"))  # fmt: skip
        self.radio_own, self.radio_other = self.type_group.buttons()
        self.three_facts.form.addRow(required("协议人银行账户"), row)
        box.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_next = button("下一步", "btn_next", primary=True)
        self.btn_cancel_first = button("取消", "btn_cancel_first")
        buttons.addWidget(self.btn_next)
        buttons.addWidget(self.btn_cancel_first)
        box.addLayout(buttons)
        self.btn_next.clicked.connect(self.next_step)
        self.btn_cancel_first.clicked.connect(self.reject)
        return step

    def next_step(self) -> None:
        checked = self.type_group.checkedButton()
        if checked is None:
            shown = self.three_facts.label_result
            shown.setProperty("role", "error")
            shown.style().unpolish(shown)
            shown.style().polish(shown)
            shown.setText("请选择协议人银行账户（本人账户或他人账户）。")
            self.radio_own.setFocus()
            return
        self.account_type = checked.text()
        self.three_facts.submit()

    def _found(self, resident: AreaResident) -> None:
        self.resident = resident
        self.label_resident.setText(resident_line(resident, self.id_types))
        other = self.account_type == OTHER
        for n, tip in enumerate(TIPS[self.account_type], start=1):
            getattr(self, f"label_tip_{n}").setText(tip)
        for widget in (self.edit_holder_name, self.edit_holder_number):
            widget.setReadOnly(not other)
            widget.clear()
        self.combo_holder_type.setEnabled(other)
        if not other:
            self.edit_holder_name.setText(resident.name)
            self.combo_holder_type.setCurrentIndex(
                self.combo_holder_type.findData(resident.id_type)
            )
            self.edit_holder_number.setText(resident.id_number)
        for widget in self.other_only:
            widget.setVisible(other)
        for widget in self.own_only:
            widget.setVisible(not other)
        self.label_error.clear()
        show_step(self.pages, 1)

    # -- 第二步 ----------------------------------------------------------------------------
    def _second_step(self) -> QWidget:
        step = QWidget()
        box = QVBoxLayout(step)
        box.addWidget(label("协议信息录入", "label_step_two", "section"))
        box.addWidget(label("温馨提示", "label_tips_title", "hint"))
        self.label_tip_1 = label("", "label_tip_1", "hint")
        self.label_tip_2 = label("", "label_tip_2", "hint")
        box.addWidget(self.label_tip_1)
        box.addWidget(self.label_tip_2)
        self.label_resident = label("", "label_resident", "hint")
        box.addWidget(self.label_resident)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.deduction_group, row = _radios(step, ("允许代扣", "radio_allow_deduction"),
                                            ("不允许代扣", "radio_deny_deduction"))  # fmt: skip
        self.radio_allow, self.radio_deny = self.deduction_group.buttons()
        self.radio_allow.setChecked(True)
        form.addRow(required("是否允许银行代扣"), row)
        self.combo_tax_authority = QComboBox()
        self.combo_tax_authority.setObjectName("combo_tax_authority")
        self.combo_tax_authority.setMinimumWidth(FIELD_WIDTH)
        for name in self.page.authorities:
            self.combo_tax_authority.addItem(name, name)
        form.addRow(required("所属税务机关"), self.combo_tax_authority)
        self.picker = BankPicker(self.codes, step)
        self.picker.add_rows(form, required)
        self.edit_account_number = self._edit("edit_account_number", "8至32位数字的银行卡号")
        form.addRow(required("缴费账号"), self.edit_account_number)
        self.edit_holder_name = self._edit("edit_holder_name", "请输入持卡人姓名")
        form.addRow(required("持卡人姓名"), self.edit_holder_name)
        self.combo_holder_type = QComboBox()
        self.combo_holder_type.setObjectName("combo_holder_id_type")
        for code, name in self.id_types.items():
            self.combo_holder_type.addItem(name, code)
        self.combo_holder_type.setCurrentIndex(max(self.combo_holder_type.findData("01"), 0))
        form.addRow(required("持卡人证件类型"), self.combo_holder_type)
        self.edit_holder_number = self._edit("edit_holder_id_number", "请输入持卡人证件号码")
        form.addRow(required("持卡人证件号码"), self.edit_holder_number)
        self.other_only: list[QWidget] = []
        self.own_only: list[QWidget] = []
        self.edit_phone = self._edit("edit_phone", "持卡人在银行预留的手机号码")
        self.edit_phone.setMaxLength(11)
        self.btn_send_code = button(GET_CODE, "btn_send_code")
        self.btn_send_code.clicked.connect(self.send_code)
        phone_row = QWidget()
        phone_box = QHBoxLayout(phone_row)
        phone_box.setContentsMargins(0, 0, 0, 0)
        phone_box.addWidget(self.edit_phone, 1)
        phone_box.addWidget(self.btn_send_code)
        self.edit_sms_code = self._edit("edit_sms_code", "请输入收到的短信验证码")
        self.edit_sms_code.setMaxLength(6)
        self.label_code_hint = label("", "label_code_hint", "hint")
        for title, widget in (("手机号码", phone_row), ("短信验证码", self.edit_sms_code)):
            form.addRow(required(title), widget)
            self.other_only += [widget, form.labelForField(widget)]
        form.addRow("", self.label_code_hint)
        self.other_only.append(self.label_code_hint)
        self.save_group, row = _radios(step, ("保存", "radio_save_account"),
                                       ("不保存", "radio_skip_account"))  # fmt: skip
        self.radio_save_account = self.save_group.buttons()[0]
        self.radio_save_account.setChecked(True)
        save_row = QWidget()
        save_row.setLayout(row)
        form.addRow(required("保存居民银行账户信息"), save_row)
        self.own_only += [save_row, form.labelForField(save_row)]
        box.addLayout(form)
        self.check_consent = QCheckBox(CONSENT_TEXT)
        self.check_consent.setObjectName("check_consent")
        self.btn_terms = button("下载《社保费扣费协议书》", "btn_agreement_terms", link=True)
        self.btn_terms.clicked.connect(lambda: self.page.show_terms(self))
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.check_consent)
        consent_row.addWidget(self.btn_terms)
        consent_row.addStretch(1)
        box.addLayout(consent_row)
        self.label_error = label("", "label_agreement_error", "error")
        self.label_error.setWordWrap(True)
        box.addWidget(self.label_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_back = button("上一步", "btn_back")
        self.btn_save = button("保存", "btn_save", primary=True)
        self.btn_cancel = button("取消", "btn_cancel")
        for b in (self.btn_back, self.btn_save, self.btn_cancel):
            buttons.addWidget(b)
        box.addLayout(buttons)
        self.btn_back.clicked.connect(lambda: show_step(self.pages, 0))
        self.btn_save.clicked.connect(self.save)
        self.btn_cancel.clicked.connect(self.reject)
        return step

    @staticmethod
    def _edit(name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setMaxLength(40)
        edit.setMinimumWidth(FIELD_WIDTH)
        edit.setPlaceholderText(placeholder)
        return edit

    # -- 获取验证码 and its countdown --------------------------------------------------------
    def send_code(self) -> None:
        self.page.send_code(self)

    def code_sent(self, phone: str) -> None:
        """The code went out: the button waits RESEND_SECONDS before it may ask again."""
        self.countdown = RESEND_SECONDS
        self.btn_send_code.setEnabled(False)
        self.btn_send_code.setText(f"{self.countdown}秒后重新获取")
        self.label_code_hint.setText(
            f"验证码已发送至手机{phone[:3]}****{phone[-4:]}，5分钟内有效。"
        )
        self.timer.start()

    def _tick(self) -> None:
        self.countdown -= 1
        if self.countdown <= 0:
            self.timer.stop()
            self.btn_send_code.setEnabled(True)
            self.btn_send_code.setText(GET_CODE)
        else:
            self.btn_send_code.setText(f"{self.countdown}秒后重新获取")

    # -- 保存 ------------------------------------------------------------------------------
    def form(self) -> AgreementForm:
        allow = self.radio_allow.isChecked() or (False if self.radio_deny.isChecked() else None)
        return AgreementForm(
            account_type=self.account_type,
            allow_deduction=allow,
            tax_authority=str(self.combo_tax_authority.currentData() or ""),
            bank=self.picker.fields(self.edit_account_number.text()),
            holder_name=self.edit_holder_name.text(),
            holder_id_type=str(self.combo_holder_type.currentData() or ""),
            holder_id_number=self.edit_holder_number.text(),
            phone=self.edit_phone.text(),
            sms_code=self.edit_sms_code.text(),
            consent=self.check_consent.isChecked(),
            save_account=self.radio_save_account.isChecked(),
        )

    def save(self) -> None:
        self.page.sign(self)

    def show_error(self, error: AgreementRuleError | str) -> None:
        text = error if isinstance(error, str) else error.message
        self.label_error.setText(text)
        field = "" if isinstance(error, str) else (error.field or "")
        widget = self.picker.widget_of(field) or {
            "allow_deduction": self.radio_allow,
            "tax_authority": self.combo_tax_authority,
            "account_number": self.edit_account_number,
            "holder_name": self.edit_holder_name,
            "holder_id_type": self.combo_holder_type,
            "holder_id_number": self.edit_holder_number,
            "phone": self.edit_phone,
            "sms_code": self.edit_sms_code,
            "consent": self.check_consent,
        }.get(field)
        if widget is not None:
            widget.setFocus()

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)
