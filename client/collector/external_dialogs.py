"""The dialogs of 外部参保城乡居民导入 (manual §3.3 三、八、九): 添加 (the three facts, each
starred, 确定 enabled once all are filled; the person is looked up before the dialog
closes), 查看 (the registration, read only) and 编辑 (手机号码, 分组, 备注)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from client.collector.external import AddResult, ExternalDetail, ExternalError
from client.collector.persons import PersonError
from client.errors import user_message
from client.jobs import Job, JobCancelled, JobContext
from client.roster.resident_fields import MAX_REMARK
from client.ui.authorisation.three_facts import fact_rows
from client.ui.dialogs.detail import DetailSection, DetailTable
from client.ui.jobs import JobHandle
from client.ui.listpage import Column
from client.ui.widgets.common import button, label

if TYPE_CHECKING:
    from client.collector.external_page import ExternalResidentsPage

ADD_TITLE = "添加外部参保城乡居民"
EDIT_TITLE = "编辑人员信息"
NO_GROUP = "无分组"
FIELD_WIDTH = 280


class AddResidentDialog(QDialog):
    """添加: 姓名*, 证件类型*, 证件号码*; 确定 looks the person up and adds them."""

    def __init__(self, page: ExternalResidentsPage) -> None:
        super().__init__(page)
        self.page = page
        self.setObjectName("dialog_add_external_resident")
        self.setWindowTitle(ADD_TITLE)
        self.setModal(True)
        self.setMinimumWidth(440)
        self.handle: JobHandle[AddResult] | None = None
        self.result_value: AddResult | None = None

        layout = QVBoxLayout(self)
        form, self.edit_name, self.combo_id_type, self.edit_id_number = fact_rows(page.id_types)
        layout.addLayout(form)
        layout.addWidget(label("确定后系统会自动从管理子系统获取该居民的参保登记信息。",
                               "label_add_hint", "hint"))  # fmt: skip
        self.label_error = label("", "label_add_error", "error")
        layout.addWidget(self.label_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_ok = button("确定", "btn_add_ok", primary=True)
        self.btn_ok.setDefault(True)
        self.btn_cancel = button("取消", "btn_add_cancel")
        buttons.addWidget(self.btn_ok)
        buttons.addWidget(self.btn_cancel)
        layout.addLayout(buttons)
        self.btn_ok.clicked.connect(self.submit)
        self.btn_cancel.clicked.connect(self.reject)
        for edit in (self.edit_name, self.edit_id_number):
            edit.textChanged.connect(self._complete_changed)
            edit.returnPressed.connect(self.submit)
        self._complete_changed()

    @property
    def complete(self) -> bool:
        return bool(self.edit_name.text().strip() and self.edit_id_number.text().strip()
                    and self.combo_id_type.currentData())  # fmt: skip

    def _complete_changed(self) -> None:
        self.btn_ok.setEnabled(self.complete)

    def fill(self, name: str, id_type: str, id_number: str) -> None:
        self.edit_name.setText(name)
        self.combo_id_type.setCurrentIndex(self.combo_id_type.findData(id_type))
        self.edit_id_number.setText(id_number)

    def submit(self) -> JobHandle[AddResult] | None:
        if not self.complete or (self.handle is not None and not self.handle.done):
            return None
        self.label_error.setText("")
        name, id_number = self.edit_name.text(), self.edit_id_number.text()
        id_type = self.combo_id_type.currentData()
        service = self.page.service

        def run(ctx: JobContext) -> AddResult:
            return service.add_one(name, id_type, id_number, ctx)

        self.btn_ok.setEnabled(False)
        self.handle = self.page.runner.run(
            Job("正在获取参保登记信息", run), self._added, self._failed
        )
        return self.handle

    def _added(self, result: AddResult) -> None:
        self.result_value = result
        self.accept()
        self.page.added(result)

    def _failed(self, error: BaseException) -> None:
        self._complete_changed()
        if isinstance(error, JobCancelled):
            self.label_error.setText("已取消，未添加该居民。")
            return
        self.label_error.setText(user_message(error))
        field = error.field if isinstance(error, PersonError) else None
        widget = {"name": self.edit_name, "id_type": self.combo_id_type}.get(
            field or "", self.edit_id_number
        )
        widget.setFocus()


class EditResidentDialog(QDialog):
    """编辑 of a 正常参保 person: 手机号码, 分组, 备注; 确定 saves, 取消 keeps nothing."""

    def __init__(
        self,
        parent: QWidget,
        row: Mapping[str, Any],
        groups: list[tuple[str, int]],
        save: Callable[[str, int | None, str], None],
    ) -> None:
        super().__init__(parent)
        self.save = save
        self.setObjectName("dialog_edit_external_resident")
        self.setWindowTitle(EDIT_TITLE)
        self.setModal(True)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("姓名：", label(str(row["name"]), "label_edit_name"))
        form.addRow("证件号码：", label(str(row["id_number"]), "label_edit_id_number"))
        self.edit_phone = QLineEdit(row.get("phone") or "")
        self.edit_phone.setObjectName("edit_phone")
        self.edit_phone.setMaxLength(11)
        self.combo_group = QComboBox()
        self.combo_group.setObjectName("combo_group")
        self.combo_group.addItem(NO_GROUP, None)
        for path, group_id in groups:
            self.combo_group.addItem(path, group_id)
        if row.get("group_id") is not None:
            self.combo_group.setCurrentIndex(max(self.combo_group.findData(row["group_id"]), 0))
        self.edit_remark = QPlainTextEdit(row.get("remark") or "")
        self.edit_remark.setObjectName("edit_remark")
        self.edit_remark.setTabChangesFocus(True)
        self.edit_remark.setFixedHeight(70)
        for widget in (self.edit_phone, self.combo_group, self.edit_remark):
            widget.setMinimumWidth(FIELD_WIDTH)
        form.addRow("手机号码：", self.edit_phone)
        form.addRow("分组：", self.combo_group)
        form.addRow(f"备注（{MAX_REMARK}字以内）：", self.edit_remark)
        layout.addLayout(form)
        self.label_error = label("", "label_edit_error", "error")
        layout.addWidget(self.label_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_ok = button("确定", "btn_edit_ok", primary=True)
        self.btn_ok.setDefault(True)
        self.btn_cancel = button("取消", "btn_edit_cancel")
        buttons.addWidget(self.btn_ok)
        buttons.addWidget(self.btn_cancel)
        layout.addLayout(buttons)
        self.btn_ok.clicked.connect(self.accept)
        self.btn_cancel.clicked.connect(self.reject)
        self.edit_phone.returnPressed.connect(self.accept)

    def accept(self) -> None:
        try:
            self.save(self.edit_phone.text(), self.combo_group.currentData(),
                      self.edit_remark.toPlainText())  # fmt: skip
        except ExternalError as exc:
            self.label_error.setText(exc.message)
            return
        super().accept()


ITEM_COLUMNS = (
    Column("person_number", "人员编号", 120),
    Column("levy_item", "征收项目", 180),
    Column("levy_category", "征收品目", 220),
    Column("levy_subcategory", "征收子目", 180),
    Column("start_month", "开始缴费月份", 100, kind="month"),
    Column("end_month", "终止缴费月份", 100, kind="month"),
)


def detail_sections(
    detail: ExternalDetail, id_type: Callable[[Any], str], names: Any
) -> list[DetailSection]:
    """查看城乡居民参保明细: 基本信息 and the 参保险种 as registered; all read only."""
    row = detail.row
    basic = DetailSection(
        "基本信息",
        fields=[
            ("姓名", row["name"]), ("证件类型", id_type(row["id_type"])),
            ("证件号码", row["id_number"]), ("性别", row["gender"]),
            ("出生日期", row["birth_date"]), ("人员编号", row["person_number"]),
            ("乡镇街道", row["township"]), ("社区村组", row["village"]),
            ("登记状态", row["status"]), ("手机号码", row["phone"]), ("分组", detail.group),
            ("备注", row["remark"]),
        ],
    )  # fmt: skip
    items = [
        {**item,
         "levy_item": names.levy_item(item["levy_item"]) or item["levy_item"],
         "levy_category": names.levy_category(item["levy_category"]) or item["levy_category"],
         "levy_subcategory": names.levy_subcategory(item["levy_subcategory"])
         or item["levy_subcategory"]}
        for item in detail.items
    ]  # fmt: skip
    insured = DetailSection("参保信息", tables=[DetailTable(ITEM_COLUMNS, items, "参保险种")])
    return [basic, insured]
