"""新增居民两两协议 (manual §3.19 二、(二)): 第一步 参保人员基本信息录入 (the three facts and
协议人银行账户: 本人账户 or 他人账户, 下一步 asks the 管理子系统), 第二步 协议信息录入 — for
本人账户 the 持卡人 is the resident (not editable) and 保存居民银行账户信息 is offered; for
他人账户 the holder's facts, 手机号码, 获取验证码 (then 60 s until it may be asked again) and
短信验证码. The agreement to 《社保费扣费协议书》 is ticked before 保存. The page's service
checks and sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from client.authorisation.agreements import (
    CONSENT_TEXT,
    OTHER,
    OWN,
    RESEND_SECONDS,
    AgreementForm,
)
from client.authorisation.people import AreaResident
from client.payments.bank_codes import BankCodes
from client.ui.authorisation.accounts_bank_picker import FIELD_WIDTH
from client.ui.authorisation.steps_dialog import ResidentStepsDialog, line_edit
from client.ui.authorisation.three_facts import required
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
NO_ACCOUNT_TYPE = "请选择协议人银行账户（本人账户或他人账户）。"


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


class AgreementDialog(ResidentStepsDialog):
    OBJECT_NAME = "dlg_resident_agreement"
    TITLE = TITLE
    WIDTH = 640
    FIRST_STEP = "参保人员基本信息录入"
    FIRST_TIP = FIRST_TIP
    SECOND_STEP = "协议信息录入"
    ACCOUNT_TITLE = "缴费账号"
    ERROR_NAME = "label_agreement_error"
    page: AgreementsPage

    def __init__(self, page: AgreementsPage, codes: BankCodes) -> None:
        super().__init__(page, codes)
        self.account_type = ""
        self.countdown = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    # -- 第一步 ----------------------------------------------------------------------------
    def _first_rows(self, step: QWidget, form: QFormLayout) -> None:
        self.type_group, row = _radios(step, (OWN, "radio_own_account"),
                                       (OTHER, "radio_other_account"))  # fmt: skip
        self.radio_own, self.radio_other = self.type_group.buttons()
        form.addRow(required("协议人银行账户"), row)

    def _check_found(self) -> Callable[[AreaResident], None]:
        """§3.19.3 二: a resident with a 有效 允许银行代扣 agreement goes no further."""
        return self.page.service.refuse_second

    def next_step(self) -> None:
        checked = self.type_group.checkedButton()
        if checked is None:
            self.three_facts.say(NO_ACCOUNT_TYPE, "error")
            self.radio_own.setFocus()
            return
        self.account_type = checked.text()
        self.three_facts.submit()

    def _prepare(self, resident: AreaResident) -> None:
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

    # -- 第二步 ----------------------------------------------------------------------------
    def _above_resident(self, box: QVBoxLayout) -> None:
        box.addWidget(label("温馨提示", "label_tips_title", "hint"))
        self.label_tip_1 = label("", "label_tip_1", "hint")
        self.label_tip_2 = label("", "label_tip_2", "hint")
        box.addWidget(self.label_tip_1)
        box.addWidget(self.label_tip_2)

    def _rows(self, step: QWidget, form: QFormLayout) -> None:
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
        self._bank_rows(step, form)
        self.edit_holder_name = line_edit("edit_holder_name", "请输入持卡人姓名")
        form.addRow(required("持卡人姓名"), self.edit_holder_name)
        self.combo_holder_type = QComboBox()
        self.combo_holder_type.setObjectName("combo_holder_id_type")
        for code, name in self.id_types.items():
            self.combo_holder_type.addItem(name, code)
        self.combo_holder_type.setCurrentIndex(max(self.combo_holder_type.findData("01"), 0))
        form.addRow(required("持卡人证件类型"), self.combo_holder_type)
        self.edit_holder_number = line_edit("edit_holder_id_number", "请输入持卡人证件号码")
        form.addRow(required("持卡人证件号码"), self.edit_holder_number)
        self.other_only: list[QWidget] = []
        self.own_only: list[QWidget] = []
        self.edit_phone = line_edit("edit_phone", "持卡人在银行预留的手机号码")
        self.edit_phone.setMaxLength(11)
        self.btn_send_code = button(GET_CODE, "btn_send_code")
        self.btn_send_code.clicked.connect(self.send_code)
        phone_row = QWidget()
        phone_box = QHBoxLayout(phone_row)
        phone_box.setContentsMargins(0, 0, 0, 0)
        phone_box.addWidget(self.edit_phone, 1)
        phone_box.addWidget(self.btn_send_code)
        self.edit_sms_code = line_edit("edit_sms_code", "请输入收到的短信验证码")
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

    def _below_rows(self, box: QVBoxLayout) -> None:
        self.check_consent = QCheckBox(CONSENT_TEXT)
        self.check_consent.setObjectName("check_consent")
        self.btn_terms = button("下载《社保费扣费协议书》", "btn_agreement_terms", link=True)
        self.btn_terms.clicked.connect(lambda: self.page.show_terms(self))
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.check_consent)
        consent_row.addWidget(self.btn_terms)
        consent_row.addStretch(1)
        box.addLayout(consent_row)

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

    def _field_widgets(self) -> dict[str, QWidget]:
        return {
            **super()._field_widgets(),
            "allow_deduction": self.radio_allow,
            "tax_authority": self.combo_tax_authority,
            "holder_name": self.edit_holder_name,
            "holder_id_type": self.combo_holder_type,
            "holder_id_number": self.edit_holder_number,
            "phone": self.edit_phone,
            "sms_code": self.edit_sms_code,
            "consent": self.check_consent,
        }

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)
