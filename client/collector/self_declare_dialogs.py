"""The dialogs of 社保费代收代报（自主） (manual §3.6 三): 单个添加 (基本信息 → 下一步 → 参保信息 with
a 缴费档次 per 征收品目 → 保存 / 保存并继续) and 按分组添加 (分组, 参保险种, 缴费年度, 缴费档次), and
the import preview that refuses a file with any error (注意事项一: nothing half-applied)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.collector.self_declare import GroupAddResult, PersonChoices, SelfDrafts
from client.collector.self_rules import SelfDeclareError
from client.collector.self_template import SelfImportResult
from client.documents.imports import ImportResult
from client.errors import user_message
from client.jobs import Job, JobContext
from client.ui.authorisation.steps_dialog import button_row
from client.ui.authorisation.three_facts import FIELD_WIDTH, fact_rows, required
from client.ui.import_flow import ImportFlow, ImportPreviewDialog
from client.ui.jobs import JobHandle
from client.ui.listpage import format_amount
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.collector.self_declare_page import SelfDeclarePage

SINGLE_TITLE = "添加缴费人员"
GROUP_TITLE = "按分组添加"
# §3.6 单个添加-参保信息: the figure's columns in its order, then the chosen 档次's 金额(元)
ITEM_HEADERS = ("", "征收项目", "征收品目", "征收子目", "缴费档次", "人员编号", "金额(元)")
AMOUNT_COLUMN = ITEM_HEADERS.index("金额(元)")
CHOOSE = "请选择"
LISTED_NOTE = "已在列表中"


def _year_combo(drafts: SelfDrafts) -> QComboBox:
    """缴费年度: the years the 档次 table offers, the default one chosen."""
    combo = QComboBox(objectName="combo_year")
    for year in drafts.years():
        combo.addItem(str(year), year)
    combo.setCurrentIndex(max(combo.findData(drafts.default_year), 0))
    combo.setMinimumWidth(FIELD_WIDTH)
    return combo


class SingleAddDialog(QDialog):
    """单个添加: 基本信息 (姓名*, 证件类型*, 证件号码*, 缴费年度*) looked up among the agent's
    residents, then 参保信息: tick the 征收品目 to declare and choose each one's 缴费档次."""

    def __init__(self, page: SelfDeclarePage) -> None:
        super().__init__(page)
        self.page = page
        self.drafts = page.drafts
        self.choices: PersonChoices | None = None
        self.added = 0  # rows saved while the dialog was open
        self.setObjectName("dialog_self_single_add")
        self.setWindowTitle(SINGLE_TITLE)
        self.setModal(True)
        self.resize(860, 400)
        layout = QVBoxLayout(self)
        self.steps = QStackedWidget(self)
        self.steps.setObjectName("stack_self_single_add")
        self.steps.addWidget(self._basic_step())
        self.steps.addWidget(self._items_step())
        layout.addWidget(self.steps, 1)
        self.label_error = label("", "label_single_add_error", "error")
        layout.addWidget(self.label_error)
        self._complete_changed()

    # -- 基本信息 ---------------------------------------------------------------------------
    def _basic_step(self) -> QWidget:
        step = QWidget(objectName="step_basic")
        layout = QVBoxLayout(step)
        layout.addWidget(label("基本信息", "label_step_basic", "section"))
        form, self.edit_name, self.combo_id_type, self.edit_id_number = fact_rows(
            self.drafts.names.id_types
        )
        self.combo_year = _year_combo(self.drafts)
        form.addRow(required("缴费年度"), self.combo_year)
        layout.addLayout(form)
        layout.addWidget(label("点击【下一步】后，系统将校验该居民的参保信息。", "label_basic_hint",
                               "hint"))  # fmt: skip
        layout.addStretch(1)
        self.btn_next = button("下一步", "btn_single_next", primary=True)
        self.btn_cancel = button("取消", "btn_single_cancel")
        layout.addLayout(button_row(self.btn_next, self.btn_cancel))
        self.btn_next.clicked.connect(self.next_step)
        self.btn_cancel.clicked.connect(self.reject)
        for edit in (self.edit_name, self.edit_id_number):
            edit.textChanged.connect(self._complete_changed)
            edit.returnPressed.connect(self.next_step)
        return step

    @property
    def complete(self) -> bool:
        return bool(self.edit_name.text().strip() and self.edit_id_number.text().strip())

    def _complete_changed(self) -> None:
        self.btn_next.setEnabled(self.complete)

    def fill(self, name: str, id_type: str, id_number: str, year: int | None = None) -> None:
        self.edit_name.setText(name)
        self.combo_id_type.setCurrentIndex(self.combo_id_type.findData(id_type))
        self.edit_id_number.setText(id_number)
        if year is not None:
            self.combo_year.setCurrentIndex(self.combo_year.findData(year))

    def next_step(self) -> bool:
        """下一步: the resident is looked up locally (no request is sent)."""
        if not self.complete:
            return False
        try:
            self.choices = self.drafts.choices(
                self.edit_name.text(), self.combo_id_type.currentData(),
                self.edit_id_number.text(), self.combo_year.currentData(),
            )  # fmt: skip
        except SelfDeclareError as exc:
            self.label_error.setText(exc.message)
            return False
        self.label_error.setText("")
        self._show_items(self.choices)
        self.steps.setCurrentIndex(1)
        return True

    # -- 参保信息 ---------------------------------------------------------------------------
    def _items_step(self) -> QWidget:
        step = QWidget(objectName="step_items")
        layout = QVBoxLayout(step)
        layout.addWidget(label("参保信息", "label_step_items", "section"))
        self.label_person = label("", "label_person")
        layout.addWidget(self.label_person)
        self.table = QTableWidget(0, len(ITEM_HEADERS), objectName="table_self_items")
        self.table.setHorizontalHeaderLabels(ITEM_HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column, width in enumerate((32, 150, 200, 130, 110, 100, 80)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.btn_back = button("上一步", "btn_single_back")
        self.btn_save = button("保存", "btn_single_save", primary=True)
        self.btn_save_next = button("保存并继续", "btn_single_save_next")
        self.btn_cancel_items = button("取消", "btn_single_cancel_items")
        layout.addLayout(button_row(self.btn_back, self.btn_save, self.btn_save_next,
                                  self.btn_cancel_items))  # fmt: skip
        self.btn_back.clicked.connect(self.back)
        self.btn_save.clicked.connect(lambda: self.save(False))
        self.btn_save_next.clicked.connect(lambda: self.save(True))
        self.btn_cancel_items.clicked.connect(self.reject)
        return step

    def _show_items(self, choices: PersonChoices) -> None:
        r, names = choices.resident, self.drafts.names
        place = " ".join(p for p in (r.township, r.village) if p)
        self.label_person.setText(f"{r.name}　{r.id_number}　{place}　缴费年度：{choices.year}")
        self.table.setRowCount(len(choices.items))
        self.grade_boxes: list[QComboBox] = []
        for row, item in enumerate(choices.items):
            tick = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            tick.setFlags(flags if not item.listed else Qt.ItemFlag.NoItemFlags)
            tick.setCheckState(Qt.CheckState.Unchecked if item.listed else Qt.CheckState.Checked)
            self.table.setItem(row, 0, tick)
            subcategory = self.page.levy_names.levy_subcategory(item.levy_subcategory)
            texts = (names.item(item.levy_item), names.category(item.levy_category),
                     subcategory or item.levy_subcategory or "", "",
                     item.person_number or "", "")  # fmt: skip
            for column, text in enumerate(texts, start=1):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
            box = QComboBox(objectName=f"combo_grade_{item.levy_category}")
            box.addItem(LISTED_NOTE if item.listed else CHOOSE, None)
            for grade in item.grades:
                box.addItem(grade.name, grade.code)
            if item.default is not None and not item.listed:
                box.setCurrentIndex(box.findData(item.default.code))
            box.setEnabled(not item.listed)
            box.currentIndexChanged.connect(lambda _i, row=row: self._show_amount(row))
            self.table.setCellWidget(row, 4, box)
            self.grade_boxes.append(box)
            self._show_amount(row)

    def _show_amount(self, row: int) -> None:
        assert self.choices is not None
        item, box = self.choices.items[row], self.grade_boxes[row]
        grade = next((g for g in item.grades if g.code == box.currentData()), None)
        cell = self.table.item(row, AMOUNT_COLUMN)
        if cell is not None:
            cell.setText(format_amount(grade.amount) if grade else "")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        sub = item.levy_subcategory
        if grade is not None:  # 养老's 征收子目 names the 档次 declared
            sub = self.drafts.grades.subcategory_for(self.choices.year, item.levy_category, sub,
                                                     grade.code)  # fmt: skip
        sub_cell = self.table.item(row, 3)
        if sub_cell is not None:
            text = self.page.levy_names.levy_subcategory(sub) or sub or ""
            sub_cell.setText(text)
            sub_cell.setToolTip(text)

    def set_grade(self, levy_category: str, code: str | None) -> None:
        """Choose a 档次 (as the drop-down does); None leaves 请选择."""
        assert self.choices is not None
        row = [i.levy_category for i in self.choices.items].index(levy_category)
        self.grade_boxes[row].setCurrentIndex(self.grade_boxes[row].findData(code))

    def set_ticked(self, levy_category: str, ticked: bool) -> None:
        assert self.choices is not None
        row = [i.levy_category for i in self.choices.items].index(levy_category)
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.table.item(row, 0).setCheckState(state)

    def picked(self) -> dict[str, str | None]:
        """征收品目 ticked (and not listed already) → the chosen 档次 code."""
        assert self.choices is not None
        out: dict[str, str | None] = {}
        for row, item in enumerate(self.choices.items):
            tick = self.table.item(row, 0)
            if not item.listed and tick.checkState() == Qt.CheckState.Checked:
                out[item.levy_category] = self.grade_boxes[row].currentData()
        return out

    def back(self) -> None:
        self.label_error.setText("")
        self.steps.setCurrentIndex(0)

    def save(self, more: bool) -> int:
        """保存 (close) or 保存并继续 (back to 基本信息, cleared, for the next resident)."""
        assert self.choices is not None
        try:
            count = self.drafts.add_single(self.choices, self.picked())
        except SelfDeclareError as exc:
            self.label_error.setText(exc.message)
            return 0
        self.added += count
        message = f"已添加{self.choices.resident.name}的{count}条代收代报信息。"
        self.page.rows_added()
        if not more:
            self.accept()
            self.page.prompts.info(self.page, message, title=SINGLE_TITLE)
            return count
        self.choices = None
        self.edit_name.clear()
        self.edit_id_number.clear()
        self.steps.setCurrentIndex(0)
        self.label_error.setText(message + "请继续添加下一位居民。")
        self.edit_name.setFocus()
        return count


class GroupAddDialog(QDialog):
    """按分组添加: 分组*, 参保险种*, 缴费年度*, 缴费档次*; 确定 adds every resident of the group
    (and its sub-groups) insured for it that year."""

    def __init__(self, page: SelfDeclarePage) -> None:
        super().__init__(page)
        self.page = page
        self.drafts = page.drafts
        self.handle: JobHandle[GroupAddResult] | None = None
        self.result_value: GroupAddResult | None = None
        self.setObjectName("dialog_self_group_add")
        self.setWindowTitle(GROUP_TITLE)
        self.setModal(True)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.combo_group = QComboBox(objectName="combo_group")
        for path, group_id in self.drafts.group_options():
            self.combo_group.addItem(path, group_id)
        self.combo_item = QComboBox(objectName="combo_levy_item")
        for name, code in self.drafts.item_options():
            self.combo_item.addItem(name, code)
        self.combo_year = _year_combo(self.drafts)
        self.combo_grade = QComboBox(objectName="combo_grade")
        for widget in (self.combo_group, self.combo_item, self.combo_grade):
            widget.setMinimumWidth(FIELD_WIDTH)
        form.addRow(required("分组"), self.combo_group)
        form.addRow(required("参保险种"), self.combo_item)
        form.addRow(required("缴费年度"), self.combo_year)
        form.addRow(required("缴费档次"), self.combo_grade)
        layout.addLayout(form)
        hint = "分组中未参保该险种或已在列表中的居民不会被添加。"
        if not self.combo_group.count():
            hint = (
                "还没有分组，请先在城乡居民参保信息更新的【分组管理】中建立分组并为居民设置分组。"
            )
        layout.addWidget(label(hint, "label_group_hint", "hint"))
        self.label_error = label("", "label_group_add_error", "error")
        layout.addWidget(self.label_error)
        self.btn_ok = button("确定", "btn_group_ok", primary=True)
        self.btn_ok.setDefault(True)
        self.btn_cancel = button("取消", "btn_group_cancel")
        layout.addLayout(button_row(self.btn_ok, self.btn_cancel))
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        self.combo_item.currentIndexChanged.connect(self._fill_grades)
        self.combo_year.currentIndexChanged.connect(self._fill_grades)
        self._fill_grades()

    def _fill_grades(self) -> None:
        chosen = self.combo_grade.currentData()
        self.combo_grade.clear()
        item, year = self.combo_item.currentData(), self.combo_year.currentData()
        grades = self.drafts.grades.item_grades(item, year) if item and year else []
        one_category = len(self.drafts.grades.categories(item)) == 1 if item else False
        for grade in grades:
            self.combo_grade.addItem(grade.label if one_category else grade.name, grade.code)
        if chosen is not None:
            self.combo_grade.setCurrentIndex(max(self.combo_grade.findData(chosen), 0))

    def choose(self, group_id: int, levy_item: str, year: int, grade: str) -> None:
        self.combo_group.setCurrentIndex(self.combo_group.findData(group_id))
        self.combo_item.setCurrentIndex(self.combo_item.findData(levy_item))
        self.combo_year.setCurrentIndex(self.combo_year.findData(year))
        self.combo_grade.setCurrentIndex(self.combo_grade.findData(grade))

    def submit(self) -> JobHandle[GroupAddResult] | None:
        if self.handle is not None and not self.handle.done:
            return None
        self.label_error.setText("")
        args = (self.combo_group.currentData(), self.combo_item.currentData(),
                self.combo_year.currentData(), self.combo_grade.currentData())  # fmt: skip
        drafts = self.drafts

        def run(_ctx: JobContext) -> GroupAddResult:
            return drafts.add_group(*args)

        self.btn_ok.setEnabled(False)
        self.handle = self.page.runner.run(Job(GROUP_TITLE, run), self._added, self._failed)
        return self.handle

    def _added(self, result: GroupAddResult) -> None:
        self.result_value = result
        self.accept()
        self.page.rows_added()
        self.page.prompts.info(self.page, result.message(), title=GROUP_TITLE)

    def _failed(self, error: BaseException) -> None:
        self.btn_ok.setEnabled(True)
        self.label_error.setText(user_message(error))


# -- 导入文件 -----------------------------------------------------------------------------
class AllOrNothingPreview(ImportPreviewDialog):
    """The preview of a 代收代报 file: a file with any bad row cannot be confirmed (nothing is
    half-applied); the clerk saves the error workbook, corrects it and imports it again."""

    def __init__(self, ui: Any, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(ui, result, parent)
        if result.errors:
            self.btn_confirm.setEnabled(False)
            self.btn_confirm.setDefault(False)
            self.btn_save_errors.setDefault(True)
            refusal = result.refusal if isinstance(result, SelfImportResult) else None
            r = result
            self.summary.setText(
                f"共{r.total:,}行，有效{r.valid_count:,}行，错误{r.error_count:,}行。{refusal or ''}"
            )


class AllOrNothingImportFlow(ImportFlow[int]):
    def _show_preview(self, result: ImportResult) -> None:
        self.result = result
        self.preview = AllOrNothingPreview(self.ui, result, self.parent)
        self.preview.accepted.connect(self._confirmed)
        self.preview.open()
