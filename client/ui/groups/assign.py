"""编辑人员信息 (manual §2.2 七): choose one person's 分组; and the roster's 批量编辑分组
actions (下载批量编辑职工分组模板, 批量编辑职工分组导入)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from client.errors import user_message
from client.groups.imports import (
    PEOPLE,
    apply_assignments,
    assignment_spec,
    read_assignments,
    write_assignment_template,
)
from client.groups.rules import GroupRuleError
from client.groups.service import GroupService
from client.storage.unit_db import UnitDatabase
from client.ui.context import UiServices
from client.ui.import_flow import ImportFlow, ask_open_path, ask_save_path
from client.ui.widgets.common import button, label

NO_GROUP = "无分组"


class AssignGroupDialog(QDialog):
    """分组 drop-down with every group of the unit (and 无分组); 确定 saves, 取消 does not."""

    def __init__(
        self,
        ui: UiServices,
        service: GroupService,
        record_id: int,
        parent: QWidget | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = ui
        self.service = service
        self.record_id = record_id
        self.setObjectName("dialog_assign_group")
        self.setWindowTitle("编辑人员信息")
        self.setModal(True)
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        shown = name if name is not None else service.record_name(record_id) or ""
        form.addRow("姓名:", label(shown, "label_assign_name"))
        self.combo = QComboBox()
        self.combo.setObjectName("combo_group")
        self.combo.setMinimumWidth(260)
        self.combo.addItem(NO_GROUP, None)
        for node in service.flat():
            self.combo.addItem(node.path, node.id)
        current = service.group_of(record_id)
        if current is not None:
            self.combo.setCurrentIndex(self.combo.findData(current.id))
        form.addRow("分组:", self.combo)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.btn_ok = button("确定", "btn_assign_ok", primary=True)
        self.btn_ok.setDefault(True)
        self.btn_ok.clicked.connect(self.accept)
        self.btn_cancel = button("取消", "btn_assign_cancel")
        self.btn_cancel.clicked.connect(self.reject)
        buttons.addWidget(self.btn_ok)
        buttons.addWidget(self.btn_cancel)
        layout.addLayout(buttons)

    def choose(self, path: str | None) -> None:
        """Select a group by its path (None: 无分组)."""
        index = self.combo.findText(path or NO_GROUP)
        if index < 0:
            raise KeyError(path)
        self.combo.setCurrentIndex(index)

    def accept(self) -> None:
        group_id = self.combo.currentData()
        try:
            self.service.assign([self.record_id], group_id)
        except GroupRuleError as exc:
            self.ui.prompts.warning(self, exc.message, title="编辑人员信息")
            return
        except Exception as exc:
            self.ui.prompts.error(self, user_message(exc), title="编辑人员信息")
            return
        super().accept()


def download_assignment_template(
    ui: UiServices, parent: QWidget | None, table: str = "employees", path: str | None = None
) -> str | None:
    """下载批量编辑职工分组模板 (or 城乡居民): save the empty template where the user says."""
    spec = assignment_spec(table)
    chosen = path or ask_save_path(parent, f"下载{spec.title}模板", spec.file_name)
    if not chosen:
        return None
    try:
        write_assignment_template(chosen, table)
    except Exception as exc:
        ui.prompts.error(parent, user_message(exc), title=f"下载{spec.title}模板")
        return None
    ui.prompts.info(parent, f"模板已下载，请在模板中填写{PEOPLE[table]}的分组后导入。")
    return chosen


def start_assignment_import(
    ui: UiServices,
    parent: QWidget | None,
    db: UnitDatabase,
    table: str = "employees",
    path: str | None = None,
    id_types: dict[str, str] | None = None,
    on_applied: Callable[[int], None] | None = None,
) -> ImportFlow[int] | None:
    """批量编辑职工分组导入: check the file, preview, and give the confirmed rows their group.
    `on_applied(count)` runs after the rows were written (e.g. to refresh the list)."""
    spec = assignment_spec(table)
    chosen = path or ask_open_path(parent, f"{spec.title}导入")
    if not chosen:
        return None
    service = GroupService(db)
    flow: ImportFlow[int] = ImportFlow(
        ui,
        parent,
        f"{spec.title}导入",
        lambda ctx: read_assignments(db, chosen, table, ctx, id_types),
        lambda rows, ctx: apply_assignments(service, rows),
        lambda count: f"导入成功，已为{count}名{PEOPLE[table]}设置分组。",
        on_applied,
    )
    flow.start()
    return flow
