"""缴费授权's first step (manual §3.17–§3.19), one widget for every page that needs it:
姓名, 证件类型, 证件号码 and 查询. The facts are checked before anything is sent (a 居民身份证
number must pass GB 11643); 查询 asks the 管理子系统 and shows the resident found, or the
sentence saying why not. `found` carries whatever the lookup returned."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from client.authorisation.people import AreaResident
from client.collector.persons import PersonError, check_person
from client.domain.ids import DEFAULT_ID_TYPES
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.ui.jobs import JobHandle, JobRunner
from client.ui.widgets.common import button, label

Lookup = Callable[[str, str, str], Any]  # (姓名, 证件类型, 证件号码) → what was found
FIELD_WIDTH = 280


def required(text: str) -> str:
    return f"<span style='color:#c00000'>*</span>{text}："


def describe_resident(found: Any) -> str:
    """The line shown under the form for a found resident."""
    resident = getattr(found, "resident", found)
    if not isinstance(resident, AreaResident):
        return ""
    place = " ".join(p for p in (resident.township, resident.village) if p)
    return f"已找到：{resident.name}（{place}）" if place else f"已找到：{resident.name}"


class FactRows(NamedTuple):
    form: QFormLayout
    edit_name: QLineEdit
    combo_id_type: QComboBox
    edit_id_number: QLineEdit


def fact_rows(id_types: Mapping[str, str]) -> FactRows:
    """姓名*, 证件类型* (居民身份证 chosen where offered) and 证件号码* as the rows of a form,
    for this widget and for any dialog that asks for the three facts its own way."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    edit_name = QLineEdit()
    edit_name.setObjectName("edit_name")
    edit_name.setMaxLength(100)
    combo_id_type = QComboBox()
    combo_id_type.setObjectName("combo_id_type")
    for code, name in id_types.items():
        combo_id_type.addItem(name, code)
    combo_id_type.setCurrentIndex(max(combo_id_type.findData("01"), 0))
    edit_id_number = QLineEdit()
    edit_id_number.setObjectName("edit_id_number")
    edit_id_number.setMaxLength(40)
    for widget in (edit_name, combo_id_type, edit_id_number):
        widget.setMinimumWidth(FIELD_WIDTH)
    form.addRow(required("姓名"), edit_name)
    form.addRow(required("证件类型"), combo_id_type)
    form.addRow(required("证件号码"), edit_id_number)
    return FactRows(form, edit_name, combo_id_type, edit_id_number)


class ThreeFactsForm(QWidget):
    """姓名*, 证件类型*, 证件号码* and 查询; `found(result)` once the lookup answers."""

    found = Signal(object)
    cleared = Signal()

    def __init__(
        self,
        runner: JobRunner,
        lookup: Lookup,
        id_types: Mapping[str, str] | None = None,
        *,
        query_text: str = "查询",
        show_button: bool = True,
        describe: Callable[[Any], str] = describe_resident,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("three_facts")
        self.runner = runner
        self.lookup = lookup
        self.describe = describe
        self.id_types = dict(id_types or {}) or dict(DEFAULT_ID_TYPES)
        self.handle: JobHandle[Any] | None = None
        self.result: Any = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.form, self.edit_name, self.combo_id_type, self.edit_id_number = fact_rows(
            self.id_types
        )
        layout.addLayout(self.form)
        row = QHBoxLayout()
        self.label_result = label("", "label_three_facts_result", "hint")
        self.label_result.setWordWrap(True)
        row.addWidget(self.label_result, 1)
        self.btn_query = button(query_text, "btn_three_facts_query", primary=True)
        self.btn_query.setVisible(show_button)
        row.addWidget(self.btn_query)
        layout.addLayout(row)
        self.btn_query.clicked.connect(self.submit)
        for edit in (self.edit_name, self.edit_id_number):
            edit.textChanged.connect(self._changed)
            edit.returnPressed.connect(self.submit)
        self.combo_id_type.currentIndexChanged.connect(self._changed)

    # -- state --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.done

    @property
    def message(self) -> str:
        return self.label_result.text()

    def fill(self, name: str, id_type: str, id_number: str) -> None:
        self.edit_name.setText(name)
        self.combo_id_type.setCurrentIndex(max(self.combo_id_type.findData(id_type), 0))
        self.edit_id_number.setText(id_number)

    def clear(self) -> None:
        self.fill("", "01", "")

    def _changed(self) -> None:
        if self.result is not None:
            self.result = None
            self.cleared.emit()
        self.label_result.setProperty("role", "hint")
        self.label_result.setText("")

    def say(self, text: str, role: str) -> None:
        self.label_result.setProperty("role", role)
        self.label_result.style().unpolish(self.label_result)
        self.label_result.style().polish(self.label_result)
        self.label_result.setText(text)

    # -- 查询 ---------------------------------------------------------------------------
    def submit(self) -> JobHandle[Any] | None:
        """Check the facts here (nothing is sent when they cannot be right), then look up."""
        if self.busy:
            return None
        name, number = self.edit_name.text(), self.edit_id_number.text()
        id_type = str(self.combo_id_type.currentData() or "")
        try:
            person = check_person(name, id_type, number, self.id_types)
        except PersonError as error:
            self.say(error.message, "error")
            field = {"name": self.edit_name, "id_type": self.combo_id_type}
            field.get(error.field or "", self.edit_id_number).setFocus()
            return None
        lookup = self.lookup

        def run(_ctx: JobContext) -> Any:
            return lookup(person.name, person.id_type, person.id_number)

        self.say("", "hint")
        self.btn_query.setEnabled(False)
        self.handle = self.runner.run(Job("正在查询城乡居民信息", run), self._found, self._failed)
        return self.handle

    def _found(self, result: Any) -> None:
        self.btn_query.setEnabled(True)
        self.result = result
        self.say(self.describe(result), "hint")
        self.found.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.btn_query.setEnabled(True)
        self.result = None
        if isinstance(error, JobCancelled):
            self.say("已取消查询。", "hint")
            return
        self.say(user_message(error), "error")
        self.edit_id_number.setFocus()
