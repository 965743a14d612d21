"""The shape of the 缴费授权 新增 dialogs that take a resident and then a bank form (manual
§3.18, §3.19): 第一步 the three facts (下一步 asks the 管理子系统, 取消), 第二步 the resident
found, the dialog's own rows under 银行行别 → 行政区划 → 开户网点 and the account number, the
error line and 上一步 / 保存 / 取消. A dialog names its texts and builds only its own rows; its
page (`ResidentFormsPage`) checks and sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.authorisation.accounts import AccountRuleError
from client.authorisation.people import AreaResident, find_resident
from client.payments.bank_codes import BankCodes
from client.ui.authorisation.accounts_bank_picker import FIELD_WIDTH, BankPicker, show_step
from client.ui.authorisation.three_facts import ThreeFactsForm, required
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.ui.authorisation.page_base import ResidentFormsPage


def button_row(*right: QPushButton, left: Sequence[QPushButton] = ()) -> QHBoxLayout:
    """A dialog's buttons: `left` ones, a stretch, then `right` ones."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in right:
        row.addWidget(widget)
    return row


def line_edit(name: str, placeholder: str, width: int = FIELD_WIDTH) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(40)
    edit.setMinimumWidth(width)
    edit.setPlaceholderText(placeholder)
    return edit


def resident_line(resident: AreaResident, id_types: dict[str, str]) -> str:
    kind = id_types.get(resident.id_type, resident.id_type)
    place = " ".join(p for p in (resident.township, resident.village) if p)
    line = f"{resident.name}　{kind} {resident.id_number}"
    return f"{line}　{place}" if place else line


class ResidentStepsDialog(QDialog):
    """Two steps in one window; `resident` is the person found in 第一步, `saved` the row the
    page stored. Subclasses set the class texts and build `_rows`."""

    OBJECT_NAME: ClassVar[str]
    TITLE: ClassVar[str]
    WIDTH: ClassVar[int]
    FIRST_STEP: ClassVar[str]  # 第一步's section title
    FIRST_TIP: ClassVar[str] = ""  # a hint under it, if any
    SECOND_STEP: ClassVar[str]
    ACCOUNT_TITLE: ClassVar[str]  # the account number's row
    ERROR_NAME: ClassVar[str]  # the error line's objectName

    def __init__(self, page: ResidentFormsPage, codes: BankCodes) -> None:
        super().__init__(page)
        self.setObjectName(self.OBJECT_NAME)
        self.setWindowTitle(self.TITLE)
        self.setMinimumWidth(self.WIDTH)
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
        box.addWidget(label(self.FIRST_STEP, "label_step_one", "section"))
        if self.FIRST_TIP:
            tip = label(self.FIRST_TIP, "label_first_tip", "hint")
            tip.setWordWrap(True)
            box.addWidget(tip)
        api, unit_id, id_types = self.page.ctx.session.api, self.page.unit_id, self.id_types
        check = self._check_found()

        def lookup(name: str, kind: str, number: str) -> AreaResident:
            resident = find_resident(api, unit_id, name, kind, number, id_types)
            if check is not None:
                check(resident)
            return resident

        self.three_facts = ThreeFactsForm(
            self.runner,
            lookup,
            id_types,
            show_button=False,
            parent=step,
        )
        self.three_facts.found.connect(self._found)
        box.addWidget(self.three_facts)
        self._first_rows(step, self.three_facts.form)
        box.addStretch(1)
        self.btn_next = button("下一步", "btn_next", primary=True)
        self.btn_cancel_first = button("取消", "btn_cancel_first")
        box.addLayout(button_row(self.btn_next, self.btn_cancel_first))
        self.btn_next.clicked.connect(self.next_step)
        self.btn_cancel_first.clicked.connect(self.reject)
        return step

    def _first_rows(self, step: QWidget, form: QFormLayout) -> None:
        """Rows a dialog adds under the three facts."""

    def _check_found(self) -> Callable[[AreaResident], None] | None:
        """What else 下一步 asks about the resident found (off the UI thread; raising keeps
        第一步 with the sentence), if anything."""
        return None

    def next_step(self) -> None:
        self.three_facts.submit()

    def _found(self, resident: AreaResident) -> None:
        self.resident = resident
        self.label_resident.setText(resident_line(resident, self.id_types))
        self._prepare(resident)
        self.label_error.clear()
        show_step(self.pages, 1)

    def _prepare(self, resident: AreaResident) -> None:
        """第二步 set for the resident found, before it shows."""

    # -- 第二步 ----------------------------------------------------------------------------
    def _second_step(self) -> QWidget:
        step = QWidget()
        box = QVBoxLayout(step)
        box.addWidget(label(self.SECOND_STEP, "label_step_two", "section"))
        self._above_resident(box)
        self.label_resident = label("", "label_resident", "hint")
        box.addWidget(self.label_resident)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._rows(step, form)
        box.addLayout(form)
        self._below_rows(box)
        self.label_error = label("", self.ERROR_NAME, "error")
        self.label_error.setWordWrap(True)
        box.addWidget(self.label_error)
        self.btn_back = button("上一步", "btn_back")
        self.btn_save = button("保存", "btn_save", primary=True)
        self.btn_cancel = button("取消", "btn_cancel")
        box.addLayout(button_row(self.btn_back, self.btn_save, self.btn_cancel))
        self.btn_back.clicked.connect(lambda: show_step(self.pages, 0))
        self.btn_save.clicked.connect(self.save)
        self.btn_cancel.clicked.connect(self.reject)
        return step

    def _above_resident(self, box: QVBoxLayout) -> None:
        """What a dialog shows between 第二步's title and the resident."""

    def _rows(self, step: QWidget, form: QFormLayout) -> None:
        raise NotImplementedError

    def _below_rows(self, box: QVBoxLayout) -> None:
        """What a dialog shows between its rows and the error line."""

    def _bank_rows(self, step: QWidget, form: QFormLayout) -> None:
        """银行行别 → 行政区划 → 开户网点, then the account number (`edit_account_number`)."""
        self.picker = BankPicker(self.codes, step)
        self.picker.add_rows(form, required)
        self.edit_account_number = line_edit("edit_account_number", "8至32位数字的银行卡号")
        form.addRow(required(self.ACCOUNT_TITLE), self.edit_account_number)

    # -- 保存 ------------------------------------------------------------------------------
    def save(self) -> None:
        self.page.save_from(self)

    def _field_widgets(self) -> dict[str, QWidget]:
        """The widget to focus for each field a rule names (the bank rows aside)."""
        return {"account_number": self.edit_account_number}

    def show_error(self, error: AccountRuleError | str) -> None:
        text = error if isinstance(error, str) else error.message
        self.label_error.setText(text)
        field = "" if isinstance(error, str) else (error.field or "")
        widget = self.picker.widget_of(field) or self._field_widgets().get(field)
        if widget is not None:
            widget.setFocus()
