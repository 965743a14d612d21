"""新增居民银行账户 (manual §3.18 二、(二)): 第一步 人员基本信息录入 (the three facts, 下一步 asks
the 管理子系统), 第二步 the account form (银行行别 → 行政区划 → 开户网点, 银行账号, 账户性质,
the three 是/否 flags) and 保存. Checks and requests are the page's service's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.authorisation.accounts import ACCOUNT_NATURES, FLAGS, AccountForm, AccountRuleError
from client.authorisation.people import AreaResident, find_resident
from client.payments.bank_codes import BankCodes
from client.ui.authorisation.accounts_bank_picker import FIELD_WIDTH, PICK, BankPicker, show_step
from client.ui.authorisation.three_facts import ThreeFactsForm, required
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.ui.authorisation.accounts_page import AccountsPage

TITLE = "新增居民银行账户"


def yes_no_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setMinimumWidth(FIELD_WIDTH)
    combo.addItem(PICK, None)
    combo.addItem("是", True)
    combo.addItem("否", False)
    return combo


def resident_line(resident: AreaResident, id_types: dict[str, str]) -> str:
    kind = id_types.get(resident.id_type, resident.id_type)
    place = " ".join(p for p in (resident.township, resident.village) if p)
    line = f"{resident.name}　{kind} {resident.id_number}"
    return f"{line}　{place}" if place else line


class AccountDialog(QDialog):
    """Two steps in one window; `resident` is the person found in 第一步."""

    def __init__(self, page: AccountsPage, codes: BankCodes) -> None:
        super().__init__(page)
        self.setObjectName("dlg_resident_account")
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(600)
        self.page = page
        self.codes = codes
        self.id_types = page.id_types
        self.runner = page.ctx.ui.runner(self)
        self.resident: AreaResident | None = None
        self.saved: dict[str, Any] | None = None
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
        box.addWidget(label("人员基本信息录入", "label_step_one", "section"))
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
        box.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_next = button("下一步", "btn_next", primary=True)
        self.btn_cancel_first = button("取消", "btn_cancel_first")
        buttons.addWidget(self.btn_next)
        buttons.addWidget(self.btn_cancel_first)
        box.addLayout(buttons)
        self.btn_next.clicked.connect(self.three_facts.submit)
        self.btn_cancel_first.clicked.connect(self.reject)
        return step

    def _found(self, resident: AreaResident) -> None:
        self.resident = resident
        self.label_resident.setText(resident_line(resident, self.id_types))
        self.label_error.clear()
        show_step(self.pages, 1)
        self.picker.combo_bank.setFocus()

    # -- 第二步 ----------------------------------------------------------------------------
    def _second_step(self) -> QWidget:
        step = QWidget()
        box = QVBoxLayout(step)
        box.addWidget(label("银行账户信息录入", "label_step_two", "section"))
        self.label_resident = label("", "label_resident", "hint")
        box.addWidget(self.label_resident)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.picker = BankPicker(self.codes, step)
        self.picker.add_rows(form, required)
        self.edit_account_number = QLineEdit()
        self.edit_account_number.setObjectName("edit_account_number")
        self.edit_account_number.setMaxLength(40)
        self.edit_account_number.setPlaceholderText("8至32位数字的银行卡号")
        form.addRow(required("银行账号"), self.edit_account_number)
        self.combo_nature = QComboBox()
        self.combo_nature.setObjectName("combo_account_nature")
        self.combo_nature.addItem(PICK, None)
        for nature in ACCOUNT_NATURES:
            self.combo_nature.addItem(nature, nature)
        form.addRow(required("账户性质"), self.combo_nature)
        self.flag_combos: dict[str, QComboBox] = {}
        for field, title in FLAGS.items():
            self.flag_combos[field] = yes_no_combo(f"combo_{field}")
            form.addRow(required(title), self.flag_combos[field])
        box.addLayout(form)
        self.label_error = label("", "label_account_error", "error")
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
        self.edit_account_number.returnPressed.connect(self.save)
        return step

    def form(self) -> AccountForm:
        flags = {field: combo.currentData() for field, combo in self.flag_combos.items()}
        return AccountForm(
            self.picker.fields(self.edit_account_number.text()),
            str(self.combo_nature.currentData() or ""),
            **flags,
        )

    def set_flags(self, refund: bool, preferred: bool, social: bool) -> None:
        for field, value in zip(FLAGS, (refund, preferred, social), strict=True):
            combo = self.flag_combos[field]
            combo.setCurrentIndex(combo.findData(value))

    def save(self) -> None:
        self.page.save_account(self)

    def show_error(self, error: AccountRuleError | str) -> None:
        text = error if isinstance(error, str) else error.message
        self.label_error.setText(text)
        field = None if isinstance(error, str) else error.field
        widget = self.picker.widget_of(field or "") or {
            "account_number": self.edit_account_number,
            "account_nature": self.combo_nature,
            **self.flag_combos,
        }.get(field or "")
        if widget is not None:
            widget.setFocus()
