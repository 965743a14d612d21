"""单位管理 (manual §1.5.1-1.5.2): the unit list of each installed, online module."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from client.storage.app_models import RegisteredUnit
from client.ui.context import UiServices
from client.ui.network_settings import NetworkSettingsDialog
from client.ui.widgets.common import HeaderBar, button, label, network_button

MODULE_TITLES = {"employer": "用人单位", "collector": "代收单位"}
COLUMNS = ("序号", "纳税人识别号", "纳税人名称", "主管税务机关", "主管科所分局", "备注", "操作")
REMARK_COLUMN = 5


class UnitManagerWindow(QWidget):
    login_requested = Signal(object)  # RegisteredUnit
    add_requested = Signal(str)  # kind

    def __init__(self, ui: UiServices, loaded_modules: Collection[str]) -> None:
        """`loaded_modules`: the modules that loaded; only they get a switch button."""
        super().__init__()
        self.ui = ui
        self.units: list[RegisteredUnit] = []
        self._filling = False
        self.setObjectName("unit_manager_window")
        self.setWindowTitle("社保费管理客户端 - 单位管理")
        self.resize(1280, 720)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = HeaderBar("单位管理")
        network_button(header, self.open_network_settings)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(18, 12, 18, 14)
        layout.addLayout(body, 1)

        switch_row = QHBoxLayout()
        self.switch_group = QButtonGroup(self)
        self.switch_buttons: dict[str, object] = {}
        available = ui.app.available_modules(loaded_modules)
        for kind in available:
            b = button(MODULE_TITLES[kind], f"btn_switch_{kind}")
            b.setProperty("switch", True)
            b.setCheckable(True)
            self.switch_group.addButton(b)
            self.switch_buttons[kind] = b
            switch_row.addWidget(b)
            b.clicked.connect(lambda _c=False, k=kind: self.set_kind(k))
        switch_row.addStretch(1)
        body.addLayout(switch_row)
        if not available:
            broken = ui.app.available_modules(ui.app.modules_installed)
            body.addWidget(
                label(
                    "业务模块加载失败，无法添加或登录单位。请使用安装程序修复。"
                    if broken
                    else "本机安装的业务模块在所选地区均未开通，无法添加单位。"
                    "请联系主管税务机关或安装已开通的业务模块。",
                    "label_no_modules",
                    "error",
                )
            )

        tools = QHBoxLayout()
        self.btn_add = button("添加", "btn_add_unit", primary=True)
        tools.addWidget(self.btn_add)
        tools.addStretch(1)
        tools.addWidget(label("搜索："))
        self.search = QLineEdit(objectName="edit_unit_search")
        self.search.setPlaceholderText("请输入纳税人识别号/纳税人名称/备注关键字")
        self.search.setMinimumWidth(320)
        tools.addWidget(self.search)
        self.btn_reset = button("重置", "btn_unit_search_reset")
        tools.addWidget(self.btn_reset)
        body.addLayout(tools)

        self.table = QTableWidget(0, len(COLUMNS), objectName="table_units")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        head = self.table.horizontalHeader()
        for col, width in enumerate((50, 180, 280, 250, 270, 150, 70)):
            self.table.setColumnWidth(col, width)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        body.addWidget(self.table, 1)
        self.empty_hint = label("", "label_units_empty")
        body.addWidget(self.empty_hint)

        self.btn_add.clicked.connect(lambda: self.add_requested.emit(self.kind))
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.btn_reset.clicked.connect(self.search.clear)
        self.table.itemChanged.connect(self._remark_edited)
        self.btn_add.setEnabled(bool(available))
        self.kind = available[0] if available else "employer"
        if available:
            self.set_kind(self.kind)

    def open_network_settings(self) -> None:
        NetworkSettingsDialog(self.ui, self).exec()

    def set_kind(self, kind: str) -> None:
        """用人单位 / 代收单位 switch."""
        self.kind = kind
        b = self.switch_buttons.get(kind)
        if b is not None:
            b.setChecked(True)  # type: ignore[attr-defined]
        self.refresh()

    def refresh(self) -> None:
        self.units = self.ui.app.app_db.units(self.kind, self.search.text())
        self._filling = True
        self.table.setRowCount(len(self.units))
        for row, unit in enumerate(self.units):
            values = (
                str(row + 1),
                unit.taxpayer_id,
                unit.taxpayer_name,
                unit.tax_authority,
                unit.tax_section,
                unit.remark,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if col != REMARK_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
            login = button("登录", f"btn_login_{row}", link=True)
            login.clicked.connect(lambda _c=False, u=unit: self.login_requested.emit(u))
            self.table.setCellWidget(row, len(COLUMNS) - 1, login)
        self._filling = False
        if self.units:
            self.empty_hint.setText("")
        elif self.search.text().strip():
            self.empty_hint.setText("没有找到符合条件的单位，请修改搜索关键字或点击【重置】。")
        else:
            self.empty_hint.setText(
                f"还没有添加{MODULE_TITLES.get(self.kind, '')}，请点击【添加】注册单位的参保登记信息。"
            )

    def _remark_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != REMARK_COLUMN:
            return
        unit = self.units[item.row()]
        self.ui.app.app_db.set_remark(unit.id, item.text())

    def set_remark(self, row: int, text: str) -> None:
        """Edit 备注 in place as a clerk would (tests use this too)."""
        self.table.item(row, REMARK_COLUMN).setText(text)

    def login_button(self, row: int) -> object:
        return self.table.cellWidget(row, len(COLUMNS) - 1)
