"""新增 of 社保费批扣费额设置 (manual §3.17 二、(二)): 参保信息查询 (姓名, 证件类型, 证件号码,
参保险种 → 下一步), then 居民社保选档 (the resident as insured, 生效年度, 缴费金额 among the
year's 档次, 缴费金额确认) → 保存 / 保存并继续 / 上一步 / 取消."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.authorisation.amounts import INSURANCES, AmountCandidate, AmountError, check_amount
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.ui.authorisation.steps_dialog import button_row
from client.ui.authorisation.three_facts import ThreeFactsForm, required
from client.ui.jobs import JobHandle
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.ui.authorisation.amounts_page import AmountSettingsPage

TITLE = "新增居民社保选档设置"
CONFIRM_NEEDED = "请勾选“缴费金额确认”，确认缴费金额无误后再保存。"
SAVED = "保存成功：{name}{year}年度{insurance}批扣缴费金额{amount}元。"


class AddAmountDialog(QDialog):
    def __init__(self, page: AmountSettingsPage) -> None:
        super().__init__(page)
        self.page = page
        self.service = page.service
        self.setObjectName("dialog_add_amount")
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setMinimumWidth(520)
        self.candidate: AmountCandidate | None = None
        self.saved: list[dict[str, Any]] = []
        self.handle: JobHandle[dict[str, Any]] | None = None

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._step_find())
        self.stack.addWidget(self._step_amount())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.label_error = label("", "label_amount_error", "error")
        self.label_error.setWordWrap(True)
        layout.addWidget(self.label_error)

    # -- 第一步: 参保信息查询 ------------------------------------------------------------------
    def _step_find(self) -> QWidget:
        step = QWidget()
        step.setObjectName("step_find")
        column = QVBoxLayout(step)
        column.addWidget(label("参保信息查询", "label_step_find", "title"))
        self.combo_insurance = QComboBox()
        self.combo_insurance.setObjectName("combo_insurance")
        for code, name in INSURANCES.items():
            self.combo_insurance.addItem(name, code)

        def lookup(name: str, id_type: str, id_number: str) -> AmountCandidate:
            return self.service.candidate(name, id_type, id_number, self._insurance)

        self.facts = ThreeFactsForm(
            self.page.runner, lookup, self.page.id_types, show_button=False, parent=step,
            describe=lambda _found: "",
        )  # fmt: skip
        self.facts.form.addRow(required("参保险种"), self.combo_insurance)
        self.facts.found.connect(self._found)
        column.addWidget(self.facts)
        column.addStretch(1)
        self.btn_next = button("下一步", "btn_next", primary=True)
        self.btn_next.setDefault(True)
        self.btn_cancel = button("取消", "btn_cancel")
        column.addLayout(button_row(self.btn_next, self.btn_cancel))
        self.btn_next.clicked.connect(self.next_step)
        self.btn_cancel.clicked.connect(self.reject)
        return step

    @property
    def _insurance(self) -> str:
        return str(self.combo_insurance.currentData() or "")

    def next_step(self) -> JobHandle[Any] | None:
        """下一步: look the resident up (the form checks the facts first)."""
        self.label_error.setText("")
        return self.facts.submit()

    def _found(self, candidate: AmountCandidate) -> None:
        self.candidate = candidate
        self._show_candidate(candidate)
        self.stack.setCurrentIndex(1)

    # -- 第二步: 居民社保选档 ------------------------------------------------------------------
    def _step_amount(self) -> QWidget:
        step = QWidget()
        step.setObjectName("step_amount")
        column = QVBoxLayout(step)
        column.addWidget(label("居民社保选档", "label_step_amount", "title"))
        grid = QFormLayout()
        grid.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.shown: dict[str, QLabel] = {}
        for key, title in (("name", "姓名"), ("id_number", "证件号码"), ("agency", "社保经办机构"),
                           ("levy_item", "征收项目"), ("levy_category", "征收品目"),
                           ("levy_subcategory", "征收子目")):  # fmt: skip
            value = label("", f"value_{key}")
            self.shown[key] = value
            grid.addRow(f"{title}：", value)
        self.combo_year = QComboBox()
        self.combo_year.setObjectName("combo_year")
        self.combo_amount = QComboBox()
        self.combo_amount.setObjectName("combo_amount")
        self.combo_amount.setEditable(True)
        grid.addRow(required("生效年度"), self.combo_year)
        grid.addRow(required("缴费金额(元)"), self.combo_amount)
        column.addLayout(grid)
        self.check_confirm = QCheckBox("缴费金额确认")
        self.check_confirm.setObjectName("check_amount_confirm")
        column.addWidget(self.check_confirm)
        self.label_valid = label("", "label_valid_settings", "hint")
        self.label_valid.setWordWrap(True)
        column.addWidget(self.label_valid)
        column.addStretch(1)
        self.btn_back = button("上一步", "btn_back")
        self.btn_save_next = button("保存并继续", "btn_save_continue")
        self.btn_save = button("保存", "btn_save", primary=True)
        self.btn_cancel2 = button("取消", "btn_cancel_amount")
        column.addLayout(
            button_row(self.btn_save_next, self.btn_save, self.btn_cancel2, left=[self.btn_back])
        )
        self.btn_back.clicked.connect(self.back)
        self.btn_save.clicked.connect(lambda: self.save(keep_going=False))
        self.btn_save_next.clicked.connect(lambda: self.save(keep_going=True))
        self.btn_cancel2.clicked.connect(self.reject)
        self.combo_year.currentIndexChanged.connect(self._year_changed)
        return step

    def _show_candidate(self, found: AmountCandidate) -> None:
        names = self.page.names
        self.shown["name"].setText(found.resident.name)
        self.shown["id_number"].setText(found.resident.id_number)
        self.shown["agency"].setText(found.agency)
        self.shown["levy_item"].setText(names.levy_item(found.insurance) or found.insurance_name)
        self.shown["levy_category"].setText(
            names.levy_category(found.levy_category) or found.levy_category
        )
        self.shown["levy_subcategory"].setText(
            names.levy_subcategory(found.levy_subcategory) or found.levy_subcategory
        )
        self.combo_year.blockSignals(True)
        self.combo_year.clear()
        for year in found.years:
            self.combo_year.addItem(str(year), year)
        self.combo_year.blockSignals(False)
        self._year_changed()
        self.check_confirm.setChecked(False)
        taken = sorted(found.valid_years(), reverse=True)
        self.label_valid.setText(
            f"该居民已有有效批扣费额的生效年度：{'、'.join(map(str, taken))}。" if taken else ""
        )

    def _year_changed(self) -> None:
        self.combo_amount.clear()
        if self.candidate is None:
            return
        for amount in self.candidate.amounts(int(self.combo_year.currentData() or 0)):
            self.combo_amount.addItem(f"{amount:.2f}")
        self.combo_amount.setCurrentIndex(-1)
        self.combo_amount.setEditText("")

    def choose(self, year: int, amount: str, confirm: bool = True) -> None:
        self.combo_year.setCurrentIndex(self.combo_year.findData(year))
        self.combo_amount.setEditText(amount)
        self.check_confirm.setChecked(confirm)

    def back(self) -> None:
        """上一步: the facts stay as typed."""
        self.label_error.setText("")
        self.stack.setCurrentIndex(0)

    def save(self, keep_going: bool) -> JobHandle[dict[str, Any]] | None:
        """保存 (closes) / 保存并继续 (back to 参保信息查询, facts cleared)."""
        if self.candidate is None or (self.handle is not None and not self.handle.done):
            return None
        candidate = self.candidate
        year, amount = self.combo_year.currentData(), self.combo_amount.currentText()
        try:
            check_amount(candidate, year, amount)
        except AmountError as error:
            self.label_error.setText(error.message)
            return None
        if not self.check_confirm.isChecked():
            self.label_error.setText(CONFIRM_NEEDED)
            return None
        self.label_error.setText("")
        service = self.service

        def run(_ctx: JobContext) -> dict[str, Any]:
            return service.save(candidate, year, amount)

        self._saving(True)
        self.handle = self.page.runner.run(
            Job("正在保存批扣费额", run), lambda row: self._saved(row, keep_going), self._failed
        )
        return self.handle

    def _saving(self, busy: bool) -> None:
        self.btn_save.setEnabled(not busy)
        self.btn_save_next.setEnabled(not busy)

    def _saved(self, row: dict[str, Any], keep_going: bool) -> None:
        self._saving(False)
        self.saved.append(row)
        self.page.saved(row)
        text = SAVED.format(name=row["name"], year=row["year"], insurance=row["insurance_name"],
                            amount=row["amount"])  # fmt: skip
        if keep_going:
            self.candidate = None
            self.facts.clear()
            self.stack.setCurrentIndex(0)
            self.label_error.setText("")
            self.facts.label_result.setText(text + "请继续新增。")
            self.facts.edit_name.setFocus()
        else:
            self.accept()
            self.page.prompts.info(self.page, text, title="社保费批扣费额设置")

    def _failed(self, error: BaseException) -> None:
        self._saving(False)
        if not isinstance(error, JobCancelled):
            self.label_error.setText(user_message(error))
