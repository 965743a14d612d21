"""The 缴费工资申报 dialogs: 单个录入, and the 比率/固定金额 dialogs of 按单位编号添加,
按分组添加 and 批量修改 (manual §2.3.2 二, 九)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.domain.wages import Adjustment, MonthCheck, WageRuleError, money
from client.ui.prompts import PromptService
from client.ui.widgets.common import button, label
from client.wages.drafts import EmployeeWageInfo, WageDrafts

MONTH_HINT = "格式：2026-11"


def confirm_month(prompts: PromptService, parent: QWidget | None, check: MonthCheck | None) -> bool:
    """A 生效年月 earlier than this month creates 补缴: the clerk confirms it first."""
    if check is None or not check.warning:
        return True
    # §2.3.2 二(一)5: "用户点击【确定】按钮后，生效年月置为选择的生效年月"
    return prompts.confirm(parent, check.warning, title="生效年月提示", yes="确定", no="取消")


class _Dialog(QDialog):
    def __init__(self, title: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.status = label("", f"label_{name}_error", "error")

    def finish(self) -> None:
        self.layout_.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.btn_ok = button("确定", "btn_ok", primary=True)
        self.btn_cancel = button("取消", "btn_cancel")
        row.addWidget(self.btn_ok)
        row.addWidget(self.btn_cancel)
        self.layout_.addLayout(row)
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class SingleEntryDialog(_Dialog):
    """单个录入: 姓名 with fuzzy search, 证件号码 filled in, 主管税务机关, 原缴费工资 shown,
    新缴费工资 (per item 按险种), 生效年月 (日常 only). All fields are required."""

    def __init__(self, drafts: WageDrafts, prompts: PromptService, parent: QWidget | None = None):
        super().__init__("单个录入", "dialog_wage_single", parent)
        self.drafts = drafts
        self.prompts = prompts
        self.info: EmployeeWageInfo | None = None
        self.result_message = ""
        self.resize(640, 420)
        self.name = QComboBox(objectName="combo_wage_name")
        self.name.setEditable(True)
        self.name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.name.lineEdit().setPlaceholderText("输入姓名或拼音首字母查找，例如“林”")
        self.id_number = label("", "label_wage_id_number")
        self.authority = QComboBox(objectName="combo_wage_authority")
        self.authority.addItems(drafts.tax_authorities())
        self.old_wage = label("", "label_wage_old")
        self.form.addRow("姓名*：", self.name)
        self.form.addRow("证件号码*：", self.id_number)
        self.form.addRow("主管税务机关*：", self.authority)
        self.form.addRow("原缴费工资(元)：", self.old_wage)
        self.new_wage = QLineEdit(objectName="edit_wage_new")
        self.items = QTableWidget(0, 4, objectName="table_wage_items")
        if drafts.by_item:
            self.items.setHorizontalHeaderLabels(
                ("征收项目", "单位编号", "原缴费工资(元)", "新缴费工资(元)")
            )
            self.items.verticalHeader().hide()
            self.items.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            self.items.horizontalHeader().setStretchLastSection(True)
            self.layout_.addWidget(label("调整申报信息：按职工所参保的险种填写新缴费工资"))
            self.layout_.addWidget(self.items)
        else:
            self.form.addRow("新缴费工资(元)*：", self.new_wage)
        self.month = QLineEdit(objectName="edit_wage_month")
        self.month.setPlaceholderText(MONTH_HINT)
        if not drafts.is_annual:
            self.month.setText(drafts.default_month() or "")
            self.form.addRow("生效年月*：", self.month)
        self.finish()
        self._search = QTimer(self)
        self._search.setSingleShot(True)
        self._search.setInterval(150)
        self._search.timeout.connect(self.refresh_candidates)
        self.name.lineEdit().textEdited.connect(self._name_edited)
        self.name.activated.connect(self._chosen)
        self.refresh_candidates()

    def refresh_candidates(self) -> None:
        text = self.name.currentText()
        self.name.blockSignals(True)
        self.name.clear()
        for emp_id, name, number in self.drafts.candidates(text):
            self.name.addItem(f"{name}（{number[:6]}…{number[-4:]}）", emp_id)
        self.name.setEditText(text)
        self.name.blockSignals(False)
        if self.name.count() and text:
            self.name.showPopup()

    def _name_edited(self, _text: str) -> None:
        """Typing again means another person: the earlier choice and what it filled in go
        until a name is picked from the list again."""
        if self.info is not None:
            self.info = None
            self.id_number.setText("")
            self.old_wage.setText("")
            self.items.setRowCount(0)
            self.status.setText("")
        self._search.start()

    def choose(self, employee_id: int) -> None:
        """Pick an employee (as choosing from the drop-down does)."""
        info = self.drafts.employee(employee_id)
        if info is None:
            self.status.setText("该职工不在本单位的参保登记信息中。")
            return
        self.info = info
        self.name.setEditText(info.name)
        self.id_number.setText(info.id_number)
        self.old_wage.setText(info.old_wage or "")
        self.items.setRowCount(len(info.items))
        names = self.drafts.app_db.code_table("levy_items")
        for row, item in enumerate(info.items):
            for col, text in enumerate((names.get(item.levy_item, item.levy_item),
                                        item.unit_number, item.base)):  # fmt: skip
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.items.setItem(row, col, cell)
            self.items.setItem(row, 3, QTableWidgetItem(""))
        self.status.setText("" if info.items else "该职工没有需要申报缴费工资的税务自主险种。")

    def _chosen(self, index: int) -> None:
        employee_id = self.name.itemData(index)
        if employee_id is not None:
            self.choose(int(employee_id))

    def set_item_wage(self, row: int, text: str) -> None:
        self.items.item(row, 3).setText(text)

    def submit(self) -> None:
        if self.info is None:
            self.status.setText("请从下拉列表中选择职工。")
            return
        month = None
        try:
            if not self.drafts.is_annual:
                check = self.drafts.check_month(self.month.text(), self.info.stop_month)
                if not confirm_month(self.prompts, self, check):
                    return
                month = check.month if check else None
            item_wages = None
            if self.drafts.by_item:
                item_wages = {
                    (it.unit_number, it.levy_item, it.levy_category): self.items.item(r, 3).text()
                    for r, it in enumerate(self.info.items)
                }
            elif not self.new_wage.text().strip():
                raise WageRuleError("请填写新缴费工资。")
            result = self.drafts.add_single(
                self.info.employee_id,
                self.new_wage.text(),
                month,
                self.authority.currentText(),
                item_wages,
            )
        except WageRuleError as exc:
            self.status.setText(exc.message)
            if "停止缴费" in exc.message:
                self.prompts.error(self, exc.message, title="生效年月错误")
            return
        self.result_message = result.message()
        self.accept()


class AdjustDialog(_Dialog):
    """按单位编号添加 / 按分组添加 / 批量修改: a choice (单位编号 or 分组, none for 批量修改),
    缴费工资 按比率 or 按固定金额, and for 日常 adds the 生效年月."""

    def __init__(
        self,
        title: str,
        name: str,
        choice_label: str = "",
        choices: Sequence[tuple[str, Any]] = (),
        month: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, name, parent)
        self.resize(460, 220)
        self.choice = QComboBox(objectName="combo_adjust_choice")
        if choice_label:
            self.choice.addItem("请选择", None)
            for text, value in choices:
                self.choice.addItem(text, value)
            self.form.addRow(f"{choice_label}：", self.choice)
        self.how = QComboBox(objectName="combo_adjust_how")
        self.how.addItem("按比率", "ratio")
        self.how.addItem("按固定金额", "fixed")
        self.value = QLineEdit("100", objectName="edit_adjust_value")
        self.unit = label("%")
        row = QHBoxLayout()
        row.addWidget(self.how)
        row.addWidget(self.value, 1)
        row.addWidget(self.unit)
        self.form.addRow("缴费工资：", row)
        self.month = QLineEdit(month or "", objectName="edit_adjust_month")
        self.month.setPlaceholderText(MONTH_HINT)
        if month is not None:
            self.form.addRow("生效年月：", self.month)
        self.has_choice = bool(choice_label)
        self.adjustment: Adjustment | None = None
        # Set by the page for 日常 adds: the 生效年月 is judged (error, or 补缴 to confirm)
        # before the dialog closes, so a wrong month never costs the clerk their entries.
        self.month_rule: Callable[[str], MonthCheck | None] | None = None
        self.prompts: PromptService | None = None
        self.checked_month: str | None = None
        self.how.currentIndexChanged.connect(self._how_changed)
        self.finish()

    def _how_changed(self) -> None:
        ratio = self.how.currentData() == "ratio"
        self.unit.setText("%" if ratio else "元")
        self.value.setText("100" if ratio else "")

    def set_values(self, choice: Any = None, how: str = "ratio", value: str = "100",
                   month: str | None = None) -> None:  # fmt: skip
        """Fill the dialog as a clerk would (tests)."""
        if choice is not None:
            self.choice.setCurrentIndex(self.choice.findData(choice))
        self.how.setCurrentIndex(self.how.findData(how))
        self.value.setText(value)
        if month is not None:
            self.month.setText(month)

    @property
    def chosen(self) -> Any:
        return self.choice.currentData()

    def submit(self) -> None:
        if self.has_choice and self.chosen is None:
            self.status.setText("请选择" + self.form.labelForField(self.choice).text().rstrip("："))
            return
        try:
            if self.how.currentData() == "ratio":
                self.adjustment = Adjustment.ratio(self.value.text())
            else:
                self.adjustment = Adjustment(False, money(self.value.text()))
        except WageRuleError as exc:
            self.status.setText(exc.message)
            return
        if self.month_rule is not None and not self.month.isHidden():
            try:
                check = self.month_rule(self.month.text())
            except WageRuleError as exc:
                self.status.setText(exc.message)
                return
            if self.prompts is not None and not confirm_month(self.prompts, self, check):
                self.status.setText("请修改生效年月后再点击【确定】。")
                return
            self.checked_month = check.month if check else None
        self.accept()
