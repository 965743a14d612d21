"""编辑人员信息 of a 城乡居民 (manual §3.2 九): 手机号码, 分组 and 备注; 确定 saves, 取消 (or Esc,
or the title bar's close) keeps nothing."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from client.errors import user_message
from client.groups.service import GroupService
from client.roster.resident_fields import MAX_REMARK, ResidentEditError, ResidentFieldStore
from client.ui.context import UiServices
from client.ui.widgets.common import button, label

NO_GROUP = "无分组"
TITLE = "编辑人员信息"


class ResidentEditDialog(QDialog):
    def __init__(
        self,
        ui: UiServices,
        store: ResidentFieldStore,
        groups: GroupService,
        record_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.store = store
        self.record_id = record_id
        current = store.get(record_id)
        self.setObjectName("dialog_resident_edit")
        self.setWindowTitle(TITLE)
        self.setModal(True)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("姓名:", label(current.name, "label_edit_name"))
        self.edit_phone = QLineEdit(current.phone)
        self.edit_phone.setObjectName("edit_phone")
        self.edit_phone.setMaxLength(11)
        self.edit_phone.setPlaceholderText("11位手机号码")
        form.addRow("手机号码:", self.edit_phone)
        self.combo_group = QComboBox()
        self.combo_group.setObjectName("combo_group")
        self.combo_group.setMinimumWidth(260)
        self.combo_group.addItem(NO_GROUP, None)
        for node in groups.flat():
            self.combo_group.addItem(node.path, node.id)
        if current.group_id is not None:
            self.combo_group.setCurrentIndex(max(self.combo_group.findData(current.group_id), 0))
        form.addRow("分组:", self.combo_group)
        self.edit_remark = QLineEdit(current.remark)
        self.edit_remark.setObjectName("edit_remark")
        self.edit_remark.setMaxLength(MAX_REMARK)
        form.addRow("备注:", self.edit_remark)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_ok = button("确定", "btn_edit_ok", primary=True)
        self.btn_ok.setDefault(True)
        self.btn_ok.clicked.connect(self.accept)
        self.btn_cancel = button("取消", "btn_edit_cancel")
        self.btn_cancel.clicked.connect(self.reject)
        buttons.addWidget(self.btn_ok)
        buttons.addWidget(self.btn_cancel)
        layout.addLayout(buttons)

    def choose_group(self, path: str | None) -> None:
        """Select a group by its path (None: 无分组)."""
        index = self.combo_group.findText(path or NO_GROUP)
        if index < 0:
            raise KeyError(path)
        self.combo_group.setCurrentIndex(index)

    def accept(self) -> None:
        try:
            self.store.save(
                self.record_id,
                self.edit_phone.text(),
                self.combo_group.currentData(),
                self.edit_remark.text(),
            )
        except ResidentEditError as exc:
            self.ui.prompts.warning(self, exc.message, title=TITLE)
            focus = {"phone": self.edit_phone, "remark": self.edit_remark}.get(exc.field or "")
            if focus is not None:
                focus.setFocus()
            return
        except Exception as exc:
            self.ui.prompts.error(self, user_message(exc), title=TITLE)
            return
        super().accept()
