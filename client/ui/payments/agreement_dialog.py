"""新增单位三方协议 / 修改单位三方协议 (manual §2.18 三、五): the form with its 温馨提示, the
cascade 行政区划 → 银行行别 → 开户网点 (each change resets the next), fuzzy search on 行政区划
and on 网点 names, and 保存 / 验证 / 取消. The checks and requests are the page's service's;
this only lays out and forwards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from client.payments.agreement_rules import AgreementForm, AgreementRuleError, can_verify
from client.payments.agreement_wire import UNVERIFIED
from client.payments.bank_codes import SEARCH_LIMIT, BankCodes
from client.ui.widgets.bank_fields import (
    PICK,
    chosen_code,
    offered_names,
    pick_by_name,
    show_branches,
)
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.ui.payments.agreements_page import AgreementsPage

TIPS = (
    "1、单位允许银行代扣的协议只有一个，若已签订允许银行代扣的协议，需要变更原协议的批扣标志，"
    "或将原协议作废处理。",
    "2、行政区划、开户网点可模糊搜索",
)
NEW_TITLE, EDIT_TITLE = "新增单位三方协议", "修改单位三方协议"
SEARCH_DELAY_MS = 250
FIELD_WIDTH = 420


class AgreementDialog(QDialog):
    """The form of one agreement; `saved` is the agreement as the server last answered."""

    def __init__(self, page: AgreementsPage, row: Mapping[str, Any] | None = None) -> None:
        super().__init__(page)
        self.setObjectName("dlg_agreement")
        self.page = page
        self.codes: BankCodes = page.codes
        self.authorities: list[str] = page.authorities
        self.saved: dict[str, Any] | None = dict(row) if row else None
        self._saved_form: AgreementForm | None = None
        self._cascading = False  # a 网点 picked from a search sets its 行政区划 and bank
        self.setWindowTitle(EDIT_TITLE if row else NEW_TITLE)
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(label("温馨提示", "label_tips_title", "section"))
        for n, tip in enumerate(TIPS, start=1):
            layout.addWidget(label(tip, f"label_tip_{n}", "hint"))
        layout.addWidget(label("协议信息录入", "label_form_title", "section"))
        layout.addLayout(self._build_form())
        self.label_status = label("", "label_agreement_status", "section")
        layout.addWidget(self.label_status)
        self.label_error = label("", "label_agreement_error", "error")
        layout.addWidget(self.label_error)
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        self.btn_save = button("保存", "btn_save", primary=True)
        self.btn_verify = button("验证", "btn_verify")
        self.btn_cancel = button("取消", "btn_cancel")
        for b in (self.btn_save, self.btn_verify, self.btn_cancel):
            row_buttons.addWidget(b)
        layout.addLayout(row_buttons)
        self.btn_save.clicked.connect(self.save)
        self.btn_verify.clicked.connect(self.verify)
        self.btn_cancel.clicked.connect(self.reject)
        self.edit_account_number.returnPressed.connect(self.save)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_branch_search)
        self._fill_regions()
        if self.saved is not None:
            self.load(AgreementForm.of(self.saved))
            self._saved_form = self.form()
        else:
            self.edit_account_name.setText(page.ctx.session.unit.taxpayer_name)
        self._show_state()

    # -- layout ---------------------------------------------------------------------------------
    def _build_form(self) -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)

        self.radio_allow = QRadioButton("允许代扣")
        self.radio_allow.setObjectName("radio_allow_deduction")
        self.radio_deny = QRadioButton("不允许代扣")
        self.radio_deny.setObjectName("radio_deny_deduction")
        self.deduction_group = QButtonGroup(self)
        self.deduction_group.addButton(self.radio_allow)
        self.deduction_group.addButton(self.radio_deny)
        radios = QHBoxLayout()
        radios.addWidget(self.radio_allow)
        radios.addWidget(self.radio_deny)
        radios.addStretch(1)
        form.addRow("是否允许银行代扣：", radios)

        self.combo_tax_authority = self._combo("combo_tax_authority")
        self.combo_tax_authority.addItem(PICK, None)
        for name in self.authorities:
            self.combo_tax_authority.addItem(name, name)
        if len(self.authorities) == 1:
            self.combo_tax_authority.setCurrentIndex(1)
        form.addRow("所属税务机关：", self.combo_tax_authority)

        self.combo_region = self._combo("combo_region")
        self.combo_region.setEditable(True)
        self.combo_region.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo_region.lineEdit().setPlaceholderText("请选择，或输入名称关键字模糊搜索")
        self.region_matches = QStringListModel(self)
        self.region_completer = QCompleter(self.region_matches, self)
        self.region_completer.setObjectName("completer_region")
        # the model already holds the fuzzy matches: show them as they are
        self.region_completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.combo_region.setCompleter(self.region_completer)
        self.combo_region.lineEdit().textEdited.connect(self.search_regions)
        self.region_completer.activated[str].connect(self.pick_region_name)
        self.combo_region.currentIndexChanged.connect(self._region_changed)
        form.addRow("行政区划：", self.combo_region)

        self.combo_bank = self._combo("combo_bank")
        self.combo_bank.currentIndexChanged.connect(self._bank_changed)
        form.addRow("银行行别：", self.combo_bank)

        self.edit_branch_search = QLineEdit()
        self.edit_branch_search.setObjectName("edit_branch_search")
        self.edit_branch_search.setPlaceholderText("输入网点名称关键字模糊搜索，如“宝安支行”")
        self.edit_branch_search.setClearButtonEnabled(True)
        self.edit_branch_search.textEdited.connect(lambda _t: self._search_timer.start())
        self.edit_branch_search.returnPressed.connect(self.run_branch_search)
        self.combo_branch = self._combo("combo_branch")
        self.combo_branch.currentIndexChanged.connect(self._branch_changed)
        self.label_branch_hint = label("", "label_branch_hint")
        self.label_branch_hint.setProperty("role", "")
        branch_box = QVBoxLayout()
        branch_box.setSpacing(6)
        branch_box.addWidget(self.edit_branch_search)
        branch_box.addWidget(self.combo_branch)
        branch_box.addWidget(self.label_branch_hint)
        form.addRow("开户网点：", branch_box)

        self.edit_account_name = QLineEdit()
        self.edit_account_name.setObjectName("edit_account_name")
        self.edit_account_name.setMaxLength(200)
        self.edit_account_name.setMinimumWidth(FIELD_WIDTH)
        form.addRow("账户名称：", self.edit_account_name)
        self.edit_account_number = QLineEdit()
        self.edit_account_number.setObjectName("edit_account_number")
        self.edit_account_number.setMaxLength(40)
        self.edit_account_number.setPlaceholderText("8至32位数字的银行卡号")
        form.addRow("缴费账号：", self.edit_account_number)
        return form

    @staticmethod
    def _combo(name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumWidth(FIELD_WIDTH)
        combo.setMaxVisibleItems(15)
        return combo

    # -- the cascade ----------------------------------------------------------------------------
    def _fill_regions(self) -> None:
        self.combo_region.blockSignals(True)
        self.combo_region.clear()
        for entry in self.codes.regions:
            self.combo_region.addItem(entry["name"], entry["code"])
        self.combo_region.setCurrentIndex(-1)
        self.combo_region.blockSignals(False)
        self.region_matches.setStringList([e["name"] for e in self.codes.regions])
        self._fill_banks()

    def _fill_banks(self, reset_branches: bool = True) -> None:
        region = self.region_code
        self.combo_bank.blockSignals(True)
        self.combo_bank.clear()
        self.combo_bank.addItem(PICK if region else "请先选择行政区划", None)
        for entry in self.codes.banks_in(region) if region else ():
            self.combo_bank.addItem(entry["name"], entry["code"])
        self.combo_bank.blockSignals(False)
        self.combo_bank.setEnabled(bool(region))
        if reset_branches:
            self._reset_branches()

    def _reset_branches(self) -> None:
        self.edit_branch_search.clear()
        self.run_branch_search()

    def _region_changed(self, _index: int) -> None:
        if not self._cascading:
            self._fill_banks()

    def _bank_changed(self, _index: int) -> None:
        if not self._cascading:
            self._reset_branches()

    def _branch_changed(self, _index: int) -> None:
        """A 网点 found across banks or 行政区划 sets them (without resetting the 网点)."""
        entry = self.codes.branch(self.combo_branch.currentData())
        if entry is None or self._cascading:
            return
        if (entry["region_code"], entry["bank_code"]) == (self.region_code, self.bank_code):
            return
        self._cascading = True
        try:
            if entry["region_code"] != self.region_code:
                self.combo_region.setCurrentIndex(self.combo_region.findData(entry["region_code"]))
                self._fill_banks(reset_branches=False)
            self.combo_bank.setCurrentIndex(self.combo_bank.findData(entry["bank_code"]))
        finally:
            self._cascading = False

    # -- fuzzy search ---------------------------------------------------------------------------
    def search_regions(self, text: str) -> list[str]:
        """行政区划 matching what is typed, offered in the completer's list."""
        found = [e["name"] for e in self.codes.search_regions(text)]
        self.region_matches.setStringList(found)
        if not text.strip() and self.combo_region.currentIndex() >= 0:
            self.combo_region.setCurrentIndex(-1)  # cleared: no 行政区划, no bank
        if text.strip() and self.isVisible():
            self.region_completer.complete()
        return found

    def pick_region_name(self, name: str) -> None:
        pick_by_name(self.combo_region, name)

    def set_branch_query(self, text: str) -> None:
        """Type into 网点 search and search at once (what the delay does after typing)."""
        self.edit_branch_search.setText(text)
        self.run_branch_search()

    def run_branch_search(self) -> None:
        """开户网点 list: the chosen bank's 网点 in the 行政区划, or the 网点 whose names match
        the search (within whatever 行政区划 and bank are chosen)."""
        self._search_timer.stop()
        query = self.edit_branch_search.text().strip()
        region, bank = self.region_code, self.bank_code
        if query or (region and bank):
            found: Sequence[Mapping[str, Any]] = self.codes.search_branches(
                query, region_code=region, bank_code=bank, limit=SEARCH_LIMIT + 1
            )
        else:
            found = []
        waiting = None if query or (region and bank) else "请先选择银行行别，或输入网点名称搜索"
        show_branches(self.combo_branch, self.label_branch_hint, found, query, waiting)

    @property
    def branch_names(self) -> list[str]:
        """The 网点 the list offers now (without the 请选择 line)."""
        return offered_names(self.combo_branch)

    # -- reading and filling the form -------------------------------------------------------------
    @property
    def region_code(self) -> str:
        """The chosen 行政区划; none while the typed text is not one of them."""
        return chosen_code(self.combo_region)

    @property
    def bank_code(self) -> str:
        return str(self.combo_bank.currentData() or "")

    def form(self) -> AgreementForm:
        allow = (
            True if self.radio_allow.isChecked() else False if self.radio_deny.isChecked() else None
        )
        return AgreementForm(
            allow_deduction=allow,
            tax_authority=str(self.combo_tax_authority.currentData() or ""),
            region_code=self.region_code,
            bank_code=self.bank_code,
            branch_code=str(self.combo_branch.currentData() or ""),
            account_name=self.edit_account_name.text(),
            account_number=self.edit_account_number.text(),
        )

    def load(self, form: AgreementForm) -> None:
        """Fill the form with a saved agreement (修改)."""
        (self.radio_allow if form.allow_deduction else self.radio_deny).setChecked(True)
        index = self.combo_tax_authority.findData(form.tax_authority)
        if index < 0 and form.tax_authority:  # registered elsewhere meanwhile: still shown
            self.combo_tax_authority.addItem(form.tax_authority, form.tax_authority)
            index = self.combo_tax_authority.count() - 1
        self.combo_tax_authority.setCurrentIndex(index)
        self.combo_region.setCurrentIndex(self.combo_region.findData(form.region_code))
        self.combo_bank.setCurrentIndex(self.combo_bank.findData(form.bank_code))
        self.combo_branch.setCurrentIndex(self.combo_branch.findData(form.branch_code))
        self.edit_account_name.setText(form.account_name)
        self.edit_account_number.setText(form.account_number)

    def choose(self, region: str = "", bank: str = "", branch: str = "") -> None:
        """Pick 行政区划, bank and 网点 by code, in that order (what a clerk does)."""
        if region:
            self.combo_region.setCurrentIndex(self.combo_region.findData(region))
        if bank:
            self.combo_bank.setCurrentIndex(self.combo_bank.findData(bank))
        if branch:
            if self.combo_branch.findData(branch) < 0:
                self.set_branch_query("")  # not among the search results: the bank's list
            self.combo_branch.setCurrentIndex(self.combo_branch.findData(branch))

    # -- 保存 / 验证 -------------------------------------------------------------------------------
    def save(self) -> None:
        self.page.save_agreement(self)

    def verify(self) -> None:
        if self.saved is None:
            self.show_error(AgreementRuleError("请先点击【保存】，保存成功后再验证。"))
            return
        if self.form() != self._saved_form:
            self.show_error(AgreementRuleError("协议信息已修改，请先点击【保存】后再验证。"))
            return
        self.page.verify(self.saved, self)

    def saved_as(self, row: dict[str, Any]) -> None:
        """保存 succeeded (or 验证 answered): show the agreement's state, allow 验证."""
        self.saved = row
        self._saved_form = self.form()
        self.setWindowTitle(EDIT_TITLE)
        self.label_error.clear()
        self._show_state()

    def show_error(self, error: AgreementRuleError | str) -> None:
        message = error if isinstance(error, str) else error.message
        self.label_error.setText(message)
        widget = self._field_widget(None if isinstance(error, str) else error.field)
        if widget is not None:
            widget.setFocus()

    def _field_widget(self, field: str | None) -> QWidget | None:
        return {
            "allow_deduction": self.radio_allow,
            "tax_authority": self.combo_tax_authority,
            "region_code": self.combo_region,
            "bank_code": self.combo_bank,
            "branch_code": self.edit_branch_search,
            "account_name": self.edit_account_name,
            "account_number": self.edit_account_number,
        }.get(field or "")

    def _show_state(self) -> None:
        row = self.saved
        self.btn_verify.setEnabled(row is not None and can_verify(row))
        if row is None:
            self.label_status.setText("")
            self.label_status.setVisible(False)
            return
        text = f"协议状态：{row['status']}"
        if row["status"] == UNVERIFIED:
            text += "（需验证通过后方可使用，请点击【验证】）"
        elif row.get("reason"):
            text += f"（{row['reason']}）"
        self.label_status.setText(text)
        self.label_status.setVisible(True)
