"""添加单位 (manual §1.5.1 三-六): 纳税人识别号 → 选择单位 → 安全认证 → 确认参保登记信息."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.account.registration import (
    CONFIRM_TEXT,
    WRONG_REGISTRATION_TEXT,
    RegistrationService,
    VerifiedUnit,
    password_hint,
)
from client.domain.ids import taxpayer_id_error
from client.errors import user_message
from client.jobs import Job
from client.storage.errors import StorageError
from client.sync.schemas import UnitInfo
from client.ui.context import UiServices
from client.ui.jobs import JobHandle
from client.ui.network_settings import NetworkSettingsDialog
from client.ui.widgets.common import HeaderBar, button, label, network_button

STEP_ID, STEP_CHOOSE, STEP_AUTH, STEP_CONFIRM = range(4)


def _readonly_table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers), objectName=name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AddUnitWizard(QDialog):
    unit_added = Signal(object)  # RegisteredUnit

    def __init__(self, ui: UiServices, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.kind = kind
        self.service = RegistrationService(ui.app, kind)
        self.runner = ui.runner(self)
        self.units: list[UnitInfo] = []
        self.chosen: UnitInfo | None = None
        self.verified: VerifiedUnit | None = None
        self.handle: JobHandle[object] | None = None
        self.setObjectName("dialog_add_unit")
        self.setWindowTitle("社保费管理客户端 - 添加单位")
        self.resize(760, 480)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 14)
        header = HeaderBar("添加单位")
        network_button(header, lambda: NetworkSettingsDialog(ui, self).exec())
        outer.addWidget(header)
        self.stack = QStackedWidget(objectName="stack_add_unit")
        outer.addWidget(self.stack, 1)
        self.status = label("", "label_add_unit_error", "error")
        self.status.setContentsMargins(24, 0, 24, 0)
        outer.addWidget(self.status)
        self.stack.addWidget(self._page_taxpayer_id())
        self.stack.addWidget(self._page_choose())
        self.stack.addWidget(self._page_auth())
        self.stack.addWidget(self._page_confirm())
        self.finished.connect(lambda _r: self.service.close())
        self.edit_taxpayer_id.setFocus()

    # -- pages ---------------------------------------------------------------------------
    def _page(self, title: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 6)
        layout.addWidget(label(title, role="dialog-title"))
        return page, layout

    def _buttons(self, layout: QVBoxLayout, *buttons: QWidget) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        for b in buttons:
            row.addWidget(b)
        layout.addLayout(row)

    def _page_taxpayer_id(self) -> QWidget:
        page, layout = self._page("添加单位")
        form = QFormLayout()
        self.edit_taxpayer_id = QLineEdit(objectName="edit_taxpayer_id")
        self.edit_taxpayer_id.setPlaceholderText("请输入单位的纳税人识别号（统一社会信用代码）")
        self.edit_taxpayer_id.setMaxLength(20)
        form.addRow("纳税人识别号:", self.edit_taxpayer_id)
        layout.addLayout(form)
        layout.addStretch(1)
        self.btn_next = button("下一步", "btn_add_unit_next", primary=True)
        self._buttons(layout, self.btn_next)
        self.btn_next.clicked.connect(self.lookup)
        self.edit_taxpayer_id.returnPressed.connect(self.lookup)
        return page

    def _page_choose(self) -> QWidget:
        page, layout = self._page("选择单位")
        layout.addWidget(
            label("您输入的纳税人识别号对应多家单位，请选择本次需要办理社保业务的单位")
        )
        self.table_units = _readonly_table(
            ("选择", "序号", "纳税人识别号", "纳税人名称", "登记日期", "纳税人状态", "单位"),
            "table_choose_unit",
        )
        self.table_units.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table_units.cellClicked.connect(lambda row, _col: self.choose(row))
        self.table_units.cellDoubleClicked.connect(lambda row, _col: self.choose_selected())
        layout.addWidget(self.table_units, 1)
        self.btn_choose_ok = button("确定", "btn_choose_unit_ok", primary=True)
        self.btn_choose_cancel = button("取消", "btn_choose_unit_cancel")
        self._buttons(layout, self.btn_choose_ok, self.btn_choose_cancel)
        self.btn_choose_ok.clicked.connect(self.choose_selected)
        self.btn_choose_cancel.clicked.connect(self.close_choice)
        return page

    def _page_auth(self) -> QWidget:
        page, layout = self._page("安全认证")
        form = QFormLayout()
        self.auth_taxpayer_id = label("", "label_auth_taxpayer_id")
        self.auth_taxpayer_name = label("", "label_auth_taxpayer_name")
        self.edit_password = QLineEdit(objectName="edit_register_password")
        self.edit_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("纳税人识别号:", self.auth_taxpayer_id)
        form.addRow("纳税人名称:", self.auth_taxpayer_name)
        form.addRow("申报密码:", self.edit_password)
        layout.addLayout(form)
        layout.addWidget(label(password_hint(self.kind), "label_password_hint", "hint"))
        layout.addStretch(1)
        self.btn_auth_ok = button("确定", "btn_register_auth_ok", primary=True)
        self._buttons(layout, self.btn_auth_ok)
        self.btn_auth_ok.clicked.connect(self.verify)
        self.edit_password.returnPressed.connect(self.verify)
        return page

    def _page_confirm(self) -> QWidget:
        page, layout = self._page("确认参保登记信息")
        layout.addWidget(label(CONFIRM_TEXT, role="hint"))
        self.confirm_taxpayer = label("", "label_confirm_taxpayer_id")
        layout.addWidget(self.confirm_taxpayer)
        self.table_registrations = _readonly_table(
            ("单位编号", "社保经办机构", "主管税务机关"), "table_registrations"
        )
        layout.addWidget(self.table_registrations, 1)
        self.check_confirmed = QCheckBox("我已确认无误", objectName="check_confirmed")
        layout.addWidget(self.check_confirmed)
        layout.addWidget(label(WRONG_REGISTRATION_TEXT))
        self.btn_confirm = button("确定", "btn_confirm_registration", primary=True)
        self.btn_confirm.setEnabled(False)
        self._buttons(layout, self.btn_confirm)
        self.check_confirmed.toggled.connect(self.btn_confirm.setEnabled)
        self.btn_confirm.clicked.connect(self.confirm)
        return page

    # -- steps ---------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        for b in (self.btn_next, self.btn_auth_ok, self.btn_choose_ok):
            b.setEnabled(not busy)

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self.status.setText(user_message(error))

    def lookup(self) -> None:
        self.status.setText("")
        problem = taxpayer_id_error(self.edit_taxpayer_id.text())
        if problem:  # refused before any request
            self.status.setText(problem)
            return
        self._busy(True)
        text = self.edit_taxpayer_id.text()
        self.handle = self.runner.run(
            Job("查询参保登记信息", lambda _c: self.service.lookup(text)),
            self._found,
            self._failed,
            progress=False,
        )

    def _found(self, units: list[UnitInfo]) -> None:
        self._busy(False)
        self.units = units
        if len(units) == 1:
            self._go_auth(units[0])
            return
        self.table_units.setRowCount(len(units))
        self.radios: list[QRadioButton] = []
        for row, unit in enumerate(units):
            radio = QRadioButton(objectName=f"radio_unit_{row}")
            radio.setChecked(row == 0)
            self.radios.append(radio)
            self.table_units.setCellWidget(row, 0, radio)
            values = (
                str(row + 1),
                unit.taxpayer_id,
                unit.taxpayer_name,
                unit.registered_on or "",
                unit.taxpayer_status or "",
                unit.unit_type or "单位",
            )
            for col, value in enumerate(values, start=1):
                self.table_units.setItem(row, col, QTableWidgetItem(value))
        self.stack.setCurrentIndex(STEP_CHOOSE)

    def close_choice(self) -> None:
        """选择单位【取消】 closes that popup only (manual §1.5.1 四): back to 添加单位 with the
        纳税人识别号 as typed, to correct it or go on again."""
        self.status.setText("")
        self.stack.setCurrentIndex(STEP_ID)
        self.edit_taxpayer_id.setFocus()

    def choose(self, row: int) -> None:
        self.radios[row].setChecked(True)

    def choose_selected(self) -> None:
        row = next((i for i, r in enumerate(self.radios) if r.isChecked()), -1)
        if row < 0:
            self.status.setText("请选择一家单位。")
            return
        self._go_auth(self.units[row])

    def _go_auth(self, unit: UnitInfo) -> None:
        try:
            self.service.ensure_not_added(unit)
        except StorageError as exc:
            self.status.setText(exc.message)
            return
        self.status.setText("")
        self.chosen = unit
        self.auth_taxpayer_id.setText(unit.taxpayer_id)
        self.auth_taxpayer_name.setText(unit.taxpayer_name)
        self.edit_password.clear()
        self.stack.setCurrentIndex(STEP_AUTH)
        self.edit_password.setFocus()

    def verify(self) -> None:
        assert self.chosen is not None
        self.status.setText("")
        password, unit = self.edit_password.text(), self.chosen
        if not password:
            self.status.setText("请输入申报密码。")
            return
        self._busy(True)
        self.handle = self.runner.run(
            Job("安全认证", lambda _c: self.service.verify_password(unit, password)),
            self._verified,
            self._failed,
            progress=False,
        )

    def _verified(self, verified: VerifiedUnit) -> None:
        self._busy(False)
        self.verified = verified
        self.confirm_taxpayer.setText(f"纳税人识别号：{verified.info.taxpayer_id}")
        rows = verified.registrations
        self.table_registrations.setRowCount(len(rows))
        for row, reg in enumerate(rows):
            for col, value in enumerate((reg.unit_number, reg.agency, reg.tax_authority)):
                item = QTableWidgetItem(value)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table_registrations.setItem(row, col, item)
        self.check_confirmed.setChecked(False)
        self.stack.setCurrentIndex(STEP_CONFIRM)

    def confirm(self) -> None:
        assert self.verified is not None
        try:
            unit = self.service.confirm(self.verified, self.check_confirmed.isChecked())
        except StorageError as exc:
            self.status.setText(exc.message)
            return
        except Exception as exc:
            self.status.setText(user_message(exc))
            return
        self.unit_added.emit(unit)
        self.accept()
